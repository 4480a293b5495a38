"""Deal registration use cases: they flush and raise DomainError; the caller commits once.

At most one registration of a deal is approved and unexpired, whatever runs at the
same time on however many workers and hosts. Every use case that can change who is
protected first takes the database lock of the deal's product line
(:func:`portal.locking.hold`), then re-reads what it decides on: deciders of one
product line queue up, and each sees what the previous one committed. A fuzzy
customer match cannot be a unique key, so the lock, not an index, is the guard.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, text, union

from deal_registration.matching import Customer, Match, blocking_keys, match
from deal_registration.models import DealConflict, DealHistory, DealPolicy, DealRegistration
from partners.models import Territory
from partners.service import covers, parse_amount, territory_by_code
from portal import locking
from portal.audit import record, snapshot
from portal.auth.models import User
from portal.codes import PRODUCT_LINE
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db
from portal.notifications.service import notify
from portal.sql import insert_if_absent
from portal.types import utcnow

POLICY_FIELDS = ("protection_days", "extension_days", "max_extensions", "auto_approve", "name_match_threshold",
                 "deal_discount_percent")
_OPEN = text("status IN ('pending_review', 'conflict', 'approved')")  # the partial indexes' predicate


# Policy --------------------------------------------------------------------------------

def policy() -> DealPolicy:
    """The policy row, created with the defaults if someone deleted it."""
    current = db.session.get(DealPolicy, 1)
    if current is None:
        insert_if_absent(DealPolicy, id=1, protection_days=90, extension_days=30, max_extensions=1,
                         auto_approve=True, name_match_threshold=Decimal("0.90"), deal_discount_percent=Decimal("5"))
        current = db.session.get(DealPolicy, 1)
    return current


def update_policy(actor, **values) -> DealPolicy:
    current = policy()
    before = snapshot(current, POLICY_FIELDS)
    limits = {"protection_days": (1, 3650), "extension_days": (1, 3650), "max_extensions": (0, 20)}
    for field, (low, high) in limits.items():
        if field in values:
            if not low <= int(values[field]) <= high:
                raise ValidationFailed({field: _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)})
            setattr(current, field, int(values[field]))
    if "name_match_threshold" in values:
        threshold = Decimal(str(values["name_match_threshold"]))
        if not Decimal("0.5") <= threshold <= Decimal("1"):
            raise ValidationFailed({"name_match_threshold": _("Enter a number from 0.5 to 1.")})
        current.name_match_threshold = threshold
    if "deal_discount_percent" in values:
        current.deal_discount_percent = parse_amount(values["deal_discount_percent"], "deal_discount_percent",
                                                     maximum=Decimal(100))
    if "auto_approve" in values:
        current.auto_approve = bool(values["auto_approve"])
    db.session.flush()
    record(actor, "deal_policy.updated", current, before, snapshot(current, POLICY_FIELDS))
    return current


# Reading -------------------------------------------------------------------------------

def get_registration(actor, registration_id: int) -> DealRegistration:
    """Staff see every registration; a partner only its own (else 404, as if absent)."""
    registration = db.session.get(DealRegistration, registration_id)
    if registration is None or (actor.is_partner and registration.partner_id != actor.partner_id):
        raise NotFound()
    return registration


def customer_of(registration: DealRegistration) -> Customer:
    return Customer(registration.name_norm, registration.tax_id_norm, registration.domain_norm)


def _candidates(product_line: str, customer: Customer, keys: tuple[str, str, str]) -> list[DealRegistration]:
    """Open registrations sharing a blocking key, tax id or domain: indexed look-ups only."""
    R = DealRegistration
    conditions = [R.key_ab == keys[0], R.key_head == keys[1], R.key_tail == keys[2]]
    if customer.tax_id:
        conditions.append(R.tax_id_norm == customer.tax_id)
    if customer.domain:
        conditions.append(R.domain_norm == customer.domain)
    ids = union(*(select(R.id).where(R.product_line == product_line, _OPEN, c) for c in conditions)).subquery()
    return db.session.scalars(select(R).where(R.id.in_(select(ids.c.id))).order_by(R.created_at, R.id)).all()


def matches_of(product_line: str, customer: Customer, keys, now: datetime,
               exclude_id: int | None = None) -> list[tuple[DealRegistration, Match]]:
    """The *active* registrations of the same deal, with why each matched."""
    threshold = float(policy().name_match_threshold)
    found = []
    for candidate in _candidates(product_line, customer, keys):
        if candidate.id == exclude_id or not candidate.is_active(now):
            continue
        why = match(customer, customer_of(candidate), threshold)
        if why is not None:
            found.append((candidate, why))
    return found


def same_deal(registration: DealRegistration, now: datetime) -> list[tuple[DealRegistration, Match]]:
    keys = (registration.key_ab, registration.key_head, registration.key_tail)
    return matches_of(registration.product_line, customer_of(registration), keys, now, exclude_id=registration.id)


def own_duplicates(actor, company_name: str, product_line: str, tax_id: str = "", domain: str = "",
                   now: datetime | None = None) -> list[DealRegistration]:
    """The actor's partner's active registrations of the same deal: warned about before submitting."""
    if not actor.is_partner or not company_name.strip() or not PRODUCT_LINE.match(product_line or ""):
        return []
    who = Customer.of(company_name, tax_id, domain)
    found = matches_of(product_line, who, blocking_keys(company_name), now or utcnow())
    return [other for other, _why in found if other.partner_id == actor.partner_id]


# Changing state ------------------------------------------------------------------------

def lock_deal(product_line: str) -> None:
    locking.hold(f"deal:{product_line}")


def locked_registration(registration_id: int, actor) -> DealRegistration:
    """The registration, re-read after taking its deal lock (see the module docstring)."""
    registration = get_registration(actor, registration_id)
    lock_deal(registration.product_line)
    db.session.refresh(registration)
    return registration


def log(registration: DealRegistration, from_status: str | None, actor, action: str, now: datetime,
        note: str = "", notice: str | None = None) -> None:
    """A history entry, and a notification to the person who registered the deal."""
    db.session.add(DealHistory(registration=registration, at=now, actor_id=getattr(actor, "id", None),
                               action=action, from_status=from_status, to_status=registration.status, note=note))
    notify([registration.created_by], notice or f"deal.{registration.status}", link=f"/deals/{registration.id}",
           now=now, id=registration.id, customer=registration.company_name)


def transition(registration: DealRegistration, to_status: str, actor, action: str, now: datetime,
               note: str = "", reason: str | None = None) -> None:
    """Change status, with history and notification."""
    from_status = registration.status
    registration.status, registration.reason = to_status, reason
    log(registration, from_status, actor, action, now, note)


def protect(registration: DealRegistration, actor, now: datetime, action: str, note: str = "") -> None:
    """Approve from now on, for the policy's protection period."""
    registration.protection_expires_at = protection_from(now)
    registration.reminded_days = None
    transition(registration, "approved", actor, action, now, note)


def protection_from(now: datetime) -> datetime:
    return now + timedelta(days=policy().protection_days)


def protector(registration: DealRegistration, now: datetime) -> DealRegistration | None:
    """Another partner's registration that protects this deal now, if any."""
    return next((other for other, _why in same_deal(registration, now)
                 if other.partner_id != registration.partner_id and other.protects(now)), None)


def _require(registration: DealRegistration, *statuses: str) -> None:
    if registration.status not in statuses:
        raise DomainError("invalid_state", _("This action is not possible in the registration's current state."))


def require_owner(actor, registration: DealRegistration) -> None:
    if actor.partner_id != registration.partner_id:
        raise DomainError("forbidden", _("Only the registering partner may do this."), status=403)


def notify_managers(registration: DealRegistration, now: datetime) -> None:
    managers = db.session.scalars(select(User).where(User.role == "channel_manager", User.active.is_(True))).all()
    notify(managers, "deal.review_needed", link=f"/deals/{registration.id}", now=now,
           id=registration.id, customer=registration.company_name)


# Submission ----------------------------------------------------------------------------

def _validated(customer: dict, product_line: str, estimated_value, expected_close_date) -> tuple[Territory, Decimal]:
    errors = {}
    if not PRODUCT_LINE.match(product_line or ""):
        errors["product_line"] = _("Use 1 to 40 letters, digits, '-' or '_'.")
    if not Customer.of(customer.get("company_name", "")).name:
        errors["customer.company_name"] = _("Enter the customer's company name.")
    territory = territory_by_code(customer.get("territory_code") or "")
    if territory is None:
        errors["customer.territory_code"] = _("Unknown territory.")
    if not re.fullmatch(r"[A-Za-z]{2}", customer.get("country") or ""):
        errors["customer.country"] = _("Use a two-letter country code.")
    if not isinstance(expected_close_date, date):
        errors["expected_close_date"] = _("Enter a date.")
    try:
        value = parse_amount(estimated_value, "estimated_value")
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(errors)
    return territory, value


def register(actor, customer: dict, product_line: str, estimated_value, expected_close_date: date,
             description: str = "", now: datetime | None = None) -> DealRegistration:
    """Decide a new registration in the order API.md gives (see the module docstring)."""
    if not actor.is_partner:
        raise DomainError("forbidden", _("Only partners register deals."), status=403)
    territory, value = _validated(customer, product_line, estimated_value, expected_close_date)
    who = Customer.of(customer["company_name"], customer.get("tax_id"), customer.get("domain"))
    keys = blocking_keys(customer["company_name"])
    partner_id, territory_id = actor.partner_id, territory.id

    lock_deal(product_line)
    now = now or utcnow()
    matches = matches_of(product_line, who, keys, now)
    own = [other for other, _why in matches if other.partner_id == partner_id]
    if own:
        raise DomainError("duplicate_registration", _("Your organisation has already registered this deal."),
                          existing_id=own[0].id)

    others = [other for other, _why in matches]
    status, reason = _decision(others, partner_id, territory_id, now)
    registration = DealRegistration(
        partner_id=partner_id, created_by=actor, status=status, reason=reason,
        company_name=customer["company_name"].strip(), territory_id=territory_id,
        country=customer["country"].upper(), domain=customer.get("domain") or None,
        tax_id=customer.get("tax_id") or None, name_norm=who.name, tax_id_norm=who.tax_id, domain_norm=who.domain,
        key_ab=keys[0], key_head=keys[1], key_tail=keys[2], product_line=product_line, estimated_value=value,
        expected_close_date=expected_close_date, description=(description or "").strip(), created_at=now,
        protection_expires_at=protection_from(now) if status == "approved" else None,
        match_evidence=[why.as_evidence(other.id) for other, why in matches] or None,
    )
    db.session.add(registration)
    db.session.flush()
    log(registration, None, actor, "submitted", now)
    if status == "conflict":
        _group(registration, others, actor, now)
    if status in ("conflict", "pending_review"):
        notify_managers(registration, now)
    return registration


def _decision(others: list[DealRegistration], partner_id: int, territory_id: int,
              now: datetime) -> tuple[str, str | None]:
    """Steps 2 to 6 of API.md's order (step 1, the duplicate, is refused before)."""
    if any(other.protects(now) for other in others):
        return "rejected", "already_protected"
    if others:
        return "conflict", "competing_registration"
    if not covers(partner_id, territory_id):
        return "pending_review", "outside_territory"
    if not policy().auto_approve:
        return "pending_review", "awaiting_approval"
    return "approved", None


def _group(registration: DealRegistration, others: list[DealRegistration], actor, now: datetime) -> None:
    """Put every competing registration of the deal in one open conflict."""
    open_conflicts = sorted({o.conflict for o in others if o.conflict and o.conflict.status == "open"},
                            key=lambda c: c.id)
    conflict = open_conflicts[0] if open_conflicts else DealConflict(product_line=registration.product_line,
                                                                     created_at=now)
    for merged in open_conflicts[1:]:
        for member in list(merged.registrations):
            member.conflict = conflict
        merged.status, merged.resolved_at, merged.resolution_note = "resolved", now, f"merged into #{conflict.id}"
    registration.conflict = conflict
    for other in others:
        other.conflict = conflict
        if other.status == "pending_review":
            transition(other, "conflict", actor, "conflict", now, reason="competing_registration")
    db.session.flush()


# The owner's actions -------------------------------------------------------------------

def withdraw(actor, registration_id: int, now: datetime | None = None) -> DealRegistration:
    registration = locked_registration(registration_id, actor)
    require_owner(actor, registration)
    _require(registration, "pending_review", "conflict", "approved")
    transition(registration, "withdrawn", actor, "withdrawn", now or utcnow())
    return registration


def close(actor, registration_id: int, outcome: str, now: datetime | None = None) -> DealRegistration:
    if outcome not in ("won", "lost"):
        raise ValidationFailed({"outcome": _("Choose won or lost.")})
    now = now or utcnow()
    registration = locked_registration(registration_id, actor)
    require_owner(actor, registration)
    if not registration.protects(now):
        raise DomainError("invalid_state", _("Only an approved registration under protection can be closed."))
    transition(registration, outcome, actor, "closed", now)
    return registration


# Channel managers' decisions -----------------------------------------------------------

def approve(actor, registration_id: int, note: str = "", now: datetime | None = None) -> DealRegistration:
    now = now or utcnow()
    registration = locked_registration(registration_id, actor)
    _require(registration, "pending_review")
    if protector(registration, now) is not None:
        raise DomainError("already_protected", _("Another partner already holds protection for this deal."))
    protect(registration, actor, now, "approved", note)
    return registration


def reject(actor, registration_id: int, note: str, now: datetime | None = None) -> DealRegistration:
    if not (note or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    registration = locked_registration(registration_id, actor)
    _require(registration, "pending_review")
    transition(registration, "rejected", actor, "rejected", now or utcnow(), note.strip(), reason="rejected_by_manager")
    return registration


def open_conflicts() -> list[DealConflict]:
    return db.session.scalars(select(DealConflict).where(DealConflict.status == "open")
                              .order_by(DealConflict.created_at)).unique().all()


def resolve_conflict(actor, conflict_id: int, winner_id: int, note: str, now: datetime | None = None) -> DealConflict:
    """The winner is protected from now on; the others lose (``lost_conflict``)."""
    if not (note or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    conflict = db.session.get(DealConflict, conflict_id)
    if conflict is None:
        raise NotFound()
    lock_deal(conflict.product_line)
    db.session.refresh(conflict)
    if conflict.status != "open":
        raise DomainError("invalid_state", _("This conflict is already resolved."))
    contenders = [r for r in conflict.registrations if r.status == "conflict"]
    winner = next((r for r in contenders if r.id == winner_id), None)
    if winner is None:
        raise ValidationFailed({"winner_id": _("Choose one of the conflicting registrations.")})
    now = now or utcnow()
    if protector(winner, now) is not None:
        raise DomainError("already_protected", _("Another partner already holds protection for this deal."))
    for loser in contenders:
        if loser is not winner:
            transition(loser, "rejected", actor, "conflict_resolved", now, note.strip(), reason="lost_conflict")
    protect(winner, actor, now, "conflict_resolved", note.strip())
    conflict.status, conflict.resolved_at, conflict.resolved_by_id = "resolved", now, actor.id
    conflict.winner_id, conflict.resolution_note = winner.id, note.strip()
    return conflict

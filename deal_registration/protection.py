"""Extending protection, and appeals that move it: requests by partners, decided by
channel managers, under the same deal lock as every other change (see ``service``)."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from deal_registration.models import DealAppeal, ExtensionRequest
from deal_registration.service import (
    get_registration,
    locked_registration,
    log,
    notify_managers,
    policy,
    protect,
    require_owner,
    same_deal,
    transition,
)
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db
from portal.types import utcnow

APPEALABLE = ("already_protected", "lost_conflict")


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    return reason.strip()


# Extensions ----------------------------------------------------------------------------

def request_extension(actor, registration_id: int, reason: str, now: datetime | None = None) -> ExtensionRequest:
    reason, now = _reason(reason), now or utcnow()
    registration = locked_registration(registration_id, actor)
    require_owner(actor, registration)
    if not registration.protects(now):
        raise DomainError("invalid_state", _("Only an approved registration under protection can be extended."))
    asked = db.session.scalar(select(func.count()).select_from(ExtensionRequest).where(
        ExtensionRequest.registration_id == registration.id, ExtensionRequest.status == "pending"))
    if registration.extensions_used + asked >= policy().max_extensions:
        raise DomainError("extension_limit", _("No more extensions are allowed for this registration."))
    extension = ExtensionRequest(registration=registration, requested_by_id=actor.id, reason=reason, created_at=now)
    db.session.add(extension)
    db.session.flush()
    notify_managers(registration, now)
    return extension


def _pending(model, request_id: int, actor):
    """A pending extension request or appeal, re-read under its deal's lock."""
    found = db.session.get(model, request_id)
    if found is None:
        raise NotFound()
    locked_registration(found.registration_id, actor)
    db.session.refresh(found)
    if found.status != "pending":
        raise DomainError("invalid_state", _("This request is already decided."))
    return found


def approve_extension(actor, extension_id: int, now: datetime | None = None) -> ExtensionRequest:
    now = now or utcnow()
    extension = _pending(ExtensionRequest, extension_id, actor)
    registration = extension.registration
    if not registration.protects(now):
        raise DomainError("invalid_state", _("The registration is no longer under protection."))
    days = policy().extension_days
    registration.protection_expires_at += timedelta(days=days)
    registration.extensions_used += 1
    registration.reminded_days = None  # the reminders start over for the new end
    extension.decide("approved", actor, now)
    log(registration, registration.status, actor, "extended", now, _("+%(days)d days", days=days), "deal.extended")
    return extension


def reject_extension(actor, extension_id: int, now: datetime | None = None) -> ExtensionRequest:
    now = now or utcnow()
    extension = _pending(ExtensionRequest, extension_id, actor)
    extension.decide("rejected", actor, now)
    log(extension.registration, extension.registration.status, actor, "extension_rejected", now,
        notice="deal.extension_rejected")
    return extension


def pending_extensions() -> list[ExtensionRequest]:
    return db.session.scalars(select(ExtensionRequest).where(ExtensionRequest.status == "pending")
                              .order_by(ExtensionRequest.created_at)).all()


# Appeals -------------------------------------------------------------------------------

def appeal(actor, registration_id: int, reason: str, now: datetime | None = None) -> DealAppeal:
    """A rejected registration may be appealed once; it goes to the managers' queue."""
    reason, now = _reason(reason), now or utcnow()
    registration = get_registration(actor, registration_id)
    require_owner(actor, registration)
    if registration.status != "rejected" or registration.reason not in APPEALABLE:
        raise DomainError("invalid_state", _("Only a registration rejected because another partner holds the "
                                             "deal can be appealed."))
    appeal = DealAppeal(registration=registration, requested_by_id=actor.id, reason=reason, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(appeal)
    except IntegrityError:
        raise DomainError("appeal_exists", _("This registration has been appealed already.")) from None
    log(registration, registration.status, actor, "appealed", now, reason, notice="deal.pending_review")
    notify_managers(registration, now)
    return appeal


def overturn(actor, appeal_id: int, note: str, now: datetime | None = None) -> DealAppeal:
    """Move protection to the appellant; whoever held it loses it, with history on both."""
    note, now = _reason(note), now or utcnow()
    decided = _pending(DealAppeal, appeal_id, actor)
    appellant = decided.registration
    for holder, _why in same_deal(appellant, now):
        if holder.partner_id != appellant.partner_id and holder.protects(now):
            transition(holder, "rejected", actor, "protection_moved", now, note, reason="protection_moved")
    protect(appellant, actor, now, "appeal_overturned", note)
    decided.decide("overturned", actor, now)
    decided.decision_note = note
    return decided


def dismiss(actor, appeal_id: int, note: str, now: datetime | None = None) -> DealAppeal:
    note, now = _reason(note), now or utcnow()
    decided = _pending(DealAppeal, appeal_id, actor)
    decided.decide("dismissed", actor, now)
    decided.decision_note = note
    log(decided.registration, decided.registration.status, actor, "appeal_dismissed", now, note,
        notice="deal.appeal_dismissed")
    return decided


def pending_appeals() -> list[DealAppeal]:
    return db.session.scalars(select(DealAppeal).where(DealAppeal.status == "pending")
                              .order_by(DealAppeal.created_at)).all()

"""Managing territories, tiers and partner organisations (flush, never commit)."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import String, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from partners.models import Partner, PriceTier, Territory, partner_territories
from portal import cache
from portal.audit import record, snapshot
from portal.auth.roles import may_see_partner
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
PARTNER_FIELDS = ("name", "tier_code", "credit_limit", "status", "territory_codes")


def flush_unique(code: str, message: str) -> None:
    """Flush, turning a unique-constraint race into the API's 409 instead of a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(code, message) from exc


def parse_amount(value, field: str, *, places: int = 2, maximum: Decimal | None = None) -> Decimal:
    """A non-negative decimal with at most ``places`` decimals, or a 422 naming ``field``."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: _("Enter a number.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed({field: _("Enter a number that is zero or more.")})
    if -amount.as_tuple().exponent > places:
        raise ValidationFailed({field: _("Use at most %(n)d decimal places.", n=places)})
    if maximum is not None and amount > maximum:
        raise ValidationFailed({field: _("Enter a number no larger than %(n)s.", n=maximum)})
    return amount


# Territories ---------------------------------------------------------------------------

def territory_by_code(code: str) -> Territory | None:
    return db.session.scalar(select(Territory).where(Territory.code == code))


def all_territories() -> list[Territory]:
    """Every territory in tree order (parents before their children)."""
    return db.session.scalars(select(Territory).order_by(Territory.path)).all()


def _check_code(code: str, field: str = "code") -> str:
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ValidationFailed({field: _("Use 1 to 32 letters, digits, '-' or '_'.")})
    return code


def _parent(parent_code: str | None) -> Territory | None:
    if not parent_code:
        return None
    parent = territory_by_code(parent_code)
    if parent is None:
        raise ValidationFailed({"parent_code": _("Unknown territory.")})
    return parent


def create_territory(actor, code: str, name: str, parent_code: str | None = None) -> Territory:
    code = _check_code(code)
    if not (name or "").strip():
        raise ValidationFailed({"name": _("This field is required.")})
    parent = _parent(parent_code)
    territory = Territory(code=code, name=name.strip(), parent=parent,
                          path=f"{parent.path}/{code}" if parent else code)
    db.session.add(territory)
    flush_unique("code_taken", _("A territory with this code exists already."))
    record(actor, "territory.created", territory, after=snapshot(territory, ("code", "name", "path")))
    return territory


def update_territory(actor, territory: Territory, name: str, parent_code: str | None) -> Territory:
    """Rename and/or move a territory; its whole subtree moves with it."""
    before = snapshot(territory, ("name", "path"))
    parent = _parent(parent_code)
    if parent is not None and territory.contains(parent):
        raise ValidationFailed({"parent_code": _("A territory cannot move under itself.")})
    if (name or "").strip():
        territory.name = name.strip()
    new_path = f"{parent.path}/{territory.code}" if parent else territory.code
    if new_path != territory.path:
        old_path = territory.path
        db.session.execute(
            update(Territory)
            .where(Territory.path.startswith(old_path + "/", autoescape=True))
            .values(path=literal(new_path, String) + func.substr(Territory.path, len(old_path) + 1))
            .execution_options(synchronize_session=False)
        )
        cache.bump("partners")
        territory.parent, territory.path = parent, new_path
        db.session.flush()
        db.session.expire_all()
    record(actor, "territory.updated", territory, before, snapshot(territory, ("name", "path")))
    return territory


def covers(partner_id: int, territory_id: int) -> bool:
    """Whether the partner's territories include the territory or one of its ancestors (one query)."""
    own, target = aliased(Territory), aliased(Territory)
    return db.session.scalar(
        select(literal(True))
        .select_from(partner_territories.join(own, own.id == partner_territories.c.territory_id))
        .join(target, target.id == territory_id)
        .where(partner_territories.c.partner_id == partner_id,
               or_(target.path == own.path, target.path.like(own.path + "/%")))
        .limit(1)
    ) is not None


def territories_by_codes(codes: list[str], field: str = "territory_codes") -> list[Territory]:
    codes = [c.strip() for c in codes if c and c.strip()]
    found = db.session.scalars(select(Territory).where(Territory.code.in_(codes))).all() if codes else []
    missing = sorted(set(codes) - {t.code for t in found})
    if missing:
        raise ValidationFailed({field: _("Unknown territory: %(codes)s", codes=", ".join(missing))})
    return found


# Tiers ---------------------------------------------------------------------------------

def all_tiers() -> list[PriceTier]:
    return db.session.scalars(select(PriceTier).order_by(PriceTier.discount_percent, PriceTier.code)).all()


def tier_by_code(code: str) -> PriceTier | None:
    return db.session.scalar(select(PriceTier).where(PriceTier.code == code))


def put_tier(actor, code: str, discount_percent, name: str | None = None) -> PriceTier:
    """Create or update a tier (``PUT /price-tiers/{code}``)."""
    code = _check_code(code)
    discount = parse_amount(discount_percent, "discount_percent", maximum=Decimal(100))
    tier = tier_by_code(code)
    before = snapshot(tier, ("name", "discount_percent")) if tier else None
    if tier is None:
        tier = PriceTier(code=code, name=(name or code).strip(), discount_percent=discount)
        db.session.add(tier)
        flush_unique("code_taken", _("A tier with this code exists already."))
    else:
        tier.discount_percent = discount
        if name and name.strip():
            tier.name = name.strip()
        db.session.flush()
    record(actor, "tier.updated" if before else "tier.created", tier, before,
           snapshot(tier, ("name", "discount_percent")))
    return tier


# Partners ------------------------------------------------------------------------------

def _partner_state(partner: Partner) -> dict:
    state = snapshot(partner, ("name", "credit_limit", "status"))
    state["tier_code"] = partner.tier.code
    state["territory_codes"] = sorted(t.code for t in partner.territories)
    return state


def _require_tier(code: str) -> PriceTier:
    tier = tier_by_code(code or "")
    if tier is None:
        raise ValidationFailed({"tier": _("Unknown tier.")})
    return tier


def _require_name(name: str) -> str:
    if not (name or "").strip():
        raise ValidationFailed({"name": _("This field is required.")})
    return name.strip()


def create_partner(actor, name: str, tier: str, territory_codes: list[str],
                   credit_limit="0") -> Partner:
    partner = Partner(
        name=_require_name(name), tier=_require_tier(tier),
        territories=territories_by_codes(territory_codes),
        credit_limit=parse_amount(credit_limit or "0", "credit_limit"),
    )
    db.session.add(partner)
    db.session.flush()
    record(actor, "partner.created", partner, after=_partner_state(partner))
    return partner


def update_partner(actor, partner: Partner, **changes) -> Partner:
    """Apply the given changes (name, tier, territory_codes, credit_limit, status)."""
    before = _partner_state(partner)
    if "name" in changes:
        partner.name = _require_name(changes["name"])
    if "tier" in changes:
        partner.tier = _require_tier(changes["tier"])
    if "territory_codes" in changes:
        partner.territories = territories_by_codes(changes["territory_codes"])
    if "credit_limit" in changes:
        partner.credit_limit = parse_amount(changes["credit_limit"], "credit_limit")
    if "status" in changes:
        if changes["status"] not in ("active", "suspended"):
            raise ValidationFailed({"status": _("Choose active or suspended.")})
        partner.status = changes["status"]
    db.session.flush()
    after = _partner_state(partner)
    if after != before:
        record(actor, "partner.updated", partner, before, after)
    return partner


def get_partner(actor, partner_id: int) -> Partner:
    """The partner, if the actor may see it; otherwise 404, as if it did not exist."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or not may_see_partner(actor, partner.id):
        raise NotFound()
    return partner


def partner_summaries(*, partner_id: int | None = None, q: str = "", status: str | None = None,
                      page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """A page of partners as plain rows (tier and territory codes included) and the total.

    Integrations poll this list, so it is one statement whatever the page size
    (territories aggregated in SQL, the total from a window count) and its result is
    cached per process until a partner, tier or territory changes anywhere.
    """
    return cache.cached("partners", ("summaries", partner_id, q, status, page, per_page),
                        lambda: _query_summaries(partner_id, q, status, page, per_page))


def _query_summaries(partner_id, q, status, page, per_page) -> tuple[list[dict], int]:
    query = (
        select(Partner.id, Partner.name, Partner.status, Partner.credit_limit, Partner.created_at,
               PriceTier.code.label("tier"), PriceTier.name.label("tier_name"), PriceTier.discount_percent,
               func.aggregate_strings(Territory.code, ",").label("territory_codes"),
               func.count().over().label("total"))
        .join(PriceTier, Partner.tier_id == PriceTier.id)
        .outerjoin(partner_territories, partner_territories.c.partner_id == Partner.id)
        .outerjoin(Territory, Territory.id == partner_territories.c.territory_id)
        .group_by(Partner.id, PriceTier.id)
    )
    if partner_id is not None:
        query = query.where(Partner.id == partner_id)
    if q:
        query = query.where(Partner.name.ilike(f"%{q.strip()}%"))
    if status:
        query = query.where(Partner.status == status)
    rows = db.session.execute(
        query.order_by(Partner.name, Partner.id).limit(per_page).offset((page - 1) * per_page)
    ).mappings().all()
    total = rows[0]["total"] if rows else _count(query) if page > 1 else 0
    return [_summary(row) for row in rows], total


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _summary(row) -> dict:
    summary = dict(row)
    del summary["total"]
    codes = summary["territory_codes"]
    summary["territory_codes"] = sorted(codes.split(",")) if codes else []
    return summary


def partner_summary(actor, partner_id: int) -> dict:
    """One partner in the list's shape, if the actor may see it (else 404)."""
    if not may_see_partner(actor, partner_id):
        raise NotFound()
    summaries, _total = partner_summaries(partner_id=partner_id)
    if not summaries:
        raise NotFound()
    return summaries[0]

"""What people look at: lists, queues and figures (read-only)."""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from deal_registration.models import DealHistory, DealRegistration
from partners.models import Partner
from portal.extensions import db

PARTNER_FIGURES = ("registered", "approved", "won", "lost", "expired")


def registrations_for(actor, status: str | None = None, q: str = "", page: int = 1, per_page: int = 50):
    """A page of the registrations the actor may see (a partner: its own), newest first."""
    query = select(DealRegistration)
    if actor.is_partner:
        query = query.where(DealRegistration.partner_id == actor.partner_id)
    if status:
        query = query.where(DealRegistration.status == status)
    if q:
        query = query.where(DealRegistration.company_name.ilike(f"%{q.strip()}%"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(DealRegistration.created_at.desc(), DealRegistration.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


def status_counts(actor) -> dict[str, int]:
    """How many registrations the actor can see are in each status."""
    query = select(DealRegistration.status, func.count()).group_by(DealRegistration.status)
    if actor.is_partner:
        query = query.where(DealRegistration.partner_id == actor.partner_id)
    return dict(db.session.execute(query).all())


def pipeline(actor, now: datetime, days: int = 14) -> tuple:
    """The estimated value under protection now, and how many protections end within ``days``
    (a partner: its own), in one statement."""
    R = DealRegistration
    protected = (R.status == "approved") & (R.protection_expires_at > now)
    query = select(func.coalesce(func.sum(R.estimated_value).filter(protected), Decimal(0)),
                   func.count().filter(protected & (R.protection_expires_at <= now + timedelta(days=days))))
    if actor.is_partner:
        query = query.where(R.partner_id == actor.partner_id)
    return tuple(db.session.execute(query).one())


def history_of(registration: DealRegistration) -> list[DealHistory]:
    return db.session.scalars(select(DealHistory).where(DealHistory.registration_id == registration.id)
                              .order_by(DealHistory.at, DealHistory.id)).all()


def own_open_registrations(actor) -> list[DealRegistration]:
    """The partner's registrations that still count, to flag duplicates before submitting."""
    return db.session.scalars(select(DealRegistration).where(
        DealRegistration.partner_id == actor.partner_id,
        DealRegistration.status.in_(("pending_review", "conflict", "approved")))).all()


def pending_reviews() -> list[DealRegistration]:
    return db.session.scalars(select(DealRegistration).where(DealRegistration.status == "pending_review")
                              .order_by(DealRegistration.created_at)).all()


def expiring_soon(now: datetime, days: int = 14) -> list[DealRegistration]:
    return db.session.scalars(select(DealRegistration).where(
        DealRegistration.status == "approved", DealRegistration.protection_expires_at > now,
        DealRegistration.protection_expires_at <= now + timedelta(days=days))
        .order_by(DealRegistration.protection_expires_at)).all()


def partner_figures() -> list[dict]:
    """Per partner: registered, approved (now), won, lost, expired, and the win rate."""
    R = DealRegistration
    counts = [func.count(R.id).label("registered")] + [
        func.sum(case((R.status == status, 1), else_=0)).label(status) for status in PARTNER_FIGURES[1:]]
    rows = db.session.execute(
        select(Partner.id, Partner.name, *counts).join(R, R.partner_id == Partner.id)
        .group_by(Partner.id).order_by(func.count(R.id).desc(), Partner.name)
    ).mappings().all()
    figures = []
    for row in rows:
        closed = row["won"] + row["lost"]
        figures.append({**row, "win_rate": round(row["won"] / closed, 3) if closed else None})
    return figures

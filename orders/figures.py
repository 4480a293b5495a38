"""What the dashboards show of orders: a partner's open orders and credit, and for channel
managers the work waiting and each partner's contribution. One aggregate statement each."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select

from orders.models import Order
from orders.service import unpaid_on_terms
from partners.models import Partner
from portal.extensions import db

OPEN = ("awaiting_payment", "confirmed", "paid", "shipped")
CONTRIBUTION_DAYS = 90
CONTRIBUTORS_SHOWN = 10


class PartnerFigures(NamedTuple):
    open_orders: int
    owed: Decimal
    available: Decimal
    next_due: date | None  # None when nothing is owed


def for_partner(partner) -> PartnerFigures:
    """Open orders, what is owed on net terms, the credit still available and the next due date."""
    unpaid = unpaid_on_terms()
    open_orders, owed, next_due = db.session.execute(
        select(func.count().filter(Order.status.in_(OPEN)),
               func.coalesce(func.sum(Order.total).filter(unpaid), Decimal(0)),
               func.min(Order.due_date).filter(unpaid))
        .where(Order.partner_id == partner.id)).one()
    return PartnerFigures(open_orders, owed, max(partner.credit_limit - owed, Decimal(0)), next_due)


def for_channel() -> dict:
    """Orders waiting on staff (to ship) or on partners (card payment), and net-terms money out."""
    row = db.session.execute(select(
        func.count().filter(Order.status == "confirmed"), func.count().filter(Order.status == "paid"),
        func.count().filter(Order.status == "awaiting_payment"),
        func.coalesce(func.sum(Order.total).filter(unpaid_on_terms()), Decimal(0)))).one()
    return dict(zip(("confirmed", "paid", "awaiting_payment", "owed"), row, strict=True))


def contribution(now: datetime) -> list[tuple[str, Decimal]]:
    """The partners with the most ordered (not cancelled) in the last 90 days, largest first."""
    total = func.sum(Order.total).label("total")
    return [tuple(row) for row in db.session.execute(
        select(Partner.name, total).join(Order, Order.partner_id == Partner.id)
        .where(Order.created_at >= now - timedelta(days=CONTRIBUTION_DAYS), Order.status != "cancelled")
        .group_by(Partner.id, Partner.name).order_by(total.desc(), Partner.name).limit(CONTRIBUTORS_SHOWN))]

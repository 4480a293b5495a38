"""Placing, cancelling and shipping orders (flush, raise DomainError; the caller commits).

Placement locks the stock rows of every product it orders, in id order, as it reads
them (``portal.locking.rows``), then allocates across warehouses; net terms lock the
partner's row before summing what it owes. Reservations are conditional UPDATEs and a
CHECK keeps ``reserved <= on_hand``, so even a bug could not oversell. Status changes
are conditional UPDATEs too: of a cancel and a shipment racing, exactly one wins.
"""

from collections import OrderedDict
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import joinedload

from catalog import pricing
from catalog import service as catalog
from catalog.models import StockLevel, StockMovement
from deal_registration.models import DealRegistration
from deal_registration.service import policy as deal_policy
from orders.models import Allocation, Order, OrderCounter, OrderLine
from partners.models import Partner
from portal import audit, locking
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db
from portal.notifications.service import notify
from portal.signals import order_confirmed
from portal.sql import insert_if_absent
from portal.types import utcnow

NET_TERMS_DAYS = 30
UNPAID_HOURS = 48
OPEN_FOR_CREDIT = ("confirmed", "shipped", "delivered")


def get_order(actor, order_id: int) -> Order:
    """Staff see every order; a partner only its own (else 404, as if absent)."""
    order = db.session.get(Order, order_id)
    if order is None or (actor.is_partner and order.partner_id != actor.partner_id):
        raise NotFound()
    return order


def orders_for(actor, status: str | None = None, partner_id: int | None = None, q: str = "", page: int = 1,
               per_page: int = 50):
    """A page of orders, newest first, with their partners. A partner sees only its own
    (``partner_id`` is for staff); ``q`` matches the order number or the PO number."""
    query = select(Order)
    if actor.is_partner or partner_id:
        query = query.where(Order.partner_id == (actor.partner_id if actor.is_partner else partner_id))
    if status:
        query = query.where(Order.status == status)
    if q.strip():
        query = query.where(or_(Order.number.icontains(q.strip(), autoescape=True),
                                Order.po_number.icontains(q.strip(), autoescape=True)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.options(joinedload(Order.partner))
                               .order_by(Order.created_at.desc(), Order.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


def partner_choices() -> list[tuple[int, str]]:
    """(id, name) of every partner, by name: the staff's partner filter."""
    return [tuple(row) for row in db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name))]


# Placement -----------------------------------------------------------------------------

def _quantities(items: list[dict]) -> "OrderedDict[str, int]":
    """The ordered quantity per sku (a sku named twice adds up), or a 422 naming the bad item."""
    if not items:
        raise ValidationFailed({"items": _("Order at least one product.")})
    wanted: OrderedDict[str, int] = OrderedDict()
    for index, item in enumerate(items):
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ValidationFailed({f"items.{index}.quantity": _("Enter a whole number of 1 or more.")})
        wanted[item["sku"]] = wanted.get(item["sku"], 0) + quantity
    return wanted


def _deal(actor, registration_id: int | None, now: datetime) -> DealRegistration | None:
    """The caller's own approved (unexpired) or won registration, or a 422."""
    if registration_id is None:
        return None
    registration = db.session.get(DealRegistration, registration_id)
    if (registration is None or registration.partner_id != actor.partner_id
            or not (registration.protects(now) or registration.status == "won")):
        raise DomainError("invalid_deal_registration", _("Use an approved or won registration of your own."),
                          status=422, fields={"deal_registration_id": _("Not a registration you can use.")})
    return registration


class Level(NamedTuple):
    """One warehouse's stock of a product as read under the product's lock."""

    id: int
    product_id: int
    warehouse_id: int
    available: int


def _allocate(levels: list[Level], quantity: int) -> list[tuple[Level, int]] | None:
    """Take ``quantity`` from the warehouses with the most available first; None if short."""
    plan, left = [], quantity
    for level in sorted(levels, key=lambda s: (-s.available, s.id)):
        take = min(left, level.available)
        if take > 0:
            plan.append((level, take))
            left -= take
    return plan if left == 0 else None


def next_number(now: datetime) -> str:
    """``SO-2026-000123``: a per-year counter bumped by one UPDATE … RETURNING.

    Placement takes it last, after its other locks, so concurrent orders queue on the
    counter row only for their final inserts; an order that fails rolls its number back.
    """
    value = db.session.execute(_bump_counter(), {"of_year": now.year}).scalar()
    if value is None:  # the year's first order
        insert_if_absent(OrderCounter, year=now.year, value=0)
        value = db.session.execute(_bump_counter(), {"of_year": now.year}).scalar_one()
    return f"SO-{now.year}-{value:06d}"


def place(actor, items: list[dict], payment_method: str, deal_registration_id: int | None = None,
          po_number: str = "", now: datetime | None = None, create_payment=None) -> Order:
    """Price, reserve and record an order. ``create_payment(order)`` starts a card payment.

    Everything that does not need the locks (validation, prices) happens before them, so
    the locked part is short: read stock, check credit, number, write.
    """
    if not actor.is_partner:
        raise DomainError("forbidden", _("Only partners place orders."), status=403)
    if payment_method not in ("card", "net_terms"):
        raise ValidationFailed({"payment_method": _("Choose card or net terms.")})
    now = now or utcnow()
    wanted = _quantities(items)
    partner_id, user_id = actor.partner_id, actor.id
    deal = _deal(actor, deal_registration_id, now)
    lines = _priced_lines(actor, wanted, deal)

    plans = _plan(lines, _levels([line.product_id for line in lines]))
    total = sum((line.line_total for line in lines), Decimal(0))
    on_terms = payment_method == "net_terms"
    if on_terms:
        _check_credit(partner_id, total)
    order = Order(number=next_number(now), partner_id=partner_id, created_by_id=user_id,
                  payment_method=payment_method, po_number=(po_number or "").strip()[:60],
                  deal_registration_id=deal.id if deal else None, created_at=now, subtotal=total, total=total,
                  status="confirmed" if on_terms else "awaiting_payment",
                  due_date=(now + timedelta(days=NET_TERMS_DAYS)).date() if on_terms else None, lines=lines)
    db.session.add(order)
    db.session.flush()
    _reserve(order, plans, now, user_id)
    if create_payment is not None and payment_method == "card":
        order.payment_intent_id = create_payment(order)
    if order.status == "confirmed":
        order_confirmed.send(order, actor=actor, now=now)
    return order


def _priced_lines(actor, wanted, deal) -> list[OrderLine]:
    """The order's lines, priced from the products' cached price inputs."""
    products = catalog.price_inputs(list(wanted))
    unknown = [sku for sku in wanted if sku not in products]
    if unknown:
        raise ValidationFailed({"items": _("Unknown product: %(skus)s", skus=", ".join(unknown))})
    tier = catalog.tier_of(actor)
    deal_percent = deal_policy().deal_discount_percent if deal else Decimal(0)
    lines = []
    for sku, quantity in wanted.items():
        inputs = products[sku]
        price = price_line(inputs, tier, quantity, deal, deal_percent)
        lines.append(OrderLine(product_id=inputs.id, sku=sku, quantity=quantity, list_price=inputs.list_price,
                               unit_price=price.unit_price, deal_discount_percent=price.deal_percent,
                               line_total=price.line_total))
    return lines


def _levels(product_ids: list[int]) -> dict[int, list[Level]]:
    """Stock per warehouse, its rows locked until the order commits: concurrent orders for
    the same products queue here, and each reads what the previous one left."""
    levels = {pid: [] for pid in product_ids}
    rows = locking.rows(_levels_statement(), {"products": product_ids})
    for row in rows:
        levels[row.product_id].append(Level(*row))
    return levels


def _plan(lines: list[OrderLine], levels: dict[int, list[Level]]) -> dict[str, list[tuple[Level, int]]]:
    """Where each line's quantity comes from, or 409 ``insufficient_stock`` naming every short line."""
    plans, short = {}, []
    for line in lines:
        plans[line.sku] = _allocate(levels[line.product_id], line.quantity)
        if plans[line.sku] is None:
            short.append({"sku": line.sku, "requested": line.quantity,
                          "available": sum(level.available for level in levels[line.product_id])})
    if short:
        raise DomainError("insufficient_stock", _("Not enough stock for: %(skus)s",
                                                  skus=", ".join(s["sku"] for s in short)), short=short)
    return plans


class PricedLine(NamedTuple):
    quote: pricing.Quote
    deal_percent: Decimal
    unit_price: Decimal
    line_total: Decimal


def price_line(inputs: pricing.PriceInputs, tier: tuple, quantity: int, deal: DealRegistration | None,
               deal_percent: Decimal) -> PricedLine:
    """The tier's price at this quantity, less the deal's discount on the deal's product line.

    The cart and placement both price through here, so what the cart shows is what is charged.
    """
    quote = pricing.quote(inputs, *tier, quantity)
    extra = deal_percent if deal is not None and deal.product_line == inputs.product_line else Decimal(0)
    unit = pricing.less_percent(quote.unit_price, extra) if extra else quote.unit_price
    return PricedLine(quote, extra, unit, unit * quantity)


def unpaid_on_terms():
    """Net-terms orders that count against credit: confirmed (shipped, delivered) and not yet paid."""
    return (Order.payment_method == "net_terms") & Order.paid_at.is_(None) & Order.status.in_(OPEN_FOR_CREDIT)


def outstanding(partner_id: int) -> Decimal:
    """What the partner owes on net terms: confirmed orders not yet paid."""
    return db.session.scalar(_owed_statement(), {"partner": partner_id})


def _check_credit(partner_id: int, total: Decimal) -> None:
    """Under the partner's row lock, so two orders cannot both spend the same credit. The
    sum is a statement of its own: one started before the lock was granted would not see
    the order that held it."""
    limit = locking.rows(_credit_limit_statement(), {"partner": partner_id}).scalar_one()
    if outstanding(partner_id) + total > limit:
        raise DomainError("credit_limit_exceeded", _("This order would exceed your credit limit."))


def _reserve(order: Order, plans: dict, now: datetime, actor_id) -> None:
    """Reserve every planned quantity with one conditional UPDATE run for each warehouse in a
    single batch, then record the allocations and stock movements in one batch each. The
    WHERE (and a CHECK) make oversell impossible."""
    takes = [(line, level, take) for line in order.lines for level, take in plans[line.sku]]
    reserved = db.session.execute(_reserve_statement(),
                                  [{"level": level.id, "take": take} for _line, level, take in takes]).rowcount
    if reserved != len(takes):
        raise DomainError("insufficient_stock", _("Not enough stock for: %(skus)s",
                                                  skus=", ".join(line.sku for line in order.lines)))
    db.session.execute(insert(Allocation.__table__), [
        {"order_line_id": line.id, "stock_level_id": level.id, "quantity": take} for line, level, take in takes])
    db.session.execute(insert(StockMovement.__table__), [
        {"product_id": line.product_id, "warehouse_id": level.warehouse_id, "on_hand_change": 0,
         "reserved_change": take, "reason": "order", "actor_id": actor_id, "at": now}
        for line, level, take in takes])


# Placement's statements, built once: building one costs more than running it --------

@cache
def _bump_counter():
    return (update(OrderCounter).where(OrderCounter.year == bindparam("of_year"))
            .values(value=OrderCounter.value + 1).returning(OrderCounter.value))


@cache
def _levels_statement():
    return (select(StockLevel.id, StockLevel.product_id, StockLevel.warehouse_id,
                   StockLevel.on_hand - StockLevel.reserved)
            .where(StockLevel.product_id.in_(bindparam("products", expanding=True))).order_by(StockLevel.id))


@cache
def _credit_limit_statement():
    return select(Partner.credit_limit).where(Partner.id == bindparam("partner"))


@cache
def _owed_statement():
    return (select(func.coalesce(func.sum(Order.total), Decimal(0)))
            .where(Order.partner_id == bindparam("partner"), unpaid_on_terms()))


@cache
def _reserve_statement():
    stock = StockLevel.__table__
    take = bindparam("take")
    return (update(stock).where(stock.c.id == bindparam("level"), stock.c.on_hand - stock.c.reserved >= take)
            .values(reserved=stock.c.reserved + take))


# Afterwards ----------------------------------------------------------------------------

def _transition(order: Order, allowed: tuple[str, ...], to_status: str, actor, event: str | None = None,
                **values) -> bool:
    """Move the order only if it is still in an allowed state: races have one winner, and only
    the winner records ``order.<event>`` (the new status unless named) in the order's history."""
    changed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status.in_(allowed))
        .values(status=to_status, **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    if changed == 1:
        audit.record(actor, f"order.{event or to_status}", order, after=audit.snapshot(order, ("status", *values)))
    return changed == 1


def cancel(actor, order_id: int, now: datetime | None = None, reason: str = "cancellation") -> Order:
    """Before shipping, by the ordering partner or staff: the reservation is released."""
    order = get_order(actor, order_id)
    now = now or utcnow()
    if not _transition(order, ("awaiting_payment", "confirmed", "paid"), "cancelled", actor, cancelled_at=now):
        raise DomainError("invalid_state", _("Only an order not yet shipped can be cancelled."))
    _release(order, now, actor, reason)
    if not actor.is_partner:
        _tell_buyer(order, "order.cancelled", by=actor.name or actor.email)
    return order


def _release(order: Order, now: datetime, actor, reason: str, shipped: bool = False) -> None:
    """Give back what the order reserved; a shipment also takes it out of on hand.

    Rows are updated in stock row order, the order placement locks them in, so this never
    deadlocks with a placement. Each movement is recorded in one batch at the end.
    """
    stock, movements = StockLevel.__table__, []
    taken = sorted(((line, allocation) for line in order.lines for allocation in line.allocations),
                   key=lambda pair: pair[1].stock_level_id)
    for line, allocation in taken:
        change = -allocation.quantity
        values = {"reserved": stock.c.reserved + change, **({"on_hand": stock.c.on_hand + change} if shipped else {})}
        warehouse_id = db.session.execute(update(stock).where(stock.c.id == allocation.stock_level_id).values(values)
                                          .returning(stock.c.warehouse_id)).scalar_one()
        movements.append({"product_id": line.product_id, "warehouse_id": warehouse_id, "reason": reason, "at": now,
                          "actor_id": getattr(actor, "id", None), "reserved_change": change,
                          "on_hand_change": change if shipped else 0})
    db.session.execute(insert(StockMovement.__table__), movements)


def ship(actor, order_id: int, carrier: str, tracking_number: str, now: datetime | None = None) -> Order:
    """The goods leave: reserved stock leaves on hand too."""
    if not (carrier or "").strip() or not (tracking_number or "").strip():
        raise ValidationFailed({"carrier": _("Give the carrier and the tracking number.")})
    order = get_order(actor, order_id)
    now = now or utcnow()
    if not _transition(order, ("confirmed", "paid"), "shipped", actor, shipped_at=now, carrier=carrier.strip()[:60],
                       tracking_number=tracking_number.strip()[:80]):
        raise DomainError("invalid_state", _("Only a confirmed or paid order can be shipped."))
    _release(order, now, actor, "shipment", shipped=True)
    _tell_buyer(order, "order.shipped", carrier=order.carrier, tracking=order.tracking_number)
    return order


def _tell_buyer(order: Order, kind: str, **params) -> None:
    """Whoever placed the order hears of what others did to it (see ``orders.notices``)."""
    notify([order.created_by], kind, link=f"/orders/{order.id}", number=order.number, **params)


def deliver(actor, order_id: int, now: datetime | None = None) -> Order:
    order = get_order(actor, order_id)
    if not _transition(order, ("shipped",), "delivered", actor):
        raise DomainError("invalid_state", _("Only a shipped order can be delivered."))
    return order


def record_payment(actor, order_id: int, now: datetime | None = None) -> Order:
    """Staff record that a net-terms order was paid; its amount stops counting against credit."""
    order = get_order(actor, order_id)
    now = now or utcnow()
    if order.payment_method != "net_terms" or order.paid_at is not None or order.status == "cancelled":
        raise DomainError("invalid_state", _("Only an unpaid net-terms order can be marked paid."))
    changed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.paid_at.is_(None), Order.status != "cancelled")
        .values(paid_at=now, status=case((Order.status == "confirmed", "paid"), else_=Order.status))
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    if changed != 1:
        raise DomainError("invalid_state", _("Only an unpaid net-terms order can be marked paid."))
    audit.record(actor, "order.paid", order, after=audit.snapshot(order, ("status", "paid_at")))
    return order


def balances() -> list[dict]:
    """Per partner: credit limit, unpaid net-terms amount, and the earliest due date."""
    rows = db.session.execute(
        select(Partner.id, Partner.name, Partner.credit_limit, func.coalesce(func.sum(Order.total), 0).label("owed"),
               func.min(Order.due_date).label("next_due"))
        .outerjoin(Order, (Order.partner_id == Partner.id) & unpaid_on_terms())
        .group_by(Partner.id).order_by(Partner.name)).mappings().all()
    return [dict(row) for row in rows]


def mark_paid(order: Order, actor=None, now: datetime | None = None) -> bool:
    """Paid once: a second call (a redelivered event, a double click) changes nothing."""
    now = now or utcnow()
    if not _transition(order, ("awaiting_payment", "confirmed"), "paid", actor, paid_at=now):
        return False
    order_confirmed.send(order, actor=actor, now=now)
    return True


def record_failure(order: Order, message: str, now: datetime | None = None) -> bool:
    """Keep the card's last failure for the order page, which offers a retry; only while unpaid."""
    return _transition(order, ("awaiting_payment",), "awaiting_payment", None, "payment_failed",
                       payment_error=message[:300], payment_failed_at=now or utcnow())


def cancel_unpaid(now: datetime) -> int:
    """Card orders still unpaid after 48 hours are cancelled and their stock released."""
    due = db.session.scalars(select(Order.id).where(Order.status == "awaiting_payment",
                                                    Order.created_at <= now - timedelta(hours=UNPAID_HOURS))).all()
    cancelled = 0
    for order_id in due:
        order = db.session.get(Order, order_id)
        if _transition(order, ("awaiting_payment",), "cancelled", None, cancelled_at=now):
            _release(order, now, None, "unpaid_cancellation")
            _tell_buyer(order, "order.cancelled_unpaid")
            cancelled += 1
    return cancelled

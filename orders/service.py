"""Placing, cancelling and shipping orders (flush, raise DomainError; the caller commits).

Placement takes the database locks of every product it orders (and of the partner's
credit for net terms) in one sorted sweep (``portal.locking.hold``), then reads stock
and allocates it across warehouses. Reservations are conditional UPDATEs and a CHECK
keeps ``reserved <= on_hand``, so even a bug could not oversell. Status changes are
conditional UPDATEs too: of a cancel and a shipment racing, exactly one wins.
"""

from collections import OrderedDict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from catalog import pricing
from catalog.models import Product, StockLevel, StockMovement
from catalog.service import tier_of
from deal_registration.models import DealRegistration
from deal_registration.service import policy as deal_policy
from orders.models import Allocation, Order, OrderCounter, OrderLine
from partners.models import Partner
from portal import locking
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db
from portal.signals import order_confirmed
from portal.sql import insert_if_absent_statement
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


def orders_for(actor, status: str | None = None, page: int = 1, per_page: int = 50):
    query = select(Order)
    if actor.is_partner:
        query = query.where(Order.partner_id == actor.partner_id)
    if status:
        query = query.where(Order.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Order.created_at.desc(), Order.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


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


def _allocate(levels: list[StockLevel], quantity: int) -> list[tuple[StockLevel, int]] | None:
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

    It runs in a transaction of its own, committed at once, so placements do not queue on
    the counter row; an order that then fails leaves a gap in the numbers, never a repeat.
    """
    with db.engine.begin() as conn:
        conn.execute(insert_if_absent_statement(conn, OrderCounter, year=now.year, value=0))
        value = conn.execute(update(OrderCounter).where(OrderCounter.year == now.year)
                             .values(value=OrderCounter.value + 1).returning(OrderCounter.value)).scalar_one()
    return f"SO-{now.year}-{value:06d}"


def place(actor, items: list[dict], payment_method: str, deal_registration_id: int | None = None,
          po_number: str = "", now: datetime | None = None, create_payment=None) -> Order:
    """Price, reserve and record an order. ``create_payment(order)`` starts a card payment."""
    if not actor.is_partner:
        raise DomainError("forbidden", _("Only partners place orders."), status=403)
    if payment_method not in ("card", "net_terms"):
        raise ValidationFailed({"payment_method": _("Choose card or net terms.")})
    wanted = _quantities(items)
    partner_id, user_id = actor.partner_id, actor.id
    products = {p.sku: p for p in db.session.scalars(
        select(Product).where(Product.sku.in_(list(wanted)), Product.active.is_(True)))}
    unknown = [sku for sku in wanted if sku not in products]
    if unknown:
        raise ValidationFailed({"items": _("Unknown product: %(skus)s", skus=", ".join(unknown))})
    product_ids = {sku: p.id for sku, p in products.items()}

    number = next_number(now or utcnow())
    locks = [f"stock:{pid}" for pid in product_ids.values()]
    locking.hold(*locks, *([f"credit:{partner_id}"] if payment_method == "net_terms" else []))
    now = now or utcnow()
    deal = _deal(actor, deal_registration_id, now)
    products = {p.sku: p for p in db.session.scalars(  # as of the lock, prices' inputs in two more queries
        select(Product).where(Product.id.in_(list(product_ids.values())))
        .options(selectinload(Product.tier_overrides), selectinload(Product.volume_breaks))
        .execution_options(populate_existing=True))}
    levels = {pid: [] for pid in product_ids.values()}
    for level in db.session.scalars(select(StockLevel).where(StockLevel.product_id.in_(list(levels)))
                                    .execution_options(populate_existing=True)):  # as of the lock, not before
        levels[level.product_id].append(level)

    plans, short = {}, []
    for sku, quantity in wanted.items():
        plans[sku] = _allocate(levels[product_ids[sku]], quantity)
        if plans[sku] is None:
            short.append({"sku": sku, "requested": quantity,
                          "available": sum(s.available for s in levels[product_ids[sku]])})
    if short:
        raise DomainError("insufficient_stock", _("Not enough stock for: %(skus)s",
                                                  skus=", ".join(s["sku"] for s in short)), short=short)

    order = Order(number=number, partner_id=partner_id, created_by_id=user_id,
                  payment_method=payment_method, po_number=(po_number or "").strip()[:60],
                  deal_registration_id=deal.id if deal else None, created_at=now, subtotal=0, total=0,
                  status="confirmed" if payment_method == "net_terms" else "awaiting_payment")
    _price(order, actor, wanted, products, deal)
    if payment_method == "net_terms":
        _check_credit(partner_id, order.total)
        order.due_date = (now + timedelta(days=NET_TERMS_DAYS)).date()
    db.session.add(order)
    db.session.flush()
    for line in order.lines:
        for level, take in plans[line.sku]:
            _move(level, line, take, now, user_id)
    if create_payment is not None and payment_method == "card":
        order.payment_intent_id = create_payment(order)
    if order.status == "confirmed":
        order_confirmed.send(order, actor=actor, now=now)
    return order


class PricedLine(NamedTuple):
    quote: pricing.Quote
    deal_percent: Decimal
    unit_price: Decimal
    line_total: Decimal


def price_line(product: Product, tier: tuple, quantity: int, deal: DealRegistration | None,
               deal_percent: Decimal) -> PricedLine:
    """The tier's price at this quantity, less the deal's discount on the deal's product line.

    The cart and placement both price through here, so what the cart shows is what is charged.
    """
    quote = pricing.quote(product, *tier, quantity)
    extra = deal_percent if deal is not None and deal.product_line == product.product_line else Decimal(0)
    unit = pricing.less_percent(quote.unit_price, extra) if extra else quote.unit_price
    return PricedLine(quote, extra, unit, unit * quantity)


def _price(order: Order, actor, wanted, products, deal) -> None:
    tier = tier_of(actor)
    deal_percent = deal_policy().deal_discount_percent if deal else Decimal(0)
    for sku, quantity in wanted.items():
        product = products[sku]
        line = price_line(product, tier, quantity, deal, deal_percent)
        order.lines.append(OrderLine(product_id=product.id, sku=sku, quantity=quantity, list_price=product.list_price,
                                     unit_price=line.unit_price, deal_discount_percent=line.deal_percent,
                                     line_total=line.line_total))
    order.subtotal = order.total = sum((line.line_total for line in order.lines), Decimal(0))


def outstanding(partner_id: int) -> Decimal:
    """What the partner owes on net terms: confirmed orders not yet paid."""
    return db.session.scalar(select(func.coalesce(func.sum(Order.total), 0)).where(
        Order.partner_id == partner_id, Order.payment_method == "net_terms", Order.paid_at.is_(None),
        Order.status.in_(OPEN_FOR_CREDIT))) or Decimal(0)


def _check_credit(partner_id: int, total: Decimal) -> None:
    limit = db.session.get(Partner, partner_id).credit_limit
    if outstanding(partner_id) + total > limit:
        raise DomainError("credit_limit_exceeded", _("This order would exceed your credit limit."))


def _move(level: StockLevel, line: OrderLine, quantity: int, now: datetime, actor_id) -> None:
    """Reserve ``quantity`` of ``level`` for ``line``; the WHERE makes an oversell impossible."""
    reserved = db.session.execute(
        update(StockLevel).where(StockLevel.id == level.id, StockLevel.on_hand - StockLevel.reserved >= quantity)
        .values(reserved=StockLevel.reserved + quantity).execution_options(synchronize_session=False)).rowcount
    if reserved != 1:
        raise DomainError("insufficient_stock", _("Not enough stock for: %(skus)s", skus=line.sku))
    line.allocations.append(Allocation(stock_level_id=level.id, quantity=quantity))
    db.session.add(StockMovement(product_id=line.product_id, warehouse_id=level.warehouse_id, reserved_change=quantity,
                                 reason="order", actor_id=actor_id, at=now))


# Afterwards ----------------------------------------------------------------------------

def _transition(order: Order, allowed: tuple[str, ...], to_status: str, **values) -> bool:
    """Move the order only if it is still in an allowed state: races have one winner."""
    changed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status.in_(allowed))
        .values(status=to_status, **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    return changed == 1


def cancel(actor, order_id: int, now: datetime | None = None, reason: str = "cancellation") -> Order:
    """Before shipping, by the ordering partner or staff: the reservation is released."""
    order = get_order(actor, order_id)
    now = now or utcnow()
    if not _transition(order, ("awaiting_payment", "confirmed", "paid"), "cancelled", cancelled_at=now):
        raise DomainError("invalid_state", _("Only an order not yet shipped can be cancelled."))
    _release(order, now, actor, reason)
    return order


def _release(order: Order, now: datetime, actor, reason: str) -> None:
    for line in order.lines:
        for allocation in line.allocations:
            db.session.execute(update(StockLevel).where(StockLevel.id == allocation.stock_level_id)
                               .values(reserved=StockLevel.reserved - allocation.quantity))
            _record(allocation, line, now, actor, reason, reserved_change=-allocation.quantity)


def ship(actor, order_id: int, carrier: str, tracking_number: str, now: datetime | None = None) -> Order:
    """The goods leave: reserved stock leaves on hand too."""
    if not (carrier or "").strip() or not (tracking_number or "").strip():
        raise ValidationFailed({"carrier": _("Give the carrier and the tracking number.")})
    order = get_order(actor, order_id)
    now = now or utcnow()
    if not _transition(order, ("confirmed", "paid"), "shipped", shipped_at=now, carrier=carrier.strip()[:60],
                       tracking_number=tracking_number.strip()[:80]):
        raise DomainError("invalid_state", _("Only a confirmed or paid order can be shipped."))
    for line in order.lines:
        for allocation in line.allocations:
            db.session.execute(update(StockLevel).where(StockLevel.id == allocation.stock_level_id).values(
                reserved=StockLevel.reserved - allocation.quantity, on_hand=StockLevel.on_hand - allocation.quantity))
            _record(allocation, line, now, actor, "shipment", reserved_change=-allocation.quantity,
                    on_hand_change=-allocation.quantity)
    return order


def _record(allocation: Allocation, line: OrderLine, now, actor, reason: str, **changes) -> None:
    warehouse_id = db.session.get(StockLevel, allocation.stock_level_id).warehouse_id
    db.session.add(StockMovement(product_id=line.product_id, warehouse_id=warehouse_id, reason=reason, at=now,
                                 actor_id=getattr(actor, "id", None), **changes))


def deliver(actor, order_id: int, now: datetime | None = None) -> Order:
    order = get_order(actor, order_id)
    if not _transition(order, ("shipped",), "delivered"):
        raise DomainError("invalid_state", _("Only a shipped order can be delivered."))
    return order


def record_payment(actor, order_id: int, now: datetime | None = None) -> Order:
    """Staff record that a net-terms order was paid; its amount stops counting against credit."""
    order = get_order(actor, order_id)
    now = now or utcnow()
    if order.payment_method != "net_terms" or order.paid_at is not None or order.status == "cancelled":
        raise DomainError("invalid_state", _("Only an unpaid net-terms order can be marked paid."))
    changed = db.session.execute(update(Order).where(Order.id == order.id, Order.paid_at.is_(None))
                                 .values(paid_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    if changed != 1:
        raise DomainError("invalid_state", _("Only an unpaid net-terms order can be marked paid."))
    if order.status == "confirmed":
        _transition(order, ("confirmed",), "paid")
    return order


def balances() -> list[dict]:
    """Per partner: credit limit, unpaid net-terms amount, and the earliest due date."""
    rows = db.session.execute(
        select(Partner.id, Partner.name, Partner.credit_limit, func.coalesce(func.sum(Order.total), 0).label("owed"),
               func.min(Order.due_date).label("next_due"))
        .outerjoin(Order, (Order.partner_id == Partner.id) & (Order.payment_method == "net_terms")
                   & Order.paid_at.is_(None) & Order.status.in_(OPEN_FOR_CREDIT))
        .group_by(Partner.id).order_by(Partner.name)).mappings().all()
    return [dict(row) for row in rows]


def mark_paid(order: Order, actor=None, now: datetime | None = None) -> bool:
    """Paid once: a second call (a redelivered event, a double click) changes nothing."""
    now = now or utcnow()
    if not _transition(order, ("awaiting_payment", "confirmed"), "paid", paid_at=now):
        return False
    order_confirmed.send(order, actor=actor, now=now)
    return True


def record_failure(order: Order, message: str, now: datetime | None = None) -> bool:
    """Keep the card's last failure for the order page, which offers a retry; only while unpaid."""
    return _transition(order, ("awaiting_payment",), "awaiting_payment", payment_error=message[:300],
                       payment_failed_at=now or utcnow())


def cancel_unpaid(now: datetime) -> int:
    """Card orders still unpaid after 48 hours are cancelled and their stock released."""
    due = db.session.scalars(select(Order.id).where(Order.status == "awaiting_payment",
                                                    Order.created_at <= now - timedelta(hours=UNPAID_HOURS))).all()
    cancelled = 0
    for order_id in due:
        order = db.session.get(Order, order_id)
        if _transition(order, ("awaiting_payment",), "cancelled", cancelled_at=now):
            _release(order, now, None, "unpaid_cancellation")
            cancelled += 1
    return cancelled

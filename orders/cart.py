"""The cart: quantities per product, priced live with the one pricing function."""

from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from catalog import pricing
from catalog.models import Product
from catalog.service import get_product, tier_of
from deal_registration.models import DealRegistration
from deal_registration.service import policy as deal_policy
from orders import service
from orders.models import CartItem
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.types import utcnow


def items_of(user) -> list[CartItem]:
    """The cart's lines with each product's overrides, breaks and stock, in a fixed number of queries."""
    return db.session.scalars(
        select(CartItem).where(CartItem.user_id == user.id).order_by(CartItem.id)
        .options(selectinload(CartItem.product).selectinload(Product.tier_overrides),
                 selectinload(CartItem.product).selectinload(Product.volume_breaks),
                 selectinload(CartItem.product).selectinload(Product.stock))).all()


def add(user, sku: str, quantity: int) -> CartItem:
    if quantity < 1:
        raise ValidationFailed({"quantity": _("Enter a whole number of 1 or more.")})
    product = get_product(sku, include_inactive=False)
    item = db.session.scalar(select(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product.id))
    if item is None:
        item = CartItem(user_id=user.id, product=product, quantity=0)
        db.session.add(item)
    item.quantity += quantity
    db.session.flush()
    return item


def add_order(user, order) -> list[str]:
    """Put an earlier order's lines in the cart again (the cart then checks stock and prices
    them today); returns the skus that are no longer sold."""
    gone = []
    for line in order.lines:
        try:
            add(user, line.sku, line.quantity)
        except NotFound:
            gone.append(line.sku)
    return gone


def set_quantity(user, item_id: int, quantity: int) -> None:
    """A quantity of zero removes the line."""
    item = db.session.get(CartItem, item_id)
    if item is None or item.user_id != user.id:
        return
    if quantity <= 0:
        db.session.delete(item)
    else:
        item.quantity = quantity


def clear(user) -> None:
    db.session.execute(delete(CartItem).where(CartItem.user_id == user.id))


class Summary(NamedTuple):
    """What checkout shows under the lines: list value, what the tier, volume and deal take off."""

    list_total: Decimal
    tier_savings: Decimal
    deal_savings: Decimal
    total: Decimal


def priced(user, deal: DealRegistration | None = None) -> tuple[list[dict], Summary]:
    """Each line priced as placement will price it (with ``deal``, if any), and what stock can give."""
    tier = tier_of(user)
    deal_percent = deal_policy().deal_discount_percent if deal else Decimal(0)
    lines = []
    for item in items_of(user):
        price = service.price_line(pricing.inputs_of(item.product), tier, item.quantity, deal, deal_percent)
        available = sum(s.available for s in item.product.stock)
        lines.append({"item": item, "product": item.product, "price": price, "available": available,
                      "short": item.quantity > available})
    list_total = sum((line["product"].list_price * line["item"].quantity for line in lines), Decimal(0))
    before_deal = sum((line["price"].quote.unit_price * line["item"].quantity for line in lines), Decimal(0))
    total = sum((line["price"].line_total for line in lines), Decimal(0))
    return lines, Summary(list_total, list_total - before_deal, before_deal - total, total)


def usable_deals(user) -> list[DealRegistration]:
    """The partner's registrations an order may cite: approved and protected, or won."""
    now = utcnow()
    return [r for r in db.session.scalars(select(DealRegistration).where(
        DealRegistration.partner_id == user.partner_id, DealRegistration.status.in_(("approved", "won"))))
        if r.status == "won" or r.protects(now)]

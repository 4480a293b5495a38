"""The cart: quantities per product, priced live with the one pricing function."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from catalog import pricing
from catalog.models import Product
from catalog.service import get_product, tier_of
from deal_registration.models import DealRegistration
from orders.models import CartItem
from portal.errors import ValidationFailed
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


def priced(user) -> tuple[list[dict], Decimal]:
    """Each line with the caller's unit price at that quantity, and what stock can give."""
    tier_id, discount = tier_of(user)
    lines = []
    for item in items_of(user):
        product = item.product
        override = next((o.discount_percent for o in product.tier_overrides if o.tier_id == tier_id), None)
        breaks = [(b.min_quantity, b.extra_percent) for b in product.volume_breaks]
        unit = pricing.unit_price(product.list_price, discount, item.quantity, override, breaks)
        available = sum(s.available for s in product.stock)
        lines.append({"item": item, "product": product, "unit_price": unit, "line_total": unit * item.quantity,
                      "available": available, "short": item.quantity > available})
    return lines, sum((line["line_total"] for line in lines), Decimal(0))


def usable_deals(user) -> list[DealRegistration]:
    """The partner's registrations an order may cite: approved and protected, or won."""
    now = utcnow()
    return [r for r in db.session.scalars(select(DealRegistration).where(
        DealRegistration.partner_id == user.partner_id, DealRegistration.status.in_(("approved", "won"))))
        if r.status == "won" or r.protects(now)]

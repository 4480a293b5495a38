"""The partner's unit price: one function for the catalog, the cart and orders.

list price → the tier's discount (or the product's override for that tier) → the
best volume break the quantity reaches → rounded half-up to cents.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def unit_price(list_price: Decimal, tier_discount: Decimal, quantity: int = 1,
               override: Decimal | None = None, breaks: list[tuple[int, Decimal]] = ()) -> Decimal:
    """``breaks`` are (min_quantity, extra_percent) pairs; the largest one reached applies."""
    discount = tier_discount if override is None else override
    price = list_price * (HUNDRED - discount) / HUNDRED
    extra = max((percent for minimum, percent in breaks if quantity >= minimum), default=Decimal(0))
    price = price * (HUNDRED - extra) / HUNDRED
    return price.quantize(CENT, rounding=ROUND_HALF_UP)


def less_percent(price: Decimal, percent: Decimal) -> Decimal:
    """``price`` minus ``percent``, rounded half-up to cents (a deal's discount on a unit price)."""
    return (price * (HUNDRED - percent) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


class Quote(NamedTuple):
    """A unit price with the discounts that made it, so people can check the arithmetic."""

    list_price: Decimal
    tier_percent: Decimal
    volume_percent: Decimal
    unit_price: Decimal


class PriceInputs(NamedTuple):
    """What a product's price depends on, as plain values that a per-process cache can keep."""

    id: int
    sku: str
    product_line: str
    list_price: Decimal
    overrides: dict[int, Decimal]  # tier id → discount percent replacing the tier's
    breaks: tuple[tuple[int, Decimal], ...]  # (min quantity, extra percent)


def inputs_of(product) -> PriceInputs:
    """A product's price inputs; its ``tier_overrides`` and ``volume_breaks`` must be loaded."""
    return PriceInputs(product.id, product.sku, product.product_line, product.list_price,
                       {o.tier_id: o.discount_percent for o in product.tier_overrides},
                       tuple((b.min_quantity, b.extra_percent) for b in product.volume_breaks))


def quote(inputs: PriceInputs, tier_id: int | None, tier_discount: Decimal, quantity: int = 1) -> Quote:
    """The tier's price at ``quantity``, with the discounts that made it."""
    override = inputs.overrides.get(tier_id)
    volume = max((percent for minimum, percent in inputs.breaks if quantity >= minimum), default=Decimal(0))
    return Quote(inputs.list_price, tier_discount if override is None else override, volume,
                 unit_price(inputs.list_price, tier_discount, quantity, override, inputs.breaks))

"""The partner's unit price: one function for the catalog, the cart and orders.

list price → the tier's discount (or the product's override for that tier) → the
best volume break the quantity reaches → rounded half-up to cents.
"""

from decimal import ROUND_HALF_UP, Decimal

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

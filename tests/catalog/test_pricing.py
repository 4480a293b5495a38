"""The pricing table: tiers, overrides, volume breaks, rounding half-up to cents."""

from decimal import Decimal as D

import pytest

from catalog.pricing import unit_price


@pytest.mark.parametrize("list_price,tier,quantity,override,breaks,expected", [
    (D("100.00"), D("0"), 1, None, [], D("100.00")),
    (D("100.00"), D("15"), 1, None, [], D("85.00")),
    (D("100.00"), D("12.5"), 1, None, [], D("87.50")),
    (D("100.00"), D("15"), 1, D("20"), [], D("80.00")),           # the product's override for the tier
    (D("100.00"), D("15"), 1, D("0"), [], D("100.00")),           # an override of zero is an override
    (D("100.00"), D("15"), 10, None, [(10, D("5"))], D("80.75")),  # 85 less 5%
    (D("100.00"), D("15"), 9, None, [(10, D("5"))], D("85.00")),   # not reached
    (D("100.00"), D("15"), 50, None, [(10, D("5")), (50, D("8"))], D("78.20")),  # the best break reached
    (D("0.05"), D("50"), 1, None, [], D("0.03")),                  # 0.025 rounds half-up
    (D("19.99"), D("33.33"), 1, None, [], D("13.33")),             # 13.327... → 13.33
    (D("1234.56"), D("7.5"), 3, None, [(2, D("2.5"))], D("1113.42")),
])
def test_unit_price(list_price, tier, quantity, override, breaks, expected):
    assert unit_price(list_price, tier, quantity, override, breaks) == expected

"""Fixtures for deal registration: two partners in the East, one in the South."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def territories(make_territory):
    make_territory("CN", "China")
    make_territory("EAST", "East China", parent="CN")
    make_territory("SH", "Shanghai", parent="EAST")
    make_territory("SOUTH", "South China", parent="CN")
    make_territory("GD", "Guangdong", parent="SOUTH")


@pytest.fixture
def east(territories, make_partner, make_user, token_for):
    return _partner(make_partner, make_user, token_for, "Yangtze Partner", "EAST")


@pytest.fixture
def east2(territories, make_partner, make_user, token_for):
    return _partner(make_partner, make_user, token_for, "Huangpu Partner", "EAST")


@pytest.fixture
def south(territories, make_partner, make_user, token_for):
    return _partner(make_partner, make_user, token_for, "South Partner", "SOUTH")


@pytest.fixture
def manager(make_user, token_for):
    user = make_user("channel_manager")
    return SimpleNamespace(user=user, headers=token_for(user))


def _partner(make_partner, make_user, token_for, name, territory):
    partner = make_partner(name, territories=(territory,))
    user = make_user("partner_user", partner)
    return SimpleNamespace(partner=partner, user=user, headers=token_for(user))


def deal(company="Shanghai Yunqi Technology Co., Ltd.", territory="SH", product_line="STORAGE", **extra):
    customer = {"company_name": company, "territory_code": territory, "country": "CN"}
    customer.update({k: extra.pop(k) for k in ("domain", "tax_id") if k in extra})
    return {"customer": customer, "product_line": product_line, "estimated_value": "120000.00",
            "expected_close_date": "2027-03-31", **extra}


def register(client, who, **kwargs):
    return client.post("/api/v1/deal-registrations", json=deal(**kwargs), headers=who.headers)

"""Catalog pages: partners see their own price, staff see every tier and manage stock."""

import pytest

from tests.catalog.test_api import product


@pytest.fixture
def catalog(client, make_user, token_for, make_tier):
    make_tier("gold", "15.00")
    make_tier("silver", "10.00")
    headers = token_for(make_user("channel_manager"))
    client.post("/api/v1/products", json=product(category="Networking/Switches"), headers=headers)
    client.post("/api/v1/products", json=product("ST-1", name="All-flash Array", name_zh="全闪存阵列",
                                                  product_line="STORAGE", category="Storage"), headers=headers)
    client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": 12}, headers=headers)
    return headers


def test_partner_sees_own_price_only(client, auth, catalog, make_partner, make_user):
    auth.login(make_user("partner_user", make_partner("Silver Co", tier="silver")))
    listing = client.get("/catalog").get_data(as_text=True)
    assert "CN¥9,000.00" in listing and "CN¥8,500.00" not in listing
    page = client.get("/catalog/SW-100").get_data(as_text=True)
    assert 'data-testid="net-price">CN¥9,000.00' in page
    assert "Price by tier" not in page and "Set stock" not in page and "Reserved" not in page


def test_staff_see_every_tier_and_set_stock(client, auth, catalog, make_user):
    auth.login(make_user("channel_manager"))
    page = client.get("/catalog/SW-100").get_data(as_text=True)
    assert "Price by tier" in page and "CN¥8,500.00" in page and "CN¥9,000.00" in page
    response = auth.post("/catalog/SW-100/stock", {"warehouse_code": "BJ1", "on_hand": "7"}, form_url="/catalog/SW-100")
    assert response.status_code == 302
    assert "BJ1" in client.get("/catalog/SW-100").get_data(as_text=True)


def test_search_category_and_chinese(client, auth, catalog, make_user):
    auth.login(make_user("partner_user"))
    assert "All-flash Array" in client.get("/catalog?q=闪存").get_data(as_text=True)
    switches = client.get("/catalog?category=Networking").get_data(as_text=True)
    assert "SW-100" in switches and "ST-1" not in switches
    auth.post("/locale", {"locale": "zh_Hans"}, form_url="/catalog")
    assert "全闪存阵列" in client.get("/catalog?q=ST-1").get_data(as_text=True)


def test_product_form(client, auth, make_user):
    auth.login(make_user("channel_manager"))
    response = auth.post("/catalog/new", {"sku": "NEW-1", "name": "New thing", "product_line": "NETWORK",
                                          "list_price": "12.50", "currency": "CNY", "active": "y"})
    assert response.status_code == 302 and response.location.endswith("/catalog/NEW-1")
    duplicate = auth.post("/catalog/new", {"sku": "NEW-1", "name": "Again", "product_line": "NETWORK",
                                           "list_price": "1", "currency": "CNY"})
    assert "exists already" in duplicate.get_data(as_text=True)
    bad = auth.post("/catalog/new", {"sku": "NEW-2", "name": "X", "product_line": "bad line", "list_price": "-1",
                                     "currency": "CNY"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.get_data(as_text=True)


def test_partner_cannot_manage(client, auth, catalog, make_user):
    auth.login(make_user("partner_user"))
    assert client.get("/catalog/new").status_code == 403
    assert client.get("/catalog/SW-100/edit").status_code == 403

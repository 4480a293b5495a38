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
    page = client.get("/catalog/SW-100").get_data(as_text=True)
    movements = page.split('id="movements"')[1]
    assert "BJ1" in movements and "+7" in movements and "erp_sync" in movements


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


def test_import_page_checks_then_applies(app, client, auth, make_user):
    import re
    from io import BytesIO

    from tests.conftest import csrf_token

    auth.login(make_user("channel_manager"))
    token = csrf_token(client, "/catalog/transfer")
    bad = client.post("/catalog/transfer", data={"csrf_token": token, "kind": "products", "file": (
        BytesIO(b"sku,name,product_line,list_price\nA-1,Thing,NETWORK,-3\n"), "p.csv")})
    page = bad.get_data(as_text=True)
    assert 'id="import-errors"' in page and "<td>2</td>" in page and 'id="apply-import"' not in page
    good = client.post("/catalog/transfer", data={"csrf_token": token, "kind": "products", "file": (
        BytesIO("sku,name,product_line,list_price\nA-1,东西,NETWORK,3\n".encode()), "p.csv")})
    page = good.get_data(as_text=True)
    assert "1 new, 0 changed" in page
    action = re.search(r'action="(/catalog/transfer/products/[0-9a-f]{32})"', page).group(1)
    assert client.get("/api/v1/products/A-1").status_code == 401  # nothing written by the check
    applied = client.post(action, data={"csrf_token": token})
    assert applied.status_code == 302
    assert "东西" in client.get("/catalog/A-1").get_data(as_text=True)
    export = client.get("/catalog/transfer/products.csv")
    assert export.status_code == 200 and "A-1" in export.get_data(as_text=True)
    assert client.post("/catalog/transfer/products/not-a-token", data={"csrf_token": token}).status_code == 404


def test_listing_page_statements_do_not_grow(app, client, auth, make_user):
    from sqlalchemy import insert

    from catalog.models import Product
    from portal import cache
    from portal.extensions import db
    from tests.test_query_counts import _statements

    auth.login(make_user("partner_user"))

    def seed(start, count):
        with app.app_context():
            db.session.execute(insert(Product), [
                {"sku": f"P-{i:05d}", "name": f"Product {i}", "product_line": "NETWORK", "list_price": "10.00"}
                for i in range(start, start + count)])
            cache.bump("catalog")
            db.session.commit()

    def warm():
        _statements(app, client, "/catalog")
        return _statements(app, client, "/catalog")

    seed(0, 10)
    small = warm()
    seed(10, 990)
    assert warm() == small <= 6


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_product_picture(client, auth, catalog, make_user, make_partner, app):
    from io import BytesIO

    from tests.conftest import csrf_token

    auth.login(make_user("channel_manager"))
    token = csrf_token(client, "/catalog/SW-100")
    refused = client.post("/catalog/SW-100/image", data={"csrf_token": token, "image": (BytesIO(b"<svg>"), "x.png")})
    assert refused.status_code == 302 and client.get("/catalog/SW-100/image").status_code == 404
    saved = client.post("/catalog/SW-100/image", data={"csrf_token": token, "image": (BytesIO(PNG), "p.png")})
    assert saved.status_code == 302
    picture = client.get("/catalog/SW-100/image")
    assert picture.status_code == 200 and picture.data == PNG and picture.mimetype == "image/png"
    assert "product-image" in client.get("/catalog/SW-100").get_data(as_text=True)
    auth.logout()
    auth.login(make_user("partner_user"))
    assert client.get("/catalog/SW-100/image").status_code == 200
    assert client.post("/catalog/SW-100/image", data={"csrf_token": csrf_token(client, "/catalog"),
                                                      "image": (BytesIO(PNG), "p.png")}).status_code == 403


def test_product_line_filter(client, auth, catalog, make_user):
    auth.login(make_user("partner_user"))
    page = client.get("/catalog?product_line=STORAGE").get_data(as_text=True)
    assert "ST-1" in page and "SW-100" not in page and '<option value="NETWORK"' in page

"""Cart, checkout and order pages."""

import re

from tests.conftest import csrf_token


def test_cart_checkout_and_order_page(client, auth, shop):
    auth.login(shop.user)
    token = csrf_token(client, "/catalog/SW-1")
    assert client.post("/cart/add/SW-1", data={"csrf_token": token, "quantity": "2"}).status_code == 302
    client.post("/cart/add/ST-1", data={"csrf_token": token, "quantity": "1"})
    page = client.get("/cart").get_data(as_text=True)
    assert 'data-testid="cart-total">CN¥2,250.00' in page  # 2 × 900 + 450
    response = client.post("/checkout", data={"csrf_token": token, "payment_method": "net_terms",
                                              "deal_registration_id": "", "po_number": "PO-1"})
    assert response.status_code == 302 and "/orders/" in response.location
    detail = client.get(response.location).get_data(as_text=True)
    assert 'data-order-status="confirmed"' in detail and "PO-1" in detail
    assert "Your cart is empty." in client.get("/cart").get_data(as_text=True)
    assert "Invoice" in client.get(response.location + "/invoice").get_data(as_text=True)


def test_cart_survives_sign_out_and_short_stock_is_refused(client, auth, shop):
    auth.login(shop.user)
    token = csrf_token(client, "/catalog/SW-1")
    client.post("/cart/add/SW-1", data={"csrf_token": token, "quantity": "20"})
    auth.logout()
    auth.login(shop.user)
    page = client.get("/cart").get_data(as_text=True)
    assert "Only 8 available" in page
    token = csrf_token(client, "/cart")
    response = client.post("/checkout", data={"csrf_token": token, "payment_method": "net_terms"})
    assert response.location.endswith("/cart")
    assert "Not enough stock" in client.get("/cart").get_data(as_text=True)


def test_staff_ship_and_other_partners_404(client, auth, shop, make_user):
    order = client.post("/api/v1/orders", json={"items": [{"sku": "SW-1", "quantity": 1}],
                                                "payment_method": "net_terms"}, headers=shop.headers).json
    auth.login(make_user("partner_user"))
    assert client.get(f"/orders/{order['id']}").status_code == 404
    auth.logout()
    auth.login(make_user("channel_manager"))
    response = auth.post(f"/orders/{order['id']}/ship", {"carrier": "SF Express", "tracking_number": "SF1"},
                         form_url=f"/orders/{order['id']}")
    assert response.status_code == 302
    page = client.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert 'data-order-status="shipped"' in page and "SF1" in page
    assert order["number"] in client.get("/orders").get_data(as_text=True)


def test_checkout_breaks_the_price_down_and_previews_a_deal(client, auth, shop):
    registration = client.post("/api/v1/deal-registrations", headers=shop.headers, json={
        "customer": {"company_name": "Customer Ltd", "territory_code": "CN", "country": "CN"},
        "product_line": "NETWORK", "estimated_value": "10000", "expected_close_date": "2027-01-31"}).json
    auth.login(shop.user)
    token = csrf_token(client, "/catalog/SW-1")
    client.post("/cart/add/SW-1", data={"csrf_token": token, "quantity": "2"})
    client.post("/cart/add/ST-1", data={"csrf_token": token, "quantity": "1"})
    page = client.get("/cart").get_data(as_text=True)
    assert "CN¥2,500.00" in page and 'data-testid="tier-savings">−CN¥250.00' in page  # list 2×1000 + 500, gold −10%
    assert "deal-savings" not in page
    with_deal = client.get(f"/cart?deal={registration['id']}").get_data(as_text=True)
    assert 'data-testid="deal-savings">−CN¥90.00' in with_deal  # 5% of 2 × 900 on the NETWORK line only
    assert 'data-testid="cart-total">CN¥2,160.00' in with_deal
    assert f'<option selected value="{registration["id"]}">' in with_deal
    foreign = client.get("/cart?deal=999999").get_data(as_text=True)
    assert "deal-savings" not in foreign and 'data-testid="cart-total">CN¥2,250.00' in foreign
    placed = client.post("/checkout", data={"csrf_token": token, "payment_method": "net_terms",
                                            "deal_registration_id": str(registration["id"])})
    assert "CN¥2,160.00" in client.get(placed.location).get_data(as_text=True)  # charged as previewed


def test_order_history_says_what_happened_when_and_by_whom(client, auth, shop, make_user, token_for):
    manager = make_user("channel_manager", email="shipping.desk@example.com")
    staff = token_for(manager)
    placed = client.post("/api/v1/orders", json={"items": [{"sku": "SW-1", "quantity": 1}],
                                                 "payment_method": "net_terms"}, headers=shop.headers).json
    client.post(f"/api/v1/orders/{placed['id']}/ship", json={"carrier": "SF Express", "tracking_number": "SF77"},
                headers=staff)
    client.post(f"/api/v1/orders/{placed['id']}/deliver", headers=staff)
    client.post(f"/api/v1/orders/{placed['id']}/payments", headers=staff)
    client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=shop.headers)  # too late: not in the history
    auth.login(shop.user)
    page = client.get(f"/orders/{placed['id']}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert re.findall(r'data-event="([^"]+)"', timeline) == ["order.shipped", "order.delivered", "order.paid"]
    assert timeline.count("shipping.desk@example.com") == 3 and "SF77" in timeline
    assert f"· {shop.user.email}</li>" in timeline.split('data-event')[0]  # who placed it

    dropped = client.post("/api/v1/orders", json={"items": [{"sku": "ST-1", "quantity": 1}],
                                                  "payment_method": "net_terms"}, headers=shop.headers).json
    client.post(f"/api/v1/orders/{dropped['id']}/cancel", headers=shop.headers)
    timeline = client.get(f"/orders/{dropped['id']}").get_data(as_text=True).split('id="timeline"')[1]
    assert 'data-event="order.cancelled"' in timeline and timeline.count(shop.user.email) == 2


def test_staff_find_orders_by_partner_and_number(app, client, auth, shop, make_user, make_partner, token_for):
    from tests.test_query_counts import count_statements

    mine = client.post("/api/v1/orders", json={"items": [{"sku": "ST-1", "quantity": 1}], "po_number": "PO-9",
                                               "payment_method": "net_terms"}, headers=shop.headers).json
    theirs = client.post("/api/v1/orders", json={"items": [{"sku": "SW-1", "quantity": 1}],
                                                 "payment_method": "net_terms"}, headers=shop.other).json
    auth.login(make_user("channel_manager"))
    page = client.get("/orders").get_data(as_text=True)
    assert 'name="partner"' in page and "Gold Co" in page and "Other Co" in page
    page = client.get(f"/orders?partner={shop.partner.id}").get_data(as_text=True)
    assert mine["number"] in page and theirs["number"] not in page
    page = client.get("/orders?q=PO-9").get_data(as_text=True)
    assert mine["number"] in page and theirs["number"] not in page
    assert "No orders found." in client.get("/orders?q=nothing-like-it").get_data(as_text=True)
    detail = client.get(f"/orders/{theirs['id']}").get_data(as_text=True)
    assert re.search(r'data-testid="order-partner"[^>]*>Other Co<', detail)

    def statements() -> int:
        with count_statements(app) as counter:
            assert client.get("/orders").status_code == 200
        return counter["n"]

    few = statements()
    for i in range(3):
        buyer = token_for(make_user("partner_user", make_partner(f"Buyer {i}", tier="gold", credit_limit="9000")))
        client.post("/api/v1/orders", json={"items": [{"sku": "ST-1", "quantity": 1}],
                                            "payment_method": "net_terms"}, headers=buyer)
    assert statements() == few
    auth.logout()
    auth.login(shop.user)
    page = client.get("/orders").get_data(as_text=True)
    assert 'name="partner"' not in page and theirs["number"] not in page and mine["number"] in page


def test_partner_balances_for_staff_only(client, auth, shop, make_user):
    order = client.post("/api/v1/orders", json={"items": [{"sku": "SW-1", "quantity": 2}],
                                                "payment_method": "net_terms"}, headers=shop.headers).json
    auth.login(shop.user)
    assert client.get("/orders/balances").status_code == 403
    auth.logout()
    auth.login(make_user("channel_manager"))
    page = client.get("/orders/balances").get_data(as_text=True)
    row = page.split(f'href="/orders?partner={shop.partner.id}">Gold Co</a>')[1].split("</tr>")[0]
    cells = re.findall(r'<td[^>]*>([^<]*)</td>', row)
    assert cells[:3] == ["CN¥10,000.00", "CN¥1,800.00", "CN¥8,200.00"] and cells[3] != "—"
    auth.post(f"/orders/{order['id']}/payment", {}, form_url=f"/orders/{order['id']}")
    row = client.get("/orders/balances").get_data(as_text=True).split(">Gold Co</a>")[1].split("</tr>")[0]
    assert re.findall(r'<td[^>]*>([^<]*)</td>', row) == ["CN¥10,000.00", "CN¥0.00", "CN¥10,000.00", "—"]


def test_order_again_fills_the_cart_with_what_is_still_sold(client, auth, shop, make_user):
    items = [{"sku": "SW-1", "quantity": 2}, {"sku": "ST-1", "quantity": 1}]
    placed = client.post("/api/v1/orders", json={"items": items, "payment_method": "net_terms"},
                         headers=shop.headers).json
    client.patch("/api/v1/products/ST-1", json={"active": False}, headers=shop.manager)
    auth.login(make_user("partner_user"))  # another partner
    token = csrf_token(client, "/dashboard")
    assert client.post(f"/orders/{placed['id']}/reorder", data={"csrf_token": token}).status_code == 404
    auth.logout()
    auth.login(shop.user)
    response = auth.post(f"/orders/{placed['id']}/reorder", {}, form_url=f"/orders/{placed['id']}")
    assert response.status_code == 302 and response.location.endswith("/cart")
    page = client.get("/cart").get_data(as_text=True)
    assert "No longer sold: ST-1" in page and 'value="2"' in page and "SW-1" in page

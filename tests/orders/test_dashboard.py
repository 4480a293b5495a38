"""Orders on the dashboard: a partner's open orders and credit; for channel managers the
orders waiting on someone and which partners order most."""

import re

from tests.orders.conftest import order
from tests.test_query_counts import count_statements


def figure(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">([^<]*)<', page).group(1).strip()


def test_partner_sees_its_open_orders_and_credit(client, auth, shop):
    placed = order(client, shop.headers, [("SW-1", 3)]).json  # 3 × 900 on net terms
    dropped = order(client, shop.headers, [("ST-1", 1)]).json
    client.post(f"/api/v1/orders/{dropped['id']}/cancel", headers=shop.headers)
    assert order(client, shop.other, [("SW-1", 1)]).status_code == 201  # another partner's: not counted
    auth.login(shop.user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert figure(page, "open-orders") == "1"
    assert figure(page, "owed") == "CN¥2,700.00" and figure(page, "credit-available") == "CN¥7,300.00"
    assert figure(page, "next-due") != "—" and "contribution-chart" not in page
    client.post(f"/api/v1/orders/{placed['id']}/payments", headers=shop.manager)
    page = client.get("/dashboard").get_data(as_text=True)
    assert figure(page, "owed") == "CN¥0.00" and figure(page, "credit-available") == "CN¥10,000.00"
    assert figure(page, "next-due") == "—"


def test_channel_manager_sees_work_waiting_and_contribution(client, auth, shop, make_user):
    order(client, shop.headers, [("SW-1", 3)])
    order(client, shop.other, [("ST-1", 1)])
    shipped = order(client, shop.other, [("SW-1", 1)]).json
    client.post(f"/api/v1/orders/{shipped['id']}/ship", json={"carrier": "SF", "tracking_number": "1"},
                headers=shop.manager)
    auth.login(make_user("channel_manager"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert figure(page, "to-ship-confirmed") == "2" and figure(page, "to-ship-paid") == "0"
    assert figure(page, "awaiting-payment") == "0" and figure(page, "owed") == "CN¥4,050.00"
    chart = page.split('id="contribution-chart"')[1].split("</figure>")[0]
    assert chart.index("Gold Co") < chart.index("Other Co")  # 2,700 before 1,350
    assert "CN¥2,700.00" in chart and "CN¥1,350.00" in chart
    auth.logout()
    auth.login(make_user("marketing"))
    assert "contribution-chart" not in client.get("/dashboard").get_data(as_text=True)


def test_dashboard_statements_do_not_grow_with_orders(app, client, auth, shop, make_user, make_partner,
                                                      token_for):
    auth.login(make_user("channel_manager"))

    def statements() -> int:
        with count_statements(app) as counter:
            assert client.get("/dashboard").status_code == 200
        return counter["n"]

    order(client, shop.headers, [("ST-1", 1)])
    few = statements()
    for i in range(4):
        buyer = token_for(make_user("partner_user", make_partner(f"Buyer {i}", tier="gold", credit_limit="9000")))
        order(client, buyer, [("SW-1", 1)])
    assert statements() == few

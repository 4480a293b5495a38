"""Placing, cancelling and shipping orders through the API (net terms; card needs Stripe)."""

import re

from sqlalchemy import select

from catalog.models import StockMovement, Warehouse
from portal.audit import AuditEntry
from portal.extensions import db
from tests.orders.conftest import available, order


def test_net_terms_order_prices_reserves_and_numbers(client, shop):
    response = order(client, shop.headers, [("SW-1", 7), ("ST-1", 1)], po_number="PO-88")
    assert response.status_code == 201, response.json
    body = response.json
    assert re.fullmatch(r"SO-\d{4}-\d{6}", body["number"]) and body["status"] == "confirmed"
    assert [(line["sku"], line["quantity"], line["unit_price"], line["line_total"]) for line in body["lines"]] == [
        ("SW-1", 7, "900.00", "6300.00"), ("ST-1", 1, "450.00", "450.00")]
    assert body["total"] == "6750.00" and body["payment"]["method"] == "net_terms" and body["payment"]["due_date"]
    assert available(client, shop.manager, "SW-1") == 1 and available(client, shop.manager, "ST-1") == 1
    second = order(client, shop.headers, [("ST-1", 1)]).json
    assert int(second["number"][-6:]) == int(body["number"][-6:]) + 1


def test_short_line_refuses_the_whole_order(client, shop):
    response = order(client, shop.headers, [("ST-1", 1), ("SW-1", 9)])
    assert response.status_code == 409 and response.json["error"]["code"] == "insufficient_stock"
    assert response.json["error"]["short"] == [{"sku": "SW-1", "requested": 9, "available": 8}]
    assert available(client, shop.manager, "ST-1") == 2 and available(client, shop.manager, "SW-1") == 8


def test_credit_limit(client, shop):
    assert order(client, shop.headers, [("SW-1", 8)]).status_code == 201  # 7,200 of 10,000
    response = order(client, shop.headers, [("ST-1", 2)])
    assert response.status_code == 201  # 900 more: 8,100
    client.put("/api/v1/products/SW-1/stock/SH", json={"on_hand": 50}, headers=shop.manager)
    over = order(client, shop.headers, [("SW-1", 3)])
    assert over.status_code == 409 and over.json["error"]["code"] == "credit_limit_exceeded"


def test_bad_input(client, shop):
    for body, field in (({"items": [], "payment_method": "net_terms"}, "items"),
                        ({"items": [{"sku": "SW-1", "quantity": 0}], "payment_method": "net_terms"}, "items.0.quantity"),
                        ({"items": [{"sku": "SW-1", "quantity": 1}], "payment_method": "cash"}, "payment_method"),
                        ({"items": [{"sku": "NOPE", "quantity": 1}], "payment_method": "net_terms"}, "items")):
        response = client.post("/api/v1/orders", json=body, headers=shop.headers)
        assert response.status_code == 422 and field in response.json["error"]["fields"], (body, response.json)
    assert client.post("/api/v1/orders", json={"items": [{"sku": "SW-1", "quantity": 1}], "payment_method": "net_terms"},
                       headers=shop.manager).status_code == 403
    assert available(client, shop.manager, "SW-1") == 8


def test_deal_discount_only_for_own_protected_registration(client, shop, make_territory):
    registration = client.post("/api/v1/deal-registrations", headers=shop.headers, json={
        "customer": {"company_name": "Customer Ltd", "territory_code": "CN", "country": "CN"},
        "product_line": "NETWORK", "estimated_value": "10000", "expected_close_date": "2027-01-31"}).json
    assert registration["status"] == "approved"
    response = order(client, shop.headers, [("SW-1", 1), ("ST-1", 1)], deal_registration_id=registration["id"])
    lines = {line["sku"]: line["unit_price"] for line in response.json["lines"]}
    assert lines == {"SW-1": "855.00", "ST-1": "450.00"}  # 5% more on the registration's product line only
    deal = client.get(f"/api/v1/deal-registrations/{registration['id']}", headers=shop.headers).json
    assert deal["status"] == "won"  # a confirmed order wins the deal
    history = client.get(f"/api/v1/deal-registrations/{registration['id']}/history", headers=shop.headers).json
    assert history[-1]["action"] == "order_confirmed" and history[-1]["note"] == response.json["number"]
    foreign = order(client, shop.other, [("SW-1", 1)], deal_registration_id=registration["id"])
    assert foreign.status_code == 422 and foreign.json["error"]["code"] == "invalid_deal_registration"


def test_isolation_cancel_and_ship(client, shop):
    placed = order(client, shop.headers, [("SW-1", 6)]).json
    assert client.get(f"/api/v1/orders/{placed['id']}", headers=shop.other).status_code == 404
    assert client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=shop.other).status_code == 404
    assert client.get("/api/v1/orders", headers=shop.other).json["total"] == 0
    assert client.post(f"/api/v1/orders/{placed['id']}/ship", json={"carrier": "SF", "tracking_number": "1"},
                       headers=shop.headers).status_code == 403
    shipped = client.post(f"/api/v1/orders/{placed['id']}/ship", json={"carrier": "SF Express",
                                                                       "tracking_number": "SF123"},
                          headers=shop.manager)
    assert shipped.status_code == 200 and shipped.json["status"] == "shipped"
    detail = client.get("/api/v1/products/SW-1", headers=shop.manager).json
    assert sum(s["on_hand"] for s in detail["stock"]) == 2 and detail["available"] == 2
    late = client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=shop.headers)
    assert late.status_code == 409

    other = order(client, shop.headers, [("SW-1", 2)]).json
    cancelled = client.post(f"/api/v1/orders/{other['id']}/cancel", headers=shop.headers)
    assert cancelled.json["status"] == "cancelled" and available(client, shop.manager, "SW-1") == 2


def test_every_stock_change_is_recorded_per_warehouse(app, client, shop):
    """SW-1 has 5 in SH and 3 in BJ: an order of 7 takes both, and so do its cancel and shipment."""
    cancelled = order(client, shop.headers, [("SW-1", 7)]).json
    client.post(f"/api/v1/orders/{cancelled['id']}/cancel", headers=shop.headers)
    shipped = order(client, shop.headers, [("SW-1", 7)]).json
    client.post(f"/api/v1/orders/{shipped['id']}/ship", json={"carrier": "SF", "tracking_number": "1"},
                headers=shop.manager)
    with app.app_context():
        rows = db.session.execute(select(StockMovement.reason, Warehouse.code, StockMovement.reserved_change,
                                         StockMovement.on_hand_change)
                                  .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
                                  .where(StockMovement.reason != "erp_sync").order_by(StockMovement.id)).all()
    takes = [("SH", 5), ("BJ", 2)]
    assert [tuple(row) for row in rows] == (
        [("order", code, n, 0) for code, n in takes] + [("cancellation", code, -n, 0) for code, n in takes]
        + [("order", code, n, 0) for code, n in takes] + [("shipment", code, -n, -n) for code, n in takes])


def test_card_without_stripe_configured_reserves_nothing(client, shop):
    response = order(client, shop.headers, [("SW-1", 1)], method="card")
    assert response.status_code == 503 and response.json["error"]["code"] == "payments_unavailable"
    assert available(client, shop.manager, "SW-1") == 8


def test_unpaid_card_orders_are_cancelled_after_48_hours(app, client, shop, runner):
    from datetime import timedelta

    from orders.models import Order
    from portal.extensions import db
    from portal.types import utcnow

    placed = order(client, shop.headers, [("SW-1", 3)]).json
    with app.app_context():
        db.session.get(Order, placed["id"]).status = "awaiting_payment"  # as a card order waits
        db.session.commit()
    result = runner.invoke(args=["jobs", "run", "cancel-unpaid-orders", "--now",
                                 (utcnow() + timedelta(hours=47)).isoformat()])
    assert "ok (0)" in result.output
    result = runner.invoke(args=["jobs", "run", "cancel-unpaid-orders", "--now",
                                 (utcnow() + timedelta(hours=49)).isoformat()])
    assert "ok (1)" in result.output
    assert client.get(f"/api/v1/orders/{placed['id']}", headers=shop.headers).json["status"] == "cancelled"
    assert available(client, shop.manager, "SW-1") == 8
    with app.app_context():  # the order's history says the job did it
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "orders",
                                                           AuditEntry.object_id == str(placed["id"])))
        assert (entry.action, entry.actor_id, entry.after["status"]) == ("order.cancelled", None, "cancelled")


def test_deliver_and_record_payment_free_credit(client, shop):
    placed = order(client, shop.headers, [("SW-1", 8)]).json  # 7,200 of 10,000
    assert order(client, shop.headers, [("ST-1", 2)]).status_code == 201  # 900 more
    client.put("/api/v1/products/SW-1/stock/SH", json={"on_hand": 50}, headers=shop.manager)
    assert order(client, shop.headers, [("SW-1", 3)]).status_code == 409  # over the limit
    assert client.post(f"/api/v1/orders/{placed['id']}/payments", headers=shop.headers).status_code == 403
    paid = client.post(f"/api/v1/orders/{placed['id']}/payments", headers=shop.manager)
    assert paid.status_code == 200 and paid.json["status"] == "paid"
    assert client.post(f"/api/v1/orders/{placed['id']}/payments", headers=shop.manager).status_code == 409
    assert order(client, shop.headers, [("SW-1", 3)]).status_code == 201  # the payment freed the credit
    assert client.post(f"/api/v1/orders/{placed['id']}/deliver", headers=shop.manager).status_code == 409
    client.post(f"/api/v1/orders/{placed['id']}/ship", json={"carrier": "SF", "tracking_number": "1"},
                headers=shop.manager)
    delivered = client.post(f"/api/v1/orders/{placed['id']}/deliver", headers=shop.manager)
    assert delivered.status_code == 200 and delivered.json["status"] == "delivered"


def test_list_filters_by_number_po_and_partner(client, shop):
    mine = order(client, shop.headers, [("ST-1", 1)], po_number="PO-Alpha_1").json
    order(client, shop.headers, [("ST-1", 1)], po_number="PO-Beta")
    theirs = order(client, shop.other, [("SW-1", 1)], po_number="PO-Alpha_2").json

    def numbers(headers, **query):
        response = client.get("/api/v1/orders", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        return sorted(item["number"] for item in response.json["items"])

    assert numbers(shop.headers, q="alpha_") == [mine["number"]]  # the _ is literal, not a wildcard
    assert numbers(shop.headers, q=mine["number"][-6:]) == [mine["number"]]
    assert numbers(shop.headers, partner_id=theirs["partner_id"]) == numbers(shop.headers)  # own orders only
    assert len(numbers(shop.headers)) == 2
    assert numbers(shop.manager, q="PO-Alpha") == sorted([mine["number"], theirs["number"]])
    assert numbers(shop.manager, partner_id=theirs["partner_id"]) == [theirs["number"]]
    for bad in ({"q": "x" * 61}, {"partner_id": "one"}):
        response = client.get("/api/v1/orders", query_string=bad, headers=shop.manager)
        assert response.status_code == 422 and response.json["error"]["code"] == "validation_error"


def test_the_buyer_hears_of_shipping_and_of_cancellations_by_others(app, client, shop, make_user, token_for,
                                                                     runner):
    from datetime import timedelta

    from orders.models import Order
    from portal.types import utcnow

    desk = token_for(make_user("channel_manager", email="desk@example.com"))
    shipped, by_staff, by_self, unpaid = (order(client, shop.headers, [("SW-1", 1)]).json for _ in range(4))
    client.post(f"/api/v1/orders/{shipped['id']}/ship", json={"carrier": "SF", "tracking_number": "SF42"}, headers=desk)
    client.post(f"/api/v1/orders/{by_staff['id']}/cancel", headers=desk)
    client.post(f"/api/v1/orders/{by_self['id']}/cancel", headers=shop.headers)
    with app.app_context():
        db.session.get(Order, unpaid["id"]).status = "awaiting_payment"  # as a card order waits
        db.session.commit()
    runner.invoke(args=["jobs", "run", "cancel-unpaid-orders", "--now", (utcnow() + timedelta(hours=49)).isoformat()])
    told = {n["link"]: (n["kind"], n["message"]) for n in
            client.get("/api/v1/notifications", headers=shop.headers).json}
    assert told == {
        f"/orders/{shipped['id']}": ("order.shipped",
                                     f"Order {shipped['number']} has shipped with SF, tracking number SF42."),
        f"/orders/{by_staff['id']}": ("order.cancelled", f"Order {by_staff['number']} was cancelled by desk@example.com."),
        f"/orders/{unpaid['id']}": ("order.cancelled_unpaid",
                                    f"Order {unpaid['number']} was cancelled: it was not paid within 48 hours."),
    }

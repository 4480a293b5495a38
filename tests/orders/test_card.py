"""Card payments against a real Stripe-protocol server (localstripe), webhooks included."""

import time

from tests.orders.conftest import available, order
from tests.stripe_server import signed


def _wait_for(client, headers, order_id, status):
    for _ in range(100):
        body = client.get(f"/api/v1/orders/{order_id}", headers=headers).json
        if body["status"] == status:
            return body
        time.sleep(0.1)
    raise AssertionError(f"order never became {status}: {body['status']}")


def test_card_order_is_paid_once_by_the_webhook(app, client, shop, stripe_app):
    placed = order(client, shop.headers, [("SW-1", 2)], method="card", payment_method_id="pm_card_visa")
    assert placed.status_code == 201, placed.json
    body = placed.json
    assert body["status"] == "awaiting_payment" and body["payment"]["client_secret"]
    assert available(client, shop.manager, "SW-1") == 6
    intent_id = body["payment"]["payment_intent_id"]
    stripe_app.v1.payment_intents.confirm(intent_id)  # what Stripe's Payment Element does in the browser
    paid = _wait_for(client, shop.headers, body["id"], "paid")

    event = {"id": "evt_replayed", "type": "payment_intent.succeeded", "object": "event",
             "data": {"object": {"id": intent_id, "object": "payment_intent"}}}
    for _ in range(2):  # delivered twice: applied once
        payload, signature = signed(event)
        response = client.post("/api/v1/stripe/webhook", data=payload, headers={"Stripe-Signature": signature},
                               content_type="application/json")
        assert response.status_code == 200
    late_failure = {"id": "evt_late_failure", "type": "payment_intent.payment_failed", "object": "event",
                    "data": {"object": {"id": intent_id, "object": "payment_intent"}}}
    payload, signature = signed(late_failure)  # out of order: Stripe is asked, and says succeeded
    assert client.post("/api/v1/stripe/webhook", data=payload, headers={"Stripe-Signature": signature},
                       content_type="application/json").status_code == 200
    assert client.get(f"/api/v1/orders/{body['id']}", headers=shop.headers).json == paid
    from orders.models import StripeEvent
    from portal.audit import AuditEntry
    from portal.extensions import db

    with app.app_context():
        assert db.session.query(StripeEvent).filter_by(id="evt_replayed").count() == 1
        history = db.session.query(AuditEntry.action, AuditEntry.actor_id).filter_by(
            object_type="orders", object_id=str(body["id"])).all()
        assert history == [("order.paid", None)]  # paid once, by Stripe, however often it was told


def test_bad_signature_is_400_and_changes_nothing(client, shop, stripe_app):
    placed = order(client, shop.headers, [("SW-1", 1)], method="card").json
    event = {"id": "evt_forged", "type": "payment_intent.succeeded", "object": "event",
             "data": {"object": {"id": placed["payment"]["payment_intent_id"], "object": "payment_intent"}}}
    payload, signature = signed(event, secret="whsec_not_ours")
    response = client.post("/api/v1/stripe/webhook", data=payload, headers={"Stripe-Signature": signature},
                           content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_signature"
    assert client.post("/api/v1/stripe/webhook", data=b"{}", content_type="application/json").status_code == 400
    assert client.get(f"/api/v1/orders/{placed['id']}", headers=shop.headers).json["status"] == "awaiting_payment"


def test_failed_card_payment_is_shown_with_a_retry_and_the_return_settles_it(client, auth, shop, stripe_app,
                                                                            localstripe):
    from tests.stripe_server import confirm_like_stripe_js

    placed = order(client, shop.headers, [("SW-1", 1)], method="card").json
    intent_id, secret = placed["payment"]["payment_intent_id"], placed["payment"]["client_secret"]
    auth.login(shop.user)
    page = client.get(f"/orders/{placed['id']}")
    assert f'data-client-secret="{secret}"' in page.get_data(as_text=True)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com" in policy and "https://hooks.stripe.com" in policy
    assert "js.stripe.com" not in client.get("/orders").headers["Content-Security-Policy"]

    failure = confirm_like_stripe_js(stripe_app, localstripe, secret, "4000002500003155")  # 3-D Secure fails
    assert failure["error"]["message"]
    page = client.get(f"/orders/{placed['id']}?payment_intent={intent_id}&redirect_status=failed")
    body = page.get_data(as_text=True)
    assert 'id="payment-failed"' in body and failure["error"]["message"] in body and 'id="card-payment"' in body
    assert client.get(f"/api/v1/orders/{placed['id']}", headers=shop.headers).json["payment"]["last_error"]
    assert "payment failed" in client.get("/orders").get_data(as_text=True)

    assert confirm_like_stripe_js(stripe_app, localstripe, secret, "4242424242424242") == {}
    page = client.get(f"/orders/{placed['id']}?payment_intent={intent_id}&redirect_status=succeeded")
    body = page.get_data(as_text=True)
    assert 'data-order-status="paid"' in body and 'id="card-payment"' not in body
    assert "js.stripe.com" not in page.headers["Content-Security-Policy"]


def test_order_page_without_stripe_says_card_payment_is_unavailable(client, auth, shop, stripe_app, app,
                                                                     monkeypatch):
    placed = order(client, shop.headers, [("SW-1", 1)], method="card").json
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    auth.login(shop.user)
    page = client.get(f"/orders/{placed['id']}?payment_intent={placed['payment']['payment_intent_id']}")
    assert page.status_code == 200 and 'id="payment-unavailable"' in page.get_data(as_text=True)


def test_a_failure_reported_by_webhook_is_told_to_the_buyer_once(app, client, shop, stripe_app, localstripe):
    from tests.stripe_server import confirm_like_stripe_js

    placed = order(client, shop.headers, [("SW-1", 1)], method="card").json
    confirm_like_stripe_js(stripe_app, localstripe, placed["payment"]["client_secret"], "4000002500003155")
    event = {"id": "evt_failed_once", "type": "payment_intent.payment_failed", "object": "event",
             "data": {"object": {"id": placed["payment"]["payment_intent_id"], "object": "payment_intent"}}}
    for _ in range(2):
        payload, signature = signed(event)
        assert client.post("/api/v1/stripe/webhook", data=payload, headers={"Stripe-Signature": signature},
                           content_type="application/json").status_code == 200
    told = [n for n in client.get("/api/v1/notifications", headers=shop.headers).json
            if n["kind"] == "order.payment_failed"]
    assert len(told) == 1 and placed["number"] in told[0]["message"] and told[0]["link"] == f"/orders/{placed['id']}"
    assert client.get(f"/api/v1/orders/{placed['id']}", headers=shop.headers).json["status"] == "awaiting_payment"

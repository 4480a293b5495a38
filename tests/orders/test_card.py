"""Card payments against a real Stripe-protocol server (localstripe), webhooks included."""

import hashlib
import hmac
import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import stripe

from tests.orders.conftest import available, order
from tests.servers import free_port

LOCALSTRIPE = Path(__file__).parent.parent.parent / ".venv-localstripe/bin/localstripe"
SECRET = "whsec_portal_tests"


@pytest.fixture(scope="session")
def localstripe():
    if not LOCALSTRIPE.exists():
        pytest.fail("localstripe is not installed: run `make install-test`")
    port = free_port()
    process = subprocess.Popen([str(LOCALSTRIPE), "--port", str(port), "--from-scratch"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_app(app, monkeypatch, localstripe, live_server):
    for key, value in (("STRIPE_SECRET_KEY", "sk_test_portal"), ("STRIPE_API_BASE", localstripe),
                       ("STRIPE_WEBHOOK_SECRET", SECRET)):
        monkeypatch.setitem(app.config, key, value)
    requests.post(f"{localstripe}/_config/webhooks/portal", data={"url": f"{live_server}/api/v1/stripe/webhook",
                                                                  "secret": SECRET}, timeout=10)
    return stripe.StripeClient("sk_test_portal", base_addresses={"api": localstripe})


def _wait_for(client, headers, order_id, status):
    for _ in range(100):
        body = client.get(f"/api/v1/orders/{order_id}", headers=headers).json
        if body["status"] == status:
            return body
        time.sleep(0.1)
    raise AssertionError(f"order never became {status}: {body['status']}")


def signed(payload: dict, secret: str = SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={stamp},v1={mac}"


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
    from portal.extensions import db

    with app.app_context():
        assert db.session.query(StripeEvent).filter_by(id="evt_replayed").count() == 1


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

"""A real Stripe-protocol server (localstripe) for the suite, and a stand-in for Stripe.js.

localstripe speaks Stripe's HTTP API and signs the webhooks it sends. Its browser script
lacks the Payment Element, so browser tests load ``fake_stripe_js`` instead: a Stripe.js
look-alike whose confirmation is carried out against localstripe with the secret key, as
Stripe's own servers would.
"""

import hashlib
import hmac
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import stripe

from tests.servers import free_port, wait_for_port

LOCALSTRIPE = Path(__file__).parent.parent / ".venv-localstripe/bin/localstripe"
SECRET = "whsec_portal_tests"
SECRET_KEY = "sk_test_portal"


def signed(payload: dict, secret: str = SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={stamp},v1={mac}"


@pytest.fixture(scope="session")
def localstripe():
    if not LOCALSTRIPE.exists():
        pytest.fail("localstripe is not installed: run `make install-test`")
    port = free_port()
    process = subprocess.Popen([str(LOCALSTRIPE), "--port", str(port), "--from-scratch"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_app(app, monkeypatch, localstripe, live_server):
    """The app pointed at localstripe, which posts its signed webhooks to the live server."""
    for key, value in (("STRIPE_SECRET_KEY", SECRET_KEY), ("STRIPE_API_BASE", localstripe),
                       ("STRIPE_WEBHOOK_SECRET", SECRET), ("STRIPE_PUBLISHABLE_KEY", "pk_test_portal")):
        monkeypatch.setitem(app.config, key, value)
    requests.post(f"{localstripe}/_config/webhooks/portal", data={"url": f"{live_server}/api/v1/stripe/webhook",
                                                                  "secret": SECRET}, timeout=10)
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe})


FAKE_STRIPE_JS = """
window.Stripe = function (key) {
  return {
    elements: function (options) {
      return { clientSecret: options.clientSecret, create: function () {
        return { mount: function (selector) {
          var input = document.createElement("input");
          input.id = "fake-card-number"; input.className = "form-control";
          input.setAttribute("aria-label", "Card number");
          document.querySelector(selector).appendChild(input);
        } };
      } };
    },
    confirmPayment: function (params) {
      var secret = params.elements.clientSecret;
      return fetch(ORIGIN + "/confirm", { method: "POST", body: JSON.stringify({
        client_secret: secret, number: document.getElementById("fake-card-number").value }) })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          if (result.error) return result;
          var url = new URL(params.confirmParams.return_url);
          url.searchParams.set("payment_intent", secret.split("_secret_")[0]);
          url.searchParams.set("redirect_status", "succeeded");
          window.location.assign(url.toString());
          return {};
        });
    }
  };
};
"""


def confirm_like_stripe_js(client: stripe.StripeClient, base: str, secret: str, number: str) -> dict:
    """What Stripe does when the Payment Element confirms: attach the card, charge, maybe 3-D Secure.

    A card that asks for 3-D Secure has its authentication failed, the way a cardholder
    abandoning the challenge would; the PaymentIntent then wants another card.
    """
    intent_id = secret.split("_secret_")[0]
    method = client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123"}})
    client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    intent = client.v1.payment_intents.confirm(intent_id)
    if intent.status == "requires_action":
        requests.post(f"{base}/v1/payment_intents/{intent_id}/_authenticate?success=false",
                      data={"key": "pk_test_portal", "client_secret": secret}, timeout=10)
        intent = client.v1.payment_intents.retrieve(intent_id)
    if intent.status == "succeeded":
        return {}
    error = intent.last_payment_error.to_dict() if intent.last_payment_error else {}
    return {"error": {"message": error.get("message", "declined")}}


@pytest.fixture
def fake_stripe_js(stripe_app, localstripe, app, monkeypatch):
    """Serves the Stripe.js stand-in on a loopback port and points the app at it."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, body: bytes, content_type: str):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            origin = f"http://127.0.0.1:{self.server.server_port}"
            self._send(FAKE_STRIPE_JS.replace("ORIGIN", json.dumps(origin)).encode(), "text/javascript")

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            outcome = confirm_like_stripe_js(stripe_app, localstripe, body["client_secret"], body["number"])
            self._send(json.dumps(outcome).encode(), "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setitem(app.config, "STRIPE_JS_URL", f"http://127.0.0.1:{server.server_port}/v3/")
    yield
    server.shutdown()

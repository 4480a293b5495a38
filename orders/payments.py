"""Card payments through Stripe (or a Stripe-protocol server named by STRIPE_API_BASE).

Webhook events are verified by signature, stored by id so each is applied once, and
never trusted for the outcome: the PaymentIntent is read back from Stripe, so events
arriving twice or out of order cannot pay an order twice or undo a payment.
"""

from urllib.parse import urlsplit

import stripe
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from orders.models import Order, StripeEvent
from orders.service import mark_paid, record_failure
from portal.auth.models import User
from portal.errors import DomainError
from portal.extensions import db
from portal.notifications.service import notify
from portal.security import content_security_policy


def _client() -> stripe.StripeClient:
    config = current_app.config
    if not config.get("STRIPE_SECRET_KEY"):
        raise DomainError("payments_unavailable", _("Card payments are not available right now."), status=503)
    base = {"base_addresses": {"api": config["STRIPE_API_BASE"]}} if config.get("STRIPE_API_BASE") else {}
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], **base)


def create_payment_intent(order, payment_method: str | None = None) -> tuple[str, str]:
    """A PaymentIntent for the order's total; the idempotency key makes a retried call harmless.

    ``payment_method`` is a saved card (``pm_…``) an integration may name; otherwise the
    order page collects the card with Stripe's Payment Element.
    """
    params = {"amount": int(order.total * 100), "currency": order.currency.lower(),
              "payment_method_types": ["card"], "metadata": {"order": order.number}}
    if payment_method:
        params["payment_method"] = payment_method
    intent = _client().v1.payment_intents.create(params=params, options={"idempotency_key": f"order-{order.number}"})
    return intent.id, intent.client_secret


def handle_webhook(payload: bytes, signature: str) -> bool:
    """Apply a signed event once; False when it was seen before. A bad signature raises 400."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    except (ValueError, stripe.SignatureVerificationError, TypeError):
        raise DomainError("bad_signature", "The webhook signature does not verify.", status=400) from None
    try:
        with db.session.begin_nested():
            db.session.add(StripeEvent(id=event.id, type=event.type))
    except IntegrityError:
        return False
    if event.type.startswith("payment_intent."):
        _settle(event.data.object.id)
    return True


def _settle(intent_id: str) -> None:
    """Act on what Stripe says the PaymentIntent is now, whichever event told us to look.

    A failure learnt here is also told to whoever placed the order, who may have left the
    page; each event is applied once, so each failure is told once.
    """
    order = db.session.scalar(db.select(Order).where(Order.payment_intent_id == intent_id))
    if order is not None and _apply(order, _client().v1.payment_intents.retrieve(intent_id)) == "failed":
        notify([db.session.get(User, order.created_by_id)], "order.payment_failed", link=f"/orders/{order.id}",
               number=order.number, reason=order.payment_error)


def refresh(order: Order) -> None:
    """Read the order's PaymentIntent back, as when the partner returns from confirming a card.

    The page then shows the outcome at once instead of waiting for the webhook.
    """
    if order.status != "awaiting_payment" or not order.payment_intent_id:
        return
    try:
        _apply(order, _client().v1.payment_intents.retrieve(order.payment_intent_id))
    except (stripe.StripeError, DomainError):  # unreachable or unconfigured: the webhook settles it later
        current_app.logger.exception("Stripe did not answer for order %s", order.number)


def client_secret(order: Order) -> str:
    """What the order page's Payment Element needs to confirm (or retry) the card payment."""
    return _client().v1.payment_intents.retrieve(order.payment_intent_id).client_secret


def card_form(order: Order) -> dict | None:
    """What the Payment Element needs on the order page, or None when Stripe cannot be reached."""
    key = current_app.config.get("STRIPE_PUBLISHABLE_KEY")
    if not key:
        return None
    try:
        secret = client_secret(order)
    except (stripe.StripeError, DomainError):
        current_app.logger.exception("Stripe did not answer for order %s", order.number)
        return None
    return {"publishable_key": key, "client_secret": secret, "js_url": current_app.config["STRIPE_JS_URL"]}


def page_policy() -> str:
    """The order page's CSP: Stripe.js, its frames and its API, on that page only."""
    js = urlsplit(current_app.config["STRIPE_JS_URL"])
    origin = f"{js.scheme}://{js.netloc}"
    return content_security_policy(script_src=[origin], frame_src=[origin, "https://hooks.stripe.com"],
                                   connect_src=[origin, "https://api.stripe.com"])


def _apply(order: Order, intent) -> str | None:
    """Pay or record the failure as the PaymentIntent says: ``"paid"``, ``"failed"`` or None."""
    if intent.status == "succeeded":
        return "paid" if mark_paid(order) else None
    if intent.status == "requires_payment_method" and intent.last_payment_error:
        error = intent.last_payment_error.to_dict()
        return "failed" if record_failure(order, error.get("message") or error.get("code") or "") else None
    return None

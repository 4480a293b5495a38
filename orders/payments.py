"""Card payments through Stripe (or a Stripe-protocol server named by STRIPE_API_BASE).

Webhook events are verified by signature, stored by id so each is applied once, and
never trusted for the outcome: the PaymentIntent is read back from Stripe, so events
arriving twice or out of order cannot pay an order twice or undo a payment.
"""

import stripe
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from orders.models import Order, StripeEvent
from orders.service import mark_paid
from portal.errors import DomainError
from portal.extensions import db


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
    """Act on what Stripe says the PaymentIntent is now, whichever event told us to look."""
    order = db.session.scalar(db.select(Order).where(Order.payment_intent_id == intent_id))
    if order is None:
        return
    intent = _client().v1.payment_intents.retrieve(intent_id)
    if intent.status == "succeeded":
        mark_paid(order)

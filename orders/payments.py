"""Card payments through Stripe (or a Stripe-protocol server named by STRIPE_API_BASE)."""

import stripe
from flask import current_app
from flask_babel import gettext as _

from portal.errors import DomainError


def create_payment_intent(order) -> tuple[str, str]:
    """A PaymentIntent for the order's total; the idempotency key makes a retried call harmless."""
    config = current_app.config
    if not config.get("STRIPE_SECRET_KEY"):
        raise DomainError("payments_unavailable", _("Card payments are not available right now."), status=503)
    base = {"base_addresses": {"api": config["STRIPE_API_BASE"]}} if config.get("STRIPE_API_BASE") else {}
    client = stripe.StripeClient(config["STRIPE_SECRET_KEY"], **base)
    intent = client.payment_intents.create(
        params={"amount": int(order.total * 100), "currency": order.currency.lower(),
                "payment_method_types": ["card"], "metadata": {"order": order.number}},
        options={"idempotency_key": f"order-{order.number}"})
    return intent.id, intent.client_secret

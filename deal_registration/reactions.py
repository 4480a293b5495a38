"""How deal registration reacts to the rest of the portal."""

from deal_registration.models import DealRegistration
from deal_registration.service import transition
from portal.extensions import db
from portal.signals import order_confirmed


def close_won_by_order(order, actor, now) -> None:
    """An order citing a protected registration wins the deal, recorded in its history."""
    if order.deal_registration_id is None:
        return
    registration = db.session.get(DealRegistration, order.deal_registration_id)
    if registration is not None and registration.status == "approved":
        transition(registration, "won", actor, "order_confirmed", now, note=order.number)


def connect() -> None:
    order_confirmed.connect(close_won_by_order)

"""Signals for reactions that would otherwise point against the domains' dependency direction."""

from blinker import Namespace

signals = Namespace()

# Sent with the order as sender (and ``actor``, ``now``) once an order is confirmed or paid.
order_confirmed = signals.signal("order-confirmed")

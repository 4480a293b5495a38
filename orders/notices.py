"""What orders tell partners, in their own language (see portal.notifications)."""

from flask_babel import lazy_gettext as _l

NOTIFICATIONS = {
    "order.shipped": _l("Order %(number)s has shipped with %(carrier)s, tracking number %(tracking)s."),
    "order.cancelled": _l("Order %(number)s was cancelled by %(by)s."),
    "order.cancelled_unpaid": _l("Order %(number)s was cancelled: it was not paid within 48 hours."),
    "order.payment_failed": _l("The card payment for order %(number)s failed: %(reason)s "
                               "Try again from the order page."),
}

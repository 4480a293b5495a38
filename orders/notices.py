"""What orders tell partners, in their own language (see portal.notifications)."""

from flask_babel import lazy_gettext as _l

NOTIFICATIONS = {
    "order.payment_failed": _l("The card payment for order %(number)s failed: %(reason)s "
                               "Try again from the order page."),
}

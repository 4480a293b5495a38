"""What enablement tells partners, in their own language (see portal.notifications)."""

from flask_babel import lazy_gettext as _l

NOTIFICATIONS = {
    "campaign.launched": _l("New campaign for you: %(name)s. Its materials are in the library."),
}

"""What deal registration tells people, in their own language (see portal.notifications)."""

from flask_babel import lazy_gettext as _l

NOTIFICATIONS = {
    "deal.approved": _l("Your deal registration #%(id)s (%(customer)s) is approved and protected."),
    "deal.rejected": _l("Your deal registration #%(id)s (%(customer)s) was not accepted."),
    "deal.pending_review": _l("Your deal registration #%(id)s (%(customer)s) awaits a channel manager's review."),
    "deal.conflict": _l("Your deal registration #%(id)s (%(customer)s) competes with another registration; a channel manager will decide."),
    "deal.withdrawn": _l("Deal registration #%(id)s (%(customer)s) was withdrawn."),
    "deal.won": _l("Deal registration #%(id)s (%(customer)s) is closed as won."),
    "deal.lost": _l("Deal registration #%(id)s (%(customer)s) is closed as lost."),
    "deal.expired": _l("The protection of deal registration #%(id)s (%(customer)s) has expired."),
    "deal.extended": _l("The protection of deal registration #%(id)s (%(customer)s) is extended."),
    "deal.extension_rejected": _l("The extension of deal registration #%(id)s (%(customer)s) was not granted."),
    "deal.appeal_dismissed": _l("Your appeal for deal registration #%(id)s (%(customer)s) was dismissed."),
    "deal.expiring": _l("The protection of deal registration #%(id)s (%(customer)s) ends in %(days)s days."),
    "deal.review_needed": _l("Deal registration #%(id)s (%(customer)s) needs a review."),
}

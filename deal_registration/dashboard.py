"""Deal registration's panel on the dashboard."""

from flask import render_template

from deal_registration import queries, service
from portal.types import utcnow

EXPIRING_DAYS = 14


def panel(user) -> str:
    value, expiring = queries.pipeline(user, utcnow(), EXPIRING_DAYS)
    return render_template("deal_registration/_dashboard.html", counts=queries.status_counts(user),
                           open_conflicts=0 if user.is_partner else len(service.open_conflicts()),
                           pipeline=value, expiring=expiring, days=EXPIRING_DAYS)


DASHBOARD_PANELS = [panel]

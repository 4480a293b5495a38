"""Deal registration's panel on the dashboard."""

from flask import render_template

from deal_registration import queries, service


def panel(user) -> str:
    return render_template("deal_registration/_dashboard.html", counts=queries.status_counts(user),
                           open_conflicts=0 if user.is_partner else len(service.open_conflicts()))


DASHBOARD_PANELS = [panel]

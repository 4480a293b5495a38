"""Orders' panel on the dashboard: a partner's open orders and credit; for channel managers
the orders waiting on someone and which partners order most."""

from flask import render_template

from orders import figures
from portal.auth.roles import has_role
from portal.i18n import money
from portal.types import utcnow


def panel(user) -> str:
    if user.is_partner:
        return render_template("orders/_dashboard_partner.html", figures=figures.for_partner(user.partner))
    if not has_role(user, "channel_manager"):
        return ""
    contribution = [(name, total, money(total)) for name, total in figures.contribution(utcnow())]
    return render_template("orders/_dashboard_staff.html", counts=figures.for_channel(), contribution=contribution,
                           days=figures.CONTRIBUTION_DAYS)


DASHBOARD_PANELS = [panel]

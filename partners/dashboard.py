"""The partners domain's panel on the dashboard."""

from flask import render_template
from sqlalchemy import func, select

from partners.models import Partner
from portal.extensions import db


def panel(user) -> str:
    if user.is_partner:
        return render_template("partners/_dashboard_partner.html", partner=user.partner)
    counts = dict(db.session.execute(select(Partner.status, func.count()).group_by(Partner.status)).all())
    return render_template("partners/_dashboard_staff.html",
                           counts={"active": counts.get("active", 0), "suspended": counts.get("suspended", 0)})


DASHBOARD_PANELS = [panel]

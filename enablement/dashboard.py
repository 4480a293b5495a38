"""Enablement's panel on the dashboard: "What's new" for partners, reach at a glance for marketing."""

from flask import render_template
from sqlalchemy import func, select

from enablement import service
from enablement.models import Campaign, Download, Material
from enablement.reach import BY_PARTNERS
from portal.auth.roles import has_role
from portal.extensions import db
from portal.types import utcnow


def panel(user) -> str:
    if user.is_partner:
        campaigns = service.campaigns_for(user)[:5]
        materials, _total = service.materials_for(user, per_page=5)
        return render_template("enablement/_dashboard_partner.html", campaigns=campaigns, materials=materials)
    if not has_role(user, "marketing"):
        return ""
    today = utcnow().date()
    counts = {
        "materials": db.session.scalar(select(func.count(Material.id))),
        "active_campaigns": db.session.scalar(select(func.count(Campaign.id)).where(
            Campaign.starts_on <= today, Campaign.ends_on >= today)),
        "downloads": db.session.scalar(select(func.count(Download.id)).where(BY_PARTNERS)),
    }
    return render_template("enablement/_dashboard_staff.html", counts=counts)


DASHBOARD_PANELS = [panel]

"""Landing pages: the dashboard of each role, the API docs page and a health check."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select, text

from portal.audit import AuditEntry
from portal.auth.decorators import login_required
from portal.auth.roles import ROLE_LABELS
from portal.extensions import db
from portal.forms import ActionForm
from portal.notifications.service import unread_count

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.get("/dashboard")
@login_required
def dashboard():
    """Each domain contributes a panel (its ``DASHBOARD_PANELS``); staff also see recent changes."""
    panels = [Markup(panel(current_user)) for panel in current_app.extensions["portal.dashboard"]]
    recent = None if current_user.is_partner else _recent_audit()
    return render_template("dashboard.html", panels=panels, recent=recent)


def _recent_audit(limit: int = 10) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()


@bp.get("/docs/api")
def api_docs():
    """The OpenAPI document rendered by the vendored Swagger UI (no CDN)."""
    return render_template("api_docs.html")


@bp.get("/livez")
def live():
    """Liveness: the process answers. Touches nothing, so a database outage does not restart it."""
    return {"status": "ok"}


@bp.get("/healthz")
def health():
    """Readiness: the process answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


def template_context() -> dict:
    """What every page's header needs: the bell's count, languages, role names."""
    unread = unread_count(current_user) if current_user.is_authenticated else 0
    return {
        "unread_notifications": unread,
        "languages": current_app.config["LANGUAGES"],
        "locale": str(get_locale()),
        "role_labels": ROLE_LABELS,
        "action_form": ActionForm(),
        "current_path": request.full_path.rstrip("?"),
    }

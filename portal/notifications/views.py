"""The notifications page behind the bell."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.decorators import login_required
from portal.extensions import db
from portal.forms import ActionForm
from portal.notifications import service

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", form=ActionForm(),
                           notifications=service.notifications_for(current_user))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    if ActionForm().validate_on_submit():
        service.mark_read(current_user, notification_id)
        db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if ActionForm().validate_on_submit():
        service.mark_read(current_user)
        db.session.commit()
    return redirect(url_for("notifications.index"))

"""``GET /api/v1/notifications`` and marking them read."""

import marshmallow as ma
from flask_login import current_user

from portal.api import Blueprint, Schema
from portal.extensions import db
from portal.notifications import service

blp = Blueprint("notifications_api", __name__, description="In-app notifications")


class NotificationOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    message = ma.fields.String(attribute="text")
    link = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    read = ma.fields.Boolean()


class NotificationQuery(Schema):
    unread = ma.fields.Boolean(load_default=False)


@blp.get("/notifications")
@blp.arguments(NotificationQuery(), location="query")
@blp.response(200, NotificationOut(many=True))
def list_notifications(args):
    """The caller's notifications, newest first."""
    return service.notifications_for(current_user, unread_only=args["unread"])


@blp.post("/notifications/<int:notification_id>/read")
@blp.response(204)
def mark_read(notification_id):
    service.mark_read(current_user, notification_id)
    db.session.commit()


@blp.post("/notifications/read")
@blp.response(204)
def mark_all_read():
    service.mark_read(current_user)
    db.session.commit()

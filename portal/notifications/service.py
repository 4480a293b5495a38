"""Notify people: one row per recipient, plus an email when SMTP is configured."""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, select, update

from portal.auth.models import User
from portal.errors import NotFound
from portal.extensions import db
from portal.notifications.models import Notification
from portal.types import utcnow

log = logging.getLogger(__name__)


def notify(users: Iterable[User], kind: str, message: str, link: str | None = None,
           now: datetime | None = None) -> list[Notification]:
    """Queue an in-app notification for each user (flushed with the caller's transaction)."""
    now = now or utcnow()
    rows = [Notification(user_id=u.id, kind=kind, message=message, link=link, created_at=now) for u in users]
    db.session.add_all(rows)
    if current_app.config.get("MAIL_SERVER"):
        _send_email([u.email for u in users], message)
    return rows


def _send_email(recipients: list[str], text: str) -> None:
    """Best effort: a mail server that is down must not undo the change that notified."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = cfg["MAIL_SENDER"], ", ".join(recipients), text[:78]
    msg.set_content(text)
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            smtp.send_message(msg)
    except OSError:
        log.warning("could not send notification email to %s", recipients, exc_info=True)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notifications_for(user: User, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return db.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()


def mark_read(user: User, notification_id: int | None = None, now: datetime | None = None) -> None:
    """Mark one notification (404 when not the user's) or all of them read."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        owned = db.session.get(Notification, notification_id)
        if owned is None or owned.user_id != user.id:
            raise NotFound()
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=now or utcnow()))

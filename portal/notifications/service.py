"""Notify people: one row per recipient, plus an email when SMTP is configured."""

import json
import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Select, func, literal, select, update

from portal.auth.models import User
from portal.errors import NotFound
from portal.extensions import db
from portal.notifications.models import Notification
from portal.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)


def notify(users: Iterable[User], kind: str, message: str | None = None, link: str | None = None,
           now: datetime | None = None, **params) -> list[Notification]:
    """Queue an in-app notification for each user (flushed with the caller's transaction).

    A ``kind`` with a registered template (a domain's ``NOTIFICATIONS``) is shown in
    each reader's language, filled with ``params``; otherwise ``message`` is shown as is.
    """
    users = list(users)
    template = current_app.extensions["portal.notifications"].get(kind)
    if template is not None:
        with force_locale("en"):
            message = str(template) % params
    rows = [Notification(user_id=u.id, kind=kind, message=message, params=params or None, link=link,
                         created_at=now or utcnow()) for u in users]
    db.session.add_all(rows)
    if users and current_app.config.get("MAIL_SERVER"):
        _send_emails([(u.email, message) for u in users])
    return rows


def notify_selected(kind: str, recipients: Select, now: datetime | None = None) -> int:
    """One notification per row of ``recipients`` (columns ``user_id``, ``params``, ``link``),
    inserted by the database in one statement: for jobs that tell thousands at once.
    The text is rendered from ``params`` when read, in the reader's language; email goes
    out too when a mail server is configured. Returns how many were told."""
    template = current_app.extensions["portal.notifications"].get(kind)
    if template is None:
        raise KeyError(f"no template for notification kind {kind!r}")
    rows = recipients.subquery()
    told = len(db.session.execute(  # counted from RETURNING: rowcount came back -1 on PostgreSQL
        Notification.__table__.insert().from_select(
            ["user_id", "kind", "message", "params", "link", "created_at"],
            select(rows.c.user_id, literal(kind), literal(""), rows.c.params, rows.c.link,
                   literal(now or utcnow(), UTCDateTime)),
        ).returning(Notification.id)
    ).all())
    if current_app.config.get("MAIL_SERVER"):
        with force_locale("en"):
            _send_emails([(email, str(template) % _params(params)) for email, params in db.session.execute(
                select(User.email, rows.c.params).join(rows, rows.c.user_id == User.id))])
    return told


def _params(value) -> dict:
    """JSON built by the database comes back as text on SQLite and as a dict on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value or {}


def _send_emails(messages: list[tuple[str, str]]) -> None:
    """(recipient, text) pairs over one connection, a message each so no one sees who else
    was told. Best effort: a mail server that is down must not undo the change that notified."""
    cfg = current_app.config
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            for recipient, text in messages:
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = cfg["MAIL_SENDER"], recipient, text[:78]
                msg.set_content(text)
                smtp.send_message(msg)
    except OSError:
        log.warning("could not send notification emails to %s", [m[0] for m in messages], exc_info=True)


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

"""Scheduled jobs: release expired protection, and remind owners before it ends.

Both are set-based. A conditional UPDATE changes the registrations that are due and
returns their ids; the history entries and notifications are then inserted by the
database from those rows. A registration changes only while it is still in the
state the UPDATE expects, so however often or however concurrently a job runs, each
registration is expired, recorded and notified once.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, cast, literal, or_, select, update

from deal_registration.models import DealHistory, DealRegistration
from portal.extensions import db
from portal.notifications.service import notify_selected
from portal.sql import among, json_object
from portal.types import UTCDateTime

REMINDER_DAYS = (3, 14)  # nearest first, so each registration gets the reminder it is due
R = DealRegistration


def _owners(ids: list[int], **params):
    """The owners of registrations ``ids``, with what their notification says."""
    return select(R.created_by_id.label("user_id"),
                  json_object(id=R.id, customer=R.company_name, **params).label("params"),
                  (literal("/deals/") + cast(R.id, String)).label("link")).where(among(R.id, ids))


def release_expired_locks(now: datetime) -> int:
    ids = db.session.scalars(
        update(R).where(R.status == "approved", R.protection_expires_at <= now)
        .values(status="expired", reason=None).returning(R.id)
        .execution_options(synchronize_session=False)
    ).all()
    if ids:
        db.session.execute(DealHistory.__table__.insert().from_select(
            ["registration_id", "at", "action", "from_status", "to_status", "note"],
            select(R.id, literal(now, UTCDateTime), literal("expired"), literal("approved"), literal("expired"),
                   literal("")).where(among(R.id, ids))))
        notify_selected("deal.expired", _owners(ids), now)
    return len(ids)


def send_expiry_reminders(now: datetime) -> int:
    sent = 0
    for days in REMINDER_DAYS:
        ids = db.session.scalars(
            update(R).where(R.status == "approved", R.protection_expires_at > now,
                            R.protection_expires_at <= now + timedelta(days=days),
                            or_(R.reminded_days.is_(None), R.reminded_days > days))
            .values(reminded_days=days).returning(R.id)
            .execution_options(synchronize_session=False)
        ).all()
        if ids:
            notify_selected("deal.expiring", _owners(ids, days=days), now)
        sent += len(ids)
    return sent


JOBS = {"release-expired-locks": release_expired_locks, "send-expiry-reminders": send_expiry_reminders}

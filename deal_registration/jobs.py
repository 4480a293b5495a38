"""Scheduled jobs: release expired protection, and remind owners before it ends.

Both are set-based, conditional UPDATEs with RETURNING: a registration changes only
if it is still in the state the statement expects, so however often or however
concurrently a job runs, each registration is expired, recorded and notified once.
"""

from datetime import datetime, timedelta

from sqlalchemy import insert, or_, update

from deal_registration.models import DealHistory, DealRegistration
from portal.extensions import db
from portal.notifications.service import notify_many

REMINDER_DAYS = (3, 14)  # nearest first, so each registration gets the reminder it is due


def release_expired_locks(now: datetime) -> int:
    R = DealRegistration
    expired = db.session.execute(
        update(R).where(R.status == "approved", R.protection_expires_at <= now)
        .values(status="expired", reason=None)
        .returning(R.id, R.created_by_id, R.company_name)
        .execution_options(synchronize_session=False)
    ).all()
    if expired:
        db.session.execute(insert(DealHistory), [
            {"registration_id": row.id, "at": now, "actor_id": None, "action": "expired",
             "from_status": "approved", "to_status": "expired", "note": ""} for row in expired])
        notify_many([{"user_id": row.created_by_id, "link": f"/deals/{row.id}", "id": row.id,
                      "customer": row.company_name} for row in expired], "deal.expired", now)
    return len(expired)


def send_expiry_reminders(now: datetime) -> int:
    R = DealRegistration
    sent = 0
    for days in REMINDER_DAYS:
        due = db.session.execute(
            update(R).where(R.status == "approved", R.protection_expires_at > now,
                            R.protection_expires_at <= now + timedelta(days=days),
                            or_(R.reminded_days.is_(None), R.reminded_days > days))
            .values(reminded_days=days)
            .returning(R.id, R.created_by_id, R.company_name)
            .execution_options(synchronize_session=False)
        ).all()
        sent += notify_many([{"user_id": row.created_by_id, "link": f"/deals/{row.id}", "id": row.id,
                              "customer": row.company_name, "days": days} for row in due], "deal.expiring", now)
    return sent


JOBS = {"release-expired-locks": release_expired_locks, "send-expiry-reminders": send_expiry_reminders}

"""release-expired-locks and send-expiry-reminders, as the scheduler and the CLI run them."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from deal_registration.models import DealRegistration
from portal.extensions import db
from portal.notifications.models import Notification
from tests.deals.conftest import register


def _expires(client, who, registration_id) -> datetime:
    body = client.get(f"/api/v1/deal-registrations/{registration_id}", headers=who.headers).json
    return datetime.fromisoformat(body["protection_expires_at"])


def _kinds(app, kind) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Notification.kind == kind))


def test_release_expired_locks_as_of_a_time(app, client, runner, east, east2):
    registration = register(client, east).json
    expires = _expires(client, east, registration["id"])
    before = runner.invoke(args=["jobs", "run", "release-expired-locks", "--now", (expires - timedelta(seconds=1)).isoformat()])
    assert before.exit_code == 0 and "ok (0)" in before.output
    after = runner.invoke(args=["jobs", "run", "release-expired-locks", "--now", expires.isoformat()])
    assert "ok (1)" in after.output
    again = runner.invoke(args=["jobs", "run", "release-expired-locks", "--now", (expires + timedelta(days=1)).isoformat()])
    assert "ok (0)" in again.output  # idempotent
    body = client.get(f"/api/v1/deal-registrations/{registration['id']}", headers=east.headers).json
    assert body["status"] == "expired"
    history = client.get(f"/api/v1/deal-registrations/{registration['id']}/history", headers=east.headers).json
    assert [h["action"] for h in history] == ["submitted", "expired"] and history[1]["actor"] is None
    assert _kinds(app, "deal.expired") == 1
    assert register(client, east2).json["status"] == "approved"


def test_reminders_at_14_and_3_days_once_each(app, client, runner, east, manager):
    registration = register(client, east).json
    expires = _expires(client, east, registration["id"])

    def run(days_before: float) -> str:
        return runner.invoke(args=["jobs", "run", "send-expiry-reminders", "--now",
                                   (expires - timedelta(days=days_before)).isoformat()]).output

    assert "ok (0)" in run(20)
    assert "ok (1)" in run(14)
    assert "ok (0)" in run(13)
    assert "ok (1)" in run(3)
    assert "ok (0)" in run(1)
    assert _kinds(app, "deal.expiring") == 2
    messages = [n["message"] for n in client.get("/api/v1/notifications", headers=east.headers).json
                if n["kind"] == "deal.expiring"]
    assert any("3 days" in m for m in messages) and any("14 days" in m for m in messages)


def test_extension_restarts_reminders(app, client, runner, east, manager):
    registration = register(client, east).json
    expires = _expires(client, east, registration["id"])
    runner.invoke(args=["jobs", "run", "send-expiry-reminders", "--now", (expires - timedelta(days=3)).isoformat()])
    extension = client.post(f"/api/v1/deal-registrations/{registration['id']}/extension-requests",
                            json={"reason": "tender delayed"}, headers=east.headers).json
    client.post(f"/api/v1/extension-requests/{extension['id']}/approve", headers=manager.headers)
    new_expiry = _expires(client, east, registration["id"])
    result = runner.invoke(args=["jobs", "run", "send-expiry-reminders", "--now",
                                 (new_expiry - timedelta(days=14)).isoformat()])
    assert "ok (1)" in result.output


def test_jobs_are_registered_with_the_scheduler(app):
    assert {"release-expired-locks", "send-expiry-reminders"} <= set(app.extensions["portal.jobs"])


def test_sweep_leaves_other_states_alone(app, client, runner, east, south):
    pending = register(client, south, territory="SH").json
    far_future = datetime.fromisoformat(pending["created_at"]) + timedelta(days=400)
    runner.invoke(args=["jobs", "run", "release-expired-locks", "--now", far_future.isoformat()])
    with app.app_context():
        assert db.session.get(DealRegistration, pending["id"]).status == "pending_review"

"""In-app notifications: the API, the bell and the page; nobody sees another's."""

from portal.auth.models import User
from portal.extensions import db
from portal.notifications.service import notify


def _notify(app, user, message):
    with app.app_context():
        rows = notify([db.session.get(User, user.id)], "test", message, link="/dashboard")
        db.session.commit()
        return rows[0].id


def test_api_lists_own_notifications_and_marks_read(app, client, make_user, token_for):
    me, other = make_user(), make_user()
    mine = _notify(app, me, "Your deal is approved")
    theirs = _notify(app, other, "Someone else's news")
    headers = token_for(me)
    listed = client.get("/api/v1/notifications", headers=headers).json
    assert [(n["id"], n["kind"], n["message"], n["read"]) for n in listed] == [(mine, "test", "Your deal is approved", False)]
    assert set(listed[0]) >= {"id", "kind", "message", "created_at", "read"}
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=headers).status_code == 404
    assert client.post(f"/api/v1/notifications/{mine}/read", headers=headers).status_code == 204
    assert client.get("/api/v1/notifications", headers=headers).json[0]["read"] is True
    assert client.get("/api/v1/notifications?unread=true", headers=headers).json == []
    assert client.get("/api/v1/notifications", headers=token_for(other)).json[0]["read"] is False


def test_bell_shows_unread_count_and_page_marks_read(app, client, auth, make_user):
    user = make_user()
    for i in range(3):
        _notify(app, user, f"News {i}")
    auth.login(user)
    assert 'data-testid="unread-count">3<' in client.get("/dashboard").get_data(as_text=True)
    assert "News 2" in client.get("/notifications").get_data(as_text=True)
    auth.post("/notifications/read", {}, form_url="/notifications")
    assert 'data-testid="unread-count"' not in client.get("/dashboard").get_data(as_text=True)


def test_email_is_sent_only_when_configured(app, make_user, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr("portal.notifications.service.smtplib.SMTP", FakeSMTP)
    user = make_user()
    _notify(app, user, "no mail server: no email")
    assert sent == []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    _notify(app, user, "now with email")
    assert sent == [("127.0.0.1", 25), user.email]

"""Campaigns: validation, and a launch that tells each targeted partner user exactly once."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import Notification
from tests.servers import gunicorn, post_json, race

TODAY = datetime.now(UTC).date()


def _campaign(client, headers, **fields):
    body = {"name": "Wi-Fi 7 spring push", "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=30)).isoformat(), **fields}
    return client.post("/api/v1/campaigns", json=body, headers=headers)


def _notified(app, kind="campaign.launched") -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(Notification.user_id, func.count()).where(Notification.kind == kind)
                                       .group_by(Notification.user_id)).all())


def test_campaign_input_is_checked(client, channel):
    backwards = _campaign(client, channel.staff, ends_on=(TODAY - timedelta(days=1)).isoformat())
    assert backwards.status_code == 422 and "ends_on" in backwards.json["error"]["fields"]
    assert _campaign(client, channel.staff, starts_on="soon").status_code == 422
    assert _campaign(client, channel.staff, colour="red").status_code == 422
    assert _campaign(client, channel.staff, tiers="platinum").status_code == 422
    assert _campaign(client, channel.headers["national_gold"]).status_code == 403
    assert client.get("/api/v1/campaigns", headers=channel.staff).json == []


def test_launch_notifies_each_targeted_user_once(app, client, channel, make_user):
    second_user = make_user("partner_admin", channel.partners["national_gold"])
    make_user("partner_user", channel.partners["north_gold"], active=False)  # deactivated: not told
    campaign = _campaign(client, channel.staff, tiers="gold", territory_codes="CN-EAST").json
    first = client.post(f"/api/v1/campaigns/{campaign['id']}/launch", headers=channel.staff)
    assert first.status_code == 200 and first.json["notified"] == 2 and first.json["launched_at"]
    again = client.post(f"/api/v1/campaigns/{campaign['id']}/launch", headers=channel.staff)
    assert again.status_code == 200 and again.json["notified"] == 0
    assert again.json["launched_at"] == first.json["launched_at"]
    assert _notified(app) == {channel.users["national_gold"].id: 1, second_user.id: 1}

    inbox = client.get("/api/v1/notifications", headers=channel.headers["national_gold"]).json
    assert inbox[0]["kind"] == "campaign.launched" and "Wi-Fi 7 spring push" in inbox[0]["message"]
    assert inbox[0]["read"] is False and inbox[0]["link"] == f"/campaigns/{campaign['id']}"
    assert client.get("/api/v1/notifications", headers=channel.headers["north_gold"]).json == []
    named = _campaign(client, channel.staff, name="Storage week", name_zh="存储周", territory_codes="HK").json
    client.post(f"/api/v1/campaigns/{named['id']}/launch", headers=channel.staff)
    hk = channel.headers["hk_silver"]
    assert "Storage week" in client.get("/api/v1/notifications", headers=hk).json[0]["message"]
    chinese = client.get("/api/v1/notifications", headers={**hk, "Accept-Language": "zh-CN"}).json[0]["message"]
    assert "存储周" in chinese and "Storage week" not in chinese
    assert client.post("/api/v1/campaigns/999/launch", headers=channel.staff).status_code == 404
    assert client.post(f"/api/v1/campaigns/{campaign['id']}/launch",
                       headers=channel.headers["national_gold"]).status_code == 403


def test_launch_emails_when_a_mail_server_is_configured(app, client, channel, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append((message["To"], message.get_content().strip()))

    monkeypatch.setattr("portal.notifications.service.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    campaign = _campaign(client, channel.staff, territory_codes="HK", name="HK roadshow").json
    client.post(f"/api/v1/campaigns/{campaign['id']}/launch", headers=channel.staff)
    assert sent == [(channel.users["hk_silver"].email,
                     "New campaign for you: HK roadshow. Its materials are in the library.")]


def _launch(base, token, campaign_id, barrier, results):
    barrier.wait()
    status, body = post_json(f"{base}/api/v1/campaigns/{campaign_id}/launch", token, {})
    results.put((status, body.get("notified")))


def test_simultaneous_launches_notify_once(app, client, channel, make_user, token_for):
    for index in range(6):
        make_user("partner_user", channel.partners["hk_silver"], email=f"hk{index}@example.com")
    campaign = _campaign(client, channel.staff).json
    tokens = [token_for(make_user("marketing"))["Authorization"].split()[1] for _ in range(6)]
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=3) as base:
        outcomes = race(_launch, [(base, token, campaign["id"]) for token in tokens], len(tokens), timeout=120)
    assert sorted(status for status, _n in outcomes) == [200] * 6
    notified = sorted(n for _status, n in outcomes)
    assert notified == [0] * 5 + [10]  # 4 partner users of the fixture + 6 more at HK Silver
    counts = _notified(app)
    assert len(counts) == 10 and set(counts.values()) == {1}

"""Simultaneous submissions from many processes, through the HTTP app: one winner."""

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from deal_registration import jobs
from deal_registration.models import DealHistory, DealRegistration
from portal.extensions import db
from portal.notifications.models import Notification
from portal.types import utcnow
from tests.deals.conftest import deal
from tests.servers import gunicorn, post_json, race

CLIENTS, ROUNDS = 8, 20


def _client(base, token, index, barrier, results):
    for round_ in range(ROUNDS):
        barrier.wait()
        status, answer = post_json(f"{base}/api/v1/deal-registrations", token, deal(company=_customer(round_)))
        results.put((round_, index, answer["status"] if status == 201 else f"http {status}: {answer}"))


def _customer(round_: int) -> str:
    """Names far apart from round to round, so each round is a deal of its own."""
    return f"{hashlib.sha256(str(round_).encode()).hexdigest()[:12]} Trading Co., Ltd."


def test_eight_processes_same_deal_twenty_rounds_one_winner_each(app, territories, make_partner, make_user,
                                                                 token_for):
    tokens = []
    for i in range(CLIENTS):
        partner = make_partner(f"Racer {i}", territories=("EAST",))
        tokens.append(token_for(make_user("partner_user", partner))["Authorization"].split()[1])
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base:
        outcomes = race(_client, [(base, tokens[i], i) for i in range(CLIENTS)], CLIENTS * ROUNDS)
    for round_ in range(ROUNDS):
        statuses = sorted(status for r, _i, status in outcomes if r == round_)
        assert statuses == ["approved"] + ["rejected"] * (CLIENTS - 1), (round_, statuses)
    with app.app_context():
        approved = db.session.execute(select(DealRegistration.company_name, func.count())
                                      .where(DealRegistration.status == "approved")
                                      .group_by(DealRegistration.company_name)).all()
    assert len(approved) == ROUNDS and all(count == 1 for _name, count in approved)


def _sweep(url: str, barrier, results):
    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret"})
    with app.app_context():
        barrier.wait()
        count = jobs.release_expired_locks(utcnow())
        db.session.commit()
        results.put(count)


def test_two_concurrent_sweeps_expire_record_and_notify_each_once(app, client, territories, make_partner,
                                                                  make_user, token_for):
    partner = make_partner("Sweeper", territories=("EAST",))
    headers = token_for(make_user("partner_user", partner))
    for i in range(60):
        assert client.post("/api/v1/deal-registrations", json=deal(company=_customer(i)),
                           headers=headers).status_code == 201
    with app.app_context():
        db.session.execute(DealRegistration.__table__.update().values(protection_expires_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    counts = sorted(race(_sweep, [(app.config["SQLALCHEMY_DATABASE_URI"],)] * 2, 2, timeout=120))
    assert sum(counts) == 60
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(DealRegistration.status == "expired")) == 60
        expired_entries = db.session.execute(select(DealHistory.registration_id, func.count())
                                             .where(DealHistory.action == "expired")
                                             .group_by(DealHistory.registration_id)).all()
        assert len(expired_entries) == 60 and all(n == 1 for _id, n in expired_entries)
        assert db.session.scalar(select(func.count()).where(Notification.kind == "deal.expired")) == 60

"""The factory, the CLI, error pages and the demo data."""

import pytest
from sqlalchemy import func, select

from orders.models import Order
from partners.models import Partner
from portal import create_app
from portal.auth.models import User
from portal.extensions import db
from tests.conftest import csrf_token


def test_refuses_default_secret_key_outside_debug_and_tests(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "s3cret"}).config["SESSION_COOKIE_SECURE"]


def test_postgres_urls_use_psycopg3():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgresql://u:p@localhost/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite only")
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_html_error_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


def test_users_create_cli(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Root@Example.com", "--password", "long-enough-pass",
                                 "--role", "admin"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["users", "create", "--email", "x@example.com", "--password", "short", "--role", "admin"])
    assert refused.exit_code != 0 and "12 characters" in refused.output
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "root@example.com"


def test_demo_seed_is_idempotent_and_signs_in(app, runner, auth, client):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        partners = db.session.scalar(select(func.count()).select_from(Partner))
        users = db.session.scalar(select(func.count()).select_from(User))
        statuses = sorted(db.session.scalars(select(Order.status)))
    assert partners >= 5 and users >= 3 + 2 * partners
    assert statuses == ["cancelled", "confirmed", "confirmed", "delivered", "shipped"]
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users
        assert db.session.scalar(select(func.count()).select_from(Order)) == len(statuses)
    from portal.demo import DEMO_PASSWORD

    assert auth.login("manager@example.com", DEMO_PASSWORD).status_code == 302
    assert "上海云启科技有限公司" in client.get("/partners").get_data(as_text=True)


def test_health(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_nul_characters_are_a_bad_request_not_a_server_error(client, auth, make_user, make_territory, token_for):
    make_territory("CN")
    user = make_user("partner_user")
    auth.login(user)
    form = {"csrf_token": csrf_token(client, "/deals/new"), "company_name": "Acme\x00", "territory_code": "CN",
            "country": "CN", "product_line": "NET", "estimated_value": "100", "expected_close_date": "2027-01-01"}
    assert client.post("/deals/new", data=form).status_code == 400
    assert client.get("/catalog?q=ab\x00c").status_code == 400
    assert client.get("/catalog?q=ab%00c").status_code == 400
    body = {"customer": {"company_name": "Acme\x00", "territory_code": "CN", "country": "CN"},
            "product_line": "NET", "estimated_value": "100", "expected_close_date": "2027-01-01"}
    response = client.post("/api/v1/deal-registrations", json=body, headers=token_for(user))
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"
    assert client.get("/api/v1/deal-registrations", headers=token_for(user)).json["total"] == 0

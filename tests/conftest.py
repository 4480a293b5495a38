"""Test fixtures: the real app on a real database (SQLite by default, PostgreSQL when
TEST_DATABASE_URL says so), migrated once per session and emptied after every test."""

import os
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.serving import make_server

from partners import accounts
from partners import service as partner_service
from portal import create_app
from portal.auth import service as auth_service
from portal.auth.roles import PARTNER_ROLES
from portal.config import TestConfig
from portal.extensions import db

pytest_plugins = ["tests.stripe_server"]

PASSWORD = "correct-horse-battery"
CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def reset_schema(url: str) -> None:
    """Start from an empty database, so the session's migrations run from the first."""
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = database_url(tmp_path_factory.mktemp("db"))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Config)
    with app.app_context():
        reset_schema(url)
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Empty every table after each test that touched the app (works across processes)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name != "cache_generations"]
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE cache_generations SET value = value + 1"))  # forget cached rows
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def plain(obj, *fields) -> SimpleNamespace:
    """A detached, read-only copy of the fields a test needs."""
    return SimpleNamespace(**{f: getattr(obj, f) for f in fields})


@pytest.fixture
def make_territory(app):
    def make(code="CN", name=None, parent=None):
        with app.app_context():
            territory = partner_service.territory_by_code(code) or partner_service.create_territory(
                None, code, name or code, parent)
            db.session.commit()
            return plain(territory, "id", "code", "name", "path")
    return make


@pytest.fixture
def make_tier(app):
    def make(code="gold", discount="15.00"):
        with app.app_context():
            tier = partner_service.put_tier(None, code, discount, code.title())
            db.session.commit()
            return plain(tier, "id", "code", "discount_percent")
    return make


@pytest.fixture
def make_partner(app, make_tier, make_territory):
    def make(name="Acme Systems", tier="gold", territories=("CN",), credit_limit="10000.00", status="active"):
        for code in territories:
            make_territory(code)
        with app.app_context():
            if partner_service.tier_by_code(tier) is None:
                make_tier(tier)
            partner = partner_service.create_partner(None, name, tier, list(territories), credit_limit)
            if status != "active":
                partner_service.update_partner(None, partner, status=status)
            db.session.commit()
            return plain(partner, "id", "name", "status")
    return make


@pytest.fixture
def make_user(app, make_partner):
    counter = iter(range(1, 10_000))

    def make(role="partner_user", partner=None, email=None, password=PASSWORD, active=True):
        """A user; a partner role without a partner gets a partner of its own."""
        email = email or f"{role}{next(counter)}@example.com"
        if role in PARTNER_ROLES and partner is None:
            partner = make_partner(f"Partner of {email}")
        with app.app_context():
            user = accounts.create_user(None, email, password, role, getattr(partner, "id", partner))
            user.active = active
            db.session.commit()
            return SimpleNamespace(id=user.id, email=email, password=password, role=role,
                                   partner_id=user.partner_id)
    return make


@pytest.fixture
def token_for(app):
    """Bearer headers for a user, issued directly (the endpoint has its own tests)."""
    def issue(user) -> dict[str, str]:
        with app.app_context():
            plain_token, _ = auth_service.issue_token(db.session.get(accounts.User, user.id), "test")
            db.session.commit()
        return {"Authorization": f"Bearer {plain_token}"}
    return issue


def csrf_token(client, url: str) -> str:
    match = CSRF_PATTERN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real pages, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        password = getattr(user_or_email, "password", password)
        token = csrf_token(self.client, "/login")
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client, "/dashboard")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, url: str, data: dict, form_url: str | None = None):
        """POST a form with the CSRF token of the page that shows it."""
        return self.client.post(url, data={**data, "csrf_token": csrf_token(self.client, form_url or url)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by a threaded WSGI server on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()

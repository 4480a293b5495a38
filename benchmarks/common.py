"""What the benchmarks share: a fresh database per run, PostgreSQL's address, percentiles."""

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, select, text

from portal import create_app
from portal.extensions import db

ROOT = Path(__file__).parent.parent


def fresh_app(url: str):
    """The app on a new, migrated database at ``url`` (SQLite files are deleted first)."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "TESTING": True,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def postgres_url(database: str = "portal_bench") -> str:
    """A PostgreSQL database for benchmarks, on the server the tests use (started if needed)."""
    test_url = subprocess.run([str(ROOT / "bin/ensure-test-services")], check=True, capture_output=True,
                              text=True).stdout.strip()
    server, _ = test_url.rsplit("/", 1)
    subprocess.run(["su", "postgres", "-c", f"psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='{database}'\" "
                    f"| grep -q 1 || createdb -O portal {database}"], check=True)
    return f"{server}/{database}"


def databases(names: str):
    """(name, URL) for each of ``sqlite,postgresql``: a throwaway SQLite file, and the
    PostgreSQL benchmark database (``BENCH_POSTGRES_URL`` to use another)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in names.split(","):
            yield name, (f"sqlite:///{tmp}/bench.db" if name == "sqlite"
                         else os.environ.get("BENCH_POSTGRES_URL") or postgres_url())


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def timed(client, url: str, runs: int) -> list[float]:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def statements(app, client, url: str) -> int:
    counter = [0]

    def count(*_args):
        counter[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    return counter[0]


def signed_in(app, email: str):
    client = app.test_client()
    with client.session_transaction() as session:
        with app.app_context():
            from portal.auth.models import User

            user = db.session.scalar(select(User).where(User.email == email))
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client

"""What the benchmarks share: a fresh database per run, PostgreSQL's address, percentiles."""

import statistics
import subprocess
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

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


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]

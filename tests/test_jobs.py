"""The job registry, the lease, the CLI, and two schedulers that never overlap."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from portal import jobs
from portal.auth.models import LoginAttempt
from portal.extensions import db
from portal.jobs import JobLease, JobRun
from portal.types import utcnow

ROOT = Path(__file__).parent.parent


def test_jobs_run_cli_runs_as_of_now(app, runner):
    old = utcnow() - timedelta(days=2)
    with app.app_context():
        db.session.add(LoginAttempt(email="a@example.com", address="1.2.3.4", at=old))
        db.session.commit()
    result = runner.invoke(args=["jobs", "run", "purge-sign-in-data", "--now", (old + timedelta(minutes=1)).isoformat()])
    assert result.exit_code == 0 and "ok (0)" in result.output  # as of then, nothing was old enough
    result = runner.invoke(args=["jobs", "run", "purge-sign-in-data"])
    assert result.exit_code == 0 and "ok (1)" in result.output
    with app.app_context():
        assert db.session.scalar(select(LoginAttempt)) is None
        assert [r.outcome for r in db.session.scalars(select(JobRun))] == ["ok", "ok"]


def test_jobs_run_refuses_unknown_job_and_bad_time(runner):
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0
    assert runner.invoke(args=["jobs", "run", "purge-sign-in-data", "--now", "yesterday"]).exit_code != 0


def test_a_held_lease_skips_the_run(app):
    with app.app_context():
        db.session.add(JobLease(name="purge-sign-in-data", holder="elsewhere:1",
                                locked_until=utcnow() + timedelta(minutes=5)))
        db.session.commit()
        assert jobs.run_job("purge-sign-in-data") is None
        lease = db.session.get(JobLease, "purge-sign-in-data")
        lease.locked_until = utcnow() - timedelta(seconds=1)  # the holder died: its lease times out
        db.session.commit()
        assert jobs.run_job("purge-sign-in-data").outcome == "ok"
        assert db.session.get(JobLease, "purge-sign-in-data").locked_until is None


def test_a_failing_job_is_recorded_and_releases_its_lease(app):
    def broken(now):
        raise RuntimeError("boom")

    app.extensions["portal.jobs"]["broken"] = broken
    try:
        with app.app_context():
            run = jobs.run_job("broken")
            assert run.outcome == "failed" and "boom" in run.detail
            assert db.session.get(JobLease, "broken").holder is None
    finally:
        del app.extensions["portal.jobs"]["broken"]


def test_two_scheduler_processes_never_run_a_job_at_once(app):
    """Two real `flask scheduler` processes share one slow job; their runs must not overlap."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret",
           "SCHEDULER_INTERVAL_SECONDS": "1", "PROBE_SECONDS": "0.8", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "flask", "--app", "tests.scheduler_app", "scheduler"]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(2)]
    time.sleep(8)
    logs = []
    for process in processes:
        process.terminate()
        logs.append(process.communicate(timeout=10)[0])
    with app.app_context():
        runs = db.session.scalars(select(JobRun).where(JobRun.name == "probe").order_by(JobRun.started_at)).all()
    assert len(runs) >= 3, logs
    for earlier, later in zip(runs, runs[1:]):
        assert earlier.finished_at <= later.started_at, f"runs overlap: {earlier.holder} and {later.holder}"
    assert any("skipped" in log for log in logs), "the schedulers never contended; the test proved nothing"

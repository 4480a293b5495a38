"""Scheduled jobs: the registry, the database lease, and one run of one job.

Each domain's ``jobs.py`` exposes ``JOBS = {"name": function}``; a job function takes
the time it runs "as of" and returns what it did (a count). A run first takes a lease
row with a conditional UPDATE, so two schedulers on two hosts never run the same job
at the same time, whatever the database; a crashed holder's lease simply times out.
"""

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

JobFunction = Callable[[datetime], object]


class JobLease(db.Model):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """One finished run, for the operators' page and for proving runs never overlap."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    holder: Mapped[str] = mapped_column(String(128))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(255), default="")


def registry() -> dict[str, JobFunction]:
    return current_app.extensions["portal.jobs"]


def this_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _acquire(name: str, holder: str) -> bool:
    now = utcnow()
    if db.session.get(JobLease, name) is None:
        try:
            with db.session.begin_nested():
                db.session.add(JobLease(name=name))
        except IntegrityError:
            pass  # another process created it in the meantime
    taken = db.session.execute(
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.locked_until.is_(None), JobLease.locked_until <= now))
        .values(holder=holder, locked_until=now + timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"]))
    ).rowcount
    db.session.commit()
    return taken == 1


def _release(name: str, holder: str) -> None:
    db.session.execute(
        update(JobLease).where(JobLease.name == name, JobLease.holder == holder)
        .values(holder=None, locked_until=None)
    )


def run_job(name: str, as_of: datetime | None = None, holder: str | None = None) -> JobRun | None:
    """Run job ``name`` once as of ``as_of``; None when another process holds its lease."""
    function = registry()[name]
    holder = holder or this_holder()
    if not _acquire(name, holder):
        log.info("job %s skipped: another process is running it", name)
        return None
    run = JobRun(name=name, holder=holder, as_of=as_of or utcnow(), started_at=utcnow())
    try:
        run.detail, run.outcome = str(function(run.as_of))[:255], "ok"
    except Exception as exc:  # a failed run is recorded, and the next one tries again
        db.session.rollback()
        log.exception("job %s failed", name)
        run.detail, run.outcome = repr(exc)[:255], "failed"
    run.finished_at = utcnow()
    db.session.add(run)
    _release(name, holder)
    db.session.commit()
    return run


def run_scheduler(app) -> None:
    """Run every registered job on its interval until interrupted (its own process)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="UTC")
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    holder = this_holder()

    def tick(name: str) -> None:
        with app.app_context():
            run_job(name, holder=holder)

    for name in app.extensions["portal.jobs"]:
        scheduler.add_job(tick, "interval", args=[name], id=name, seconds=interval,
                          next_run_time=utcnow(), max_instances=1, coalesce=True)
    log.info("scheduler %s started with %d jobs every %ss", holder, len(scheduler.get_jobs()), interval)
    scheduler.start()

"""Command-line entry points: ``users``, ``demo``, ``jobs`` and ``scheduler``."""

import logging
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from partners.accounts import create_user as create
from portal import demo, jobs
from portal.errors import DomainError
from portal.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
jobs_cli = AppGroup("jobs", help="Run scheduled jobs by hand.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True)
@click.option("--partner-id", type=int, default=None)
@click.option("--name", default="")
def create_user(email, password, role, partner_id, name):
    """Create an account (the first admin, typically)."""
    try:
        user = create(None, email, password, role, partner_id, name)
    except DomainError as error:
        raise click.ClickException(f"{error.message} {error.fields or ''}".strip()) from None
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@demo_cli.command("seed")
def seed():
    """Add the demo territories, tiers, partners and accounts that are missing."""
    added = demo.seed()
    added["products"] = demo.seed_catalog()
    db.session.commit()
    added["deal registrations"] = demo.seed_deals()
    added["orders"] = demo.seed_orders()
    added["materials"] = demo.seed_enablement()
    click.echo(", ".join(f"{n} {what}" for what, n in added.items()) + f" added; password: {demo.DEMO_PASSWORD}")


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-01T09:00:00Z", param_hint="--now") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@jobs_cli.command("run")
@click.argument("name")
@click.option("--now", "now", default=None, help="Run as of this ISO 8601 time (default: now).")
def run(name, now):
    """Run one job once."""
    if name not in jobs.registry():
        raise click.BadParameter(f"unknown job; known: {', '.join(sorted(jobs.registry()))}", param_hint="NAME")
    result = jobs.run_job(name, _parse_now(now))
    if result is None:
        click.echo(f"{name}: skipped, another process holds its lease")
        return
    click.echo(f"{name}: {result.outcome} ({result.detail})")
    if result.outcome != "ok":
        raise SystemExit(1)


@jobs_cli.command("list")
def list_jobs():
    for name in sorted(jobs.registry()):
        click.echo(name)


@click.command("scheduler")
def scheduler():
    """Run every job on its interval, in this process, until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jobs.run_scheduler(current_app._get_current_object())


def register(app: Flask) -> None:
    for command in (users_cli, demo_cli, jobs_cli, scheduler):
        app.cli.add_command(command)

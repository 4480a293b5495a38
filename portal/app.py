"""The application factory: a row of small ``register_*`` steps."""

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal import config as config_module
from portal import errors, i18n, security
from portal.extensions import api, babel, csrf, db, migrate

DOMAINS = ("partners", "catalog", "orders", "deal_registration", "enablement")


def create_app(config=None) -> Flask:
    """Build the app. ``config`` is a config class or a mapping applied over the defaults."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_domain_hooks(app)
    errors.register_error_handlers(app)
    register_template_context(app)
    register_commands(app)
    return app


def configure(app: Flask, config) -> None:
    app.config.from_object(config_module.DevConfig if app.debug else config_module.Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'portal.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _psycopg3(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A server connection can drop between requests; an SQLite file cannot.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    app.config.setdefault("UPLOAD_DIR", None)
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or os.path.join(app.instance_path, "uploads")
    insecure = app.config["SECRET_KEY"] == config_module.DEFAULT_SECRET_KEY
    if insecure and not (app.debug or app.testing):
        raise RuntimeError("Set SECRET_KEY: the default key is only for debug and tests.")


def _psycopg3(url: str) -> str:
    """``postgresql://`` URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL so readers never block the writer, foreign keys enforced, a busy
    timeout so concurrent writers queue instead of failing at once, synchronous=NORMAL
    (safe with WAL: a power cut may lose the last commits, never corrupt) and a 64 MiB
    page cache so sweeps over a million registrations stay in memory."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL",
                       "cache_size=-65536"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


def register_extensions(app: Flask) -> None:
    from portal.auth import login

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    login.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    api.init_app(app)


def register_blueprints(app: Flask) -> None:
    from catalog.api import blp as catalog_api
    from catalog.views import bp as catalog_views
    from deal_registration.api import blp as deals_api
    from deal_registration.views import bp as deals_views
    from enablement.api import blp as enablement_api
    from enablement.views import bp as enablement_views
    from orders.api import blp as orders_api
    from orders.api import webhook_blp as stripe_api
    from orders.views import bp as orders_views
    from partners.api import blp as partners_api
    from partners.views import bp as partners_views
    from portal.auth.api import blp as auth_api
    from portal.auth.views import bp as auth_views
    from portal.main import bp as main_views
    from portal.notifications.api import blp as notifications_api
    from portal.notifications.views import bp as notifications_views

    for blueprint in (main_views, auth_views, notifications_views, partners_views, catalog_views, deals_views,
                      orders_views, enablement_views):
        app.register_blueprint(blueprint)
    for blueprint in (auth_api, notifications_api, partners_api, catalog_api, deals_api, orders_api, stripe_api,
                      enablement_api):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # bearer tokens, never cookies: see portal.security


def register_domain_hooks(app: Flask) -> None:
    """Collect what each domain plugs into the portal: ``JOBS`` (name → function),
    ``NOTIFICATIONS`` (kind → message template) and ``DASHBOARD_PANELS`` (user → HTML)."""
    from deal_registration.dashboard import DASHBOARD_PANELS as deal_panels
    from deal_registration.jobs import JOBS as deal_jobs
    from deal_registration.notices import NOTIFICATIONS as deal_notifications
    from deal_registration.reactions import connect as connect_deal_reactions
    from enablement.dashboard import DASHBOARD_PANELS as enablement_panels
    from enablement.notices import NOTIFICATIONS as enablement_notifications
    from orders.dashboard import DASHBOARD_PANELS as order_panels
    from orders.jobs import JOBS as order_jobs
    from orders.notices import NOTIFICATIONS as order_notifications
    from partners.dashboard import DASHBOARD_PANELS as partner_panels
    from portal.auth.jobs import JOBS as auth_jobs

    app.extensions["portal.jobs"] = {**auth_jobs, **deal_jobs, **order_jobs}
    app.extensions["portal.notifications"] = {**deal_notifications, **order_notifications,
                                              **enablement_notifications}
    app.extensions["portal.dashboard"] = [*enablement_panels, *partner_panels, *deal_panels, *order_panels]
    connect_deal_reactions()


def register_template_context(app: Flask) -> None:
    from portal.main import template_context

    app.context_processor(template_context)


def register_commands(app: Flask) -> None:
    from portal.cli import register

    register(app)

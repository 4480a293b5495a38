"""Configuration read from the environment (see the README's table)."""

import os

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


class Config:
    """Settings for a real deployment; every value can come from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in the instance folder
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR")  # None: uploads/ in the instance folder
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # email is sent only when set
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "portal@localhost")

    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # larger requests get a 413
    MATERIAL_MAX_BYTES = int(os.environ.get("MATERIAL_MAX_MB", "100")) * 1024 * 1024  # enablement uploads only

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Password hashing: werkzeug's scrypt in production.
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 12
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

    # Failed-login throttling, counted in the database so it holds across workers and hosts.
    LOGIN_WINDOW_SECONDS = 15 * 60
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = {"en": "English", "zh_Hans": "中文（简体）"}

    SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "300"))
    JOB_LEASE_SECONDS = 15 * 60

    API_TITLE = "Channel Partner Portal API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


class DevConfig(Config):
    """Local development and the demo: debug on, cookies over plain HTTP."""

    DEBUG = True
    SESSION_COOKIE_SECURE = False


class TestConfig(Config):
    """The test suite: a cheap password hash so that hundreds of logins stay fast."""

    TESTING = True
    SESSION_COOKIE_SECURE = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")

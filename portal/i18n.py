"""Language choice and locale-aware formatting of dates and money."""

from decimal import Decimal

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal
from flask_login import current_user

# Accept-Language tags that mean one of our two catalogs.
ACCEPTED_TAGS = ["en", "en-US", "en-GB", "zh", "zh-CN", "zh-Hans", "zh-SG", "zh-Hans-CN"]


def select_locale() -> str:
    """The user's saved choice, else the session's (anonymous visitors), else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(ACCEPTED_TAGS)
    return "zh_Hans" if best and best.startswith("zh") else "en"


def money(value, currency: str = "CNY") -> str:
    if value is None:
        return ""
    return format_currency(Decimal(value), currency)


def number(value) -> str:
    return "" if value is None else format_decimal(value)


def datetime_filter(value, fmt: str = "medium") -> str:
    return "" if value is None else format_datetime(value, fmt)


def date_filter(value, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter

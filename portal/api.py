"""The JSON API's plumbing: flask-smorest, bearer-token auth and pagination.

flask-smorest validates input and generates ``/api/v1/openapi.json`` from the same
marshmallow schemas, so the documentation cannot drift from what is enforced.
"""

from collections.abc import Callable
from decimal import Decimal

import flask_smorest
import marshmallow as ma
from flask import current_app
from flask_login import current_user

from portal import cache
from portal.extensions import login_manager

API_PREFIX = "/api/v1"


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint whose every endpoint needs a bearer token (``public=True`` for none)."""

    def __init__(self, *args, public: bool = False, **kwargs):
        kwargs.setdefault("url_prefix", API_PREFIX)
        super().__init__(*args, **kwargs)
        if not public:
            self.before_request(_require_token)


def _require_token():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def json_rows(payload, status: int = 200):
    """A JSON response built without marshmallow, for hot read endpoints (lists that
    integrations poll) whose rows the service already shaped. The endpoint's
    ``@blp.response`` schema still documents the shape; tests check the two agree."""
    return current_app.json.response(payload), status


def json_bytes(payload) -> bytes:
    return current_app.json.dumps(payload).encode()


def cached_json(generation: str, key: tuple, render: Callable[[], bytes]):
    """A JSON body from the per-process cache (see ``portal.cache``), rendered on a miss."""
    return current_app.response_class(cache.cached(generation, key, render), mimetype="application/json")


def money(amount: Decimal) -> str:
    """The API's money format: a decimal string with two places."""
    return f"{amount:.2f}"


class Schema(ma.Schema):
    """Input schemas refuse unknown fields, so a typo is a 422 instead of silently ignored,
    and text with NUL characters, which PostgreSQL cannot store."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.pre_load
    def _refuse_nul(self, data, **kwargs):
        if hasattr(data, "items"):
            bad = {key: ["Contains a NUL character."] for key, value in data.items()
                   if isinstance(value, str) and "\x00" in value}
            if bad:
                raise ma.ValidationError(bad)
        return data


def Money(**kwargs):  # noqa: N802 - reads like a field class at the call site
    """A money amount: a decimal string with two places in and out, never a float."""
    return ma.fields.Decimal(places=2, as_string=True, allow_nan=False, **kwargs)


class PageArgs(Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))

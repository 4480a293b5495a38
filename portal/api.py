"""The JSON API's plumbing: flask-smorest, bearer-token auth and pagination.

flask-smorest validates input and generates ``/api/v1/openapi.json`` from the same
marshmallow schemas, so the documentation cannot drift from what is enforced.
"""

import flask_smorest
import marshmallow as ma
from flask_login import current_user

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


class Schema(ma.Schema):
    """Input schemas refuse unknown fields, so a typo is a 422 instead of silently ignored."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


def Money(**kwargs):  # noqa: N802 - reads like a field class at the call site
    """A money amount: a decimal string with two places in and out, never a float."""
    return ma.fields.Decimal(places=2, as_string=True, allow_nan=False, **kwargs)


class PageArgs(Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))

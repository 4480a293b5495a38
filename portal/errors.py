"""Errors the domains raise, and how the app answers them: JSON under /api/, pages elsewhere."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule said no. ``code`` is the stable machine-readable reason of API.md."""

    status = 409

    def __init__(self, code: str, message: str, *, status: int | None = None,
                 fields: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra
        if status is not None:
            self.status = status


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a rule about a field (422)."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None, code: str = "validation_error"):
        super().__init__(code, message or _("Some fields are invalid."), fields=fields)


class NotFound(DomainError):
    """Absent, or not yours: the two must be indistinguishable (404)."""

    status = 404

    def __init__(self, message: str | None = None):
        super().__init__("not_found", message or _("Not found."))


class Forbidden(DomainError):
    """The caller's role may not do this (403)."""

    status = 403

    def __init__(self, message: str | None = None):
        super().__init__("forbidden", message or _("You are not allowed to do this."))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None, **extra):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return jsonify({"error": body}), status


def flatten_messages(messages, prefix: str = "") -> dict[str, str]:
    """Turn webargs/marshmallow's nested lists of messages into ``{"a.b": "first message"}``."""
    if isinstance(messages, list | tuple):
        if messages and isinstance(messages[0], str):
            return {prefix or "_schema": messages[0]}
        flat = {}
        for item in messages:
            flat.update(flatten_messages(item, prefix))
        return flat
    if isinstance(messages, dict):
        flat = {}
        for key, value in messages.items():
            flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "_schema": str(messages)}


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "too_many_requests", 500: "internal_error",
}


def _http_error(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if wants_json():
        messages = data.get("messages")
        if status == 400 or (messages is None and status != 422):
            return error_response(status, HTTP_CODES.get(status, "error"), _api_message(status, error))
        fields = flatten_messages(_without_locations(messages)) if messages else {}
        return error_response(status, "validation_error", _("Some fields are invalid."), fields)
    return render_template("errors/error.html", status=status, message=_page_message(status)), status


WEBARGS_LOCATIONS = {"json", "query", "form", "files", "view_args", "headers"}


def _without_locations(messages):
    """webargs groups messages by location (``{"json": {...}}``); the API names fields only."""
    if not (isinstance(messages, dict) and set(messages) <= WEBARGS_LOCATIONS):
        return messages
    merged = {}
    for per_location in messages.values():
        merged.update(per_location if isinstance(per_location, dict) else {"_schema": per_location})
    return merged


def _api_message(status: int, error: HTTPException) -> str:
    if status == 400:
        return _("The request body is not valid JSON.")
    return _page_message(status) if status in PAGE_MESSAGES else error.description


def _domain_error(error: DomainError):
    if wants_json():
        return error_response(error.status, error.code, error.message, error.fields, **error.extra)
    return render_template("errors/error.html", status=error.status, message=error.message), error.status


def _unexpected(error: Exception):
    log.exception("unhandled error")
    if wants_json():
        return error_response(500, "internal_error", _("Something went wrong on our side."))
    return render_template("errors/error.html", status=500, message=_page_message(500)), 500


PAGE_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This action is not available here."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side."),
}


def _page_message(status: int) -> str:
    return str(PAGE_MESSAGES.get(status, PAGE_MESSAGES[500]))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)

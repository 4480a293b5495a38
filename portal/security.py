"""Cookies, sessions and response headers that keep browsers safe."""

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface

POLICY = {"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
          "font-src": "'self'", "connect-src": "'self'", "object-src": "'none'",
          "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'"}


def content_security_policy(**extra: list[str]) -> str:
    """The portal's policy, widened only by what a page names (``frame_src=[...]``).

    A page embedding a third party (Stripe's Payment Element) allows its origins on that
    page alone; every other page keeps scripts and frames to our own origin.
    """
    policy = dict(POLICY)
    for directive, sources in extra.items():
        name = directive.replace("_", "-")
        policy[name] = " ".join([policy.get(name, "'self'"), *sources])
    return "; ".join(f"{name} {value}" for name, value in policy.items())


CONTENT_SECURITY_POLICY = content_security_policy()


class PortalSessionInterface(SecureCookieSessionInterface):
    """No cookie session for the JSON API.

    API calls authenticate with a bearer token only, so a browser's session cookie can
    never carry a cross-site request into the API, and API calls set no cookies.
    """

    def open_session(self, app, request):
        if request.path.startswith("/api/"):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.path.startswith("/api/"):
            return None
        return super().save_session(app, session, response)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def refuse_nul_characters():
    """400 for a NUL character in the query, a plain form or a JSON body: no real input has
    one, and PostgreSQL cannot store it. (Multipart uploads are parsed later, under their
    own size limit; their fields are checked by the API schemas and form filters.)"""
    query = request.query_string  # checked as sent, unparsed: every request pays for this
    if b"%00" in query or b"\x00" in query:
        abort(400)
    if request.mimetype == "application/x-www-form-urlencoded":
        if any("\x00" in value for key in request.form for value in request.form.getlist(key)):
            abort(400)
    elif request.is_json and b"\\u0000" in request.get_data():
        abort(400)


def init_app(app: Flask) -> None:
    app.session_interface = PortalSessionInterface()
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)

"""Flask-Login wiring: cookie sessions for pages, bearer tokens for the API."""

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from portal.auth.models import User
from portal.auth.service import user_for_token
from portal.errors import DomainError
from portal.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry ``id:nonce``; a password change rotates the nonce and ends them."""
    user_id, _, nonce = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.session_nonce == nonce else None


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    auth = req.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    return user_for_token(auth.token)


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        raise DomainError("unauthorized", "A valid bearer token is required.", status=401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

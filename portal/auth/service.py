"""Sign-in, throttling, passwords and API tokens: plain functions that flush, never commit."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth.models import ApiToken, LoginAttempt, User, new_session_nonce
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

# Checked against when the email is unknown, so that timing does not reveal which emails exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


class InvalidCredentials(DomainError):
    status = 401

    def __init__(self):
        super().__init__("invalid_credentials", _("Wrong email or password."))


class LoginThrottled(DomainError):
    status = 429

    def __init__(self):
        super().__init__("too_many_attempts",
                         _("Too many failed sign-ins. Please wait a few minutes and try again."))


class AccountSuspended(DomainError):
    status = 403

    def __init__(self):
        super().__init__("account_suspended", _("This account is suspended."))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationFailed({field: _("Use at least %(n)d characters.", n=minimum)})


def _recent_failures(column, value: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(column == value, LoginAttempt.at > since)
    )


def is_throttled(email: str, address: str, now: datetime) -> bool:
    cfg = current_app.config
    since = now - timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    return (
        _recent_failures(LoginAttempt.email, email, since) >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.address, address, since) >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


def authenticate(email: str, password: str, address: str, now: datetime | None = None) -> User:
    """The user behind these credentials, or a DomainError.

    A failure is flushed as a LoginAttempt row *before* raising, so the caller must
    commit on failure too (the views and the API do).
    """
    now = now or utcnow()
    email = normalise_email(email)
    if is_throttled(email, address, now):
        raise LoginThrottled()
    user = db.session.scalar(select(User).where(User.email == email))
    stored = user.password_hash if user else _DUMMY_HASH
    if not check_password_hash(stored, password or "") or user is None:
        db.session.add(LoginAttempt(email=email, address=address, at=now))
        db.session.flush()
        raise InvalidCredentials()
    if not user.is_active:
        raise AccountSuspended()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed({"current_password": _("The current password is wrong.")})
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    user.session_nonce = new_session_nonce()  # signs out every other session


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "", now: datetime | None = None) -> tuple[str, ApiToken]:
    """A new bearer token; the plain text is returned once and never stored."""
    now = now or utcnow()
    plain = "pp_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:80], token_hash=_digest(plain), created_at=now,
                     expires_at=now + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    db.session.add(token)
    db.session.flush()
    return plain, token


def user_for_token(plain: str, now: datetime | None = None) -> User | None:
    """The active user a valid, unrevoked, unexpired token belongs to.

    Every API call pays for this, so it is one statement: activity (the user's and its
    partner's) is checked in SQL, and the partner with its tier comes in the same row,
    since Flask-Login asks ``is_active`` (which reads the partner) on every request.
    """
    return db.session.scalar(_token_user_statement(), {"digest": _digest(plain), "now": now or utcnow()})


@cache
def _token_user_statement():
    """Built once: constructing the statement costs more than running it on the hot path."""
    partner = User.partner.property.mapper.class_  # a model of the partners package, above this one
    return (select(User).join(ApiToken, ApiToken.user_id == User.id).outerjoin(User.partner)
            .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
                   ApiToken.expires_at > bindparam("now", type_=UTCDateTime), User.active.is_(True),
                   or_(User.partner_id.is_(None), partner.status == "active"))
            .options(contains_eager(User.partner)))


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()


def revoke_token(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
    return token


def purge_login_attempts(now: datetime) -> int:
    """Forget failures older than the throttling window (a scheduled job)."""
    since = now - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < since)).rowcount


def purge_expired_tokens(now: datetime) -> int:
    return db.session.execute(
        delete(ApiToken).where(or_(ApiToken.expires_at < now - timedelta(days=30),
                                   ApiToken.revoked_at < now - timedelta(days=30)))
    ).rowcount

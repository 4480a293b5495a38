"""Creating and managing the people of the portal, staff and partner alike."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from partners.models import Partner
from partners.service import flush_unique
from portal.audit import record, snapshot
from portal.auth.models import User
from portal.auth.roles import PARTNER_ROLES, ROLES, may_create_user, may_manage_users_of
from portal.auth.service import check_password_strength, hash_password, normalise_email
from portal.errors import Forbidden, NotFound, ValidationFailed
from portal.extensions import db

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USER_FIELDS = ("email", "name", "role", "partner_id", "active")


def create_user(actor, email: str, password: str, role: str, partner_id: int | None = None,
                name: str = "") -> User:
    """A new account. ``actor`` None means the command line (bootstrap), which may do anything."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise ValidationFailed({"email": _("Enter a valid email address.")})
    if role not in ROLES:
        raise ValidationFailed({"role": _("Unknown role.")})
    if role in PARTNER_ROLES:
        if partner_id is None:
            raise ValidationFailed({"partner_id": _("Partner accounts need a partner.")})
    else:
        partner_id = None
    if actor is not None and actor.is_partner and partner_id != actor.partner_id:
        raise NotFound()  # another partner's organisation is invisible, not forbidden
    if actor is not None and not may_create_user(actor, role, partner_id):
        raise Forbidden()
    if partner_id is not None and db.session.get(Partner, partner_id) is None:
        raise ValidationFailed({"partner_id": _("Unknown partner.")})
    check_password_strength(password)
    user = User(email=email, name=(name or "").strip(), role=role, partner_id=partner_id,
                password_hash=hash_password(password))
    db.session.add(user)
    flush_unique("email_taken", _("An account with this email exists already."))
    record(actor, "user.created", user, after=snapshot(user, USER_FIELDS))
    return user


def get_user(actor, user_id: int) -> User:
    """A user the actor may manage; anyone else's answers 404."""
    user = db.session.get(User, user_id)
    if user is None or not _may_manage(actor, user):
        raise NotFound()
    return user


def _may_manage(actor, user: User) -> bool:
    if user.partner_id is None:
        return actor.role == "admin"
    return may_manage_users_of(actor, user.partner_id)


def update_user(actor, user: User, *, role: str | None = None, active: bool | None = None,
                name: str | None = None) -> User:
    """Change a user's role within its side (partner or staff), name or active flag."""
    before = snapshot(user, USER_FIELDS)
    if role is not None and role != user.role:
        if role not in ROLES or (role in PARTNER_ROLES) != user.is_partner:
            raise ValidationFailed({"role": _("Choose a role of the same kind.")})
        if not may_create_user(actor, role, user.partner_id):
            raise Forbidden()
        user.role = role
    if active is not None:
        if user.id == actor.id and not active:
            raise ValidationFailed({"active": _("You cannot deactivate yourself.")})
        user.active = active
    if name is not None:
        user.name = name.strip()
    db.session.flush()
    after = snapshot(user, USER_FIELDS)
    if after != before:
        record(actor, "user.updated", user, before, after)
    return user


def users_of_partner(partner_id: int) -> list[User]:
    return db.session.scalars(select(User).where(User.partner_id == partner_id).order_by(User.email)).all()


def staff_users() -> list[User]:
    return db.session.scalars(select(User).where(User.partner_id.is_(None)).order_by(User.email)).all()

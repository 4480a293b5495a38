"""The five roles of API.md and who may do what with people.

Every permission check of views and API alike goes through this module, so a rule
changes in one place.
"""

from flask_babel import lazy_gettext as _l

PARTNER_ROLES = ("partner_user", "partner_admin")
STAFF_ROLES = ("channel_manager", "marketing", "admin")
ROLES = PARTNER_ROLES + STAFF_ROLES

ROLE_LABELS = {
    "partner_user": _l("Partner user"),
    "partner_admin": _l("Partner administrator"),
    "channel_manager": _l("Channel manager"),
    "marketing": _l("Marketing"),
    "admin": _l("Administrator"),
}


def has_role(user, *roles: str) -> bool:
    """``admin`` may do everything; anyone else needs one of ``roles``."""
    return user.is_authenticated and (user.role == "admin" or user.role in roles)


def is_staff(user) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES


def may_create_user(actor, role: str, partner_id: int | None) -> bool:
    """Staff accounts need an admin; partner accounts a channel manager or that partner's admin."""
    if role in STAFF_ROLES:
        return has_role(actor, "admin")
    if has_role(actor, "channel_manager"):
        return True
    return actor.role == "partner_admin" and partner_id is not None and actor.partner_id == partner_id


def may_manage_users_of(actor, partner_id: int) -> bool:
    return has_role(actor, "channel_manager") or (
        actor.role == "partner_admin" and actor.partner_id == partner_id
    )


def may_see_partner(actor, partner_id: int) -> bool:
    return is_staff(actor) or actor.partner_id == partner_id

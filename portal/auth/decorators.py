"""The role check used by every view and API endpoint."""

from functools import wraps

from flask_login import current_user

from portal.auth.roles import has_role
from portal.errors import Forbidden
from portal.extensions import login_manager


def role_required(*roles: str):
    """Signed in, and one of ``roles`` (or admin); otherwise 401 or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, *roles):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view):
    """Signed in with any role."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped

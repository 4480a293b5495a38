"""Housekeeping of sign-in data."""

from datetime import datetime

from portal.auth.service import purge_expired_tokens, purge_login_attempts


def purge_sign_in_data(now: datetime) -> int:
    """Forget old failed sign-ins and long-dead tokens."""
    return purge_login_attempts(now) + purge_expired_tokens(now)


JOBS = {"purge-sign-in-data": purge_sign_in_data}

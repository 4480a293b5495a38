"""Column types for the two things the portal must never get wrong: money and time."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (pass the function itself as a default)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored
    as naive UTC and made aware again on the way out. Naive input is refused: a naive
    time is a bug waiting for a server in another zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator):
    """A NUMERIC(14, 2) amount that always comes back as a ``Decimal``."""

    impl = Numeric(14, 2)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))


class Percent(TypeDecorator):
    """A NUMERIC(5, 2) percentage such as a tier discount (``12.50``)."""

    impl = Numeric(5, 2)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))

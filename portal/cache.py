"""Per-process caches that stay correct across workers and hosts, by generation counters.

A domain names a generation and the models that feed it (:func:`watch`). Any flush that
inserts, changes or deletes one of those models bumps the generation's counter in the
same transaction. A cached value is stored with the generation it was computed at, so
the moment a change commits, every process on every host recomputes on its next read:
no messaging between workers, one indexed read of a one-row table per use.
"""

from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from flask import g, has_app_context
from sqlalchemy import String, bindparam, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db

MAX_ENTRIES = 1024

_watched: dict[type, set[str]] = {}
_store: dict[tuple, tuple[int, object]] = {}


class CacheGeneration(db.Model):
    """One counter per generation; the rows are created by the migrations."""

    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def watch(generation: str, *models: type) -> None:
    """Bump ``generation`` whenever an instance of one of ``models`` is flushed."""
    for model in models:
        _watched.setdefault(model, set()).add(generation)


@lru_cache
def _current_statement():
    return select(CacheGeneration.value).where(CacheGeneration.name == bindparam("name"))


def current(generation: str) -> int:
    """The generation's counter, read once per request (a request sees one consistent state)."""
    memo = g.setdefault("cache_generations", {}) if has_app_context() else {}
    if generation not in memo:
        value = db.session.connection().execute(_current_statement(), {"name": generation}).scalar()
        if value is None:
            raise LookupError(f"no cache generation {generation!r}: add its row in a migration")
        memo[generation] = value
    return memo[generation]


def bump(*generations: str, session: Session | None = None) -> None:
    """Invalidate by hand, for bulk statements that bypass the session's unit of work."""
    if has_app_context():
        g.pop("cache_generations", None)  # this request changed the data: read the counters again
    (session or db.session).connection().execute(
        update(CacheGeneration).where(CacheGeneration.name.in_(generations))
        .values(value=CacheGeneration.value + 1)
    )


def cached(generation: str, key: tuple, compute: Callable[[], object]):
    """``compute()``, or its value from an earlier call at the same generation.

    Callers must treat the value as read-only: it is shared by later requests.
    """
    now = current(generation)
    hit = _store.get((generation, key))
    if hit is not None and hit[0] == now:
        return hit[1]
    value = compute()
    if len(_store) >= MAX_ENTRIES:
        _store.clear()
    _store[(generation, key)] = (now, value)
    return value


def cached_many(generation: str, keys: list[tuple], compute_missing: Callable[[list[tuple]], dict]) -> dict:
    """:func:`cached` for several keys at once: the missing ones computed in one call
    (``compute_missing(keys)`` → key → value; a key it leaves out is not cached)."""
    now = current(generation)
    found = {key: hit[1] for key in keys if (hit := _store.get((generation, key))) is not None and hit[0] == now}
    missing = [key for key in keys if key not in found]
    if missing:
        computed = compute_missing(missing)
        if len(_store) + len(computed) >= MAX_ENTRIES:
            _store.clear()
        _store.update({(generation, key): (now, value) for key, value in computed.items()})
        found.update(computed)
    return found


@event.listens_for(Session, "after_flush")
def _bump_watched(session, flush_context) -> None:
    touched = {name for obj in chain(session.new, session.dirty, session.deleted)
               for name in _watched.get(type(obj), ())}
    if touched:
        bump(*sorted(touched), session=session)

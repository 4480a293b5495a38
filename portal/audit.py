"""The audit log: who changed what, when, on which object, from what to what.

Every domain calls :func:`record` from its service functions; the entry joins the
caller's transaction, so a change and its audit entry land together or not at all.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User", lazy="joined")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, old, new) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        return [(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
                if before.get(k) != after.get(k)]


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj, fields: tuple[str, ...]) -> dict:
    """The named attributes of ``obj`` as JSON-ready values, for before/after."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def record(actor, action: str, obj, before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Add an audit entry for ``obj`` (flushed with the caller's transaction)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), action=action, object_type=obj.__tablename__,
        object_id=str(obj.id), before=before, after=after,
    )
    db.session.add(entry)
    return entry


def entries_for(obj, limit: int = 50) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == obj.__tablename__, AuditEntry.object_id == str(obj.id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()

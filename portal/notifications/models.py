"""A message for one user, shown under the bell in the header."""

from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)  # in English, for email and for kinds no one renders
    params: Mapped[dict | None] = mapped_column(JSON)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        """The message in the current locale, when its kind has a registered template."""
        template = current_app.extensions["portal.notifications"].get(self.kind)
        return str(template) % _in_reader_language(self.params or {}) if template is not None else self.message


def _in_reader_language(params: dict) -> dict:
    """A parameter ``x_zh`` stands in for ``x`` for Chinese readers (a campaign's Chinese name)."""
    if str(get_locale()) != "zh_Hans":
        return params
    return {**params, **{key[:-3]: value for key, value in params.items() if key.endswith("_zh") and value}}

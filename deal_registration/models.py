"""Deal registrations, their history, conflicts, extension requests, appeals and the policy."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.extensions import db
from portal.types import Money, Percent, UTCDateTime, utcnow

STATUSES = ("pending_review", "conflict", "approved", "rejected", "withdrawn", "won", "lost", "expired")
OPEN_STATUSES = ("pending_review", "conflict", "approved")  # active, unless approved and past expiry
_OPEN_SQL = "status IN ('pending_review', 'conflict', 'approved')"


def _open_index(name: str, *columns: str) -> Index:
    """An index over the registrations that can still matter to a decision only."""
    return Index(name, *columns, sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL))


class DealPolicy(db.Model):
    """The one row of deal-registration policy (id 1), created by the migrations."""

    __tablename__ = "deal_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    protection_days: Mapped[int] = mapped_column(default=90)
    extension_days: Mapped[int] = mapped_column(default=30)
    max_extensions: Mapped[int] = mapped_column(default=1)
    auto_approve: Mapped[bool] = mapped_column(default=True)
    name_match_threshold: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0.90"))
    deal_discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("5.00"))


class DealConflict(db.Model):
    """Registrations of one deal by several partners, waiting for a channel manager."""

    __tablename__ = "deal_conflicts"
    __table_args__ = (CheckConstraint("status IN ('open', 'resolved')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    product_line: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    winner_id: Mapped[int | None] = mapped_column()  # one of this conflict's registrations
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    registrations: Mapped[list["DealRegistration"]] = relationship(
        back_populates="conflict", foreign_keys="DealRegistration.conflict_id", order_by="DealRegistration.created_at")


class DealRegistration(db.Model):
    __tablename__ = "deal_registrations"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status_known"),
        CheckConstraint("estimated_value >= 0", name="value_positive"),
        _open_index("ix_deal_registrations_open_tax_id", "product_line", "tax_id_norm"),
        _open_index("ix_deal_registrations_open_domain", "product_line", "domain_norm"),
        _open_index("ix_deal_registrations_open_key_ab", "product_line", "key_ab"),
        _open_index("ix_deal_registrations_open_key_head", "product_line", "key_head"),
        _open_index("ix_deal_registrations_open_key_tail", "product_line", "key_tail"),
        Index("ix_deal_registrations_status_expires", "status", "protection_expires_at"),
        Index("ix_deal_registrations_partner_created", "partner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))

    company_name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id"))
    country: Mapped[str] = mapped_column(String(2))
    domain: Mapped[str | None] = mapped_column(String(255))
    tax_id: Mapped[str | None] = mapped_column(String(64))
    name_norm: Mapped[str] = mapped_column(String(200))
    tax_id_norm: Mapped[str] = mapped_column(String(64), default="")
    domain_norm: Mapped[str] = mapped_column(String(255), default="")
    key_ab: Mapped[str] = mapped_column(String(8))
    key_head: Mapped[str] = mapped_column(String(8))
    key_tail: Mapped[str] = mapped_column(String(8))

    product_line: Mapped[str] = mapped_column(String(40))
    estimated_value: Mapped[Decimal] = mapped_column(Money)
    expected_close_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    protection_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extensions_used: Mapped[int] = mapped_column(default=0)
    reminded_days: Mapped[int | None] = mapped_column()  # the nearest expiry reminder sent
    conflict_id: Mapped[int | None] = mapped_column(ForeignKey("deal_conflicts.id"), index=True)
    match_evidence: Mapped[list | None] = mapped_column(JSON)  # staff only: why it matched whom

    partner = relationship("Partner", lazy="joined")
    created_by = relationship("User")
    territory = relationship("Territory", lazy="joined")
    conflict: Mapped[DealConflict | None] = relationship(back_populates="registrations", foreign_keys=[conflict_id])
    history: Mapped[list["DealHistory"]] = relationship(order_by="DealHistory.id", back_populates="registration")
    appeal: Mapped["DealAppeal | None"] = relationship(viewonly=True)
    extension_requests: Mapped[list["ExtensionRequest"]] = relationship(viewonly=True, order_by="ExtensionRequest.id")

    def protects(self, now: datetime) -> bool:
        return self.status == "approved" and self.protection_expires_at is not None and self.protection_expires_at > now

    def is_active(self, now: datetime) -> bool:
        return self.status in ("pending_review", "conflict") or self.protects(now)


class DealHistory(db.Model):
    __tablename__ = "deal_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("deal_registrations.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[DealRegistration] = relationship(back_populates="history")
    actor = relationship("User", lazy="joined")


class PartnerRequest:
    """What extension requests and appeals share: a partner asks, a channel manager decides."""

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @declared_attr
    def registration(cls) -> Mapped[DealRegistration]:
        return relationship(DealRegistration, lazy="joined")

    def decide(self, status: str, actor, now: datetime) -> None:
        self.status, self.decided_at, self.decided_by_id = status, now, actor.id


class ExtensionRequest(PartnerRequest, db.Model):
    __tablename__ = "deal_extension_requests"
    __table_args__ = (CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("deal_registrations.id"), index=True)


class DealAppeal(PartnerRequest, db.Model):
    """A rejected partner's one appeal; overturning it moves protection to the appellant."""

    __tablename__ = "deal_appeals"
    __table_args__ = (CheckConstraint("status IN ('pending', 'overturned', 'dismissed')", name="status_known"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("deal_registrations.id"), unique=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")

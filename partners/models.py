"""Territories, price tiers and partner organisations."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import cache
from portal.extensions import db
from portal.types import Money, Percent, UTCDateTime, utcnow

partner_territories = Table(
    "partner_territories",
    db.metadata,
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="RESTRICT"), primary_key=True),
)


class Territory(db.Model):
    """A node of the territory tree; covering a node covers its whole subtree.

    ``path`` is the materialised chain of codes from the root (``CN/EAST/SH``), so
    "is X inside Y" is one indexed prefix comparison instead of a recursive walk.
    """

    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"), index=True)
    path: Mapped[str] = mapped_column(String(512), index=True)

    parent: Mapped["Territory | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Territory"]] = relationship(back_populates="parent", order_by="Territory.code")

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def contains(self, other: "Territory") -> bool:
        return other.path == self.path or other.path.startswith(self.path + "/")


class PriceTier(db.Model):
    """A partner tier (Gold, Silver…) and the discount off list price it earns."""

    __tablename__ = "price_tiers"
    __table_args__ = (
        CheckConstraint("discount_percent >= 0 AND discount_percent <= 100", name="discount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))


class Partner(db.Model):
    """A distributor or reseller organisation."""

    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended')", name="status_known"),
        CheckConstraint("credit_limit >= 0", name="credit_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("price_tiers.id"), index=True)
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tier: Mapped[PriceTier] = relationship(lazy="joined")
    territories: Mapped[list[Territory]] = relationship(
        secondary=partner_territories, order_by=Territory.code
    )
    users = relationship("User", back_populates="partner", order_by="User.email")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def covers(self, territory: Territory) -> bool:
        return any(own.contains(territory) for own in self.territories)


# Partner lists are cached per process; these models are what they are made of.
cache.watch("partners", Partner, PriceTier, Territory)

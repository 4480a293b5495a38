"""Audiences, materials with their file versions, downloads, and campaigns."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.models import PriceTier, Territory
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

FILE_TYPES = ("pdf", "pptx", "docx", "xlsx", "png", "jpeg", "mp4", "zip")
LANGUAGES = ("en", "zh_Hans", "other")

audience_tiers = Table(
    "audience_tiers", db.metadata,
    Column("audience_id", ForeignKey("audiences.id", ondelete="CASCADE"), primary_key=True),
    Column("tier_id", ForeignKey("price_tiers.id", ondelete="CASCADE"), primary_key=True),
)
audience_territories = Table(
    "audience_territories", db.metadata,
    Column("audience_id", ForeignKey("audiences.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="RESTRICT"), primary_key=True),
)


class Audience(db.Model):
    """Whom a material or campaign is for: some tiers and some territories; empty means everyone.

    Materials and campaigns each own one, so "does it reach this partner" is written once
    (``enablement.targeting``).
    """

    __tablename__ = "audiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    tiers: Mapped[list[PriceTier]] = relationship(secondary=audience_tiers, order_by=PriceTier.code)
    territories: Mapped[list[Territory]] = relationship(secondary=audience_territories, order_by=Territory.code)


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set once: launching twice tells no one twice

    audience: Mapped[Audience] = relationship(lazy="joined")


class Material(db.Model):
    """A document partners can download; its file has versions, the newest being ``current_version``."""

    __tablename__ = "materials"
    __table_args__ = (CheckConstraint(f"language IN ({', '.join(repr(lang) for lang in LANGUAGES)})",
                                      name="language_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    tags: Mapped[str] = mapped_column(String(500), default="")  # ",deck,pricing," so one LIKE finds a tag
    file_type: Mapped[str] = mapped_column(String(8), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    audience: Mapped[Audience] = relationship(lazy="joined")
    campaign: Mapped[Campaign | None] = relationship()
    versions: Mapped[list["MaterialFile"]] = relationship(back_populates="material",
                                                          order_by="MaterialFile.version.desc()")

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class MaterialFile(db.Model):
    """One uploaded version. ``stored_name`` is generated: no uploaded name reaches the file system."""

    __tablename__ = "material_files"
    __table_args__ = (UniqueConstraint("material_id", "version"), CheckConstraint("size > 0", name="size_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    material: Mapped[Material] = relationship(back_populates="versions")


class Download(db.Model):
    """Who downloaded which version when: the evidence behind reach figures."""

    __tablename__ = "material_downloads"
    __table_args__ = (Index("ix_material_downloads_material_at", "material_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(ForeignKey("material_files.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")

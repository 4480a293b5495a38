"""Categories, products, their tier overrides and volume breaks, warehouses and stock."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import cache
from portal.extensions import db
from portal.types import Money, Percent, UTCDateTime, utcnow


class Category(db.Model):
    """A node of the category tree (``path`` as for territories: codes from the root)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    path: Mapped[str] = mapped_column(String(400), index=True)


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("list_price >= 0", name="list_price_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    product_line: Mapped[str] = mapped_column(String(40), index=True)
    list_price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Case-folded sku, names and descriptions in both languages: what search looks in.
    # Indexed for substring search outside the ORM's view (see migration 0005): an FTS5
    # trigram table on SQLite, a pg_trgm GIN index on PostgreSQL.
    search_text: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str | None] = mapped_column(String(80))  # a file name under UPLOAD_DIR/products

    category: Mapped[Category | None] = relationship(lazy="joined")
    tier_overrides: Mapped[list["TierOverride"]] = relationship(cascade="all, delete-orphan")
    volume_breaks: Mapped[list["VolumeBreak"]] = relationship(cascade="all, delete-orphan",
                                                               order_by="VolumeBreak.min_quantity")
    stock: Mapped[list["StockLevel"]] = relationship(order_by="StockLevel.warehouse_id")


SEARCHED = ("sku", "name", "name_zh", "description", "description_zh")


def search_text(values) -> str:
    """The text search looks in, from a product or a dict of its fields."""
    get = values.get if isinstance(values, dict) else lambda name, default="": getattr(values, name, default)
    return " ".join(get(name, "") or "" for name in SEARCHED).casefold()


class TierOverride(db.Model):
    """A tier's own discount on one product, replacing the tier's general discount."""

    __tablename__ = "product_tier_overrides"
    __table_args__ = (UniqueConstraint("product_id", "tier_id"),
                      CheckConstraint("discount_percent >= 0 AND discount_percent <= 100", name="discount_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    tier_id: Mapped[int] = mapped_column(ForeignKey("price_tiers.id", ondelete="CASCADE"))
    discount_percent: Mapped[Decimal] = mapped_column(Percent)


class VolumeBreak(db.Model):
    """Buying at least ``min_quantity`` earns ``extra_percent`` off the tier price."""

    __tablename__ = "product_volume_breaks"
    __table_args__ = (UniqueConstraint("product_id", "min_quantity"),
                      CheckConstraint("min_quantity > 1", name="quantity_above_one"),
                      CheckConstraint("extra_percent > 0 AND extra_percent < 100", name="percent_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    min_quantity: Mapped[int] = mapped_column(Integer)
    extra_percent: Mapped[Decimal] = mapped_column(Percent)


class Warehouse(db.Model):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class StockLevel(db.Model):
    """On hand and reserved of one product in one warehouse; the database refuses oversell."""

    __tablename__ = "stock_levels"
    __table_args__ = (UniqueConstraint("product_id", "warehouse_id"),
                      CheckConstraint("reserved >= 0 AND on_hand >= reserved", name="reserved_within_on_hand"))

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)

    warehouse: Mapped[Warehouse] = relationship(lazy="joined")

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(db.Model):
    """Why stock changed: ERP sync, order, cancellation, shipment."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    on_hand_change: Mapped[int] = mapped_column(default=0)
    reserved_change: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    warehouse: Mapped[Warehouse] = relationship(lazy="joined")
    actor = relationship("User", lazy="joined")


# Catalog pages are cached per process; these are what they are made of (stock is read live).
cache.watch("catalog", Category, Product, TierOverride, VolumeBreak)

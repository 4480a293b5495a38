"""Orders, their lines, the stock each line reserved, and the order-number counters."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import Money, Percent, UTCDateTime, utcnow

STATUSES = ("awaiting_payment", "confirmed", "paid", "shipped", "delivered", "cancelled")
SHIPPABLE = ("confirmed", "paid")


class OrderCounter(db.Model):
    """One row per year; numbers come from a conditional UPDATE, so two orders never share one."""

    __tablename__ = "order_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(default=0)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status_known"),
        CheckConstraint("payment_method IN ('card', 'net_terms')", name="payment_method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    payment_method: Mapped[str] = mapped_column(String(10))
    po_number: Mapped[str] = mapped_column(String(60), default="")
    deal_registration_id: Mapped[int | None] = mapped_column(ForeignKey("deal_registrations.id"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    subtotal: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_date: Mapped[date | None] = mapped_column(Date)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carrier: Mapped[str] = mapped_column(String(60), default="")
    tracking_number: Mapped[str] = mapped_column(String(80), default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_intent_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    payment_error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    payment_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id",
                                                    cascade="all, delete-orphan")
    created_by = relationship("User")
    partner = relationship("Partner")


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column()
    list_price: Mapped[Decimal] = mapped_column(Money)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    deal_discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    line_total: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="lines")
    allocations: Mapped[list["Allocation"]] = relationship(cascade="all, delete-orphan")


class Allocation(db.Model):
    """What one line reserved in one warehouse (released on cancel, taken from on hand on ship)."""

    __tablename__ = "order_allocations"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    stock_level_id: Mapped[int] = mapped_column(ForeignKey("stock_levels.id"))
    quantity: Mapped[int] = mapped_column()


class StripeEvent(db.Model):
    """Every webhook event applied, by id: a redelivered event is recognised and skipped."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CartItem(db.Model):
    """A line of a user's cart, kept in the database so it survives signing out."""

    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("user_id", "product_id"),
                      CheckConstraint("quantity > 0", name="quantity_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column()

    product = relationship("Product", lazy="joined")

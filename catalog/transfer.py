"""ERP import and export of products, tier prices and stock levels as CSV.

An import is planned first: every row is checked and every change listed, bad rows
with their line number and reason. Applying re-plans the same file and writes all
of it in one transaction, or nothing when any row is bad. Writes are set-based
(``executemany``) so a hundred thousand rows stay within seconds.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select, update

from catalog.models import (
    Category,
    Product,
    StockLevel,
    StockMovement,
    TierOverride,
    VolumeBreak,
    Warehouse,
    search_text,
)
from catalog.service import category_at
from partners.models import PriceTier
from portal import cache
from portal.codes import PRODUCT_LINE
from portal.extensions import db
from portal.sql import insert_if_absent

COLUMNS = {
    "products": ["sku", "name", "name_zh", "category", "product_line", "list_price", "currency", "active",
                 "description", "description_zh"],
    "prices": ["sku", "tier", "discount_percent"],
    "stock": ["sku", "warehouse", "on_hand"],
    "volume_breaks": ["sku", "min_quantity", "extra_percent"],
}
REQUIRED = {"products": ["sku", "name", "product_line", "list_price"], "prices": ["sku", "tier", "discount_percent"],
            "stock": ["sku", "warehouse", "on_hand"], "volume_breaks": ["sku", "min_quantity", "extra_percent"]}
TRUE, FALSE = {"1", "true", "yes", "y", "是"}, {"0", "false", "no", "n", "否"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Plan:
    kind: str
    creates: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # what a person reviews: key, field, before, after

    def change(self, key: str, column: str, before, after) -> None:
        self.changes.append({"key": key, "field": column, "before": "" if before is None else str(before),
                             "after": "" if after is None else str(after)})

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append({"line": line, "field": column, "message": message})

    def summary(self) -> dict:
        return {"kind": self.kind, "creates": len(self.creates), "updates": len(self.updates),
                "unchanged": self.unchanged, "errors": self.errors, "changes": self.changes}


class BadFile(ValueError):
    """The file as a whole cannot be read (encoding, missing columns)."""


def _rows(kind: str, data: bytes):
    try:
        text = data.decode("utf-8-sig")  # Excel writes a byte-order mark
    except UnicodeDecodeError:
        raise BadFile(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED[kind] if c not in (reader.fieldnames or [])]
    if missing:
        raise BadFile(_("Missing columns: %(columns)s", columns=", ".join(missing)))
    for row in reader:
        yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}


def _amount(value: str, maximum: Decimal | None = None) -> Decimal:
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or -amount.as_tuple().exponent > 2 or (maximum and amount > maximum):
        raise InvalidOperation
    return amount


def plan(kind: str, data: bytes) -> Plan:
    if kind not in COLUMNS:
        raise BadFile(_("Unknown import kind."))
    return {"products": _plan_products, "prices": _plan_prices, "stock": _plan_stock,
            "volume_breaks": _plan_breaks}[kind](data)


def _plan_products(data: bytes) -> Plan:
    result = Plan("products")
    existing = {p.sku: p for p in db.session.scalars(select(Product))}
    seen = set()
    for line, row in _rows("products", data):
        values, ok = _product_values(result, line, row)
        sku = row.get("sku", "")
        if sku in seen:
            result.error(line, "sku", _("This SKU appears twice in the file."))
            continue
        seen.add(sku)
        if not ok:
            continue
        current = existing.get(sku)
        if current is None:
            result.creates.append(values)
            result.change(sku, "sku", None, sku)
            continue
        differences = [(k, getattr(current, k), v) for k, v in values.items()
                       if k != "category" and getattr(current, k) != v]
        old_category = current.category.path if current.category else ""
        if (values["category"] or "") != old_category:
            differences.append(("category", old_category, values["category"]))
        if differences:
            result.updates.append({**values, "_id": current.id})
            for column, before, after in differences:
                result.change(sku, column, before, after)
        else:
            result.unchanged += 1
    return result


def _product_values(result: Plan, line: int, row: dict) -> tuple[dict, bool]:
    errors_before = len(result.errors)
    if not row.get("sku") or len(row["sku"]) > 64:
        result.error(line, "sku", _("Enter a SKU of at most 64 characters."))
    if not row.get("name"):
        result.error(line, "name", _("This field is required."))
    if not PRODUCT_LINE.match(row.get("product_line", "")):
        result.error(line, "product_line", _("Use 1 to 40 letters, digits, '-' or '_'."))
    price = None
    try:
        price = _amount(row.get("list_price", ""))
    except (InvalidOperation, ValueError):
        result.error(line, "list_price", _("Enter an amount of zero or more with at most two decimals."))
    currency = (row.get("currency") or "CNY").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        result.error(line, "currency", _("Use a three-letter currency code."))
    active = (row.get("active") or "true").casefold()
    if active not in TRUE | FALSE:
        result.error(line, "active", _("Use true or false."))
    values = {"sku": row.get("sku"), "name": row.get("name"), "name_zh": row.get("name_zh", ""),
              "category": row.get("category", ""), "product_line": row.get("product_line"), "list_price": price,
              "currency": currency, "active": active in TRUE, "description": row.get("description", ""),
              "description_zh": row.get("description_zh", "")}
    return values, len(result.errors) == errors_before


def _plan_prices(data: bytes) -> Plan:
    result = Plan("prices")
    products = dict(db.session.execute(select(Product.sku, Product.id)).all())
    tiers = dict(db.session.execute(select(PriceTier.code, PriceTier.id)).all())
    overrides = {(o.product_id, o.tier_id): o.discount_percent for o in db.session.scalars(select(TierOverride))}
    for line, row in _rows("prices", data):
        product_id, tier_id = products.get(row.get("sku")), tiers.get(row.get("tier"))
        if product_id is None:
            result.error(line, "sku", _("Unknown SKU."))
        if tier_id is None:
            result.error(line, "tier", _("Unknown tier."))
        try:
            discount = _amount(row["discount_percent"], Decimal(100)) if row.get("discount_percent") else None
        except (InvalidOperation, ValueError):
            result.error(line, "discount_percent", _("Enter a percentage from 0 to 100 with at most two decimals."))
            continue
        if product_id is None or tier_id is None:
            continue
        key = (product_id, tier_id)
        change = {"product_id": product_id, "tier_id": tier_id, "discount_percent": discount}
        if overrides.get(key) == discount:
            result.unchanged += 1
            continue
        (result.updates if key in overrides else result.creates).append(change)
        result.change(f"{row['sku']} / {row['tier']}", "discount_percent", overrides.get(key), discount)
    return result


def _plan_breaks(data: bytes) -> Plan:
    """Rows set one break each (quantity >= min_quantity: extra percent off); a blank percent removes it."""
    result = Plan("volume_breaks")
    products = dict(db.session.execute(select(Product.sku, Product.id)).all())
    breaks = {(b.product_id, b.min_quantity): b.extra_percent for b in db.session.scalars(select(VolumeBreak))}
    for line, row in _rows("volume_breaks", data):
        product_id = products.get(row.get("sku"))
        if product_id is None:
            result.error(line, "sku", _("Unknown SKU."))
        try:
            minimum = int(row.get("min_quantity", ""))
            if minimum < 2:
                raise ValueError
        except ValueError:
            result.error(line, "min_quantity", _("Enter a whole number of 2 or more."))
            continue
        try:
            extra = _amount(row["extra_percent"], Decimal(99)) if row.get("extra_percent") else None
            if extra is not None and extra <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            result.error(line, "extra_percent", _("Enter a percentage above 0 and below 100."))
            continue
        if product_id is None:
            continue
        key = (product_id, minimum)
        if breaks.get(key) == extra:
            result.unchanged += 1
            continue
        (result.updates if key in breaks else result.creates).append(
            {"product_id": product_id, "min_quantity": minimum, "extra_percent": extra})
        result.change(f"{row['sku']} / ≥{minimum}", "extra_percent", breaks.get(key), extra)
    return result


def _plan_stock(data: bytes) -> Plan:
    result = Plan("stock")
    products = dict(db.session.execute(select(Product.sku, Product.id)).all())
    levels = {(s.product_id, s.warehouse.code): s for s in db.session.scalars(select(StockLevel))}
    for line, row in _rows("stock", data):
        product_id, warehouse = products.get(row.get("sku")), row.get("warehouse", "")
        if product_id is None:
            result.error(line, "sku", _("Unknown SKU."))
        if not warehouse or len(warehouse) > 32:
            result.error(line, "warehouse", _("Use 1 to 32 characters."))
        try:
            on_hand = int(row.get("on_hand", ""))
            if on_hand < 0:
                raise ValueError
        except ValueError:
            result.error(line, "on_hand", _("Enter a whole number of zero or more."))
            continue
        if product_id is None or not warehouse or len(warehouse) > 32:
            continue
        current = levels.get((product_id, warehouse))
        if current is not None and on_hand < current.reserved:
            result.error(line, "on_hand", _("On hand cannot be less than what orders have reserved."))
        elif current is None:
            result.creates.append({"product_id": product_id, "warehouse": warehouse, "on_hand": on_hand})
            result.change(f"{row['sku']} / {warehouse}", "on_hand", None, on_hand)
        elif current.on_hand != on_hand:
            result.updates.append({"_id": current.id, "product_id": product_id, "warehouse_id": current.warehouse_id,
                                   "on_hand": on_hand, "change": on_hand - current.on_hand})
            result.change(f"{row['sku']} / {warehouse}", "on_hand", current.on_hand, on_hand)
        else:
            result.unchanged += 1
    return result


BATCH = 5000


class Progress:
    """Counts written rows and tells ``report(done, total)`` after every batch."""

    def __init__(self, total: int, report=None):
        self.total, self.done, self.report = total, 0, report or (lambda done, total: None)

    def write(self, statement, rows: list[dict]):
        """``executemany`` in batches, so a long import can show how far it is; returns the
        rows changed, or -1 when the driver cannot tell."""
        counts = []
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            counts.append(db.session.execute(statement, batch).rowcount)
            self.done = min(self.total, self.done + len(batch))
            self.report(self.done, self.total)
        return -1 if -1 in counts else sum(counts)


def apply(kind: str, data: bytes, actor, report=None) -> Plan:
    """Plan again and write everything, or nothing if any row is bad (the caller commits).

    ``report(done, total)`` is called as batches are written, for a progress bar.
    """
    result = plan(kind, data)
    if not result.errors:
        progress = Progress(len(result.creates) + len(result.updates), report)
        {"products": _apply_products, "prices": _apply_prices, "stock": _apply_stock,
         "volume_breaks": _apply_breaks}[kind](result, actor, progress)
        if kind != "stock":
            cache.bump("catalog")  # bulk statements bypass the session's change tracking
    return result


def _apply_products(result: Plan, actor, progress: Progress) -> None:
    categories = {path: category_at(path).id for path in
                  {v["category"] for v in result.creates + result.updates if v["category"]}}
    for values in result.creates + result.updates:
        values["category_id"] = categories.get(values.pop("category"))
        values["search_text"] = search_text(values)
    if result.creates:
        progress.write(Product.__table__.insert(), result.creates)
    if result.updates:
        columns = {c: bindparam(c) for c in result.updates[0] if c != "_id"}
        progress.write(update(Product.__table__).where(Product.__table__.c.id == bindparam("_id")).values(columns),
                       result.updates)


def _apply_prices(result: Plan, actor, progress: Progress) -> None:
    _replace(TierOverride.__table__, "tier_id", "discount_percent", result, progress)


def _replace(table, key: str, value: str, result: Plan, progress: Progress) -> None:
    """Delete the rows the file names, then insert those with a value (a blank removes)."""
    changes = result.creates + result.updates
    if changes:
        db.session.execute(delete(table).where(table.c.product_id == bindparam("p"), table.c[key] == bindparam("k")),
                           [{"p": c["product_id"], "k": c[key]} for c in changes])
    kept = [c for c in changes if c[value] is not None]
    if kept:
        progress.write(table.insert(), kept)


def _apply_breaks(result: Plan, actor, progress: Progress) -> None:
    _replace(VolumeBreak.__table__, "min_quantity", "extra_percent", result, progress)


def _apply_stock(result: Plan, actor, progress: Progress) -> None:
    warehouses = {}
    for code in {c["warehouse"] for c in result.creates}:
        insert_if_absent(Warehouse, code=code, name=code)
        warehouses[code] = db.session.scalar(select(Warehouse.id).where(Warehouse.code == code))
    actor_id = getattr(actor, "id", None)
    created = [{"product_id": c["product_id"], "warehouse_id": warehouses[c["warehouse"]], "on_hand": c["on_hand"],
                "reserved": 0} for c in result.creates]
    if created:
        progress.write(StockLevel.__table__.insert(), created)
    if result.updates:
        table = StockLevel.__table__
        # The reserved guard stands in SQL too: an order placed since the plan cannot be undercut.
        updated = progress.write(
            update(table).where(table.c.id == bindparam("_id"), table.c.reserved <= bindparam("on_hand"))
            .values(on_hand=bindparam("on_hand")),
            [{"_id": u["_id"], "on_hand": u["on_hand"]} for u in result.updates])
        if updated not in (-1, len(result.updates)):
            raise BadFile(_("Orders reserved stock while the import ran; check the file again."))
    movements = [{"product_id": c["product_id"], "warehouse_id": c["warehouse_id"], "on_hand_change": c["on_hand"],
                  "reserved_change": 0, "reason": "erp_import", "actor_id": actor_id} for c in created] + [
        {"product_id": u["product_id"], "warehouse_id": u["warehouse_id"], "on_hand_change": u["change"],
         "reserved_change": 0, "reason": "erp_import", "actor_id": actor_id} for u in result.updates]
    if movements:
        db.session.execute(StockMovement.__table__.insert(), movements)


def _safe(value) -> str:
    """Spreadsheets run cells that start like a formula; a leading quote makes them text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export(kind: str) -> str:
    """The CSV an import of ``kind`` takes, with a byte-order mark so Excel reads it as UTF-8."""
    if kind not in COLUMNS:
        raise BadFile(_("Unknown import kind."))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS[kind])
    if kind == "products":
        rows = db.session.execute(
            select(Product.sku, Product.name, Product.name_zh, Category.path, Product.product_line, Product.list_price,
                   Product.currency, Product.active, Product.description, Product.description_zh)
            .outerjoin(Category, Category.id == Product.category_id).order_by(Product.sku))
        rows = ([*r[:7], "true" if r[7] else "false", *r[8:]] for r in rows)
    elif kind == "prices":
        rows = db.session.execute(select(Product.sku, PriceTier.code, TierOverride.discount_percent)
                                  .join(Product, Product.id == TierOverride.product_id)
                                  .join(PriceTier, PriceTier.id == TierOverride.tier_id).order_by(Product.sku))
    elif kind == "volume_breaks":
        rows = db.session.execute(select(Product.sku, VolumeBreak.min_quantity, VolumeBreak.extra_percent)
                                  .join(Product, Product.id == VolumeBreak.product_id)
                                  .order_by(Product.sku, VolumeBreak.min_quantity))
    else:
        rows = db.session.execute(select(Product.sku, Warehouse.code, StockLevel.on_hand)
                                  .join(Product, Product.id == StockLevel.product_id)
                                  .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
                                  .order_by(Product.sku, Warehouse.code))
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()

"""Products, stock and the partner's view of them (flush, never commit)."""

import re
import secrets
from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import and_, column, func, literal_column, or_, select, table, update
from sqlalchemy.orm import selectinload

from catalog import pricing
from catalog.models import Category, Product, StockLevel, StockMovement, TierOverride, Warehouse, search_text
from partners.models import Partner
from partners.service import flush_unique, parse_amount
from portal import cache
from portal.audit import record, snapshot
from portal.codes import PRODUCT_LINE
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db
from portal.sql import insert_if_absent

PRODUCT_FIELDS = ("sku", "name", "name_zh", "description", "description_zh", "product_line", "list_price",
                  "currency", "active")


def _checked(values: dict) -> dict:
    """Field rules shared by create and update; raises one 422 naming every bad field."""
    errors, clean = {}, dict(values)
    if "product_line" in values and not PRODUCT_LINE.match(values["product_line"] or ""):
        errors["product_line"] = _("Use 1 to 40 letters, digits, '-' or '_'.")
    if "list_price" in values:
        try:
            clean["list_price"] = parse_amount(values["list_price"], "list_price")
        except ValidationFailed as error:
            errors.update(error.fields)
    if "currency" in values and not re.fullmatch(r"[A-Za-z]{3}", values["currency"] or ""):
        errors["currency"] = _("Use a three-letter currency code.")
    if "name" in values and not (values["name"] or "").strip():
        errors["name"] = _("This field is required.")
    if errors:
        raise ValidationFailed(errors)
    if "currency" in clean:
        clean["currency"] = clean["currency"].upper()
    return clean


def category_at(path: str | None) -> Category | None:
    """The category at ``"Networking/Switches"``, creating the missing nodes (ERP feeds send paths)."""
    names = [part.strip() for part in (path or "").split("/") if part.strip()]
    parent = None
    for depth in range(len(names)):
        code = "/".join(names[: depth + 1])
        if len(code) > 400:
            raise ValidationFailed({"category": _("The category path is too long.")})
        insert_if_absent(Category, code=code, name=names[depth], name_zh="", path=code,
                         parent_id=parent.id if parent else None)
        parent = db.session.scalar(select(Category).where(Category.code == code))
    return parent


def all_categories() -> list[dict]:
    """The category tree in order, cached like the catalog pages."""
    return cache.cached("catalog", ("categories",), lambda: [
        {"path": c.path, "name": c.name, "name_zh": c.name_zh}
        for c in db.session.scalars(select(Category).order_by(Category.path))])


def product_lines() -> list[str]:
    return cache.cached("catalog", ("product_lines",), lambda: db.session.scalars(
        select(Product.product_line).distinct().order_by(Product.product_line)).all())


def create_product(actor, **values) -> Product:
    if not (values.get("sku") or "").strip():
        raise ValidationFailed({"sku": _("This field is required.")})
    category = category_at(values.pop("category", None))
    product = Product(**_checked(values), category=category)
    product.search_text = search_text(product)
    db.session.add(product)
    flush_unique("sku_taken", _("A product with this SKU exists already."))
    record(actor, "product.created", product, after=snapshot(product, PRODUCT_FIELDS))
    return product


def get_product(sku: str, *, include_inactive: bool = True) -> Product:
    product = db.session.scalar(select(Product).where(Product.sku == sku))
    if product is None or not (product.active or include_inactive):
        raise NotFound()
    return product


def update_product(actor, sku: str, **values) -> Product:
    product = get_product(sku)
    before = snapshot(product, PRODUCT_FIELDS)
    if "category" in values:
        product.category = category_at(values.pop("category"))
    for field, value in _checked(values).items():
        setattr(product, field, value)
    product.search_text = search_text(product)
    db.session.flush()
    record(actor, "product.updated", product, before, snapshot(product, PRODUCT_FIELDS))
    return product


def set_stock(actor, sku: str, warehouse_code: str, on_hand: int, reason: str = "erp_sync") -> StockLevel:
    """Set on hand; refused (409 ``below_reserved``) under what orders have reserved."""
    if on_hand < 0:
        raise ValidationFailed({"on_hand": _("Enter a number that is zero or more.")})
    product = get_product(sku)
    warehouse = _warehouse(warehouse_code)
    insert_if_absent(StockLevel, product_id=product.id, warehouse_id=warehouse.id, on_hand=0, reserved=0)
    level = db.session.scalar(select(StockLevel).where(StockLevel.product_id == product.id,
                                                       StockLevel.warehouse_id == warehouse.id))
    previous = level.on_hand
    changed = db.session.execute(
        update(StockLevel).where(StockLevel.id == level.id, StockLevel.reserved <= on_hand)
        .values(on_hand=on_hand).execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise DomainError("below_reserved", _("On hand cannot be less than what orders have reserved."))
    db.session.add(StockMovement(product_id=product.id, warehouse_id=warehouse.id, on_hand_change=on_hand - previous,
                                 reason=reason, actor_id=getattr(actor, "id", None)))
    db.session.refresh(level)
    return level


def _warehouse(code: str) -> Warehouse:
    code = (code or "").strip()
    if not code or len(code) > 32:
        raise ValidationFailed({"warehouse_code": _("Use 1 to 32 characters.")})
    insert_if_absent(Warehouse, code=code, name=code)
    return db.session.scalar(select(Warehouse).where(Warehouse.code == code))


def tier_of(user) -> tuple[int | None, Decimal]:
    """The caller's tier id and discount; staff price at list."""
    if not user.is_partner:
        return None, Decimal(0)
    partner = db.session.get(Partner, user.partner_id)
    return partner.tier_id, partner.tier.discount_percent


def matching(q: str):
    """Products whose sku, name or description (either language) contain ``q``, through the
    dialect's substring index where the term is long enough for trigrams (3+ characters)."""
    term = q.strip().casefold()
    like = Product.search_text.contains(term, autoescape=True)
    if len(term) < 3 or db.session.get_bind().dialect.name != "sqlite":
        return like  # PostgreSQL's GIN trigram index serves LIKE directly
    phrase = '"' + term.replace('"', '""') + '"'
    return Product.id.in_(select(column("rowid")).select_from(table("products_search"))
                          .where(literal_column("products_search").op("MATCH")(phrase)))


SORTS = {"sku": Product.sku, "name": Product.name, "price": Product.list_price}


def browse(user, q: str = "", product_line: str | None = None, in_stock: bool = False, page: int = 1,
           per_page: int = 50, category: str | None = None, sort: str = "sku") -> tuple[list[dict], int]:
    """A page of products with the caller's net price and live availability.

    Which products are on the page, and how many match, changes only with the catalog:
    that is cached per process until a product, category or override changes anywhere
    (``portal.cache``). Prices and stock are read live, for that page's rows only, so
    the statements and the time per page do not grow with the catalog.
    """
    tier_id, discount = tier_of(user)
    args = (user.is_partner, q.strip(), product_line, in_stock, page, per_page, category, sort)
    if in_stock:  # stock moves with every order: never cached
        ids, total = _page(*args)
    else:
        ids, total = cache.cached("catalog", ("browse", *args), lambda: _page(*args))
    return _rows(ids, tier_id, discount), total


def _page(partner_view, q, product_line, in_stock, page, per_page, category, sort) -> tuple[list[int], int]:
    query = select(Product.id).outerjoin(Category, Category.id == Product.category_id)
    if partner_view:
        query = query.where(Product.active.is_(True))
    if q:
        query = query.where(matching(q))
    if product_line:
        query = query.where(Product.product_line == product_line)
    if in_stock:  # available > 0 in total iff some warehouse has more on hand than reserved
        query = query.where(select(StockLevel.id).where(StockLevel.product_id == Product.id,
                                                        StockLevel.on_hand > StockLevel.reserved).exists())
    if category:
        query = query.where(or_(Category.path == category, Category.path.startswith(category + "/", autoescape=True)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = SORTS.get(sort, Product.sku)
    ids = db.session.scalars(query.order_by(order, Product.sku).limit(per_page).offset((page - 1) * per_page)).all()
    return list(ids), total


def _rows(ids: list[int], tier_id: int | None, discount: Decimal) -> list[dict]:
    if not ids:
        return []
    available = (select(func.coalesce(func.sum(StockLevel.on_hand - StockLevel.reserved), 0))
                 .where(StockLevel.product_id == Product.id).scalar_subquery())
    rows = db.session.execute(
        select(Product.id, Product.sku, Product.name, Product.name_zh, Product.product_line, Product.list_price,
               Product.currency, Product.active, Category.path.label("category"),
               TierOverride.discount_percent.label("override"), available.label("available"))
        .outerjoin(Category, Category.id == Product.category_id)
        .outerjoin(TierOverride, and_(TierOverride.product_id == Product.id, TierOverride.tier_id == tier_id))
        .where(Product.id.in_(ids))
    ).mappings()
    by_id = {row["id"]: {**row, "net_price": pricing.unit_price(row["list_price"], discount, 1, row["override"])}
             for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def price_inputs(skus: list[str]) -> dict[str, pricing.PriceInputs]:
    """The active products' price inputs by sku (unknown or inactive skus left out).

    Kept per process until the catalog changes, so an order prices its lines without
    loading products, overrides and breaks each time.
    """
    def load(keys: list[tuple]) -> dict[tuple, pricing.PriceInputs]:
        products = db.session.scalars(
            select(Product).where(Product.sku.in_([sku for _kind, sku in keys]), Product.active.is_(True))
            .options(selectinload(Product.tier_overrides), selectinload(Product.volume_breaks)))
        return {("price-inputs", p.sku): pricing.inputs_of(p) for p in products}

    found = cache.cached_many("catalog", [("price-inputs", sku) for sku in skus], load)
    return {key[1]: inputs for key, inputs in found.items()}


def product_for(user, sku: str) -> tuple[Product, Decimal, list[StockLevel]]:
    """One product as the caller sees it: net price and stock per warehouse."""
    product = get_product(sku, include_inactive=not user.is_partner)
    return product, pricing.quote(pricing.inputs_of(product), *tier_of(user)).unit_price, product.stock


def prices_by_tier(product: Product, tiers) -> list[tuple]:
    """(tier, unit price at quantity 1, price at each volume break) for the staff's side-by-side view."""
    overrides = {o.tier_id: o.discount_percent for o in product.tier_overrides}
    breaks = [(b.min_quantity, b.extra_percent) for b in product.volume_breaks]
    return [(tier, pricing.unit_price(product.list_price, tier.discount_percent, 1, overrides.get(tier.id)),
             [pricing.unit_price(product.list_price, tier.discount_percent, minimum, overrides.get(tier.id), breaks)
              for minimum, _extra in breaks]) for tier in tiers]


def break_prices(user, product: Product) -> list[tuple[int, Decimal, Decimal]]:
    """(minimum quantity, extra percent, the caller's unit price there) for each volume break."""
    tier_id, discount = tier_of(user)
    inputs = pricing.inputs_of(product)
    return [(minimum, extra, pricing.quote(inputs, tier_id, discount, minimum).unit_price)
            for minimum, extra in inputs.breaks]


IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg"),
               b"RIFF": ("webp", "image/webp")}
IMAGE_MAX_BYTES = 2 * 1024 * 1024


def set_image(actor, sku: str, data: bytes, folder: Path) -> Product:
    """Store a product picture, recognised by its bytes (PNG, JPEG or WebP) rather than its name."""
    product = get_product(sku)
    if len(data) > IMAGE_MAX_BYTES:
        raise DomainError("too_large", _("The image is larger than 2 MB."), status=413)
    kind = next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)
                 and (magic != b"RIFF" or data[8:12] == b"WEBP")), None)
    if kind is None:
        raise ValidationFailed({"image": _("Use a PNG, JPEG or WebP picture.")})
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{product.id}-{secrets.token_hex(4)}.{kind[0]}"
    (folder / name).write_bytes(data)
    old, product.image = product.image, name
    db.session.flush()
    if old:
        (folder / old).unlink(missing_ok=True)
    record(actor, "product.image", product, {"image": old}, {"image": name})
    return product


def movements_of(product: Product, limit: int = 20) -> list[StockMovement]:
    """The latest stock changes of a product, with who and why."""
    return db.session.scalars(select(StockMovement).where(StockMovement.product_id == product.id)
                              .order_by(StockMovement.at.desc(), StockMovement.id.desc()).limit(limit)).all()

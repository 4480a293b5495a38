"""The "Catalog, pricing, stock" section of API.md."""

import marshmallow as ma
from flask import current_app, request
from flask_login import current_user

from catalog import service, transfer
from portal.api import Blueprint, PageArgs, Schema, json_rows, money
from portal.auth.decorators import role_required
from portal.errors import DomainError, ValidationFailed
from portal.extensions import db

blp = Blueprint("catalog_api", __name__, description="Catalog, pricing, stock")

Text = ma.fields.String


class ProductIn(Schema):
    sku = Text(required=True, validate=ma.validate.Length(min=1, max=64))
    name = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    name_zh = Text(validate=ma.validate.Length(max=200))
    product_line = Text(required=True, validate=ma.validate.Length(min=1, max=40))
    list_price = ma.fields.Decimal(required=True, as_string=True, allow_nan=False)
    currency = Text(load_default="CNY")
    description = Text(validate=ma.validate.Length(max=20000))
    description_zh = Text(validate=ma.validate.Length(max=20000))
    category = Text(allow_none=True)


class ProductPatch(Schema):
    name = Text(validate=ma.validate.Length(min=1, max=200))
    name_zh = Text(validate=ma.validate.Length(max=200))
    product_line = Text(validate=ma.validate.Length(min=1, max=40))
    list_price = ma.fields.Decimal(as_string=True, allow_nan=False)
    currency = Text()
    description = Text(validate=ma.validate.Length(max=20000))
    description_zh = Text(validate=ma.validate.Length(max=20000))
    active = ma.fields.Boolean()
    category = Text(allow_none=True)


class StockIn(Schema):
    on_hand = ma.fields.Integer(required=True, strict=True)


class ProductOut(ma.Schema):
    sku = Text()
    category = Text(allow_none=True)
    name = Text()
    name_zh = Text()
    product_line = Text()
    list_price = Text()
    net_price = Text()
    currency = Text()
    available = ma.fields.Integer()


class StockOut(ma.Schema):
    warehouse_code = Text()
    on_hand = ma.fields.Integer()
    reserved = ma.fields.Integer()
    available = ma.fields.Integer()


class ProductDetailOut(ProductOut):
    description = Text()
    description_zh = Text()
    active = ma.fields.Boolean()
    stock = ma.fields.List(ma.fields.Nested(StockOut))


class ProductPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProductOut))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class ProductQuery(PageArgs):
    q = Text(load_default="")
    product_line = Text(load_default=None)
    category = Text(load_default=None)
    in_stock = ma.fields.Boolean(load_default=False)
    sort = Text(load_default="sku", validate=ma.validate.OneOf(["sku", "name", "price"]))


def _item(row: dict) -> dict:
    return {"sku": row["sku"], "name": row["name"], "name_zh": row["name_zh"], "product_line": row["product_line"],
            "category": row["category"],
            "list_price": money(row["list_price"]), "net_price": money(row["net_price"]),
            "currency": row["currency"], "available": int(row["available"])}


def _detail(sku: str) -> dict:
    product, net_price, stock = service.product_for(current_user, sku)
    levels = [{"warehouse_code": s.warehouse.code, "on_hand": s.on_hand, "reserved": s.reserved,
               "available": s.available} for s in stock]
    return {**_item({"sku": product.sku, "name": product.name, "name_zh": product.name_zh,
                     "category": product.category.path if product.category else None,
                     "product_line": product.product_line, "list_price": product.list_price, "net_price": net_price,
                     "currency": product.currency, "available": sum(level["available"] for level in levels)}),
            "description": product.description, "description_zh": product.description_zh,
            "active": product.active, "stock": levels}


@blp.post("/products")
@role_required("channel_manager")
@blp.arguments(ProductIn())
@blp.response(201, ProductDetailOut)
def create_product(data):
    product = service.create_product(current_user, **data)
    db.session.commit()
    return json_rows(_detail(product.sku), 201)


@blp.patch("/products/<sku>")
@role_required("channel_manager")
@blp.arguments(ProductPatch())
@blp.response(200, ProductDetailOut)
def update_product(data, sku):
    service.update_product(current_user, sku, **data)
    db.session.commit()
    return json_rows(_detail(sku))


@blp.put("/products/<sku>/stock/<warehouse_code>")
@role_required("channel_manager")
@blp.arguments(StockIn())
@blp.response(200, StockOut)
def put_stock(data, sku, warehouse_code):
    level = service.set_stock(current_user, sku, warehouse_code, data["on_hand"])
    db.session.commit()
    return {"warehouse_code": level.warehouse.code, "on_hand": level.on_hand, "reserved": level.reserved,
            "available": level.available}


@blp.get("/products")
@blp.arguments(ProductQuery(), location="query")
@blp.response(200, ProductPage)
def list_products(args):
    items, total = service.browse(current_user, **args)
    return json_rows({"items": [_item(row) for row in items], "page": args["page"], "per_page": args["per_page"],
                      "total": total})


@blp.get("/products/<sku>")
@blp.response(200, ProductDetailOut)
def get_product(sku):
    return json_rows(_detail(sku))


class ImportQuery(Schema):
    dry_run = ma.fields.Boolean(load_default=True)


class ImportRowError(ma.Schema):
    line = ma.fields.Integer()
    field = Text()
    message = Text()


class ImportChange(ma.Schema):
    key = Text()
    field = Text()
    before = Text()
    after = Text()


class ImportOut(ma.Schema):
    kind = Text()
    dry_run = ma.fields.Boolean()
    creates = ma.fields.Integer()
    updates = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    errors = ma.fields.List(ma.fields.Nested(ImportRowError))
    changes = ma.fields.List(ma.fields.Nested(ImportChange))


def uploaded_csv() -> bytes:
    """The CSV from a multipart ``file`` field, or the raw request body."""
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    if not data:
        raise ValidationFailed({"file": "Send a CSV file."})
    return data


@blp.post("/catalog/imports/<any(products, prices, stock, volume_breaks):kind>")
@role_required("channel_manager")
@blp.arguments(ImportQuery(), location="query")
@blp.response(200, ImportOut)
def import_csv(args, kind):
    """Check (``dry_run=true``, the default) or apply an ERP file; applying is all-or-nothing."""
    data = uploaded_csv()
    try:
        result = transfer.plan(kind, data) if args["dry_run"] else transfer.apply(kind, data, current_user)
    except transfer.BadFile as error:
        db.session.rollback()
        raise DomainError("bad_file", str(error), status=422) from None
    if result.errors and not args["dry_run"]:
        db.session.rollback()
        raise DomainError("import_rejected", "Some rows are invalid; nothing was imported.", status=422,
                          rows=result.errors)
    db.session.commit()
    return {**result.summary(), "dry_run": args["dry_run"]}


@blp.get("/catalog/exports/<any(products, prices, stock, volume_breaks):kind>")
@role_required("channel_manager")
def export_csv(kind):
    """The same columns an import takes; cells that look like formulas are quoted."""
    return current_app.response_class(transfer.export(kind), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={kind}.csv"})

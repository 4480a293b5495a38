"""Catalog pages: partners browse at their own prices; staff manage products and stock."""

import json
import re
import secrets
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import service, transfer
from catalog.forms import ImageForm, ImportForm, ProductForm, StockForm
from partners.service import all_tiers
from portal.audit import entries_for
from portal.auth.decorators import login_required, role_required
from portal.errors import NotFound
from portal.extensions import db
from portal.forms import ActionForm, act_and_redirect, save_form

bp = Blueprint("catalog", __name__, template_folder="templates")

PER_PAGE = 24


@bp.get("/catalog")
@login_required
def index():
    args = request.args
    page = max(args.get("page", 1, type=int) or 1, 1)
    filters = {"q": args.get("q", "").strip(), "product_line": args.get("product_line") or None,
               "category": args.get("category") or None, "in_stock": args.get("in_stock") == "1",
               "sort": args.get("sort") if args.get("sort") in service.SORTS else "sku"}
    items, total = service.browse(current_user, page=page, per_page=PER_PAGE, **filters)
    return render_template("catalog/index.html", items=items, total=total, page=page, filters=filters,
                           pages=max(1, -(-total // PER_PAGE)), categories=service.all_categories(),
                           product_lines=service.product_lines())


@bp.get("/catalog/<sku>")
@login_required
def product(sku: str):
    found, net_price, stock = service.product_for(current_user, sku)
    staff = not current_user.is_partner
    return render_template("catalog/product.html", product=found, net_price=net_price, stock=stock,
                           breaks=service.break_prices(current_user, found),
                           tiers=service.prices_by_tier(found, all_tiers()) if staff else None,
                           stock_form=StockForm(), image_form=ImageForm(), audit=entries_for(found) if staff else None,
                           movements=service.movements_of(found) if staff else None)


def _product_form(form: ProductForm, action, success: str):
    values = {name: field.data for name, field in form._fields.items() if name not in ("csrf_token", "sku")}
    saved = save_form(form, lambda: action(values), success)
    return redirect(url_for("catalog.product", sku=saved.sku)) if saved else None


@bp.route("/catalog/new", methods=["GET", "POST"])
@role_required("channel_manager")
def create():
    form = ProductForm()
    if form.validate_on_submit():
        done = _product_form(form, lambda values: service.create_product(current_user, sku=form.sku.data, **values),
                             _("The product is created."))
        if done:
            return done
    return render_template("catalog/form.html", form=form, product=None)


@bp.route("/catalog/<sku>/edit", methods=["GET", "POST"])
@role_required("channel_manager")
def edit(sku: str):
    found = service.get_product(sku)
    form = ProductForm(obj=found)
    if request.method == "GET":
        form.category.data = found.category.path if found.category else ""
    if form.validate_on_submit():
        done = _product_form(form, lambda values: service.update_product(current_user, sku, **values),
                             _("The product is saved."))
        if done:
            return done
    return render_template("catalog/form.html", form=form, product=found)


@bp.post("/catalog/<sku>/stock")
@role_required("channel_manager")
def stock(sku: str):
    form = StockForm()
    target = url_for("catalog.product", sku=sku)
    if not form.validate_on_submit():
        flash(_("Enter a warehouse and a quantity of zero or more."), "danger")
        return redirect(target)
    return act_and_redirect(lambda: service.set_stock(current_user, sku, form.warehouse_code.data, form.on_hand.data),
                            _("The stock is saved."), target)


def _images() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "products"


@bp.get("/catalog/<sku>/image")
@login_required
def image(sku: str):
    found, _price, _stock = service.product_for(current_user, sku)  # 404 for what the caller may not see
    if not found.image:
        raise NotFound()
    return send_from_directory(_images(), found.image, max_age=3600)


@bp.post("/catalog/<sku>/image")
@role_required("channel_manager")
def upload_image(sku: str):
    form = ImageForm()
    target = url_for("catalog.product", sku=sku)
    if not form.validate_on_submit():
        flash(_("Choose a picture."), "danger")
        return redirect(target)
    return act_and_redirect(lambda: service.set_image(current_user, sku, form.image.data.read(), _images()),
                            _("The picture is saved."), target)


# ERP files ----------------------------------------------------------------------------

def _staged(token: str) -> Path:
    """Where a checked file waits for "apply" (the token is ours: 32 hex digits)."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise NotFound()
    return Path(current_app.config["UPLOAD_DIR"]) / "imports" / f"{token}.csv"


@bp.route("/catalog/transfer", methods=["GET", "POST"])
@role_required("channel_manager")
def transfer_page():
    """Upload → check (every change and bad row) → apply, all or nothing; and exports."""
    form, report, token = ImportForm(), None, None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            report = transfer.plan(form.kind.data, data).summary()
        except transfer.BadFile as error:
            form.file.errors = [str(error)]
        else:
            token = secrets.token_hex(16)
            staged = _staged(token)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
    return render_template("catalog/transfer.html", form=form, report=report, token=token,
                           apply_form=ActionForm(), kinds=transfer.COLUMNS)


@bp.post("/catalog/transfer/<any(products, prices, stock, volume_breaks):kind>/<token>")
@role_required("channel_manager")
def apply_import(kind: str, token: str):
    staged = _staged(token)
    if not ActionForm().validate_on_submit() or not staged.exists():
        flash(_("Check the file again before applying it."), "danger")
        return _back_to_transfer()
    progress_file = staged.with_suffix(".progress")

    def report(done: int, total: int) -> None:
        progress_file.write_text(json.dumps({"done": done, "total": total}))

    try:
        result = transfer.apply(kind, staged.read_bytes(), current_user, report)
    except transfer.BadFile as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back_to_transfer()
    if result.errors:
        db.session.rollback()
        flash(_("Some rows are invalid; nothing was imported."), "danger")
    else:
        db.session.commit()
        staged.unlink(missing_ok=True)
        progress_file.unlink(missing_ok=True)
        flash(_("Imported: %(creates)d new, %(updates)d changed.", creates=len(result.creates),
                updates=len(result.updates)), "success")
    return _back_to_transfer()


def _back_to_transfer():
    """The page's script applies by fetch and navigates itself (so the flash survives)."""
    target = url_for("catalog.transfer_page")
    return {"redirect": target} if request.headers.get("X-Requested-With") == "fetch" else redirect(target)


@bp.get("/catalog/transfer/progress/<token>")
@role_required("channel_manager")
def import_progress(token: str):
    """How far an import being applied is (polled by the page's progress bar)."""
    progress = _staged(token).with_suffix(".progress")
    return json.loads(progress.read_text()) if progress.exists() else {"done": 0, "total": 0}


@bp.get("/catalog/transfer/<any(products, prices, stock, volume_breaks):kind>.csv")
@role_required("channel_manager")
def export(kind: str):
    return current_app.response_class(transfer.export(kind), mimetype="text/csv",
                                      headers={"Content-Disposition": f"attachment; filename={kind}.csv"})

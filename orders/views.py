"""Order pages: the cart and checkout, orders with their timeline, staff shipping."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from orders import cart, payments, service
from orders.forms import CartAddForm, CheckoutForm, ShipForm
from orders.models import STATUSES
from portal.audit import entries_for
from portal.auth.decorators import login_required, role_required
from portal.auth.roles import PARTNER_ROLES
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import ActionForm, act_and_redirect

bp = Blueprint("orders", __name__, template_folder="templates")

PER_PAGE = 25


@bp.post("/cart/add/<sku>")
@role_required(*PARTNER_ROLES)
def add_to_cart(sku: str):
    form = CartAddForm()
    if not form.validate_on_submit():
        flash(_("Enter a whole number of 1 or more."), "danger")
        return redirect(url_for("catalog.product", sku=sku))
    return act_and_redirect(lambda: cart.add(current_user, sku, form.quantity.data), _("Added to your cart."),
                            url_for("orders.cart_page"))


@bp.post("/orders/<int:order_id>/reorder")
@role_required(*PARTNER_ROLES)
def reorder(order_id: int):
    order = service.get_order(current_user, order_id)
    if ActionForm().validate_on_submit():
        gone = cart.add_order(current_user, order)
        db.session.commit()
        flash(_("The order's products are in your cart."), "success")
        if gone:
            flash(_("No longer sold: %(skus)s", skus=", ".join(gone)), "warning")
    return redirect(url_for("orders.cart_page"))


@bp.route("/cart", methods=["GET", "POST"])
@role_required(*PARTNER_ROLES)
def cart_page():
    if request.method == "POST" and ActionForm().validate_on_submit():
        for key, value in request.form.items():
            if key.startswith("quantity-") and value.strip().lstrip("-").isdigit():
                cart.set_quantity(current_user, int(key.removeprefix("quantity-")), int(value))
        db.session.commit()
        return redirect(url_for("orders.cart_page"))
    deals = cart.usable_deals(current_user)
    deal = next((r for r in deals if str(r.id) == request.args.get("deal")), None)
    lines, summary = cart.priced(current_user, deal)
    form = CheckoutForm(deal_registration_id=str(deal.id) if deal else "")
    form.deal_registration_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(r.id), f"#{r.id} {r.company_name} ({r.product_line})") for r in deals]
    return render_template("orders/cart.html", lines=lines, summary=summary, deal=deal, form=form,
                           update_form=ActionForm(), outstanding=service.outstanding(current_user.partner_id),
                           credit_limit=current_user.partner.credit_limit)


@bp.post("/checkout")
@role_required(*PARTNER_ROLES)
def checkout():
    form = CheckoutForm()
    form.deal_registration_id.choices = [SelectChoice("", "")] + [
        SelectChoice(str(r.id), "") for r in cart.usable_deals(current_user)]
    if not form.validate_on_submit():
        flash(_("Check the checkout form."), "danger")
        return redirect(url_for("orders.cart_page"))
    items = [{"sku": item.product.sku, "quantity": item.quantity} for item in cart.items_of(current_user)]
    user = current_user._get_current_object()
    try:
        order = service.place(user, items, form.payment_method.data, form.deal_registration_id.data,
                              form.po_number.data, create_payment=lambda o: payments.create_payment_intent(o)[0])
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("orders.cart_page"))
    cart.clear(user)
    db.session.commit()
    flash(_("Order %(number)s is placed.", number=order.number), "success")
    return redirect(url_for("orders.detail", order_id=order.id))


@bp.get("/orders")
@login_required
def index():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    partner_id = None if current_user.is_partner else request.args.get("partner", type=int)
    q = request.args.get("q", "")[:60]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = service.orders_for(current_user, status, partner_id, q, page, PER_PAGE)
    return render_template("orders/index.html", items=items, total=total, status=status, statuses=STATUSES,
                           partner_id=partner_id, q=q, page=page, pages=max(1, -(-total // PER_PAGE)),
                           partners=None if current_user.is_partner else service.partner_choices())


@bp.get("/orders/<int:order_id>")
@login_required
def detail(order_id: int):
    """The order; for its partner, an unpaid card order also carries Stripe's Payment Element."""
    order = service.get_order(current_user, order_id)
    card = None
    if current_user.is_partner and order.status == "awaiting_payment" and order.payment_intent_id:
        if request.args.get("payment_intent") == order.payment_intent_id:  # back from confirming the card
            payments.refresh(order)
            db.session.commit()
        card = payments.card_form(order) if order.status == "awaiting_payment" else None
    response = make_response(render_template("orders/detail.html", order=order, card=card, ship_form=ShipForm(),
                                             action_form=ActionForm(), history=entries_for(order)[::-1]))
    if card:
        response.headers["Content-Security-Policy"] = payments.page_policy()
    return response


@bp.get("/orders/<int:order_id>/invoice")
@login_required
def invoice(order_id: int):
    return render_template("orders/invoice.html", order=service.get_order(current_user, order_id))


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel(order_id: int):
    target = url_for("orders.detail", order_id=order_id)
    if not ActionForm().validate_on_submit():
        return redirect(target)
    return act_and_redirect(lambda: service.cancel(current_user, order_id), _("The order is cancelled."), target)


@bp.post("/orders/<int:order_id>/ship")
@role_required("channel_manager")
def ship(order_id: int):
    form, target = ShipForm(), url_for("orders.detail", order_id=order_id)
    if not form.validate_on_submit():
        flash(_("Give the carrier and the tracking number."), "danger")
        return redirect(target)
    return act_and_redirect(lambda: service.ship(current_user, order_id, form.carrier.data, form.tracking_number.data),
                            _("The order is shipped."), target)


@bp.post("/orders/<int:order_id>/<any(deliver, payment):action>")
@role_required("channel_manager")
def staff_action(order_id: int, action: str):
    target = url_for("orders.detail", order_id=order_id)
    if not ActionForm().validate_on_submit():
        return redirect(target)
    if action == "deliver":
        return act_and_redirect(lambda: service.deliver(current_user, order_id), _("The order is delivered."), target)
    return act_and_redirect(lambda: service.record_payment(current_user, order_id), _("The payment is recorded."),
                            target)


@bp.get("/orders/balances")
@role_required("channel_manager")
def balances():
    return render_template("orders/balances.html", balances=service.balances())

"""The "Orders and payment" section of API.md (net terms and card placement so far)."""

import marshmallow as ma
from flask import request
from flask_login import current_user

from orders import payments, service
from orders.models import STATUSES
from portal.api import Blueprint, PageArgs, Schema, json_rows, money
from portal.auth.decorators import role_required
from portal.auth.roles import PARTNER_ROLES
from portal.extensions import db

blp = Blueprint("orders_api", __name__, description="Orders and payment")

Text = ma.fields.String


class ItemIn(Schema):
    sku = Text(required=True, validate=ma.validate.Length(min=1, max=64))
    quantity = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=1_000_000))


class OrderIn(Schema):
    items = ma.fields.List(ma.fields.Nested(ItemIn), required=True, validate=ma.validate.Length(min=1, max=200))
    payment_method = Text(required=True, validate=ma.validate.OneOf(["card", "net_terms"]))
    deal_registration_id = ma.fields.Integer(load_default=None, allow_none=True)
    po_number = Text(load_default="", validate=ma.validate.Length(max=60))
    payment_method_id = Text(load_default=None, allow_none=True, validate=ma.validate.Regexp(r"^pm_[A-Za-z0-9_]+$"))


class LineOut(ma.Schema):
    sku = Text()
    quantity = ma.fields.Integer()
    unit_price = Text()
    line_total = Text()


class OrderOut(ma.Schema):
    id = ma.fields.Integer()
    number = Text()
    partner_id = ma.fields.Integer()
    status = Text()
    lines = ma.fields.List(ma.fields.Nested(LineOut))
    subtotal = Text()
    total = Text()
    currency = Text()
    payment = ma.fields.Dict()


class ShipIn(Schema):
    carrier = Text(required=True, validate=ma.validate.Length(min=1, max=60))
    tracking_number = Text(required=True, validate=ma.validate.Length(min=1, max=80))


class OrderQuery(PageArgs):
    status = Text(load_default=None, validate=ma.validate.OneOf(STATUSES))
    partner_id = ma.fields.Integer(load_default=None, metadata={"description": "Staff only: one partner's orders."})
    q = Text(load_default="", validate=ma.validate.Length(max=60),
             metadata={"description": "Part of the order number or the PO number."})


def order_json(order, client_secret: str | None = None) -> dict:
    payment = {"method": order.payment_method}
    if order.payment_method == "net_terms":
        payment["due_date"] = order.due_date.isoformat() if order.due_date else None
    else:
        payment["payment_intent_id"] = order.payment_intent_id
        payment["last_error"] = order.payment_error or None
        if client_secret:
            payment["client_secret"] = client_secret
    return {"id": order.id, "number": order.number, "partner_id": order.partner_id, "status": order.status,
            "currency": order.currency, "po_number": order.po_number,
            "deal_registration_id": order.deal_registration_id,
            "created_at": order.created_at.isoformat(), "subtotal": money(order.subtotal), "total": money(order.total),
            "carrier": order.carrier, "tracking_number": order.tracking_number, "payment": payment,
            "lines": [{"sku": line.sku, "quantity": line.quantity, "list_price": money(line.list_price),
                       "unit_price": money(line.unit_price), "line_total": money(line.line_total),
                       "deal_discount_percent": money(line.deal_discount_percent)} for line in order.lines]}


@blp.post("/orders")
@role_required(*PARTNER_ROLES)
@blp.arguments(OrderIn())
@blp.response(201, OrderOut)
def place(data):
    """Price with the partner's prices, reserve stock atomically, start the payment."""
    secrets = {}

    def start_card_payment(order):
        intent_id, secrets["client_secret"] = payments.create_payment_intent(order, data["payment_method_id"])
        return intent_id

    order = service.place(current_user, data["items"], data["payment_method"], data["deal_registration_id"],
                          data["po_number"], create_payment=start_card_payment)
    body = order_json(order, secrets.get("client_secret"))  # before the commit expires what it shows
    db.session.commit()
    return json_rows(body, 201)


@blp.get("/orders")
@blp.arguments(OrderQuery(), location="query")
@blp.response(200, OrderOut(many=True))
def list_orders(args):
    items, total = service.orders_for(current_user, args["status"], args["partner_id"], args["q"], args["page"],
                                      args["per_page"])
    return json_rows({"items": [order_json(o) for o in items], "page": args["page"], "per_page": args["per_page"],
                      "total": total})


@blp.get("/orders/<int:order_id>")
@blp.response(200, OrderOut)
def get_order(order_id):
    return json_rows(order_json(service.get_order(current_user, order_id)))


@blp.post("/orders/<int:order_id>/cancel")
@blp.response(200, OrderOut)
def cancel(order_id):
    order = service.cancel(current_user, order_id)
    db.session.commit()
    return json_rows(order_json(order))


@blp.post("/orders/<int:order_id>/ship")
@role_required("channel_manager")
@blp.arguments(ShipIn())
@blp.response(200, OrderOut)
def ship(data, order_id):
    order = service.ship(current_user, order_id, data["carrier"], data["tracking_number"])
    db.session.commit()
    return json_rows(order_json(order))


@blp.post("/orders/<int:order_id>/deliver")
@role_required("channel_manager")
@blp.response(200, OrderOut)
def deliver(order_id):
    order = service.deliver(current_user, order_id)
    db.session.commit()
    return json_rows(order_json(order))


@blp.post("/orders/<int:order_id>/payments")
@role_required("channel_manager")
@blp.response(200, OrderOut)
def record_payment(order_id):
    """A net-terms order was paid (by bank transfer): it no longer counts against credit."""
    order = service.record_payment(current_user, order_id)
    db.session.commit()
    return json_rows(order_json(order))


webhook_blp = Blueprint("stripe_api", __name__, public=True, description="Stripe webhook")


@webhook_blp.post("/stripe/webhook")
@webhook_blp.response(200)
def stripe_webhook():
    """Stripe-signed events (400 on a bad signature); each is applied once however often it comes."""
    applied = payments.handle_webhook(request.get_data(), request.headers.get("Stripe-Signature", ""))
    db.session.commit()
    return {"received": True, "applied": applied}

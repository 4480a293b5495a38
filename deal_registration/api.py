"""The "Deal registration" section of API.md."""

import marshmallow as ma
from flask_login import current_user

from deal_registration import protection, queries, service
from deal_registration.models import STATUSES
from portal.api import Blueprint, Money, PageArgs, Schema, json_rows
from portal.auth.decorators import role_required
from portal.auth.roles import PARTNER_ROLES
from portal.extensions import db

blp = Blueprint("deals_api", __name__, description="Deal registration")

Text = ma.fields.String


class CustomerIn(Schema):
    company_name = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    territory_code = Text(required=True, validate=ma.validate.Length(min=1, max=32))
    country = Text(required=True, validate=ma.validate.Length(equal=2))
    domain = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=255))
    tax_id = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=64))


class RegistrationIn(Schema):
    customer = ma.fields.Nested(CustomerIn, required=True)
    product_line = Text(required=True, validate=ma.validate.Length(min=1, max=40))
    estimated_value = ma.fields.Decimal(required=True, as_string=True, allow_nan=False)
    expected_close_date = ma.fields.Date(required=True)
    description = Text(load_default="", validate=ma.validate.Length(max=5000))


class CustomerOut(ma.Schema):
    company_name = Text()
    territory_code = ma.fields.Function(lambda r: r.territory.code)
    country = Text()
    domain = Text(allow_none=True)
    tax_id = Text(allow_none=True)


class RegistrationOut(ma.Schema):
    id = ma.fields.Integer()
    status = Text()
    reason = Text(allow_none=True)
    customer = ma.fields.Function(lambda r: CustomerOut().dump(r))
    product_line = Text()
    estimated_value = Money()
    expected_close_date = ma.fields.Date()
    description = Text()
    partner_id = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    protection_expires_at = ma.fields.AwareDateTime(allow_none=True)
    extensions_used = ma.fields.Integer()


class StaffRegistrationOut(RegistrationOut):
    """What channel managers see besides: who registered, and the match evidence."""

    partner_name = ma.fields.Function(lambda r: r.partner.name)
    conflict_id = ma.fields.Integer(allow_none=True)
    match_evidence = ma.fields.Raw(allow_none=True)


def dump(registration) -> dict:
    """Partners never see the match evidence: it names other partners' registrations."""
    schema = RegistrationOut() if current_user.is_partner else StaffRegistrationOut()
    return schema.dump(registration)


class RegistrationPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StaffRegistrationOut))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class RegistrationQuery(PageArgs):
    status = Text(load_default=None, validate=ma.validate.OneOf(STATUSES))
    q = Text(load_default="")


class HistoryOut(ma.Schema):
    at = ma.fields.AwareDateTime()
    actor = ma.fields.Function(lambda h: h.actor.email if h.actor else None)
    action = Text()
    from_status = Text(allow_none=True)
    to_status = Text(allow_none=True)
    note = Text()


class ReasonIn(Schema):
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


class NoteIn(Schema):
    note = Text(load_default="", validate=ma.validate.Length(max=2000))


class CloseIn(Schema):
    outcome = Text(required=True, validate=ma.validate.OneOf(["won", "lost"]))


class ResolveIn(Schema):
    winner_id = ma.fields.Integer(required=True)
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


class RequestOut(ma.Schema):
    id = ma.fields.Integer()
    status = Text()
    registration_id = ma.fields.Integer()
    reason = Text()
    created_at = ma.fields.AwareDateTime()


class ConflictOut(ma.Schema):
    id = ma.fields.Integer()
    status = Text()
    product_line = Text()
    created_at = ma.fields.AwareDateTime()
    registrations = ma.fields.List(ma.fields.Nested(StaffRegistrationOut))


class ConflictQuery(Schema):
    status = Text(load_default="open", validate=ma.validate.OneOf(["open"]))


class PolicyIO(Schema):
    protection_days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=3650))
    extension_days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=3650))
    max_extensions = ma.fields.Integer(validate=ma.validate.Range(min=0, max=20))
    auto_approve = ma.fields.Boolean()
    name_match_threshold = ma.fields.Float(validate=ma.validate.Range(min=0.5, max=1.0))
    deal_discount_percent = ma.fields.Decimal(places=2, as_string=True, allow_nan=False)


# Registrations -------------------------------------------------------------------------

@blp.post("/deal-registrations")
@role_required(*PARTNER_ROLES)
@blp.arguments(RegistrationIn())
@blp.response(201, RegistrationOut)
def register(data):
    """Register a deal; the decision follows API.md's order."""
    registration = service.register(current_user, data["customer"], data["product_line"], data["estimated_value"],
                                    data["expected_close_date"], data["description"])
    db.session.commit()
    return json_rows(dump(registration), 201)


@blp.get("/deal-registrations")
@blp.arguments(RegistrationQuery(), location="query")
@blp.response(200, RegistrationPage)
def list_registrations(args):
    items, total = queries.registrations_for(current_user, args["status"], args["q"], args["page"], args["per_page"])
    return json_rows({"items": [dump(r) for r in items], "page": args["page"], "per_page": args["per_page"],
                      "total": total})


@blp.get("/deal-registrations/<int:registration_id>")
@blp.response(200, StaffRegistrationOut)
def get_registration(registration_id):
    return json_rows(dump(service.get_registration(current_user, registration_id)))


@blp.get("/deal-registrations/<int:registration_id>/history")
@blp.response(200, HistoryOut(many=True))
def history(registration_id):
    return queries.history_of(service.get_registration(current_user, registration_id))


@blp.post("/deal-registrations/<int:registration_id>/approve")
@role_required("channel_manager")
@blp.arguments(NoteIn())
@blp.response(200, StaffRegistrationOut)
def approve(data, registration_id):
    registration = service.approve(current_user, registration_id, data["note"])
    db.session.commit()
    return json_rows(dump(registration))


@blp.post("/deal-registrations/<int:registration_id>/reject")
@role_required("channel_manager")
@blp.arguments(ReasonIn())
@blp.response(200, StaffRegistrationOut)
def reject(data, registration_id):
    registration = service.reject(current_user, registration_id, data["reason"])
    db.session.commit()
    return json_rows(dump(registration))


@blp.post("/deal-registrations/<int:registration_id>/withdraw")
@role_required(*PARTNER_ROLES)
@blp.response(200, RegistrationOut)
def withdraw(registration_id):
    registration = service.withdraw(current_user, registration_id)
    db.session.commit()
    return json_rows(dump(registration))


@blp.post("/deal-registrations/<int:registration_id>/close")
@role_required(*PARTNER_ROLES)
@blp.arguments(CloseIn())
@blp.response(200, RegistrationOut)
def close(data, registration_id):
    registration = service.close(current_user, registration_id, data["outcome"])
    db.session.commit()
    return json_rows(dump(registration))


# Extensions and appeals ----------------------------------------------------------------

@blp.post("/deal-registrations/<int:registration_id>/extension-requests")
@role_required(*PARTNER_ROLES)
@blp.arguments(ReasonIn())
@blp.response(201, RequestOut)
def request_extension(data, registration_id):
    extension = protection.request_extension(current_user, registration_id, data["reason"])
    db.session.commit()
    return extension


@blp.get("/extension-requests")
@role_required("channel_manager")
@blp.response(200, RequestOut(many=True))
def pending_extensions():
    return protection.pending_extensions()


@blp.post("/extension-requests/<int:extension_id>/approve")
@role_required("channel_manager")
@blp.response(200, RequestOut)
def approve_extension(extension_id):
    extension = protection.approve_extension(current_user, extension_id)
    db.session.commit()
    return extension


@blp.post("/extension-requests/<int:extension_id>/reject")
@role_required("channel_manager")
@blp.response(200, RequestOut)
def reject_extension(extension_id):
    extension = protection.reject_extension(current_user, extension_id)
    db.session.commit()
    return extension


@blp.post("/deal-registrations/<int:registration_id>/appeal")
@role_required(*PARTNER_ROLES)
@blp.arguments(ReasonIn())
@blp.response(201, RequestOut)
def appeal(data, registration_id):
    """Appeal a rejection (``already_protected`` or ``lost_conflict``), once."""
    appealed = protection.appeal(current_user, registration_id, data["reason"])
    db.session.commit()
    return appealed


@blp.get("/deal-appeals")
@role_required("channel_manager")
@blp.response(200, RequestOut(many=True))
def pending_appeals():
    return protection.pending_appeals()


@blp.post("/deal-appeals/<int:appeal_id>/overturn")
@role_required("channel_manager")
@blp.arguments(ReasonIn())
@blp.response(200, RequestOut)
def overturn(data, appeal_id):
    decided = protection.overturn(current_user, appeal_id, data["reason"])
    db.session.commit()
    return decided


@blp.post("/deal-appeals/<int:appeal_id>/dismiss")
@role_required("channel_manager")
@blp.arguments(ReasonIn())
@blp.response(200, RequestOut)
def dismiss(data, appeal_id):
    decided = protection.dismiss(current_user, appeal_id, data["reason"])
    db.session.commit()
    return decided


# Conflicts and policy ------------------------------------------------------------------

@blp.get("/deal-conflicts")
@role_required("channel_manager")
@blp.arguments(ConflictQuery(), location="query")
@blp.response(200, ConflictOut(many=True))
def conflicts(args):
    return service.open_conflicts()


@blp.post("/deal-conflicts/<int:conflict_id>/resolve")
@role_required("channel_manager")
@blp.arguments(ResolveIn())
@blp.response(200, ConflictOut)
def resolve(data, conflict_id):
    conflict = service.resolve_conflict(current_user, conflict_id, data["winner_id"], data["reason"])
    db.session.commit()
    return conflict


@blp.get("/deal-policy")
@blp.response(200, PolicyIO)
def get_policy():
    return service.policy()


@blp.put("/deal-policy")
@role_required("channel_manager")
@blp.arguments(PolicyIO())
@blp.response(200, PolicyIO)
def put_policy(data):
    updated = service.update_policy(current_user, **data)
    db.session.commit()
    return updated

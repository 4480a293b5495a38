"""People and organisations: territories, tiers, partners and users (API.md)."""

import marshmallow as ma
from flask_login import current_user

from partners import accounts, service
from partners.models import Partner
from portal.api import Blueprint, Money, PageArgs, Schema, cached_json, json_bytes, json_rows, money
from portal.auth.decorators import role_required
from portal.auth.roles import ROLES, STAFF_ROLES, may_manage_users_of
from portal.errors import NotFound
from portal.extensions import db

blp = Blueprint("partners_api", __name__, description="People and organisations")

Code = ma.fields.String


class TerritoryIn(Schema):
    code = Code(required=True, validate=ma.validate.Length(min=1, max=32))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    parent_code = ma.fields.String(load_default=None, allow_none=True)


class TerritoryOut(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    parent_code = ma.fields.Function(lambda t: t.parent.code if t.parent else None)
    path = ma.fields.String()


class TierIn(Schema):
    discount_percent = ma.fields.Decimal(required=True, as_string=True, allow_nan=False)
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=80))


class TierOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    discount_percent = ma.fields.Decimal(places=2, as_string=True)


class PartnerIn(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    tier = ma.fields.String(required=True)
    territory_codes = ma.fields.List(ma.fields.String(), load_default=list)
    credit_limit = ma.fields.Decimal(as_string=True, allow_nan=False, load_default="0")


class PartnerPatch(Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    tier = ma.fields.String()
    territory_codes = ma.fields.List(ma.fields.String())
    credit_limit = ma.fields.Decimal(as_string=True, allow_nan=False)
    status = ma.fields.String(validate=ma.validate.OneOf(["active", "suspended"]))


class PartnerOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    tier = ma.fields.String()
    tier_name = ma.fields.String()
    discount_percent = ma.fields.Decimal(places=2, as_string=True)
    territory_codes = ma.fields.List(ma.fields.String())
    credit_limit = Money()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


def partner_json(summary: dict) -> dict:
    """A partner summary in the shape of PartnerOut (see ``json_rows``)."""
    return {**summary, "credit_limit": money(summary["credit_limit"]),
            "discount_percent": money(summary["discount_percent"]), "created_at": summary["created_at"].isoformat()}


class PartnerPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PartnerOut))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class PartnerQuery(PageArgs):
    q = ma.fields.String(load_default="")
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["active", "suspended"]))


class UserIn(Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=1024))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    partner_id = ma.fields.Integer(load_default=None, allow_none=True)
    name = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))


class UserPatch(Schema):
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    active = ma.fields.Boolean()
    name = ma.fields.String(validate=ma.validate.Length(max=120))


class UserOut(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.String()
    partner_id = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()
    locale = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()


@blp.get("/me")
@blp.response(200, UserOut)
def me():
    """The caller's own account."""
    return current_user


@blp.post("/territories")
@role_required("channel_manager")
@blp.arguments(TerritoryIn())
@blp.response(201, TerritoryOut)
def create_territory(data):
    territory = service.create_territory(current_user, data["code"], data["name"], data["parent_code"])
    db.session.commit()
    return territory


@blp.get("/territories")
@blp.response(200, TerritoryOut(many=True))
def list_territories():
    return service.all_territories()


@blp.get("/price-tiers")
@blp.response(200, TierOut(many=True))
def list_tiers():
    return service.all_tiers()


@blp.put("/price-tiers/<code>")
@role_required("channel_manager")
@blp.arguments(TierIn())
@blp.response(200, TierOut)
def put_tier(data, code):
    tier = service.put_tier(current_user, code, data["discount_percent"], data.get("name"))
    db.session.commit()
    return tier


@blp.post("/partners")
@role_required("channel_manager")
@blp.arguments(PartnerIn())
@blp.response(201, PartnerOut)
def create_partner(data):
    partner = service.create_partner(current_user, data["name"], data["tier"], data["territory_codes"],
                                     data["credit_limit"])
    db.session.commit()
    return json_rows(partner_json(service.partner_summary(current_user, partner.id)), 201)


@blp.get("/partners")
@role_required(*STAFF_ROLES)
@blp.arguments(PartnerQuery(), location="query")
@blp.response(200, PartnerPage)
def list_partners(args):
    def render() -> bytes:
        items, total = service.partner_summaries(**args)
        return json_bytes({"items": [partner_json(s) for s in items], "total": total, **args})

    return cached_json("partners", ("api", *args.values()), render)


@blp.get("/partners/<int:partner_id>")
@blp.response(200, PartnerOut)
def get_partner(partner_id):
    return json_rows(partner_json(service.partner_summary(current_user, partner_id)))


@blp.patch("/partners/<int:partner_id>")
@role_required("channel_manager")
@blp.arguments(PartnerPatch())
@blp.response(200, PartnerOut)
def patch_partner(data, partner_id):
    service.update_partner(current_user, service.get_partner(current_user, partner_id), **data)
    db.session.commit()
    return json_rows(partner_json(service.partner_summary(current_user, partner_id)))


@blp.get("/partners/<int:partner_id>/users")
@blp.response(200, UserOut(many=True))
def partner_users(partner_id):
    if db.session.get(Partner, partner_id) is None or not may_manage_users_of(current_user, partner_id):
        raise NotFound()
    return accounts.users_of_partner(partner_id)


@blp.post("/users")
@blp.arguments(UserIn())
@blp.response(201, UserOut)
def create_user(data):
    user = accounts.create_user(current_user, data["email"], data["password"], data["role"],
                                data["partner_id"], data["name"])
    db.session.commit()
    return user


@blp.patch("/users/<int:user_id>")
@blp.arguments(UserPatch())
@blp.response(200, UserOut)
def patch_user(data, user_id):
    user = accounts.update_user(current_user, accounts.get_user(current_user, user_id), **data)
    db.session.commit()
    return user

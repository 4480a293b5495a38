"""``POST /api/v1/auth/tokens``: exchange email and password for a bearer token."""

import marshmallow as ma
from flask import request

from portal.api import Blueprint, Schema
from portal.auth import service
from portal.errors import DomainError
from portal.extensions import db

blp = Blueprint("auth_api", __name__, public=True, description="Bearer tokens")


class Credentials(Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=1024))
    name = ma.fields.String(load_default="API", validate=ma.validate.Length(max=80))


class TokenOut(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()


@blp.post("/auth/tokens")
@blp.arguments(Credentials())
@blp.response(201, TokenOut)
def create_token(credentials):
    """Sign in and get a token; wrong credentials 401, repeated failures 429."""
    try:
        user = service.authenticate(credentials["email"], credentials["password"], request.remote_addr or "")
    except DomainError:
        db.session.commit()  # keep the failed attempt for throttling
        raise
    plain, token = service.issue_token(user, credentials["name"])
    db.session.commit()
    return {"token": plain, "expires_at": token.expires_at}

"""API v1 tokens and the public agency directory."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from domain.agencies import Level
from service.api.base import ERRORS, Blueprint, services
from service.api.schemas import AgencySchema, ApiErrorSchema, TokenRequestSchema, TokenSchema
from service.errors import Unauthorized

blp = Blueprint("directory", __name__, url_prefix="/api/v1", description="Tokens and agencies")


@blp.route("/tokens", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(400, schema=ApiErrorSchema, description=ERRORS[400])
@blp.alt_response(401, schema=ApiErrorSchema, description="Wrong username or password")
def issue_token(credentials: dict[str, Any]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    svc = services()
    user = svc.cases.users.authenticate(credentials["username"], credentials["password"])
    if user is None:
        raise Unauthorized("wrong username or password")
    return {"token": svc.tokens.issue(user), "expires_in": svc.tokens.ttl}


class AgencyQuerySchema(Schema):
    on = fields.Date(metadata={"description": "Only agencies valid on this date"})
    level = fields.String(validate=validate.OneOf([level.value for level in Level]))
    parent = fields.String()


@blp.route("/agencies")
@blp.doc(security=[])
@blp.arguments(AgencyQuerySchema, location="query")
@blp.response(200, AgencySchema(many=True))
@blp.alt_response(400, schema=ApiErrorSchema, description=ERRORS[400])
def agencies(query: dict[str, Any]) -> list[Any]:
    """The agency directory (public): national, provinces and offices with validity dates."""
    rows = list(services().directory)
    if "on" in query:
        rows = [a for a in rows if a.valid_on(query["on"])]
    if "level" in query:
        rows = [a for a in rows if a.level == query["level"]]
    if "parent" in query:
        rows = [a for a in rows if a.parent == query["parent"]]
    return rows

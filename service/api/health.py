"""GET /api/v1/health: the store, Redis (the report queue) and every read model's position and
lag (public)."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields

from service.api.base import Blueprint, json_response, services
from service.health import health as compute

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Health")


class ProjectionHealthSchema(Schema):
    position = fields.Integer()
    lag = fields.Integer(metadata={"description": "Events recorded but not yet applied"})
    generation = fields.Integer()
    version = fields.Integer()
    rebuilding = fields.Dict(allow_none=True)


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok, degraded (a part is down or behind) or down"})
    store = fields.Dict()
    redis = fields.Dict()
    projections = fields.Dict(keys=fields.String(), values=fields.Nested(ProjectionHealthSchema))


@blp.route("/health")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The store cannot be reached")
def health() -> Response:
    """Whether the store answers, and how far each read model has got."""
    body = compute(services())
    return json_response(503 if body["status"] == "down" else 200, body)

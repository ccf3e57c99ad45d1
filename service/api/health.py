"""GET /api/v1/health: the store, Redis (the report queue) and every read model's position and
lag (public)."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, fields

from service.api.base import Blueprint, json_response, services

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
    svc = services()
    body: dict[str, Any] = {"status": "ok", "store": {"dialect": svc.cases.db.dialect}}
    try:
        head = svc.cases.log_head()
        body["store"].update(ok=True, log_head=head)
    except Exception as error:
        body.update(status="down", projections={}, redis={"configured": bool(svc.config.redis_url)})
        body["store"].update(ok=False, error=str(error).splitlines()[0][:200])
        return json_response(503, body)
    projections: dict[str, Any] = {}
    registry = svc.read_models.registry
    for generation in registry.generations():
        if generation.projection not in registry.projections:
            continue  # a read model of an earlier release (its tables wait for a clean-up)
        entry = projections.setdefault(generation.projection, {"rebuilding": None})
        if generation.status == "active":
            entry.update(position=generation.position, lag=head - generation.position,
                         generation=generation.generation, version=generation.version)
        elif generation.status == "building":
            entry["rebuilding"] = {"generation": generation.generation, "position": generation.position}
    body["projections"] = projections
    # Redis carries only the report queue: down, reports are unavailable, the rest works.
    redis_ok = svc.report_queue.available() if svc.config.redis_url else None
    body["redis"] = {"configured": bool(svc.config.redis_url), "ok": redis_ok}
    if redis_ok is False or any(p.get("lag", 0) > 1000 for p in projections.values()):
        body["status"] = "degraded"
    return json_response(200, body)

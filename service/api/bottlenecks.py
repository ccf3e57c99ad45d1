"""API v1 bottlenecks (SPEC §5): where cases are stuck, for an agency as of a date."""

from __future__ import annotations

from typing import Any

from domain import clock
from domain.access import Forbidden
from domain.errors import CaseNotFound
from projections.bottleneck_lists import CLOCK_LISTS, NAMED_LISTS, case_list
from projections.bottleneck_query import Reports, scope_of
from service.api.base import ERRORS, Blueprint, current_actor, services
from service.api.bottleneck_schemas import BottleneckQuerySchema, BottlenecksSchema
from service.api.schemas import ApiErrorSchema

blp = Blueprint("bottlenecks", __name__, url_prefix="/api/v1",
                description="Bottlenecks and time limits")
PROJECTION = "bottlenecks"


@blp.route("/bottlenecks")
@blp.arguments(BottleneckQuerySchema, location="query")
@blp.response(200, BottlenecksSchema)
@blp.alt_response(400, schema=ApiErrorSchema, description=ERRORS[400])
@blp.alt_response(401, schema=ApiErrorSchema, description=ERRORS[401])
@blp.alt_response(403, schema=ApiErrorSchema, description=ERRORS[403])
@blp.alt_response(404, schema=ApiErrorSchema, description="Agency outside your scope")
@blp.alt_response(422, schema=ApiErrorSchema, description="Unknown agency")
@blp.alt_response(503, schema=ApiErrorSchema, description="The read model did not reach min_position in time")
def bottlenecks(query: dict[str, Any]) -> dict[str, Any]:
    """Bottleneck reports for an agency (and those below it) as of a day: `summary` (what a
    dashboard needs), `stages`, `dwell`, `aging`, `clocks`, the named lists, `overdue`,
    `due_soon` and `enforcers`."""
    actor = current_actor()
    if not actor.may_read_cases():
        raise Forbidden(f"a user with role {actor.role} may not read cases")
    svc = services()
    code = query.get("agency") or actor.agency
    svc.directory.get(code)  # 422 for an unknown code, before the scope check
    if not actor.sees(code, svc.directory):
        raise CaseNotFound(f"agency {code} is outside your scope ({actor.agency})", field="agency")
    read_models = svc.read_models
    svc.read_models.wait_for(query.get("min_position"), [PROJECTION])
    scope = scope_of(svc.directory, code, query.get("as_of") or clock.today())
    reports = Reports(svc.cases.db, read_models.names(PROJECTION), scope)
    kind = query["kind"]
    body: dict[str, Any] = {"agency": code, "as_of": scope.as_of, "kind": kind}
    if kind == "summary":
        body.update(reports.summary())
    elif kind in ("stages", "aging"):
        counts = reports.open_counts()
        body.update(open_cases=counts["open_cases"], **{kind: counts[kind]})
    elif kind == "dwell":
        body["dwell"] = reports.dwell()
    elif kind == "clocks":
        body["clocks"] = reports.clocks()
    elif kind == "enforcers":
        body["enforcers"] = reports.enforcers()
    else:
        assert kind in NAMED_LISTS or kind in CLOCK_LISTS
        items, total = case_list(svc.cases.db, reports.names, scope, kind, clock=query.get("clock"),
                                 page=query["page"], per_page=query["per_page"], sort=query.get("sort"))
        body.update(items=items, total=total, page=query["page"], per_page=query["per_page"],
                    sort=query.get("sort") or ("days" if kind == "due_soon" else "-days"),
                    clock=query.get("clock"))
    body["position"] = read_models.positions().get(PROJECTION, 0)
    return body

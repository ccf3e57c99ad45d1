"""API v1 reports (SPEC §7, §8): ask for one, follow it, download it, list the history.

``POST /reports`` answers 202 with a new report (queued), or with an earlier report of the
same parameters at the same log position when it is still on its way; 200 with the earlier
one when it is already finished (nothing new is computed). ``reused`` says which. With the
report queue (Redis) unreachable a new request is refused with 503 and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from flask import Response, url_for

from domain import clock
from service.api.base import ERRORS, Blueprint, current_actor, services
from service.api.report_schemas import (
    ReportListArgsSchema,
    ReportListSchema,
    ReportRequestSchema,
    ReportSchema,
)
from service.api.schemas import ApiErrorSchema
from service.reports import desk
from service.reports.download import file_response
from service.reports.store import FINISHED

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports made by the workers")

FILE = {"type": "string", "format": "binary"}


def _errors(*statuses: int, **descriptions: str) -> Any:
    def decorate(view: Any) -> Any:
        for status in statuses:
            description = descriptions.get(f"e{status}", ERRORS.get(status, ""))
            view = blp.alt_response(status, schema=ApiErrorSchema, description=description)(view)
        return view
    return decorate


def _self(report_id: str) -> dict[str, str]:
    return {"Location": url_for("reports.report", report_id=report_id)}


@blp.route("/reports", methods=["POST"])
@blp.arguments(ReportRequestSchema)
@blp.response(202, ReportSchema, description="A new report, queued (or an earlier one still on its way)")
@blp.alt_response(200, schema=ReportSchema, success=True,
                  description="An earlier report of the same parameters at the same log position, finished")
@_errors(400, 401, 403, 503, e503="Reports are unavailable: the report queue (Redis) cannot be reached; "
                                 "nothing was stored")
def ask(body: dict[str, Any]) -> Any:
    """Ask for a report of an agency in your scope (default yours) for a statistical year up
    to a month, optionally as the log was known at a past time."""
    svc, actor = services(), current_actor()
    request = desk.request_from(body, actor, clock.today())
    report, reused = desk.ask(svc, actor, request)
    status = 200 if reused and report.status == FINISHED else 202
    return (report, reused), status, _self(report.id)


@blp.route("/reports")
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, ReportListSchema)
@_errors(400, 401, 403)
def listing(query: dict[str, Any]) -> dict[str, Any]:
    """The reports of your scope (or of one agency in it, with those below it), newest first."""
    reports, total = desk.history(services(), current_actor(), page=query["page"], per_page=query["per_page"],
                                  agency=query.get("agency"))
    return {"items": reports, "total": total, "page": query["page"], "per_page": query["per_page"]}


@blp.route("/reports/<uuid:report_id>")
@blp.response(200, ReportSchema)
@_errors(401, 404)
def report(report_id: Any) -> Any:
    """A report as it stands: its status, progress and, once finished, the log position it
    was computed at and its file's size and SHA-256; when failed, why."""
    return desk.visible(services(), current_actor(), str(report_id))


@blp.route("/reports/<uuid:report_id>/file")
@blp.response(200, FILE, content_type="application/octet-stream",
              description="The file, with its SHA-256 as ETag and X-Checksum-SHA256")
@_errors(401, 404, 409, 410, e409="The report is not finished (queued, started or failed)",
         e410="The file is no longer in the reports directory")
def report_file(report_id: Any) -> Response:
    """The report's file, once it is finished."""
    svc = services()
    return file_response(svc, desk.visible(svc, current_actor(), str(report_id)))

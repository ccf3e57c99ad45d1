"""API v1 cases: create, read (now, at a version, as of a time), history, and the commands."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from marshmallow import RAISE

from service.api.base import (
    ERRORS,
    Blueprint,
    current_actor,
    expected_version,
    idempotent,
    json_response,
    services,
)
from service.api.case_list import CaseListArgsSchema, CaseListPageSchema, case_list
from service.api.schemas import (
    COMMAND_SCHEMAS,
    ApiErrorSchema,
    CaseCreateSchema,
    CaseQuerySchema,
    CaseSchema,
    DiffQuerySchema,
    DiffSchema,
    EventSchema,
    HistoryQuerySchema,
    WrittenCaseSchema,
)
from service.application import COMMANDS, HEAD_ONLY_COMMANDS, Written
from service.audit.diff import changes
from service.audit.history import csv_rows, jsonable
from service.audit.history import history as case_history
from service.downloads import csv_response

blp = Blueprint("cases", __name__, url_prefix="/api/v1", description="Enforcement cases")

_case_schema = CaseSchema()
_written_schema = WrittenCaseSchema()
HISTORY = "The events, oldest first; with `format=csv` a CSV download, a row per event"


def _errors(*statuses: int) -> Any:
    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, schema=ApiErrorSchema, description=ERRORS[status])(view)
        return view
    return decorate


def written(status: int, result: Written) -> Response:
    services().read_models.after_write()
    body = _written_schema.dump(result.case)
    body["position"] = result.position
    if isinstance(result.result, int):
        body["asset_id"] = result.result
    return json_response(status, body, {"ETag": f'"{result.case.version}"'})


@blp.route("/cases")
class Cases(MethodView):
    @blp.arguments(CaseListArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, CaseListPageSchema)
    @_errors(400, 401, 403)
    @blp.alt_response(503, schema=ApiErrorSchema, description="The list did not reach min_position in time")
    def get(self, query: dict[str, Any]) -> Any:
        """List the cases in your scope: filters, search, sorting and paging."""
        return case_list(query)

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, WrittenCaseSchema)
    @_errors(400, 401, 403, 409, 422)
    def post(self, data: dict[str, Any]) -> Response:
        """Accept a new case (thụ lý); the number is generated when absent."""
        actor = current_actor()
        return idempotent(lambda: written(201, services().cases.create_case(actor, data)))


@blp.route("/cases/<uuid:case_id>")
class Case(MethodView):
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseSchema)
    @_errors(400, 401, 403, 404)
    def get(self, query: dict[str, Any], case_id: UUID) -> Response:
        """The case now, at ``version``, or as recorded at ``as_of``."""
        case = services().cases.get_case(current_actor(), case_id, version=query.get("version"),
                                         as_of=query.get("as_of"))
        return json_response(200, _case_schema.dump(case), {"ETag": f'"{case.version}"'})


@blp.route("/cases/<uuid:case_id>/history")
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, EventSchema(many=True), description=HISTORY)
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True, description=HISTORY)
@_errors(400, 401, 403, 404)
def history(query: dict[str, Any], case_id: UUID) -> Any:
    """Every event of the case, oldest first: who, business date, recorded time, its log
    position and the case's audit-chain hash after it, and what it changed (with `states`,
    the whole case before and after it). `format=csv` gives the same as a CSV file (UTF-8
    with a byte-order mark): columns position, version, type, on, by, recorded_at, hash,
    changes (`field: before → after`, one per line) and data (the event's own fields as
    JSON); `states` does not apply to it."""
    entries = case_history(services().cases, current_actor(), case_id, _case_schema.dump,
                           states=query["states"] and query["format"] == "json")
    if query["format"] == "csv":
        return csv_response(csv_rows(entries), f"history-{case_id}.csv")
    return entries


@blp.route("/cases/<uuid:case_id>/diff")
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DiffSchema)
@_errors(400, 401, 403, 404)
def diff(query: dict[str, Any], case_id: UUID) -> dict[str, Any]:
    """What differs between two versions of the case, field by field."""
    cases, actor = services().cases, current_actor()
    old = _case_schema.dump(cases.get_case(actor, case_id, version=query["from_version"]))
    new = _case_schema.dump(cases.get_case(actor, case_id, version=query["to_version"]))
    return {"from_version": query["from_version"], "to_version": query["to_version"],
            "changes": jsonable(changes(old, new))}


def _command_view(command: str) -> Any:
    def view(args: dict[str, Any], case_id: UUID) -> Response:
        actor = current_actor()
        version = expected_version()
        return idempotent(lambda: written(
            200, services().cases.command(actor, case_id, command, args, expected_version=version)))

    view.__name__ = f"command_{COMMANDS[command]}"
    who = "Heads only. " if command in HEAD_ONLY_COMMANDS else ""
    view.__doc__ = (f"Command `{command}`. {who}`If-Match: <version>` makes it conditional; "
                    "`Idempotency-Key` makes a retry return the first answer.")
    return view


for _name, _schema in COMMAND_SCHEMAS.items():
    _view = _command_view(_name)
    _view = _errors(400, 401, 403, 404, 409, 422)(_view)
    _view = blp.response(200, WrittenCaseSchema)(_view)
    _view = blp.arguments(_schema)(_view)
    blp.route(f"/cases/<uuid:case_id>/{_name}", methods=["POST"], endpoint=_view.__name__)(_view)

"""API v1 audit (SPEC §6): verify the tamper-evident chain over the event log, see what
auditors have read, every action of one user, and export the log for process-mining tools."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from marshmallow import RAISE, Schema, fields, validate

from domain.access import Actor, Forbidden, Role
from domain.errors import CaseNotFound
from service.api.action_schemas import ActionsQuerySchema, UserActionsSchema
from service.api.base import ERRORS, Blueprint, current_actor, services
from service.api.schemas import ApiErrorSchema
from service.audit.actions import actions_of
from service.audit.exports import FORMATS, LogExport
from service.audit.reads import reads
from service.audit.traces import scope_of
from service.audit.verify import verify
from service.downloads import attachment

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Audit")
VERIFIERS = (Role.AUDITOR, Role.ADMIN)


def _auditor(doing: str) -> Actor:
    """The caller, when an auditor or an administrator (403 for anyone else)."""
    actor = current_actor()
    if actor.role not in VERIFIERS:
        raise Forbidden(f"a user with role {actor.role} may not {doing}")
    return actor


class AuditProblemSchema(Schema):
    position = fields.Integer(metadata={
        "description": "The first log position where the store and its chain disagree"})
    case_id = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    reason = fields.String()


class AuditVerdictSchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer(metadata={"description": "Events checked (up to the first problem)"})
    position = fields.Integer(metadata={"description": "The last position that checked out"})
    log_hash = fields.String(metadata={"description": "The log chain's hash at that position"})
    problem = fields.Nested(AuditProblemSchema, allow_none=True)


@blp.route("/audit/verify")
@blp.response(200, AuditVerdictSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description=ERRORS[401])
@blp.alt_response(403, schema=ApiErrorSchema, description=ERRORS[403])
def audit_verify() -> dict[str, Any]:
    """Recompute the SHA-256 chain of every case and of the whole log from the stored events
    and compare it with the stored chain and its head (auditors and administrators). A store
    that holds is `ok`; otherwise `problem` names the first bad position. It reads the whole
    log: about 15 s per million events."""
    _auditor("verify the audit chain")
    verdict = verify(services().cases)
    problem = verdict.problem
    return {"ok": verdict.ok, "events": verdict.events, "position": verdict.position,
            "log_hash": verdict.log_hash,
            "problem": None if problem is None else {
                "position": problem.position, "case_id": problem.case_id, "version": problem.version,
                "reason": problem.reason}}


class ReadsQuerySchema(Schema):
    user = fields.String(validate=validate.Length(min=1, max=100),
                         metadata={"description": "One user's reads"})
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=5000))


class AuditReadSchema(Schema):
    at = fields.String(metadata={"description": "When (UTC, ISO 8601)"})
    username = fields.String()
    target = fields.String(metadata={"description": "The page or API path read, with its query"})


@blp.route("/audit/reads")
@blp.arguments(ReadsQuerySchema, location="query")
@blp.response(200, AuditReadSchema(many=True))
@blp.alt_response(400, schema=ApiErrorSchema, description=ERRORS[400])
@blp.alt_response(401, schema=ApiErrorSchema, description=ERRORS[401])
@blp.alt_response(403, schema=ApiErrorSchema, description=ERRORS[403])
def audit_reads(query: dict[str, Any]) -> list[dict[str, Any]]:
    """What auditors have read (every page and API answer), newest first (auditors and
    administrators)."""
    _auditor("read the auditors' reads")
    return reads(services().cases.db, query.get("user"), query["limit"])


class ExportQuerySchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS), metadata={
        "description": "`xes` (IEEE 1849: a trace per case) or `ocel` (OCEL 2.0 JSON: cases, assets, "
                       "agencies and users as objects)"})
    agency = fields.String(validate=validate.Length(min=1, max=50), metadata={
        "description": "Agency code: its cases and those of the agencies below it; default your own "
                       "agency (the national one: the whole log)"})
    start = fields.Date(data_key="from", metadata={
        "description": "First day of recorded time, YYYY-MM-DD (Asia/Ho_Chi_Minh)"})
    end = fields.Date(data_key="to", metadata={"description": "Last day of recorded time, YYYY-MM-DD"})


FILE = {"type": "string", "format": "binary"}
EXPORTED = "A download: an XES file (`format=xes`) or an OCEL 2.0 JSON file (`format=ocel`)"


@blp.route("/audit/export")
@blp.arguments(ExportQuerySchema, location="query", unknown=RAISE)
@blp.response(200, FILE, content_type=FORMATS["xes"][0], description=EXPORTED)
@blp.alt_response(200, schema=FILE, content_type=FORMATS["ocel"][0], success=True, description=EXPORTED)
@blp.alt_response(400, schema=ApiErrorSchema, description=ERRORS[400])
@blp.alt_response(401, schema=ApiErrorSchema, description=ERRORS[401])
@blp.alt_response(403, schema=ApiErrorSchema, description=ERRORS[403])
@blp.alt_response(404, schema=ApiErrorSchema, description="Agency outside your scope")
@blp.alt_response(422, schema=ApiErrorSchema, description="Unknown agency, or `to` before `from`")
def audit_export(query: dict[str, Any]) -> Response:
    """The event log of an agency's cases (with the agencies below it), or of a period of
    recorded time, for process-mining tools (auditors and administrators): XES, a trace per
    case (`concept:name` the case id; events named by type, with the recorded time, who, the
    business date, version and log position), or OCEL 2.0 JSON. Streamed as it is read, taken
    at the log head when the request starts; a download named after its scope."""
    actor = _auditor("export the event log")
    svc = services()
    code = query.get("agency") or actor.agency
    svc.directory.get(code)  # 422 for an unknown code, before the scope check
    if not actor.sees(code, svc.directory):
        raise CaseNotFound(f"agency {code} is outside your scope ({actor.agency})", field="agency")
    export = LogExport(svc.cases, scope_of(svc.directory, code, query.get("start"), query.get("end")))
    fmt = query["format"]
    return Response(stream_with_context(export.chunks(fmt)), mimetype=FORMATS[fmt][0],
                    headers=attachment(export.filename(fmt)))


@blp.route("/audit/users/<username>/actions")
@blp.arguments(ActionsQuerySchema, location="query")
@blp.response(200, UserActionsSchema)
@blp.alt_response(400, schema=ApiErrorSchema, description=ERRORS[400])
@blp.alt_response(401, schema=ApiErrorSchema, description=ERRORS[401])
@blp.alt_response(403, schema=ApiErrorSchema, description=ERRORS[403])
@blp.alt_response(404, schema=ApiErrorSchema,
                  description="No such user in your scope, and no action by that name")
@blp.alt_response(503, schema=ApiErrorSchema, description="The read model did not reach min_position in time")
def audit_user_actions(query: dict[str, Any], username: str) -> dict[str, Any]:
    """Every action of one user on cases in your scope, newest first, paged by log position
    (auditors and administrators). A username the log knows but the user store does not (an
    account since removed, the demo's generated cases) is listed too."""
    found = actions_of(services(), current_actor(), username, **query)
    return {"username": username, "items": found.items, "total": found.total,
            "next_before": found.next_before, "position": found.position}

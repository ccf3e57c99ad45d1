"""Asking for reports and finding them (SPEC §7), for the API and the pages alike.

Who: enforcers, heads and auditors, for agencies in their scope; the process-mining export is
the auditors' (as the log export is). A request is checked, then answered by a report of the
same parameters at the same log position when there is one (reuse: no new job), else recorded
and queued. With Redis unreachable a new request is refused (503) and nothing is stored: no
request is ever silently lost. Reading records needs only the store.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from redis import RedisError

from domain.access import Actor, Forbidden, Role
from domain.errors import CaseError
from service.api.stats import period_of
from service.errors import BadRequest, ServiceError
from service.reports.queue import ReportsUnavailable, job_id_for
from service.reports.store import FINISHED, IN_FLIGHT, QUEUED, Report, canonical, now
from service.services import Services
from workers import render
from workers.render import ReportRequest

log = logging.getLogger(__name__)

KINDS = tuple(render.FORMATS)
"""Every kind of report (SPEC §8), in the renderers' order."""
READERS = (Role.ENFORCER, Role.HEAD, Role.AUDITOR)
ROLES = {"process_mining": (Role.AUDITOR,)}
"""Who may ask for (and see) each kind; the others: every reader."""
LOST_AFTER = 60.0
"""Seconds after which a report whose job Redis does not know is lost (not merely being queued)."""


class ReportNotFound(ServiceError):
    status = 404
    code = "not_found"


def kinds_for(actor: Actor) -> list[str]:
    return [k for k in KINDS if actor.role in ROLES.get(k, READERS)]


def check_may_ask(actor: Actor, kind: str) -> None:
    if actor.role not in READERS:
        raise Forbidden(f"a user with role {actor.role} may not ask for reports")
    if kind not in kinds_for(actor):
        raise Forbidden(f"a {kind} report is for {', '.join(ROLES.get(kind, READERS))} only", field="kind")


def request_from(fields: Mapping[str, Any], actor: Actor, today: date) -> ReportRequest:
    """The request a form or a body describes: the agency defaults to the caller's, the year
    and month as for GET /stats (the last complete month); 400 naming a bad ``through``."""
    period = period_of(fields.get("year"), fields.get("through"), today)
    return ReportRequest(kind=fields["kind"], format=fields["format"],
                         agency=fields.get("agency") or actor.agency, year=period.year, through=period.label,
                         as_known_at=fields.get("as_known_at"))


def ask(svc: Services, actor: Actor, request: ReportRequest) -> tuple[Report, bool]:
    """The report answering ``request``, and whether it is an earlier one reused."""
    check_may_ask(actor, request.kind)
    try:
        render.check(svc.directory, request)
    except Forbidden:
        raise
    except CaseError as error:  # a value the renderer cannot take: bad input
        raise BadRequest(error.message, details={"field": error.field} if error.field else {}) from None
    if not actor.sees(request.agency, svc.directory):
        raise Forbidden(f"agency {request.agency} is outside your scope ({actor.agency})", field="agency")
    params = canonical(request.params())
    position = render.position_of(svc, request)
    found = svc.reports.reusable(params, position)
    if found is not None and (found.status != FINISHED or file_of(svc, found).exists()):
        return found, True
    report = new_report(request, position, requested_by=actor.username)
    return submit(svc, report), False


def new_report(request: ReportRequest, position: int, *, requested_by: str,
               schedule_key: str | None = None) -> Report:
    report_id = str(uuid.uuid4())
    return Report(id=report_id, kind=request.kind, format=request.format, agency=request.agency,
                  params=canonical(request.params()), asked_position=position, status=QUEUED,
                  requested_by=requested_by, created_at=now(), job_id=job_id_for(report_id),
                  scheduled=int(schedule_key is not None), schedule_key=schedule_key)


def submit(svc: Services, report: Report) -> Report:
    """Record the report and queue its job; with Redis unreachable, neither (503)."""
    svc.report_queue.check()
    svc.reports.add(report)
    enqueue(svc, report)
    return report


def enqueue(svc: Services, report: Report) -> None:
    """Queue the job of a recorded report; if Redis refuses, forget the record (503)."""
    try:
        svc.report_queue.enqueue(report.id, str(report.job_id), describe(report))
    except (RedisError, ReportsUnavailable):
        svc.reports.remove(report.id)
        raise ReportsUnavailable() from None


def describe(report: Report) -> str:
    p = report.parameters
    return f"{p['kind']} {p['format']} {p['agency']} {p['year']} through {p['through']}"


def visible(svc: Services, actor: Actor, report_id: str) -> Report:
    """The report, when it is one the caller may see (404 otherwise: ids are not probed)."""
    report = svc.reports.get(report_id)
    if report is None or not _sees(svc, actor, report):
        raise ReportNotFound(f"no report {report_id}")
    return refresh(svc, [report])[0]


def history(svc: Services, actor: Actor, *, page: int, per_page: int,
            agency: str | None = None) -> tuple[list[Report], int]:
    """The reports of the caller's scope (or of ``agency`` with those below it), newest first."""
    if actor.role not in READERS:
        raise Forbidden(f"a user with role {actor.role} may not read reports")
    root = agency or actor.agency
    if agency is not None:
        if agency not in svc.directory:
            raise BadRequest(f"no agency {agency!r}", details={"field": "agency"})
        if not actor.sees(agency, svc.directory):
            raise Forbidden(f"agency {agency} is outside your scope ({actor.agency})", field="agency")
    top = svc.directory.get(root)
    codes = None if top.parent is None else [root, *(a.code for a in svc.directory.descendants(root))]
    reports, total = svc.reports.history(codes, kinds_for(actor), page=page, per_page=per_page)
    return refresh(svc, reports), total


def refresh(svc: Services, reports: list[Report]) -> list[Report]:
    """Reconcile reports still on their way with their rq jobs: a job rq has failed (a worker
    that was not ``thads worker`` killed in the middle) or lost (Redis emptied) makes its
    report failed, with the reason. Redis unreachable: the records as they are (asked once)."""
    out, reachable = [], True
    for report in reports:
        if reachable and report.status in IN_FLIGHT and report.job_id:
            try:
                status, why = svc.report_queue.job_state(report.job_id)
            except (RedisError, ReportsUnavailable):
                reachable = False
                out.append(report)
                continue
            reason = None
            if status is None and _older_than(report.created_at, LOST_AFTER):
                reason = "the report's job is no longer in the queue (Redis lost it)"
            elif status in ("failed", "stopped", "canceled"):
                reason = why or f"the report's job ended {status}"
            if reason and svc.reports.fail(report.id, report.job_id, reason, final=True):
                log.warning("report %s: %s", report.id, reason)
                report = svc.reports.get(report.id) or report
        out.append(report)
    return out


def _older_than(stamp: str, seconds: float) -> bool:
    return (datetime.now(tz=UTC) - datetime.fromisoformat(stamp)).total_seconds() > seconds


def file_of(svc: Services, report: Report) -> Path:
    return svc.config.reports_dir / (report.file or f"{report.id}.missing")


def _sees(svc: Services, actor: Actor, report: Report) -> bool:
    return (actor.role in READERS and report.kind in kinds_for(actor)
            and actor.sees(report.agency, svc.directory))


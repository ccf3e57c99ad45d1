"""The monthly reports (SPEC §7): after each month-end, the statistics report (XLSX) of every
province for the month just ended, generated once.

rq's cron scheduler (``workers.process``) enqueues ``monthly_reports`` every hour in every
``thads worker``; the job looks at the month that ended last (Vietnam time) and creates the
provinces' records that do not exist yet. Once is guaranteed by the store, not by the
scheduler: each record carries a unique schedule key (its parameters), and it is inserted with
``ON CONFLICT DO NOTHING``, so only the job that inserted a record queues it — however many
schedulers run, restart, or run late. A scheduler that was down at the month-end catches up at
its next tick. A record whose job Redis lost (the record inserted, the worker killed before it
queued the job; an embedded Redis restarted empty) is queued again by a later tick.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain import clock
from projections import stats_known
from service.reports import desk
from service.reports.queue import job_id_for
from service.reports.store import canonical
from service.services import Services
from workers import render
from workers.jobs import job_services
from workers.render import ReportRequest

log = logging.getLogger(__name__)

KIND, FORMAT = "statistics", "xlsx"
SCHEDULER = "scheduler"
"""``requested_by`` of the scheduled reports (a service identity, not a person)."""
CHECK_EVERY = 3600
"""Seconds between two looks for a month that ended (rq's cron, in every worker)."""
LOST_AFTER = timedelta(minutes=10)
STATISTICS = "statistics"


def month_just_ended(today: date) -> tuple[int, str, date]:
    """The statistical year, the month (YYYY-MM) and the last day of the month before ``today``'s."""
    last_day = today.replace(day=1) - timedelta(days=1)
    year = last_day.year + 1 if last_day.month >= 10 else last_day.year
    return year, f"{last_day.year:04d}-{last_day.month:02d}", last_day


def monthly_reports(today: str | None = None) -> dict[str, Any]:
    """The job: the reports of the month that ended before ``today`` (YYYY-MM-DD; default
    today in Vietnam), each created and queued once; and lost ones queued again."""
    day = date.fromisoformat(today) if today else clock.today()
    with job_services() as svc:
        created = schedule_month(svc, day)
        requeued = requeue_lost(svc)
    return {"created": created, "requeued": requeued}


def caught_up(svc: Services, last_day: date) -> bool:
    """Whether the statistics read model has applied every event recorded by the end of
    ``last_day`` (Vietnam time): a report made before would miss some of the month, for good."""
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=clock.VIETNAM)
    return svc.read_models.positions().get(STATISTICS, 0) >= stats_known.position_at(svc.cases, end)


def schedule_month(svc: Services, today: date) -> list[str]:
    """Create and queue the month's report of every province that has none yet (none while
    the statistics are behind the month's end: the next tick tries again)."""
    year, through, last_day = month_just_ended(today)
    if not caught_up(svc, last_day):
        log.warning("monthly reports for %s wait: the statistics are behind the month's end", through)
        return []
    created = []
    for province in svc.directory.provinces(last_day):
        request = ReportRequest(KIND, FORMAT, province.code, year, through)
        key = canonical(request.params())
        report = desk.new_report(request, render.position_of(svc, request), requested_by=SCHEDULER,
                                 schedule_key=key)
        if svc.reports.add_once(report):
            desk.enqueue(svc, report)
            created.append(report.id)
    if created:
        log.info("monthly reports for %s: %d queued", through, len(created))
    return created


def requeue_lost(svc: Services) -> list[str]:
    """Queue again the scheduled reports still queued after a while whose job Redis does not
    know; a new job id, taken by one scheduler only (``assign`` is conditional)."""
    before = (datetime.now(tz=UTC) - LOST_AFTER).isoformat(timespec="milliseconds")
    requeued = []
    for report in svc.reports.queued_before(before, scheduled=True):
        status, _ = svc.report_queue.job_state(str(report.job_id))
        if status is not None:
            continue
        fresh = job_id_for(report.id, again=True)
        if svc.reports.assign(report.id, report.job_id, fresh):
            report.job_id = fresh
            desk.enqueue(svc, report)
            requeued.append(report.id)
    return requeued


"""The monthly reports (SPEC §7): after a month-end every province's statistics report for
that month is made once — with two schedulers (rq's cron in two workers), after a restart,
and with two jobs racing; a scheduled report whose job Redis lost is queued again."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker

from domain import clock
from domain.agencies import default_directory
from service.api.schemas import CaseCreateSchema
from service.reports.queue import QUEUE
from service.reports.store import Report
from tests.conftest import PASSWORD, case_body
from workers import schedule
from workers.jobs import job_services
from workers.process import make_cron

TODAY = date(2020, 4, 2)
PROVINCES = len(default_directory().provinces(date(2020, 3, 31)))


@pytest.fixture(autouse=True)
def april_2020(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule.clock, "today", lambda: TODAY)
    monkeypatch.setattr(schedule, "FORMAT", "csv")  # a format every renderer makes (the real one: xlsx)


def scheduled(app: Flask) -> list[Report]:
    reports, _ = app.extensions["thads"].reports.history(None, ["statistics"], page=1, per_page=500)
    return reports


def test_two_schedulers_and_a_restart_make_each_report_once(app: Flask, redis_url: str) -> None:
    connection = Redis.from_url(redis_url)
    queue = Queue(QUEUE, connection=connection)
    for cron in (make_cron(connection), make_cron(connection)):  # two workers' crons, one tick each
        assert [job.name for job in cron.enqueue_jobs()] == ["monthly-reports"]
    assert queue.count == 2
    worker = SimpleWorker([queue], connection=connection)
    worker.work(burst=True, max_jobs=2)  # the two monthly jobs, not yet the reports they queue
    reports = scheduled(app)
    assert len(reports) == PROVINCES == queue.count
    assert {r.agency for r in reports} == {p.code for p in default_directory().provinces(date(2020, 3, 31))}
    assert {(r.scheduled, r.requested_by, r.status, r.parameters["through"], r.parameters["year"])
            for r in reports} == {(1, "scheduler", "queued", "2020-03", 2020)}
    SimpleWorker([queue], connection=connection).work(burst=True, max_jobs=1)  # the first report
    assert sum(r.status == "finished" for r in scheduled(app)) == 1
    queue.empty()
    make_cron(connection).enqueue_jobs()  # a restart: the cron ticks at once
    SimpleWorker([queue], connection=connection).work(burst=True, max_jobs=1)
    assert len(scheduled(app)) == PROVINCES and queue.count == 0


def test_racing_jobs_create_each_report_once(app: Flask, redis_url: str) -> None:
    start, created, errors = threading.Barrier(3), [], []

    def run() -> None:
        try:
            with job_services() as svc:
                start.wait(timeout=10)
                created.extend(schedule.schedule_month(svc, TODAY))
        except Exception as error:  # pragma: no cover - shown by the assertion
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(created) == len(set(created)) == PROVINCES == len(scheduled(app))
    assert Queue(QUEUE, connection=Redis.from_url(redis_url)).count == PROVINCES


def test_a_scheduled_report_whose_job_was_lost_is_queued_again(app: Flask, redis_url: str) -> None:
    svc = app.extensions["thads"]
    first = schedule.schedule_month(svc, TODAY)[0]
    connection = Redis.from_url(redis_url)
    connection.flushdb()  # an embedded Redis restarted empty
    assert schedule.requeue_lost(svc) == []  # queued a moment ago: not lost yet
    svc.cases.db.execute("UPDATE thads_reports SET created_at = %s", ("2020-04-01T00:00:00+00:00",))
    lost = schedule.requeue_lost(svc)
    assert first in lost and len(lost) == PROVINCES
    again = svc.reports.get(first)
    assert again is not None and again.job_id != f"report-{first}"
    assert Queue(QUEUE, connection=connection).job_ids.count(again.job_id) == 1
    assert schedule.requeue_lost(svc) == []  # their new jobs are there


def test_the_reports_wait_for_the_statistics_of_the_whole_month(app: Flask, redis_url: str) -> None:
    svc = app.extensions["thads"]
    head = svc.cases.users.create("truong.vn", PASSWORD, "head", "VN").actor
    svc.cases.create_case(head, CaseCreateSchema().load(case_body()))  # the read model not told
    after_this_month = datetime.now(tz=clock.VIETNAM).date().replace(day=1) + timedelta(days=40)
    assert schedule.schedule_month(svc, after_this_month) == []
    svc.read_models.runner.catch_up()
    assert len(schedule.schedule_month(svc, after_this_month)) == len(
        default_directory().provinces(schedule.month_just_ended(after_this_month)[2]))

"""``thads worker``: an rq worker on the report queue, with rq's scheduler (retries after
their pause) and rq's cron (the monthly reports, ``workers.schedule``).

The worker forks a work horse per job (rq's ``Worker``), so a report that crashes or is killed
takes only its horse down. A horse killed by a signal is noticed at once by the worker, which
records the attempt (``workers.jobs.horse_killed``) and lets rq retry it; a worker killed
together with its horse leaves the job in rq's started registry, where a live worker's
maintenance (every minute here) finds it abandoned once its heartbeat has lapsed, calls the
failure callback and retries it.
"""

from __future__ import annotations

import logging
import os
import threading

from redis import Redis
from rq import Queue, Worker
from rq.cron import CronScheduler

from domain.agencies import default_directory
from service.config import Config
from service.reports.queue import QUEUE
from service.services import Services
from service.supervise import die_with_parent
from workers import files
from workers.jobs import horse_killed
from workers.schedule import CHECK_EVERY, monthly_reports

log = logging.getLogger(__name__)

MAINTENANCE_EVERY = 60
"""Seconds between two looks for abandoned jobs (rq's default: 10 minutes)."""


class ThreadCron(CronScheduler):
    """rq's cron scheduler, run in a thread of the worker: the worker's main thread owns the
    signals (stop after the current job, or now)."""

    def _install_signal_handlers(self) -> None:
        pass


def make_cron(connection: Redis) -> CronScheduler:
    """rq's cron with the look for a month that ended, every hour and once at start."""
    cron = ThreadCron(connection=connection)
    cron.register(monthly_reports, QUEUE, interval=CHECK_EVERY, job_timeout=300, name="monthly-reports")
    return cron


def start_cron(connection: Redis) -> CronScheduler:
    cron = make_cron(connection)
    threading.Thread(target=cron.start, name="thads-cron", daemon=True).start()
    return cron


_forking: list[int] = [0]
"""The pid of the process that forks (set just before each fork; a child inherits it)."""


def _forks_die_with(worker: int) -> None:
    """The processes this worker forks — rq's scheduler and the work horses — are killed when
    it dies. rq's scheduler has no such check: a worker killed with SIGKILL left it running
    for ever, holding the scheduler's lock (with the code of its day)."""
    def after_in_child() -> None:
        if _forking[0] == worker:
            die_with_parent()
            if os.getppid() != worker:  # it died before the line above
                os._exit(1)

    os.register_at_fork(before=lambda: _forking.__setitem__(0, os.getpid()), after_in_child=after_in_child)


def run(config: Config, *, burst: bool = False, name: str | None = None) -> bool:
    """Prepare the store, clear what dead workers left half-written, and work the queue
    (``burst``: until it is empty)."""
    if not config.redis_url:
        raise ValueError("the report worker needs THADS_REDIS_URL (thads run starts an embedded "
                         "Redis and a worker beside the web server)")
    Services.build(config, default_directory()).close()  # the tables, before any job
    removed = files.sweep(config.reports_dir, older_than=config.report_timeout + 120)
    if removed:
        log.warning("removed %d half-written report files of dead workers", removed)
    _forks_die_with(os.getpid())
    connection = Redis.from_url(config.redis_url, socket_connect_timeout=5)
    if config.monthly_reports and not burst:
        start_cron(Redis.from_url(config.redis_url, socket_connect_timeout=5))
    worker = Worker([Queue(QUEUE, connection=connection)], connection=connection, name=name,
                    work_horse_killed_handler=horse_killed, maintenance_interval=MAINTENANCE_EVERY)
    return bool(worker.work(with_scheduler=True, burst=burst, logging_level="INFO"))

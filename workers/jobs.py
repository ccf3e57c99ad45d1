"""The report jobs rq runs: plain functions taking a report's id (SPEC §7).

``make_report`` claims the report's record, renders it into a temporary file in the reports
directory, makes the file durable, checksums it and renames it to its final name, then
records it finished with the log position, size and checksum. Progress goes to the job's meta
and to the record (the pages read the record: they need no Redis).

Failures: a request the renderer refuses (a domain error) fails the report at once; anything
else is taken as transient and raised, for rq to retry with backoff (the queue's ``Retry``).
``report_failed`` — rq's failure callback, also called for a job abandoned by a dead worker —
and ``horse_killed`` — ``thads worker``'s handler for a work horse killed by a signal, where
rq calls no callback — record each failed attempt: queued again while retries remain, else
failed with the reason.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis import RedisError
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.timeouts import JobTimeoutException

from domain.agencies import default_directory
from domain.errors import CaseError
from service.config import Config
from service.services import Services
from workers import files, render
from workers.render import ReportRequest

log = logging.getLogger(__name__)


@contextmanager
def job_services() -> Iterator[Services]:
    """The services of one job, from the worker's environment (built in the work horse:
    connections never cross a fork)."""
    svc = Services.build(Config({"THADS_CREATE_TABLES": "n"}), default_directory())
    try:
        yield svc
    finally:
        svc.close()


def make_report(report_id: str) -> dict[str, Any]:
    """Render the report ``report_id``; answers what was written (or why nothing was)."""
    job = get_current_job()
    job_id = job.id if job is not None else None
    with job_services() as svc:
        report = svc.reports.claim(report_id, job_id)
        if report is None:
            log.info("report %s is done, failed or another job's: nothing to do", report_id)
            return {"report": report_id, "skipped": True}
        directory = svc.config.reports_dir
        directory.mkdir(parents=True, exist_ok=True)
        files.clear_temporary(directory, report_id)  # a killed attempt's half-written file
        request = ReportRequest.from_params(report.parameters)
        attempt = report.attempts
        temporary = files.temporary_path(directory, report_id)
        final = files.final_path(directory, report_id, attempt, request.format)
        progress = Progress(svc, job, report_id, attempt)
        try:
            position = render.render(svc, request, temporary, progress)
            size, sha256 = files.publish(temporary, final)
        except CaseError as error:  # the request itself cannot be made: no retry helps
            temporary.unlink(missing_ok=True)
            svc.reports.fail(report_id, job_id, error.message, final=True, attempt=attempt)
            return {"report": report_id, "failed": error.message}
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        if not svc.reports.finish(report_id, job_id, attempt, position=position, file=final.name, size=size,
                                  sha256=sha256):
            final.unlink(missing_ok=True)  # a later attempt took the report over
            log.warning("report %s: attempt %s was overtaken by a later one", report_id, attempt)
            return {"report": report_id, "skipped": True}
        files.clear_other_attempts(directory, report_id, keep=final)
        return {"report": report_id, "position": position, "size": size, "sha256": sha256}


class Progress:
    """The render's progress callback: each new percentage to the job's meta and the record."""

    def __init__(self, svc: Services, job: Job | None, report_id: str, attempt: int):
        self.svc, self.job, self.report_id, self.attempt = svc, job, report_id, attempt
        self.last = -1
        self.delay = svc.config.report_step_delay
        # The attempt fences the failure handlers; the process is the one making the report.
        self._meta(attempt=attempt, progress=0, pid=os.getpid())

    def __call__(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if percent == self.last:
            return
        self.last = percent
        self._meta(progress=percent)
        self.svc.reports.progress(self.report_id, self.job.id if self.job else None, self.attempt, percent)
        if self.delay:
            time.sleep(self.delay)

    def _meta(self, **values: int) -> None:
        if self.job is None:
            return
        self.job.meta.update(values)
        try:
            self.job.save_meta()
        except RedisError:  # the record has the progress too; Redis away is no reason to fail
            log.warning("report %s: the job's meta not saved", self.report_id)


def report_failed(job: Job, connection: Any, exc_type: type[BaseException] | None = None,
                  exc_value: BaseException | None = None, traceback: Any = None) -> None:
    """rq's failure callback: an attempt raised, timed out, or was abandoned by a dead worker."""
    if exc_type is not None and issubclass(exc_type, AbandonedJobError):
        reason = "the worker making the report stopped before it finished (killed or lost)"
    elif exc_type is not None and issubclass(exc_type, JobTimeoutException):
        reason = f"the report took longer than the time limit ({job.timeout} s)"
    else:
        reason = f"{exc_type.__name__ if exc_type else 'error'}: {exc_value}"
    record_failure(job, reason, job.meta.get("attempt"))


def horse_killed(job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
    """``thads worker``'s handler for a work horse that died of a signal (SIGKILL, the OOM
    killer): rq retries or fails the job but calls no failure callback."""
    signal_number = os.WTERMSIG(ret_val) if ret_val and os.WIFSIGNALED(ret_val) else None
    how = f"killed by signal {signal_number}" if signal_number else f"ended with status {ret_val}"
    attempt = job.get_meta(refresh=True).get("attempt")  # saved by the horse, not seen here yet
    record_failure(job, f"the worker process making the report was {how}", attempt)


def record_failure(job: Job, reason: str, attempt: int | None) -> None:
    """One failed attempt of ``job``: queued again while rq will retry it, else failed. The
    attempt's own number keeps a dead attempt from failing a live one."""
    report_id = str(job.args[0])
    final = not job.should_retry
    with job_services() as svc:
        if svc.reports.fail(report_id, job.id, reason if final else f"retrying after: {reason}",
                            final=final, attempt=attempt):
            files.clear_temporary(svc.config.reports_dir, report_id)
    log.warning("report %s: %s (%s)", report_id, reason, "failed" if final else "will be retried")

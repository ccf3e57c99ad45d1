"""The report queue: rq on THADS_REDIS_URL, as the web processes see it.

Only report requests touch Redis; case work, statistics and the dashboard never do, so a Redis
outage costs reports and nothing else. The connection gives up after a second (no retries)
so that a page asking "are reports available?" never hangs on a dead server. A job carries
only the report's id; the worker reads everything else from the store.
"""

from __future__ import annotations

import uuid

from redis import Redis, RedisError
from redis.backoff import NoBackoff
from redis.retry import Retry as RedisRetry
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from service.config import Config
from service.errors import Unavailable

QUEUE = "reports"
MAKE_REPORT = "workers.jobs.make_report"
REPORT_FAILED = "workers.jobs.report_failed"
KEEP_RESULT = 24 * 3600
KEEP_FAILURE = 30 * 24 * 3600
UNAVAILABLE = ("Báo cáo tạm thời không khả dụng: không kết nối được hàng đợi báo cáo (Redis). Yêu cầu "
               "chưa được ghi nhận; hãy thử lại sau. / Reports are unavailable: the report queue (Redis) "
               "cannot be reached. Nothing was recorded; please try again later.")


class ReportsUnavailable(Unavailable):
    code = "reports_unavailable"

    def __init__(self, message: str = UNAVAILABLE):
        super().__init__(message)


def connect(url: str) -> Redis:
    """A client that fails fast: one second to connect, three to answer, no retries."""
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=3, retry=RedisRetry(NoBackoff(), 0),
                          health_check_interval=30)


def job_id_for(report_id: str, *, again: bool = False) -> str:
    """The rq job of a report; ``again``: a new one, for a report whose job Redis lost."""
    return f"report-{report_id}" + (f"-{uuid.uuid4().hex[:8]}" if again else "")


class ReportQueue:
    def __init__(self, config: Config):
        self.url = config.redis_url
        self.timeout = config.report_timeout
        self.retries = config.report_retries
        self._redis: Redis | None = None

    @property
    def redis(self) -> Redis:
        if self.url is None:
            raise ReportsUnavailable()
        if self._redis is None:
            self._redis = connect(self.url)
        return self._redis

    def available(self) -> bool:
        """Whether Redis answers now (at most a second's wait)."""
        try:
            return bool(self.redis.ping())
        except (RedisError, ReportsUnavailable):
            return False

    def check(self) -> None:
        if not self.available():
            raise ReportsUnavailable()

    def enqueue(self, report_id: str, job_id: str, description: str) -> None:
        """Queue the job that makes the report: retried with backoff after a transient error
        (rq's scheduler re-queues it after each pause), ended after the timeout, and its
        failure recorded on the report (the failure callback)."""
        Queue(QUEUE, connection=self.redis).enqueue(
            MAKE_REPORT, report_id, job_id=job_id, description=description, job_timeout=self.timeout,
            retry=Retry(max=len(self.retries), interval=list(self.retries)) if self.retries else None,
            on_failure=Callback(REPORT_FAILED), result_ttl=KEEP_RESULT, failure_ttl=KEEP_FAILURE)

    def job_state(self, job_id: str) -> tuple[str | None, str]:
        """The rq status of a job (None: Redis no longer knows it) and, for a failed job, why.
        Raises ``RedisError`` when Redis cannot be reached."""
        try:
            job = Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return None, ""
        status = job.get_status(refresh=False)
        lines: list[str] = []
        if status == JobStatus.FAILED:
            result = job.latest_result()
            lines = (result.exc_string or "").strip().splitlines() if result else []
        return str(status.value if isinstance(status, JobStatus) else status), lines[-1] if lines else ""

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()
            self._redis = None

"""Report records (SPEC §7): one row per report in the store's own database, so that what was
asked, by whom, its progress, the log position it was computed at and its file's checksum
outlive Redis (the queue only carries the id).

A record moves queued → started → finished, or → failed with the reason. Every change a job
makes names the job: a record only listens to the rq job it is assigned to, so a duplicate
job, or a late message from a dead attempt, changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from service.store import Database

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS thads_reports (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        format TEXT NOT NULL,
        agency TEXT NOT NULL,
        params TEXT NOT NULL,
        asked_position BIGINT NOT NULL,
        position BIGINT,
        status TEXT NOT NULL,
        progress INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        requested_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        file TEXT,
        size BIGINT,
        sha256 TEXT,
        job_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        scheduled INTEGER NOT NULL DEFAULT 0,
        schedule_key TEXT UNIQUE
    )""",
    "CREATE INDEX IF NOT EXISTS thads_reports_params ON thads_reports (params, status)",
    "CREATE INDEX IF NOT EXISTS thads_reports_created ON thads_reports (created_at)",
    "CREATE INDEX IF NOT EXISTS thads_reports_agency ON thads_reports (agency, created_at)",
]

QUEUED, STARTED, FINISHED, FAILED = "queued", "started", "finished", "failed"
IN_FLIGHT = (QUEUED, STARTED)


def now() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="milliseconds")


def canonical(params: dict[str, Any]) -> str:
    """The one text of a request's parameters (the reuse key together with the position)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Report:
    id: str
    kind: str
    format: str
    agency: str
    params: str
    asked_position: int
    status: str
    requested_by: str
    created_at: str
    position: int | None = None
    progress: int = 0
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    file: str | None = None
    size: int | None = None
    sha256: str | None = None
    job_id: str | None = None
    attempts: int = 0
    scheduled: int = 0
    schedule_key: str | None = None

    @property
    def parameters(self) -> dict[str, Any]:
        return json.loads(self.params)  # type: ignore[no-any-return]

    @classmethod
    def row(cls, row: dict[str, Any]) -> Report:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


COLUMNS = [f.name for f in fields(Report)]


class ReportStore:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ writing

    def add(self, report: Report) -> None:
        self.db.execute(self._insert(), self._values(report))

    def add_once(self, report: Report) -> bool:
        """Insert unless a record with the same ``schedule_key`` (or id) exists; answers
        whether this call inserted it. Two schedulers racing both call this: one wins."""
        with self.db.transaction() as tx:
            return tx.execute(self._insert() + " ON CONFLICT DO NOTHING", self._values(report)) == 1

    def remove(self, report_id: str) -> None:
        """Forget a record that was never queued (Redis refused the job)."""
        self.db.execute("DELETE FROM thads_reports WHERE id = %s AND status = %s", (report_id, QUEUED))

    def assign(self, report_id: str, old_job: str | None, new_job: str) -> bool:
        """Hand a queued record to a new job, unless someone else did first."""
        with self.db.transaction() as tx:
            return tx.execute("UPDATE thads_reports SET job_id = %s WHERE id = %s AND status = %s"
                              " AND job_id = %s", (new_job, report_id, QUEUED, old_job)) == 1

    def claim(self, report_id: str, job_id: str | None) -> Report | None:
        """Start a new attempt at the record by ``job_id`` (its own job, on a first run or a
        retry); None when it is finished, failed, or another job's. The attempt's number
        (``attempts``) fences what follows: a dead attempt's late word changes nothing."""
        mine, params = _fence(job_id, None)
        with self.db.transaction() as tx:
            changed = tx.execute(
                "UPDATE thads_reports SET status = %s, started_at = %s, progress = 0,"
                " attempts = attempts + 1 WHERE id = %s AND status IN (%s, %s)" + mine,
                (STARTED, now(), report_id, *IN_FLIGHT, *params))
        return self.get(report_id) if changed == 1 else None

    def progress(self, report_id: str, job_id: str | None, attempt: int, percent: int) -> None:
        mine, params = _fence(job_id, attempt)
        self.db.execute("UPDATE thads_reports SET progress = %s WHERE id = %s AND status = %s" + mine,
                        (percent, report_id, STARTED, *params))

    def finish(self, report_id: str, job_id: str | None, attempt: int, *, position: int, file: str,
               size: int, sha256: str) -> bool:
        mine, params = _fence(job_id, attempt)
        with self.db.transaction() as tx:
            return tx.execute(
                "UPDATE thads_reports SET status = %s, progress = 100, position = %s, file = %s,"
                " size = %s, sha256 = %s, error = NULL, finished_at = %s WHERE id = %s AND status = %s"
                + mine, (FINISHED, position, file, size, sha256, now(), report_id, STARTED, *params)) == 1

    def fail(self, report_id: str, job_id: str | None, reason: str, *, final: bool,
             attempt: int | None = None) -> bool:
        """Record a failed attempt (``attempt``: only if it is still the latest): ``final``,
        the report has failed for good; otherwise it waits, queued, for rq's retry."""
        mine, params = _fence(job_id, attempt)
        status, finished = (FAILED, now()) if final else (QUEUED, None)
        with self.db.transaction() as tx:
            return tx.execute(
                "UPDATE thads_reports SET status = %s, error = %s, finished_at = %s"
                " WHERE id = %s AND status IN (%s, %s)" + mine,
                (status, reason[:2000], finished, report_id, *IN_FLIGHT, *params)) == 1

    # ------------------------------------------------------------------ reading

    def get(self, report_id: str) -> Report | None:
        rows = self.db.query(f"SELECT {', '.join(COLUMNS)} FROM thads_reports WHERE id = %s", (report_id,))
        return Report.row(rows[0]) if rows else None

    def reusable(self, params: str, position: int) -> Report | None:
        """A report of the same parameters at the same log position: finished, or else still
        on its way (asked at that position)."""
        rows = self.db.query(
            f"SELECT {', '.join(COLUMNS)} FROM thads_reports WHERE params = %s AND"
            " ((status = %s AND position = %s) OR (status IN (%s, %s) AND asked_position = %s))"
            " ORDER BY CASE WHEN status = %s THEN 0 ELSE 1 END, created_at DESC LIMIT 1",
            (params, FINISHED, position, *IN_FLIGHT, position, FINISHED))
        return Report.row(rows[0]) if rows else None

    def history(self, agencies: Sequence[str] | None, kinds: Sequence[str], *, page: int,
                per_page: int) -> tuple[list[Report], int]:
        """Reports of ``agencies`` (None: every agency) and ``kinds``, newest first; and how
        many there are in all."""
        where, params = self._where(agencies, kinds)
        total = self.db.query(f"SELECT COUNT(*) AS n FROM thads_reports WHERE {where}", params)[0]["n"]
        rows = self.db.query(
            f"SELECT {', '.join(COLUMNS)} FROM thads_reports WHERE {where}"
            f" ORDER BY created_at DESC, id DESC LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}",
            params)
        return [Report.row(r) for r in rows], int(total)

    def queued_before(self, created_before: str, *, scheduled: bool) -> list[Report]:
        rows = self.db.query(
            f"SELECT {', '.join(COLUMNS)} FROM thads_reports WHERE status = %s AND scheduled = %s"
            " AND created_at < %s", (QUEUED, int(scheduled), created_before))
        return [Report.row(r) for r in rows]

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _insert() -> str:
        return (f"INSERT INTO thads_reports ({', '.join(COLUMNS)})"
                f" VALUES ({', '.join(['%s'] * len(COLUMNS))})")

    @staticmethod
    def _values(report: Report) -> tuple[Any, ...]:
        return tuple(getattr(report, name) for name in COLUMNS)

    @staticmethod
    def _where(agencies: Sequence[str] | None, kinds: Sequence[str]) -> tuple[str, tuple[Any, ...]]:
        clauses = [f"kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else "1 = 0"]
        params: tuple[Any, ...] = tuple(kinds)
        if agencies is not None:
            clauses.append(f"agency IN ({', '.join(['%s'] * len(agencies))})" if agencies else "1 = 0")
            params += tuple(agencies)
        return " AND ".join(clauses), params


def _fence(job_id: str | None, attempt: int | None) -> tuple[str, tuple[Any, ...]]:
    """The condition that the record belongs to ``job_id`` (any job when run by hand) and
    that ``attempt`` is its latest (any when not known)."""
    sql, params = "", ()  # type: tuple[str, tuple[Any, ...]]
    if job_id is not None:
        sql, params = " AND job_id = %s", (job_id,)
    if attempt is not None:
        sql, params = sql + " AND attempts = %s", (*params, attempt)
    return sql, params

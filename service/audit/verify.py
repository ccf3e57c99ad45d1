"""Walking the event log against its audit chain (``thads audit verify``), and chaining a
log stored before the chain existed (``thads audit migrate``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.audit.chain import (
    GENESIS,
    Chain,
    Link,
    Stored,
    case_key,
    case_link,
    links,
    log_link,
    read_head,
)

PAGE = 5000


@dataclass(frozen=True)
class Problem:
    """The first place where the log and its chain disagree."""

    position: int
    case_id: str | None
    version: int | None
    reason: str

    def __str__(self) -> str:
        where = f"position {self.position}"
        if self.case_id is not None:
            where += f" (case {self.case_id}, version {self.version})"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Verdict:
    events: int
    position: int
    log_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stored(notification: Any) -> Stored:
    return Stored(int(notification.id), case_key(notification.originator_id),
                  int(notification.originator_version), notification.topic, notification.state)


def _chain_rows(app: Any, low: int, high: int | None) -> dict[int, Link]:
    sql = "SELECT position, case_id, version, case_hash, log_hash FROM audit_chain WHERE position >= %s"
    params: list[int] = [low]
    if high is not None:
        sql += " AND position <= %s"
        params.append(high)
    return {int(r["position"]): Link(int(r["position"]), r["case_id"], int(r["version"]), r["case_hash"],
                                     r["log_hash"]) for r in app.db.query(sql, params)}


def verify(app: Any, progress: Callable[[int], Any] | None = None) -> Verdict:
    """Recompute both chains from the stored events and compare them with the stored chain
    and its head; answers the first disagreement, if any."""
    case_hashes: dict[str, str] = {}
    versions: dict[str, int] = {}  # each case's last version seen
    log_hash, position, count, start = GENESIS, 0, 0, 1

    def verdict(problem: Problem | None) -> Verdict:
        return Verdict(count, position, log_hash, problem)

    while True:
        page = list(app.recorder.select_notifications(start, PAGE))
        last = page[-1].id if len(page) == PAGE else None  # None: to the end of the chain too
        rows = _chain_rows(app, start, last)
        events = {int(n.id): n for n in page}
        for at in sorted(events.keys() | rows.keys()):
            row, notification = rows.get(at), events.get(at)
            if notification is None:
                assert row is not None
                return verdict(Problem(at, row.case_id, row.version,
                                       "the event chained at this position is missing from the log"))
            event = _stored(notification)
            if row is None:
                return verdict(Problem(at, event.case_id, event.version,
                                       "this event is not in the chain (stored around it, or its link"
                                       " removed)"))
            if (row.case_id, row.version) != (event.case_id, event.version):
                return verdict(Problem(at, event.case_id, event.version,
                                       f"the chain has case {row.case_id} version {row.version} here:"
                                       " events were moved or swapped"))
            if versions.get(event.case_id, 0) != event.version - 1:
                return verdict(Problem(at, event.case_id, event.version,
                                       f"version {event.version - 1} of this case is missing before it"))
            case_hash = case_link(case_hashes.get(event.case_id, GENESIS), event)
            if case_hash != row.case_hash:
                return verdict(Problem(at, event.case_id, event.version,
                                       "the event differs from what was chained: altered"))
            next_log = log_link(log_hash, event)
            if next_log != row.log_hash:
                return verdict(Problem(at, event.case_id, event.version,
                                       "the log chain breaks here: an event before it was removed or moved"))
            case_hashes[event.case_id], log_hash, position = case_hash, next_log, at
            versions[event.case_id] = event.version
            count += 1
        if progress is not None and page:
            progress(len(page))
        if last is None:
            break
        start = last + 1
    recorded = read_head(app.db) or (0, GENESIS)
    if recorded != (position, log_hash):
        if recorded[0] > position:
            reason = (f"the log ends at position {position} but its head was recorded at position"
                      f" {recorded[0]}: events were cut off the end")
        else:
            reason = f"the recorded head (position {recorded[0]}) does not match the log's end"
        return verdict(Problem(max(recorded[0], position), None, None, reason))
    return verdict(None)


def migrate(app: Any, progress: Callable[[int], Any] | None = None) -> int:
    """Chain the events stored after the chain's head (all of them, for a log stored before
    the chain existed), a page per transaction; answers how many. Run it with no writer
    running: a write in between would be refused until it has finished."""
    done = 0
    while True:
        with app.db.transaction() as tx:
            chain = Chain(tx.cursor, app.db.dialect)
            head = chain.head()
            after, log_hash = head if head else (0, GENESIS)
            page = [_stored(n) for n in app.recorder.select_notifications(after + 1, PAGE)]
            if not page:
                return done
            chain.insert(links(page, log_hash, chain.previous_case_hashes(page)[0]))
        done += len(page)
        if progress is not None:
            progress(len(page))

"""Reading the event log case by case for the exports (``service.audit.exports``): the
whole log, or one agency (with the agencies below it) and a period of recorded time.

XES needs each case's events together in one trace, so the log is read by case: pages of
case receptions (``select_notifications`` filtered to the ``Received`` topic, in log order)
give each case's agency and number; the audit chain's index on (case, version) names the log
positions of the scope's cases' events, and each such case is read and decoded with the
application's mapper. Memory holds one page of cases and one case's events at a time,
whatever the size of the log. A reading is taken at the log head when it starts: events
stored meanwhile are left out, so the same request at the same position gives the same file.

A period is whole days in Vietnam (``from`` 00:00 to the end of ``to``, Asia/Ho_Chi_Minh).
Recorded times follow the log order only nearly, so the positions a period spans are found
by binary search with a margin (``projections.stats_known``), and each event is then checked
against the period itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.agencies import Directory
from domain.case import EnforcementCase
from domain.clock import VIETNAM
from domain.errors import InvalidValue
from projections.stats_known import WINDOW, position_at
from service.audit.history import event_data

PAGE = 500
"""Case receptions read at a time (and cases whose chain rows are asked for at once)."""
RECEIVED = [get_topic(EnforcementCase.Received)]  # type: ignore[attr-defined]  # made by @event

Progress = Callable[[int], Any]


@dataclass(frozen=True)
class Scope:
    """Which events a reading holds: those of ``agency``'s cases (every agency when None),
    recorded from the day ``start`` to the day ``end`` (open when None)."""

    agency: str | None = None
    start: date | None = None
    end: date | None = None

    @property
    def since(self) -> datetime | None:
        return None if self.start is None else datetime.combine(self.start, time(), VIETNAM)

    @property
    def until(self) -> datetime | None:
        """The first moment after the period."""
        return None if self.end is None else datetime.combine(self.end + timedelta(days=1), time(), VIETNAM)

    def holds(self, recorded_at: datetime) -> bool:
        since, until = self.since, self.until
        return (since is None or recorded_at >= since) and (until is None or recorded_at < until)


def scope_of(directory: Directory, agency: str | None, start: date | None, end: date | None) -> Scope:
    """A checked scope: a known agency (the national one means every agency) and a period
    that does not end before it starts; else an error naming the parameter."""
    if agency is not None and directory.get(agency).parent is None:
        agency = None
    if start is not None and end is not None and end < start:
        raise InvalidValue(f"to ({end}) must not be before from ({start})", field="to")
    return Scope(agency, start, end)


@dataclass(frozen=True)
class LogEvent:
    """One event read: what every event has, and its own fields as JSON values."""

    position: int
    version: int
    type: str
    recorded_at: datetime
    on: date | None
    by: str | None
    data: dict[str, Any]


@dataclass
class Trace:
    """One case read: what its reception said, the assets it seized (id → the seizure's
    fields and ``recorded_at``) and its events in the scope, oldest first."""

    case_id: str
    number: str
    agency: str
    received_at: datetime
    received: dict[str, Any]
    assets: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: list[LogEvent] = field(default_factory=list)


class LogReader:
    """The cases of a scope, read from the log at its head."""

    def __init__(self, app: Any, scope: Scope):
        self.app, self.scope = app, scope
        self.head = int(app.log_head())
        since, until = scope.since, scope.until
        self.low = 1 if since is None else max(1, position_at(app, since) - WINDOW)
        self.high = self.head if until is None else min(self.head, position_at(app, until) + WINDOW)
        self.cases = self.events = 0

    def traces(self, progress: Progress | None = None) -> Iterator[Trace]:
        """The cases of the scope with an event in it, in the order they were received;
        ``progress`` is told how many log positions each page covered (``high`` in all)."""
        directory, agency, start = self.app.directory, self.scope.agency, 1
        while start <= self.high:
            page = self.app.recorder.select_notifications(start, PAGE, stop=self.high, topics=RECEIVED)
            if not page:
                break
            received = [self.app.mapper.to_domain_event(n) for n in page]
            chosen = {str(e.originator_id): e for e in received
                      if agency is None or directory.is_within(e.agency, agency)}
            positions = self._positions(list(chosen))
            for case_id, event in chosen.items():
                if case_id in positions:
                    trace = self._trace(event, positions[case_id])
                    if trace.events:
                        self.cases, self.events = self.cases + 1, self.events + len(trace.events)
                        yield trace
            if progress is not None:
                progress(page[-1].id - start + 1)
            start = page[-1].id + 1
        if progress is not None and start <= self.high:
            progress(self.high - start + 1)

    def _positions(self, case_ids: list[str]) -> dict[str, dict[int, int]]:
        """Each case's versions in the positions read, with their positions (audit chain)."""
        if not case_ids:
            return {}
        marks = ", ".join(["%s"] * len(case_ids))
        rows = self.app.db.query(
            f"SELECT case_id, version, position FROM audit_chain WHERE case_id IN ({marks})"
            " AND position >= %s AND position <= %s", (*case_ids, self.low, self.high))
        out: dict[str, dict[int, int]] = {}
        for r in rows:
            out.setdefault(r["case_id"], {})[int(r["version"])] = int(r["position"])
        return out

    def _trace(self, received: Any, positions: dict[int, int]) -> Trace:
        trace = Trace(str(received.originator_id), received.number, received.agency, received.timestamp,
                      event_data(received))
        for event in self.app.events.get(UUID(trace.case_id), lte=max(positions)):
            kind, data = type(event).__name__, event_data(event)
            if kind == "AssetSeized":
                trace.assets[data["asset_id"]] = {**data, "recorded_at": event.timestamp}
            at = positions.get(event.originator_version)
            if at is not None and self.scope.holds(event.timestamp):
                trace.events.append(LogEvent(at, event.originator_version, kind, event.timestamp,
                                             getattr(event, "on", None), getattr(event, "by", None), data))
        return trace

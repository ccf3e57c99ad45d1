"""Statistics "as known at" a past recorded time (SPEC §6): the log is cut after the longest
prefix recorded by then, and the statistics are those of a store that held only that prefix.

The ``known`` table holds the deltas by bucket of log positions; the buckets wholly before the
cut come from there and the events of the cut's own bucket are replayed here: each case's state
before its first such event is loaded from the store at that version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from projections import stats_model
from projections.stats_model import (
    CaseStat,
    Vector,
    add,
    case_stat,
    correction_deltas,
    is_correction,
    is_relevant,
    step,
    targets,
)
from projections.stats_query import Cut

PROJECTION = "statistics"
WINDOW = 256
"""Notifications scanned on each side of the binary search's answer: recorded times follow
the log order only nearly (they are taken before the commit that numbers the event)."""


def _fold(case: Any, events: Any) -> Any:
    """Events into a case (the library's default projector checks a protocol per event)."""
    for event in events:
        case = event.mutate(case)
    return case


def _recorded(app: Any, notification: Any) -> datetime:
    return app.mapper.to_domain_event(notification).timestamp  # type: ignore[no-any-return]


def position_at(app: Any, when: datetime) -> int:
    """The end of the longest prefix of the log recorded at or before ``when`` (0: none yet).

    Not the last position recorded by then: an event's time is taken before the commit that
    numbers it, and commits follow the log order, so an event is known only once every event
    before it is. One save can record its events out of time order (an entrustment records the
    receiving case before the entrusted event), and a slow writer can commit after a faster
    one: such an event recorded by ``when`` is not known at ``when`` while one before it is not.
    """
    head = app.log_head()
    low, high = 1, head + 1  # the first position recorded after ``when`` lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        found = app.recorder.select_notifications(middle, 1)
        if not found or _recorded(app, found[0]) > when:
            high = middle
        else:
            low = middle + 1
    start = max(1, low - WINDOW)  # everything before the window was recorded before ``when``
    for notification in app.recorder.select_notifications(start, 2 * WINDOW):
        if _recorded(app, notification) > when:
            return int(notification.id) - 1
    return min(start - 1 + 2 * WINDOW, head)


def replay(app: Any, directory: Any, start: int, stop: int) -> dict[tuple[str, str, int], Vector]:
    """The deltas of the events at positions [start, stop], by (node, split, month)."""
    out: dict[tuple[str, str, int], Vector] = {}
    if stop < max(start, 1):
        return out
    states: dict[UUID, CaseStat | None] = {}
    notifications = app.recorder.select_notifications(max(start, 1), stop - max(start, 1) + 1, stop=stop)
    for notification in notifications:
        event = app.mapper.to_domain_event(notification)
        if not is_relevant(event):
            continue
        case_id = event.originator_id
        if case_id in states or type(event).__name__ == "Received":
            before = states.get(case_id)
        else:
            before = case_stat(app.repository.get(case_id, version=event.originator_version - 1,
                                                  projector_func=_fold))
        states[case_id], found = step(before, event)
        if is_correction(event):
            found = correction_deltas(list(app.events.get(case_id, lte=event.originator_version)))
        for where, month, vector in found:
            for node, split in targets(directory, where):
                add(out.setdefault((node, split, month), {}), vector)
    return out


def cut_at(app: Any, directory: Any, position: int) -> Cut:
    """The statistics' cut at ``position``: whole buckets from the table, the rest replayed.
    The read model must have reached ``position`` (``ReadModels.wait_for``)."""
    size = stats_model.BUCKET  # read at call time: tests use small buckets
    bucket = position // size
    return Cut(position, bucket, replay(app, directory, bucket * size, position))


def known_cut(app: Any, directory: Any, read_models: Any, when: datetime) -> Cut:
    """The statistics' cut of the log at the end of the longest prefix recorded by ``when``,
    once the statistics read model (``read_models``: ``ReadModels``) has reached it."""
    position = position_at(app, when)
    read_models.wait_for(position, [PROJECTION])
    return cut_at(app, directory, position)

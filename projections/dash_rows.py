"""What one case adds to the dashboard's counters (``dash_counts``): steps on the calendar,
(metric, day) → ±1, such that a counter's value on a day D is the sum of its steps on or
before D — for every D on or after the case's last business date; and the day a step is
written on once the log's business dates have passed its day (the horizon).

- ``open``: +1 on the day received (the aging buckets are read from these days);
- ``stage:<stage>``, ``list:<named list>``: +1 on day 0 (they hold from the event on);
- ``clock:<clock>``: +1 from the earliest start of its open clocks (held ones included);
- ``overdue:<clock>``: +1 from the day after the earliest due date of its running clocks;
- ``soon:<clock>``: +1 over the days within ``DUE_SOON_DAYS`` before a running clock's due date.
"""

from __future__ import annotations

from projections.bottleneck_query import DUE_SOON_DAYS, OPEN_STAGES
from projections.bottleneck_rows import Clock, Timeline

Contribution = dict[tuple[str, int], int]
OPEN_KEPT = 366
"""Days of ``open`` steps kept one by one behind the horizon: older cases are over 365 days
old on every day the counters are read, whatever that day."""

_ENTRIES = (("delivered", "delivered_on"), ("auctioned", "auctioned_on"), ("seized", "seized_on"),
            ("verified", "verified_on"))
assert {s for s, _ in _ENTRIES} | {"received"} == set(OPEN_STAGES)


def stage_of(line: Timeline) -> str:
    """The furthest stage reached (as of any day after its last event)."""
    return next((stage for stage, column in _ENTRIES if getattr(line, column) is not None), "received")


def contribution(line: Timeline) -> Contribution:
    """What one case adds to the counters of its agency: (metric, day) → step."""
    if line.closed_on is not None:
        return {}
    out: Contribution = {("open", line.received_on): 1, (f"stage:{stage_of(line)}", 0): 1}
    if line.large:
        out[("list:large_unfinished", 0)] = 1
    if line.difficult and line.difficult_since is not None:
        out[("list:difficult", 0)] = 1
    if line.able_since is not None and line.seized_on is None:
        out[("list:able_not_seized", 0)] = 1
    kinds: dict[str, list[Clock]] = {}
    for row in line.clocks.values():
        kinds.setdefault(row.clock, []).append(row)
    for clock, rows in kinds.items():
        _step(out, f"clock:{clock}", min(r.started_on for r in rows), 1)
        running = [r for r in rows if r.paused_on is None]
        if not running:
            continue
        _step(out, f"overdue:{clock}", min(r.due_on for r in running) + 1, 1)
        # Due soon on D when some running clock has started by D and is due in [D, D + 7].
        merged: list[list[int]] = []
        for start, end in sorted((max(r.started_on, r.due_on - DUE_SOON_DAYS), r.due_on) for r in running):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            _step(out, f"soon:{clock}", start, 1)
            _step(out, f"soon:{clock}", end + 1, -1)
    return out


def _step(into: Contribution, metric: str, day: int, n: int) -> None:
    key = (metric, day)
    into[key] = into.get(key, 0) + n


def settled(metric: str, day: int, horizon: int) -> int:
    """The day a step is written on: day 0 once it makes no difference on any day on or after
    ``horizon`` (the latest business date of the log), else its own."""
    limit = horizon - OPEN_KEPT if metric == "open" else horizon
    return 0 if day <= limit else day

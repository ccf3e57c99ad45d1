"""The dashboard's read model: the bottleneck counts of SPEC §5 for today, precomputed per
agency node, so that the nation's and a province's dashboard read a few thousand rows
instead of scanning every case and every clock (seconds at a million cases).

Each open case contributes to counters keyed (node, metric, day), where ``node`` is its
agency and each agency above it. A counter's value on a day D is the sum of its rows with
``day <= D``: the contribution of a case is a set of +1/−1 steps on the calendar, so that the
figures are those of the bottleneck reports *as of any D on or after the case's last business
date* — in particular today, which is where the dashboard looks (business dates are never in
the future). The metrics:

- ``open``: +1 on the day received (the aging buckets are read from these days);
- ``stage:<stage>``, ``list:<named list>``: +1 on day 0 (they hold from the event on);
- ``clock:<clock>``: +1 from the earliest start of its open clocks (held ones included);
- ``overdue:<clock>``: +1 from the day after the earliest due date of its running clocks;
- ``soon:<clock>``: +1 over the days within ``DUE_SOON_DAYS`` before a running clock's due date.

Cases are folded by the bottleneck read model's own ``Folder`` (same rules, same dates), from
a compact state kept per open case (``cases``; a finished case contributes nothing ever after
and its row is dropped). Deltas are taken event by event, so the counter rows written (zeros
included) depend only on the events, not on the batching: a live read model equals a rebuild.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

from domain.agencies import Directory, default_directory
from domain.case import EnforcementCase
from domain.time_limits import RuleBook, default_rules
from projections.base import Names, Positioned, Projection
from projections.bottleneck_fold import Folder
from projections.bottleneck_query import DUE_SOON_DAYS, OPEN_STAGES
from projections.bottleneck_rows import CLOCK_COLUMNS, TIMELINE_COLUMNS, Clock, Timeline
from service.store import Transaction

CACHE_ROWS = 200_000
LOAD_CHUNK = 500
Contribution = dict[tuple[str, int], int]

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


def encode(line: Timeline) -> str:
    line.encode_memo()
    clocks = [[getattr(row, c) for c in CLOCK_COLUMNS] for row in line.clocks.values()]
    return json.dumps([[getattr(line, c) for c in TIMELINE_COLUMNS], clocks], separators=(",", ":"))


def decode(text: str) -> Timeline:
    values, clocks = json.loads(text)
    line = Timeline(**dict(zip(TIMELINE_COLUMNS, values, strict=True)))
    line.decode_memo()
    for row in clocks:
        clock = Clock(**dict(zip(CLOCK_COLUMNS, row, strict=True)))
        line.clocks[(clock.clock, clock.key)] = clock
    return line


class DashboardProjection(Projection):
    name = "dashboard"
    version = 1
    tables: ClassVar[dict[str, list[str]]] = {
        "cases": ["CREATE TABLE IF NOT EXISTS {t} (case_id TEXT PRIMARY KEY, state TEXT NOT NULL)"],
        "counts": ["CREATE TABLE IF NOT EXISTS {t} (node TEXT NOT NULL, metric TEXT NOT NULL,"
                   " day INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (node, metric, day))"],
    }

    def __init__(self, rules: RuleBook | None = None):
        self.rules = rules or default_rules()
        self._nodes: dict[str, list[str]] = {}

    @property
    def directory(self) -> Directory:
        return getattr(self.app, "directory", None) or default_directory()

    def nodes(self, agency: str) -> list[str]:
        """The agency and every agency above it."""
        found = self._nodes.get(agency)
        if found is None:
            directory = self.directory
            found = [agency, *(a.code for a in directory.ancestors(agency))] if agency in directory \
                else [agency]
            self._nodes[agency] = found
        return found

    def apply(self, tx: Transaction, names: Names, events: Sequence[Positioned],
              state: dict[str, Any]) -> None:
        cache: OrderedDict[str, Timeline | None] = state.setdefault("lines", OrderedDict())
        batch = [p for p in events if isinstance(p.event, EnforcementCase.Event)]
        self._load(tx, names, cache, batch)
        folder = Folder(self.rules)
        counts: dict[tuple[str, str, int], int] = {}
        changed: dict[str, Timeline | None] = {}
        for p in batch:
            event, case_id = p.event, p.case_id
            on = event.on.toordinal()
            line = cache.get(case_id)
            if type(event).__name__ == "Received":
                before: Contribution = {}
                line = folder.received(event, case_id, on)
            elif line is None:
                continue  # finished: nothing it does now changes a count
            else:
                before = contribution(line)
                folder.apply(line, event, on)
            after = contribution(line)
            for key in before.keys() | after.keys():
                delta = after.get(key, 0) - before.get(key, 0)
                if delta:
                    for node in self.nodes(line.agency):
                        counts[(node, *key)] = counts.get((node, *key), 0) + delta
            cache[case_id] = changed[case_id] = None if line.closed_on is not None else line
            cache.move_to_end(case_id)
        self._save(tx, names, changed, counts)
        while len(cache) > CACHE_ROWS:
            cache.popitem(last=False)

    @staticmethod
    def _save(tx: Transaction, names: Names, changed: dict[str, Timeline | None],
              counts: dict[tuple[str, str, int], int]) -> None:
        table = names["counts"]
        tx.upsert(table, ("node", "metric", "day", "n"), ("node", "metric", "day"),
                  f"n = {table}.n + excluded.n", [(*key, n) for key, n in counts.items()])
        tx.upsert(names["cases"], ("case_id", "state"), ("case_id",), "state = excluded.state",
                  [(case_id, encode(line)) for case_id, line in changed.items() if line is not None])
        tx.executemany(f"DELETE FROM {names['cases']} WHERE case_id = %s",
                       [(case_id,) for case_id, line in changed.items() if line is None])

    @staticmethod
    def _load(tx: Transaction, names: Names, cache: OrderedDict[str, Timeline | None],
              batch: list[Positioned]) -> None:
        """Read the states of the batch's cases that are neither cached nor received in it."""
        received = {p.case_id for p in batch if p.topic == "Received"}
        ids = list(dict.fromkeys(p.case_id for p in batch
                                 if p.case_id not in cache and p.case_id not in received))
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start:start + LOAD_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            found = {r["case_id"]: r["state"] for r in tx.query(
                f"SELECT case_id, state FROM {names['cases']} WHERE case_id IN ({marks})", chunk)}
            for case_id in chunk:
                cache[case_id] = decode(found[case_id]) if case_id in found else None

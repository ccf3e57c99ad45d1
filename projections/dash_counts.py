"""The dashboard's read model: the bottleneck counts of SPEC §5 for today, precomputed per
agency node, so that the nation's and a province's dashboard read a few thousand rows
instead of scanning every case and every clock (seconds at a million cases).

Each open case contributes steps (``dash_rows.contribution``) to counters keyed (node, metric,
day), where ``node`` is its agency and each agency above it; a counter's value on a day D is
the sum of its rows with ``day <= D``. The figures are those of the bottleneck reports *as of
any D on or after the latest business date of the log* (``horizon``) — in particular today,
where the dashboard looks (business dates are never in the future). Since D never comes
before the horizon, steps on days it has passed are summed into day 0 as it moves (``open``
steps once they are over a year behind it): the rows read stay few however long the log.

Cases are folded by the bottleneck read model's own ``Folder`` (same rules, same dates), from
a compact state kept per open case (``cases``; a finished case contributes nothing ever after
and its row is dropped). Deltas are taken event by event, and which rows exist depends only on
the events (zero sums included), not on the batching: a live read model equals a rebuild.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

from domain.agencies import Directory, default_directory
from domain.case import EnforcementCase
from domain.time_limits import RuleBook, default_rules
from projections.base import Names, Positioned, Projection
from projections.bottleneck_fold import Folder
from projections.bottleneck_rows import Timeline
from projections.dash_rows import OPEN_KEPT, Contribution, contribution, decode, encode, settled
from service.store import Transaction

CACHE_ROWS = 200_000
LOAD_CHUNK = 500
Counts = dict[tuple[str, str, int], int]


class DashboardProjection(Projection):
    name = "dashboard"
    version = 2  # 2: steps behind the horizon summed into day 0
    tables: ClassVar[dict[str, list[str]]] = {
        "cases": ["CREATE TABLE IF NOT EXISTS {t} (case_id TEXT PRIMARY KEY, state TEXT NOT NULL)"],
        "counts": ["CREATE TABLE IF NOT EXISTS {t} (node TEXT NOT NULL, metric TEXT NOT NULL,"
                   " day INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (node, metric, day))",
                   "CREATE INDEX IF NOT EXISTS {t}_day ON {t} (day)"],
        "horizon": ["CREATE TABLE IF NOT EXISTS {t} (id INTEGER PRIMARY KEY, day INTEGER NOT NULL)"],
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
        deltas: Counts = {}  # (agency, metric, day): the agency's own; its nodes at the end
        changed: dict[str, Timeline | None] = {}
        last: dict[str, Contribution] = {}  # each case's contribution after its latest event
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
                before = last[case_id] if case_id in last else contribution(line)
                folder.apply(line, event, on)
            after = last[case_id] = contribution(line)
            agency = line.agency
            for key in (before.keys() | after.keys()) if before != after else ():
                delta = after.get(key, 0) - before.get(key, 0)
                if delta:
                    # Only steps that change: which rows exist depends on the events alone.
                    place = (agency, *key)
                    deltas[place] = deltas.get(place, 0) + delta
            cache[case_id] = changed[case_id] = None if line.closed_on is not None else line
            cache.move_to_end(case_id)
        counts: Counts = {}
        for (agency, metric, day), n in deltas.items():
            for node in self.nodes(agency):
                counts[(node, metric, day)] = counts.get((node, metric, day), 0) + n
        old = self._horizon(tx, names)
        new = max([old, *(p.event.on.toordinal() for p in batch)])
        self._save(tx, names, changed, counts, new)
        if new > old:
            tx.upsert(names["horizon"], ("id", "day"), ("id",), "day = excluded.day", [(1, new)])
            self._settle(tx, names, old, new)
        while len(cache) > CACHE_ROWS:
            cache.popitem(last=False)

    @staticmethod
    def _horizon(tx: Transaction, names: Names) -> int:
        row = tx.one(f"SELECT day FROM {names['horizon']} WHERE id = 1")
        return int(row["day"]) if row else 0

    @staticmethod
    def _save(tx: Transaction, names: Names, changed: dict[str, Timeline | None], counts: Counts,
              horizon: int) -> None:
        table = names["counts"]
        rows: Counts = {}
        for (node, metric, day), n in counts.items():
            key = (node, metric, settled(metric, day, horizon))
            rows[key] = rows.get(key, 0) + n
        tx.upsert(table, ("node", "metric", "day", "n"), ("node", "metric", "day"),
                  f"n = {table}.n + excluded.n", [(*key, n) for key, n in rows.items()])
        tx.upsert(names["cases"], ("case_id", "state"), ("case_id",), "state = excluded.state",
                  [(case_id, encode(line)) for case_id, line in changed.items() if line is not None])
        tx.executemany(f"DELETE FROM {names['cases']} WHERE case_id = %s",
                       [(case_id,) for case_id, line in changed.items() if line is None])

    @staticmethod
    def _settle(tx: Transaction, names: Names, old: int, new: int) -> None:
        """The horizon moved from ``old`` to ``new``: sum the steps it passed into day 0."""
        table = names["counts"]
        ranges = (("metric <> 'open'", old, new), ("metric = 'open'", old - OPEN_KEPT, new - OPEN_KEPT))
        for which, low, high in ranges:
            where = f"day > {max(low, 0)} AND day <= {int(high)} AND {which}"
            moved = [(r["node"], r["metric"], 0, int(r["n"])) for r in tx.query(
                f"SELECT node, metric, SUM(n) AS n FROM {table} WHERE {where} GROUP BY node, metric")]
            tx.upsert(table, ("node", "metric", "day", "n"), ("node", "metric", "day"),
                      f"n = {table}.n + excluded.n", moved)
            tx.execute(f"DELETE FROM {table} WHERE {where}")

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

"""The dashboard's counters: the bottleneck counts of SPEC §5 for today, precomputed per
agency node, so that the nation's and a province's dashboard read a few thousand rows
instead of scanning every case and every clock (seconds at a million cases). They are
tables of the bottleneck read model, updated in the same pass over the same folded rows.

Each open case contributes steps (``dash_rows.contribution``) to counters keyed (node, metric,
day), where ``node`` is its agency and each agency above it; a counter's value on a day D is
the sum of its rows with ``day <= D``. The figures are those of the bottleneck reports *as of
any D on or after the latest business date of the log* (``horizon``) — in particular today,
where the dashboard looks (business dates are never in the future). Since D never comes
before the horizon, steps on days it has passed are summed into day 0 as it moves (``open``
steps once they are over a year behind it): the rows read stay few however long the log.

A batch adds, for each case it touches, its contribution after the batch less its
contribution before. A counter row whose steps sum to zero may exist or not depending on how
the log was cut into batches; it reads as zero either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from projections.base import Names
from projections.dash_rows import OPEN_KEPT, Contribution, settled
from service.store import Transaction

Counts = dict[tuple[str, str, int], int]

TABLES: dict[str, list[str]] = {
    "counts": ["CREATE TABLE IF NOT EXISTS {t} (node TEXT NOT NULL, metric TEXT NOT NULL,"
               " day INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (node, metric, day))",
               "CREATE INDEX IF NOT EXISTS {t}_day ON {t} (day)"],
    "horizon": ["CREATE TABLE IF NOT EXISTS {t} (id INTEGER PRIMARY KEY, day INTEGER NOT NULL)"],
}


def count_deltas(changes: Iterable[tuple[str, Contribution, Contribution]],
                 nodes: Callable[[str], list[str]]) -> Counts:
    """(node, metric, day) → change, from each case's (agency, before, after)."""
    own: Counts = {}
    for agency, before, after in changes:
        if before == after:
            continue
        for key in before.keys() | after.keys():
            delta = after.get(key, 0) - before.get(key, 0)
            if delta:
                place = (agency, *key)
                own[place] = own.get(place, 0) + delta
    counts: Counts = {}
    for (agency, metric, day), n in own.items():
        for node in nodes(agency):
            counts[(node, metric, day)] = counts.get((node, metric, day), 0) + n
    return counts


def save_counts(tx: Transaction, names: Names, counts: Counts, latest: int) -> None:
    """Add ``counts`` to the counters and move the horizon to ``latest`` (the batch's latest
    business date) if it is later."""
    row = tx.one(f"SELECT day FROM {names['horizon']} WHERE id = 1")
    old = int(row["day"]) if row else 0
    new = max(old, latest)
    table = names["counts"]
    rows: Counts = {}
    for (node, metric, day), n in counts.items():
        key = (node, metric, settled(metric, day, new))
        rows[key] = rows.get(key, 0) + n
    tx.upsert(table, ("node", "metric", "day", "n"), ("node", "metric", "day"),
              f"n = {table}.n + excluded.n", [(*key, n) for key, n in rows.items()])
    if new > old:
        tx.upsert(names["horizon"], ("id", "day"), ("id",), "day = excluded.day", [(1, new)])
        _settle(tx, table, old, new)


def _settle(tx: Transaction, table: str, old: int, new: int) -> None:
    """The horizon moved from ``old`` to ``new``: sum the steps it passed into day 0."""
    ranges = (("metric <> 'open'", old, new), ("metric = 'open'", old - OPEN_KEPT, new - OPEN_KEPT))
    for which, low, high in ranges:
        where = f"day > {max(low, 0)} AND day <= {int(high)} AND {which}"
        moved = [(r["node"], r["metric"], 0, int(r["n"])) for r in tx.query(
            f"SELECT node, metric, SUM(n) AS n FROM {table} WHERE {where} GROUP BY node, metric")]
        tx.upsert(table, ("node", "metric", "day", "n"), ("node", "metric", "day"),
                  f"n = {table}.n + excluded.n", moved)
        tx.execute(f"DELETE FROM {table} WHERE {where}")

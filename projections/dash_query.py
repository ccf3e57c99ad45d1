"""Queries of the dashboard's counters (``dash_counts``, tables of the bottleneck read model):
the bottleneck counts of an agency (with the agencies below it) on a day D on or after every
business date recorded (its horizon) — today — and the aging of its child agencies, with the
read model's position, in one statement.

The figures equal those of the bottleneck reports (``bottleneck_query``) for the same agency
and day; they cost a few thousand rows however many cases there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.time_limits import CLOCKS
from projections.base import Names
from projections.bottleneck_lists import NAMED_LISTS
from projections.bottleneck_query import AGING, OPEN_STAGES
from service.store import Database

CLOCK_FIGURES = ("open", "overdue", "due_soon")


@dataclass
class Counts:
    """The bottleneck figures of one agency on one day."""

    open_cases: int = 0
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPEN_STAGES, 0))
    aging: dict[str, int] = field(default_factory=lambda: dict.fromkeys((b for b, _ in AGING), 0))
    lists: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NAMED_LISTS, 0))
    clocks: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: dict.fromkeys(CLOCK_FIGURES, 0) for c in CLOCKS})


def _aging_columns(d: int) -> str:
    """SUM per aging bucket of the ``open`` rows (day = received on), as in ``open_counts``."""
    columns, low = [], -1
    for bucket, high in AGING:
        upper = f" AND day >= {d - high}" if high is not None else ""
        columns.append(f"SUM(CASE WHEN day < {d - low}{upper} THEN n ELSE 0 END) AS aging_{bucket}")
        low = high if high is not None else low
    return ", ".join(columns)


def dashboard_counts(db: Database, names: Names, node: str, children: Sequence[str],
                     as_of: date) -> tuple[int, Counts, dict[str, dict[str, int]]]:
    """The read model's position, the counts of ``node`` and the aging buckets of each of
    ``children`` on ``as_of``."""
    d = as_of.toordinal()
    table = names["counts"]
    buckets = _aging_columns(d)
    branches = [f"SELECT node, metric, SUM(n) AS total, {buckets} FROM {table}"
                f" WHERE node = %s AND day <= {d} GROUP BY node, metric"]
    params: list[Any] = [node]
    if children:
        places = ", ".join(["%s"] * len(children))
        branches.append(f"SELECT node, metric, SUM(n) AS total, {buckets} FROM {table}"
                        f" WHERE node IN ({places}) AND metric = 'open' AND day <= {d} GROUP BY node, metric")
        params += list(children)
    rows = db.query(
        f"SELECT g.position AS position, (SELECT MAX(day) FROM {names['horizon']}) AS horizon, s.*"
        f" FROM rm_generations g LEFT JOIN ("
        f"{' UNION ALL '.join(branches)}) s ON 1 = 1 WHERE g.projection = %s AND g.generation = %s",
        (*params, names.projection, names.generation))
    position = int(rows[0]["position"]) if rows else 0
    horizon = int(rows[0]["horizon"] or 0) if rows else 0
    if d < horizon:
        raise ValueError(f"the counts hold on {date.fromordinal(horizon)} (the latest business date)"
                         f" and after, not on {as_of}")
    counts = Counts()
    aging: dict[str, dict[str, int]] = {c: dict.fromkeys((b for b, _ in AGING), 0) for c in children}
    for row in rows:
        if row["node"] is None:
            continue
        metric, total = row["metric"], int(row["total"] or 0)
        if row["node"] != node:  # a child's open cases
            aging[row["node"]] = {b: int(row[f"aging_{b}"] or 0) for b, _ in AGING}
            continue
        kind, _, name = metric.partition(":")
        if metric == "open":
            counts.open_cases = total
            counts.aging = {b: int(row[f"aging_{b}"] or 0) for b, _ in AGING}
        elif kind == "stage" and name in counts.stages:
            counts.stages[name] = total
        elif kind == "list" and name in counts.lists:
            counts.lists[name] = total
        elif kind in ("clock", "overdue", "soon") and name in counts.clocks:
            figure = {"clock": "open", "overdue": "overdue", "soon": "due_soon"}[kind]
            counts.clocks[name][figure] = total
    counts.lists["sold_not_delivered"] = counts.clocks["delivery"]["open"]
    return position, counts, aging

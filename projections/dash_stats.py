"""Statistics the dashboard needs beyond GET /stats, from the same read model and with the
same arithmetic (``stats_query.table``): the full §4 table of each child agency with its rank
among its peers, and the completion rates month by month through the statistical year —
each in one statement, now or as known at a cut of the log (``Cut``, as GET /stats reads it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.base import Names
from projections.stats_model import CATEGORIES, FLOWS, STATES
from projections.stats_query import (
    INITIATIONS,
    PEER,
    SUMS,
    Cut,
    Period,
    Sums,
    add_extra,
    ranking,
    summed_rows,
    table,
)
from service.store import Database


def _columns(first: int) -> str:
    """SUM per name of ``SUMS`` over a node's rows up to the period's last month."""
    n_open = " + ".join(f"n_{c}" for c in CATEGORIES)
    m_open = " + ".join(f"m_{c}" for c in CATEGORIES)
    sums = {"n_open": f"CASE WHEN month < {first} THEN {n_open} ELSE 0 END",
            "m_open": f"CASE WHEN month < {first} THEN {m_open} ELSE 0 END",
            **{f: f"CASE WHEN month >= {first} THEN {f} ELSE 0 END" for f in FLOWS},
            **{s: s for s in STATES}}
    return ", ".join(f"SUM({expr}) AS {name}" for name, expr in sums.items())


def _at_position(db: Database, names: Names, select: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of ``select`` with the read model's position, read in one statement."""
    return db.query(
        f"SELECT g.position AS position, s.* FROM rm_generations g LEFT JOIN ({select}) s ON 1 = 1"
        " WHERE g.projection = %s AND g.generation = %s", (*params, names.projection, names.generation))


def node_sums(db: Database, names: Names, period: Period, nodes: Sequence[str],
              cut: Cut | None = None) -> tuple[int, dict[str, Sums]]:
    """The position and, per node, the sums of all its cases (the sum of the initiations) for
    ``period``: many nodes' figures in one statement (the dashboard's child agencies, the
    report workers' every office of the nation)."""
    if not nodes:
        return 0 if cut is None else cut.position, {}
    inits, places = ", ".join(["%s"] * len(INITIATIONS)), ", ".join(["%s"] * len(nodes))
    rows_of, times = summed_rows(names, cut, f"month <= {int(period.through)} AND split IN ({inits})"
                                             f" AND node IN ({places})")
    rows = _at_position(db, names, f"SELECT node, {_columns(period.first)} FROM {rows_of} GROUP BY node",
                        [*INITIATIONS, *nodes] * times)
    position = int(rows[0]["position"]) if rows else 0
    sums: dict[tuple[str, str], Sums] = {
        (r["node"], PEER): {s: int(r[s] or 0) for s in SUMS} for r in rows if r["node"] is not None}
    if cut is not None:
        add_extra(sums, cut.extra, period, None, set(nodes))
        position = cut.position
    return position, {node: found for (node, _), found in sums.items()}


def child_tables(db: Database, names: Names, period: Period, nodes: Sequence[str],
                 peers: Sequence[str], cut: Cut | None = None) -> tuple[int, dict[str, dict[str, Any]]]:
    """The position and, per node, its §4 table (all cases: the sum of the initiations) with
    ``rank`` {cases, money, of} when it is one of ``peers`` (ranked as GET /rankings ranks
    them), else None. ``peers`` must be among ``nodes``."""
    position, found = node_sums(db, names, period, nodes, cut)
    sums = {(node, PEER): s for node, s in found.items()}
    ranks = ranking(sums, peers) if peers else {}
    out = {}
    for node in nodes:
        rank = ranks.get(node, {}).get("rank")
        out[node] = {**table(found.get(node)),
                     "rank": {**rank, "of": len(peers)} if rank else None}
    return position, out


def monthly_rates(db: Database, names: Names, period: Period, node: str,
                  cut: Cut | None = None) -> tuple[int, list[dict[str, Any]]]:
    """The position and, for each month from October to ``period.through``, the completion
    rates (cases, money) of the period from 1 October to the end of that month — what
    GET /stats answers with ``through`` = that month."""
    inits = ", ".join(["%s"] * len(INITIATIONS))
    metrics = ", ".join(f"SUM({m}) AS {m}" for m in (*FLOWS, *STATES))
    rows_of, times = summed_rows(names, cut, f"node = %s AND month <= {int(period.through)}"
                                             f" AND split IN ({inits})")
    rows = _at_position(db, names, f"SELECT month, {metrics} FROM {rows_of} GROUP BY month",
                        [node, *INITIATIONS] * times)
    position = int(rows[0]["position"]) if rows else 0
    by_month = {int(r["month"]): {m: int(r[m] or 0) for m in (*FLOWS, *STATES)}
                for r in rows if r["month"] is not None}
    if cut is not None:
        for (code, split, month), vector in cut.extra.items():
            if code == node and split in INITIATIONS and month <= period.through:
                sums = by_month.setdefault(month, dict.fromkeys((*FLOWS, *STATES), 0))
                for name, value in vector.items():
                    sums[name] += value
        position = cut.position
    running: Sums = dict.fromkeys(SUMS, 0)
    for month in sorted(m for m in by_month if m < period.first):  # open before 1 October
        for state in STATES:
            running[state] += by_month[month][state]
    running["n_open"] = sum(running[f"n_{c}"] for c in CATEGORIES)
    running["m_open"] = sum(running[f"m_{c}"] for c in CATEGORIES)
    out = []
    for month in period_months(period):
        row = by_month.get(month)
        if row is not None:
            for name in (*FLOWS, *STATES):
                running[name] += row[name]
        figures = table(running)
        out.append({"month": f"{month // 100:04d}-{month % 100:02d}",
                    "cases": figures["cases"]["rate"], "money": figures["money"]["rate"]})
    return position, out


def period_months(period: Period) -> list[int]:
    """October of the year before to ``period.through``, as yyyymm."""
    months, month = [], period.first
    while month <= period.through:
        months.append(month)
        month = month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1
    return months

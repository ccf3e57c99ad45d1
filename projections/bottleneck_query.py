"""Bottleneck reports (SPEC §5) read from the ``bottlenecks`` read model, for any agency (it and
the agencies below it) as of any date D.

A case is open at D when it was received by D and neither closed nor entrusted by D; its stage
at D is the furthest stage it had reached by D. A clock is running at D when it started by D,
had not ended by D and was not paused (the case held) at D; it is overdue when its due date is
before D. Counts of cases per clock count each case once, however many of its assets or
collections are late. Dates are day ordinals in the tables and ``date`` objects here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.agencies import Directory
from domain.time_limits import CLOCKS
from service.store import Database

OPEN_STAGES = ("received", "verified", "seized", "auctioned", "delivered")
_ENTRY = {"received": "received_on", "verified": "verified_on", "seized": "seized_on",
          "auctioned": "auctioned_on", "delivered": "delivered_on"}
AGING = (("0_30", 30), ("31_90", 90), ("91_180", 180), ("181_365", 365), ("over_365", None))
DUE_SOON_DAYS = 7
CLOCK_COUNTS = ("open", "overdue", "due_soon", "satisfied_late")


@dataclass(frozen=True)
class Scope:
    """Where and when a report looks: the agencies (None for all) and the day D."""

    agencies: tuple[str, ...] | None
    as_of: date

    @property
    def d(self) -> int:
        return self.as_of.toordinal()

    def where(self, column: str = "agency") -> tuple[str, list[Any]]:
        """The SQL condition on the agency column and its parameters."""
        if self.agencies is None:
            return "1 = 1", []
        return f"{column} IN ({', '.join(['%s'] * len(self.agencies))})", list(self.agencies)

    def open_at(self, table: str = "t") -> str:
        d = self.d
        return f"{table}.received_on <= {d} AND ({table}.closed_on IS NULL OR {table}.closed_on > {d})"

    def running_at(self, table: str = "c") -> str:
        d = self.d
        return (f"{table}.started_on <= {d} AND ({table}.ended_on IS NULL OR {table}.ended_on > {d})"
                f" AND ({table}.paused_on IS NULL OR {table}.paused_on > {d})")

    @property
    def year_ago(self) -> int:
        """D one year earlier (28 February for 29 February)."""
        day = self.as_of
        return date(day.year - 1, day.month, min(day.day, 28 if day.month == 2 else day.day)).toordinal()

    @property
    def statistical_year_start(self) -> date:
        """1 October on or before D: the statistical year runs from 1 October (SPEC §4)."""
        day = self.as_of
        return date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def scope_of(directory: Directory, agency: str, as_of: date) -> Scope:
    """``agency`` and every agency below it (None for the nation: every case) on day ``as_of``."""
    if directory.get(agency).parent is None:
        return Scope(None, as_of)
    return Scope((agency, *(a.code for a in directory.descendants(agency))), as_of)


class Reports:
    """The reports of one scope over the active tables ``names`` of the read model."""

    def __init__(self, db: Database, names: Mapping[str, str], scope: Scope):
        self.db, self.names, self.scope = db, names, scope

    # ------------------------------------------------------------ counts of open cases

    def open_counts(self) -> dict[str, Any]:
        """Stages, aging buckets and three named lists' sizes in one pass over the cases."""
        s, d = self.scope, self.scope.d
        where, params = s.where("t.agency")
        stage = ("CASE " + " ".join(f"WHEN t.{_ENTRY[name]} <= {d} THEN '{name}'"
                                    for name in reversed(OPEN_STAGES[1:])) + " ELSE 'received' END")
        cases = [f"SUM(CASE WHEN {stage} = '{name}' THEN 1 ELSE 0 END) AS stage_{name}"
                 for name in OPEN_STAGES]
        low = -1
        for bucket, high in AGING:
            upper = f" AND {d} - t.received_on <= {high}" if high is not None else ""
            cases.append(f"SUM(CASE WHEN {d} - t.received_on > {low}{upper} THEN 1 ELSE 0 END)"
                         f" AS aging_{bucket}")
            low = high if high is not None else low
        cases += [f"SUM(CASE WHEN {on_list(name, d)} THEN 1 ELSE 0 END) AS {name}" for name in TIMELINE_LISTS]
        row = self.db.query(f"SELECT COUNT(*) AS open_cases, {', '.join(cases)} FROM"
                            f" {self.names['timeline']} t WHERE {where} AND {s.open_at()}", params)[0]
        counts = {k: int(v or 0) for k, v in row.items()}
        return {
            "open_cases": counts["open_cases"],
            "stages": {name: counts[f"stage_{name}"] for name in OPEN_STAGES},
            "aging": {bucket: counts[f"aging_{bucket}"] for bucket, _ in AGING},
            "lists": {name: counts[name] for name in TIMELINE_LISTS},
        }

    def summary(self) -> dict[str, Any]:
        """What a dashboard needs: the open counts and the clocks; the sold-but-not-delivered
        list's size is the delivery clocks open."""
        counts, clocks = self.open_counts(), self.clocks()
        counts["lists"]["sold_not_delivered"] = clocks["delivery"]["open"]
        return {**counts, "clocks": clocks}

    # ------------------------------------------------------------ clocks

    def clocks(self) -> dict[str, dict[str, int]]:
        """Per clock, the cases with such a clock open at D (held cases included), overdue at D,
        due within 7 days, and satisfied late in the 12 months up to D. One pass over the
        clocks that were open at D or ended in those 12 months."""
        s, d = self.scope, self.scope.d
        where, params = s.where("c.agency")
        running = s.running_at()
        rows = self.db.query(
            f"SELECT c.clock AS clock,"
            f" COUNT(DISTINCT CASE WHEN c.ended_on IS NULL OR c.ended_on > {d} THEN c.case_id END) AS open,"
            f" COUNT(DISTINCT CASE WHEN {running} AND c.due_on < {d} THEN c.case_id END) AS overdue,"
            f" COUNT(DISTINCT CASE WHEN {running} AND c.due_on >= {d} AND c.due_on <= {d + DUE_SOON_DAYS}"
            f" THEN c.case_id END) AS due_soon,"
            f" COUNT(DISTINCT CASE WHEN c.satisfied = 1 AND c.ended_on > c.due_on AND c.ended_on <= {d}"
            f" THEN c.case_id END) AS satisfied_late"
            f" FROM {self.names['clocks']} c WHERE {where} AND c.started_on <= {d}"
            f" AND (c.ended_on IS NULL OR c.ended_on > {s.year_ago}) GROUP BY c.clock",
            params)
        found = {r["clock"]: r for r in rows}
        return {clock: {k: int(found.get(clock, {}).get(k) or 0) for k in CLOCK_COUNTS} for clock in CLOCKS}

    # ------------------------------------------------------------ time in each stage

    def dwell(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Days spent in each stage: for cases that had left it by D (entry to the next stage
        reached, closing or entrustment) and for cases still in it at D (entry to D)."""
        s, d = self.scope, self.scope.d
        where, params = s.where("agency")
        parts = []
        for i, stage in enumerate(OPEN_STAGES):
            entry = _ENTRY[stage]
            later = [_ENTRY[n] for n in OPEN_STAGES[i + 1:]] + ["closed_on"]
            leave = f"COALESCE({', '.join(later)})" if len(later) > 1 else later[0]
            left = f"CASE WHEN {leave} <= {d} THEN 1 ELSE 0 END"
            parts.append(
                f"SELECT '{stage}' AS stage, {left} AS left_stage,"
                f" (CASE WHEN {leave} <= {d} THEN {leave} ELSE {d} END) - {entry} AS days, COUNT(*) AS n"
                f" FROM {self.names['timeline']} WHERE {where} AND {entry} <= {d}"
                f" GROUP BY {left}, (CASE WHEN {leave} <= {d} THEN {leave} ELSE {d} END) - {entry}")
        rows = self.db.query(" UNION ALL ".join(parts), params * len(parts))
        histograms: dict[tuple[str, int], dict[int, int]] = {}
        for r in rows:
            histograms.setdefault((r["stage"], int(r["left_stage"])), {})[int(r["days"])] = int(r["n"])
        return {stage: {"finished": describe(histograms.get((stage, 1), {})),
                        "open": describe(histograms.get((stage, 0), {}))} for stage in OPEN_STAGES}

    # ------------------------------------------------------------ enforcers

    def enforcers(self) -> list[dict[str, Any]]:
        """Per enforcer: open cases at D and their average age, clocks overdue at D, cases
        completed and money collected from 1 October to D. Cases count for the enforcer they
        are assigned to now."""
        s, d = self.scope, self.scope.d
        start = s.statistical_year_start.toordinal()
        where, params = s.where("t.agency")
        timeline, money = self.names["timeline"], self.names["collections"]
        people: dict[tuple[str, str | None], dict[str, Any]] = {}

        def person(r: dict[str, Any]) -> dict[str, Any]:
            return people.setdefault((r["agency"], r["enforcer"]), {
                "agency": r["agency"], "enforcer": r["enforcer"], "open_cases": 0, "average_days": None,
                "overdue_clocks": 0, "completed": 0, "collected": 0})

        for r in self.db.query(
                f"SELECT t.agency, t.enforcer, COUNT(*) AS n, AVG({d} - t.received_on) AS age"
                f" FROM {timeline} t WHERE {where} AND {s.open_at()} GROUP BY t.agency, t.enforcer", params):
            person(r).update(open_cases=int(r["n"]), average_days=round(float(r["age"]), 1))
        for r in self.db.query(
                f"SELECT t.agency, t.enforcer, COUNT(*) AS n FROM {self.names['clocks']} c"
                f" JOIN {timeline} t ON t.case_id = c.case_id WHERE {where} AND {s.running_at()}"
                f" AND c.due_on < {d} GROUP BY t.agency, t.enforcer", params):
            person(r)["overdue_clocks"] = int(r["n"])
        for r in self.db.query(
                f"SELECT t.agency, t.enforcer, COUNT(*) AS n FROM {timeline} t WHERE {where}"
                f" AND t.outcome = 'completed' AND t.closed_on >= {start} AND t.closed_on <= {d}"
                f" GROUP BY t.agency, t.enforcer", params):
            person(r)["completed"] = int(r["n"])
        for r in self.db.query(
                f"WITH m AS MATERIALIZED (SELECT case_id, amount FROM {money}"
                f" WHERE {s.where('agency')[0]} AND on_day >= {start} AND on_day <= {d})"
                f" SELECT t.agency, t.enforcer, SUM(m.amount) AS amount FROM m"
                f" JOIN {timeline} t ON t.case_id = m.case_id GROUP BY t.agency, t.enforcer", params):
            person(r)["collected"] = int(r["amount"] or 0)
        return sorted(people.values(), key=lambda p: (-p["open_cases"], p["agency"], p["enforcer"] or ""))


TIMELINE_LISTS = {
    # list: (condition on an open case's timeline row t at day {d}, the day its wait began)
    "able_not_seized": ("t.able_since <= {d} AND (t.seized_on IS NULL OR t.seized_on > {d})", "t.able_since"),
    "large_unfinished": ("t.large = 1", "t.received_on"),
    "difficult": ("t.difficult = 1 AND t.difficult_since <= {d}", "t.difficult_since"),
}
"""The named lists read from the timeline alone (sold_not_delivered comes from the clocks)."""


def on_list(name: str, d: int) -> str:
    return TIMELINE_LISTS[name][0].format(d=d)


def describe(histogram: Mapping[int, int]) -> dict[str, Any]:
    """Count, median, 90th percentile (both interpolated between ranks, as PostgreSQL's
    ``percentile_cont``) and maximum of a histogram {days: number of cases}."""
    values = sorted(histogram.items())
    count = sum(n for _, n in values)
    if count == 0:
        return {"count": 0, "median": None, "p90": None, "max": None}
    return {"count": count, "median": _percentile(values, count, 0.5),
            "p90": _percentile(values, count, 0.9), "max": values[-1][0]}


def _percentile(values: Sequence[tuple[int, int]], count: int, p: float) -> float:
    position = p * (count - 1)
    low, frac = int(position), position - int(position)
    return round(_nth(values, low) + frac * (_nth(values, min(low + 1, count - 1)) - _nth(values, low)), 1)


def _nth(values: Sequence[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, n in values:
        seen += n
        if index < seen:
            return value
    return values[-1][0]

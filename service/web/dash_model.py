"""What the dashboard shows: the §4 table of an agency and of
each child agency with their ranks (the same functions as GET /api/v1/stats), the completion
rates month by month, the bottleneck counts of today with the aging of each child agency,
and how far each read model has got. The official part alone also serves the auditor's
dashboard as known at a past time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from domain.agencies import Agency
from projections.bottleneck_query import AGING
from projections.dash_query import Counts, dashboard_counts
from projections.dash_stats import child_tables, monthly_rates
from projections.stats_query import Cut, Period, peers_below, statistics
from service.services import Services
from service.web.formatting import label

STATS, COUNTS = "statistics", "bottlenecks"
HEAT_LEVELS = 5


@dataclass
class HeatRow:
    code: str
    name: str
    cells: list[tuple[int, int]]  # (open cases, heat level 0..5) per aging bucket
    total: int


@dataclass
class Official:
    """The official statistics of the dashboard: what the §4 tables and the rates chart show."""

    agency: Agency
    period: Period
    stats: dict[str, Any]  # GET /api/v1/stats's answer
    children: list[tuple[Agency, dict[str, Any]]]  # (child, its table with "rank")
    rates: list[dict[str, Any]]  # {month, cases, money} from October to the month


@dataclass
class Dashboard(Official):
    """The official statistics and where the cases are stuck on ``as_of``."""

    as_of: date
    counts: Counts
    heat: list[HeatRow]
    positions: dict[str, int]
    head: int

    def lag(self, model: str) -> int:
        return max(0, self.head - self.positions.get(model, 0))


def official(svc: Services, agency: Agency, period: Period, cut: Cut | None = None) -> Official:
    """The §4 table of ``agency`` for ``period`` with its rank, each child agency's with its
    rank, and the rates month by month: now, or as known at ``cut``."""
    db, directory = svc.cases.db, svc.directory
    stats_names = svc.read_models.names(STATS)
    stats = statistics(db, stats_names, directory, agency.code, period, cut)
    kids = [a for a in directory.children(agency.code) if a.valid_during(period.start, period.end)]
    _, tables = child_tables(db, stats_names, period, [a.code for a in kids],
                             peers_below(directory, agency.code, period.end), cut)
    _, rates = monthly_rates(db, stats_names, period, agency.code, cut)
    return Official(agency, period, stats, [(a, tables[a.code]) for a in kids], rates)


def build(svc: Services, agency: Agency, period: Period, today: date) -> Dashboard:
    """Everything on the dashboard of ``agency`` for ``period``; bottlenecks as of ``today``."""
    figures = official(svc, agency, period)
    everyone = svc.directory.children(agency.code)
    _, counts, aging = dashboard_counts(svc.cases.db, svc.read_models.names(COUNTS), agency.code,
                                        [a.code for a in everyone], today)
    shown = [a for a in everyone if a.valid_on(today) or any(aging[a.code].values())]
    return Dashboard(agency=agency, period=period, as_of=today, stats=figures.stats,
                     children=figures.children, rates=figures.rates, counts=counts,
                     heat=heat_rows(shown, aging), positions=svc.read_models.positions(),
                     head=svc.cases.log_head())


def heat_rows(agencies: list[Agency], aging: dict[str, dict[str, int]]) -> list[HeatRow]:
    """One row per agency: its open cases per aging bucket and a heat level 1–5 relative to
    the largest cell of the table (0 for none)."""
    top = max((n for a in agencies for n in aging[a.code].values()), default=0)
    rows = []
    for a in agencies:
        values = [aging[a.code][bucket] for bucket, _ in AGING]
        rows.append(HeatRow(a.code, a.name, [(n, heat_level(n, top)) for n in values], sum(values)))
    return rows


def heat_level(n: int, top: int) -> int:
    if n <= 0 or top <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * n / top)))


def chart_data(board: Dashboard) -> dict[str, Any]:
    """The charts' data (read by static/js/dashboard.js from a JSON block)."""
    return {
        **rates_chart(board.rates),
        "funnel": {"labels": [label(s, "stage") for s in board.counts.stages],
                   "values": list(board.counts.stages.values()), "name": _("Việc đang thi hành")},
    }


def rates_chart(rates: list[dict[str, Any]]) -> dict[str, Any]:
    """The monthly completion chart's data (the funnel is drawn only when its data is there)."""
    return {"rates": {"labels": [f"{r['month'][5:]}/{r['month'][:4]}" for r in rates],
                      "cases": [r["cases"] for r in rates], "money": [r["money"] for r in rates],
                      "names": {"cases": _("Tỷ lệ về việc (%)"), "money": _("Tỷ lệ về tiền (%)")}}}

"""Where a bottleneck page looks (an agency with those below it, on a day) and its table of
workload and results per enforcer, with the enforcers' names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.agencies import Agency
from projections.bottleneck_query import Reports, Scope, scope_of
from service.services import services

ENFORCER_COLUMNS = ("agency", "enforcer", "open_cases", "average_days", "overdue_clocks", "completed",
                    "collected")
ENFORCER_SORTS = tuple(s for c in ENFORCER_COLUMNS for s in (c, f"-{c}"))


@dataclass(frozen=True)
class Scoped:
    agency: Agency
    scope: Scope


def scoped(agency: Agency, as_of: date) -> Scoped:
    """The agency and the agencies below it (None: every agency, for the nation) on ``as_of``."""
    return Scoped(agency, scope_of(services().directory, agency.code, as_of))


def enforcer_rows(where: Scoped, sort: str) -> list[dict[str, Any]]:
    """GET /api/v1/bottlenecks?kind=enforcers's rows, with each enforcer's name, sorted."""
    svc = services()
    rows = Reports(svc.cases.db, svc.read_models.names("bottlenecks"), where.scope).enforcers()
    users = {u.username: u for u in svc.cases.users.all()}
    for row in rows:
        user = users.get(row["enforcer"] or "")
        row["name"] = (user.full_name or user.username) if user else (row["enforcer"] or "")
    column = sort.lstrip("-")
    present = [r for r in rows if r[column] is not None]
    missing = [r for r in rows if r[column] is None]  # no enforcer, no average: always last
    key = (lambda r: r["name"].lower()) if column == "enforcer" else (lambda r: r[column])
    present.sort(key=key, reverse=sort.startswith("-"))
    return present + missing

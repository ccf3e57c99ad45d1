"""Queries of the actions read model (``projections/actions.py``): every action of one user,
newest first, paged by log position, limited to the cases in the caller's scope.

A page is keyed by position (``before``: only actions older than it), not by offset: a user
with years of actions is read from the index in order however deep the page, and a page does
not shift while the user keeps working. The case's number and agency come from the
case-summary read model, joined by case id; for a caller below the national level that join
is also the scope (only cases of the caller's agency and those below it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.access import Actor, Forbidden, Role
from domain.agencies import Directory
from projections import case_query
from projections.actions import micros, moment
from projections.base import Names
from service.store import Database

AUDITORS = (Role.AUDITOR, Role.ADMIN)


@dataclass(frozen=True)
class Actions:
    """One page of a user's actions, how many match in all, where the next (older) page
    starts (None on the last page), and the read model's position."""

    items: list[dict[str, Any]]
    total: int
    next_before: int | None
    position: int


def check_auditor(actor: Actor) -> None:
    if actor.role not in AUDITORS:
        raise Forbidden(f"a user with role {actor.role} may not read another user's actions")


def user_actions(db: Database, names: Names, summary: str, directory: Directory, actor: Actor,
                 username: str, *, before: int | None = None, limit: int = 50,
                 since: datetime | None = None, until: datetime | None = None,
                 event_type: str | None = None) -> Actions:
    """The actions ``username`` took on cases in ``actor``'s scope, recorded between ``since``
    and ``until`` (both included) and of ``event_type`` when given, newest first: up to
    ``limit`` of those before position ``before``. ``summary`` is the case-summary table."""
    check_auditor(actor)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    source, where, params = _source(names["log"], summary, directory, actor)
    where.append("a.username = %s")
    params.append(username)
    for condition, value in (("a.recorded_us >= %s", since), ("a.recorded_us <= %s", until)):
        if value is not None:
            where.append(condition)
            params.append(micros(value))
    if event_type is not None:
        where.append("a.event_type = %s")
        params.append(event_type)
    condition = " WHERE " + " AND ".join(where)
    page, page_params = condition, params
    if before is not None:
        page, page_params = condition + " AND a.position < %s", [*params, before]
    with db.transaction(commit=False) as tx:
        case_query._consistent_snapshot(db, tx)
        position = case_query._position(tx, names)
        total = int(tx.query(f"SELECT COUNT(*) AS n FROM {source}{condition}", params)[0]["n"])
        rows = tx.query(
            "SELECT a.position, a.case_id, a.version, a.event_type, a.on_day, a.recorded_us,"
            f" s.number, s.agency FROM {source}{page} ORDER BY a.position DESC LIMIT {int(limit) + 1}",
            page_params)
    more = len(rows) > limit
    items = [_item(row) for row in rows[:limit]]
    return Actions(items, total, items[-1]["position"] if more else None, position)


def acted(db: Database, names: Names, summary: str, directory: Directory, actor: Actor,
          username: str) -> bool:
    """Whether ``username`` took any action on a case in ``actor``'s scope (a name the log
    knows though the user store may not: a removed account, or the demo's generated cases)."""
    source, where, params = _source(names["log"], summary, directory, actor)
    found = db.query(f"SELECT 1 AS found FROM {source} WHERE {' AND '.join([*where, 'a.username = %s'])}"
                     " LIMIT 1", [*params, username])
    return bool(found)


def _source(log: str, summary: str, directory: Directory, actor: Actor) -> tuple[str, list[str], list[Any]]:
    """The FROM clause and the scope's conditions: for the nation every action, with the
    case's number and agency where the case list has them already; below it only the actions
    on cases of the caller's agencies."""
    scope = case_query._subtree(directory, actor.agency)
    if scope is None:
        return f"{log} a LEFT JOIN {summary} s ON s.case_id = a.case_id", [], []
    marks = ", ".join(["%s"] * len(scope))
    return f"{log} a JOIN {summary} s ON s.case_id = a.case_id", [f"s.agency IN ({marks})"], list(scope)


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": int(row["position"]),
        "case_id": row["case_id"],
        "case_number": row["number"],
        "agency": row["agency"],
        "version": int(row["version"]),
        "type": row["event_type"],
        "on": date.fromordinal(row["on_day"]),
        "recorded_at": moment(int(row["recorded_us"])),
    }

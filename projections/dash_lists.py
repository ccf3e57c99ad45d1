"""The bottleneck lists (``bottleneck_lists``) sorted by any of the columns a person sorts
by — days waiting, amounts, dates received, numbers, agencies, enforcers — one page or every
row (for an export). The rows are the same as ``case_list``'s: the same sources, the same
items; a page sorted by days is ``case_list``'s own answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.bottleneck_lists import (
    CLOCK_LISTS,
    DEFAULT_SORT,
    DETAILS,
    NAMED_LISTS,
    case_list,
    clock_source,
    list_item,
    named_source,
)
from projections.bottleneck_query import Scope
from service.store import Database

COLUMNS = {
    "amount_due": "t.amount_due",
    "outstanding": "t.amount_due - t.collected",
    "received_on": "t.received_on",
    "number": "t.number",
    "agency": "t.agency",
    "enforcer": "COALESCE(t.enforcer, '')",
}
"""Sortable columns besides ``days``: name → SQL expression over the timeline row ``t``."""
SORTS = tuple(s for name in ("days", *COLUMNS) for s in (f"-{name}", name))


def default_sort(kind: str) -> str:
    return DEFAULT_SORT.get(kind, "-days")


def sorted_list(db: Database, names: Mapping[str, str], scope: Scope, kind: str, *,
                sort: str | None = None, clock: str | None = None, page: int = 1,
                per_page: int | None = 50) -> tuple[list[dict[str, Any]], int]:
    """One page (every row when ``per_page`` is None) of a list in the order ``sort`` and
    the list's length. A sort is a column name, descending with a leading ``-``."""
    if kind in NAMED_LISTS:
        source, params = named_source(kind, names, scope)
        key = "s.case_id"
    elif kind in CLOCK_LISTS:
        source, params = clock_source(kind, clock, names, scope)
        key = "s.case_id, s.clock"
    else:
        raise ValueError(f"unknown list {kind!r}")
    sort = sort or default_sort(kind)
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    descending, column = sort.startswith("-"), sort.lstrip("-")
    if column == "days" and per_page is not None:
        # The API's own query: it pages before it joins (two to three times faster nationally).
        return case_list(db, names, scope, kind, clock=clock, page=page, per_page=per_page, sort=sort)
    if column == "days":
        # "since" is a start or due date: the earliest is the most days waiting or overdue,
        # and for due_soon (days left) the fewest days.
        ascending = descending == (kind != "due_soon")
        by = f"s.since {'ASC' if ascending else 'DESC'}"
    else:
        by = f"{COLUMNS[column]} {'DESC' if descending else 'ASC'}"
    order = f"s.priority DESC, {by}, {key}"
    clock_column = ", s.clock AS clock" if kind in CLOCK_LISTS else ""
    limit = "" if per_page is None else f" LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}"
    rows = db.query(
        f"SELECT {DETAILS}, s.priority AS priority, s.since AS since, s.extra AS extra,"
        f" COUNT(*) OVER () AS total{clock_column} FROM ({source}) s"
        f" JOIN {names['timeline']} t ON t.case_id = s.case_id ORDER BY {order}{limit}", params)
    if rows:
        total = int(rows[0]["total"])
    elif page > 1:  # a page past the end says nothing of the length
        total = int(db.query(f"SELECT COUNT(*) AS n FROM ({source}) s", params)[0]["n"])
    else:
        total = 0
    return [list_item(kind, scope, row) for row in rows], total

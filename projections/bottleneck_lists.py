"""The seed's named lists and the lists of overdue and soon-due clocks, as of D, paged and
sorted by days waiting.

- ``sold_not_delivered``: open cases with an asset sold by D and not delivered by D; days
  since the oldest such sale.
- ``able_not_seized``: open cases verified able (the latest result by D) with nothing seized
  by D; credit institutions' cases first, then days since the case became able.
- ``large_unfinished``: open cases with more than 500 million VND due; days since received.
- ``difficult``: open cases marked difficult by D; days since marked.
- ``overdue`` / ``due_soon``: one item per case and clock running at D and overdue (days past
  the earliest due date) or due within 7 days (days left).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from projections.bottleneck_query import DUE_SOON_DAYS, TIMELINE_LISTS, Scope, on_list
from service.store import Database

NAMED_LISTS = ("sold_not_delivered", "able_not_seized", "large_unfinished", "difficult")
CLOCK_LISTS = ("overdue", "due_soon")
SORTS = ("-days", "days")
DEFAULT_SORT = {"due_soon": "days"}  # the soonest first; every other list longest-waiting first

DETAILS = ("t.case_id, t.number, t.agency, t.enforcer, t.debtor, t.creditor, t.creditor_kind,"
            " t.amount_due, t.collected, t.state, t.received_on")


def named_source(kind: str, names: Mapping[str, str], scope: Scope) -> tuple[str, list[Any]]:
    """SELECT case_id, priority, since, extra for the cases of a named list. Clock rows are
    filtered first (MATERIALIZED): grouping them straight away lets SQLite walk the whole
    primary-key index in case order, ten times slower than a scan."""
    d = scope.d
    if kind == "sold_not_delivered":
        where, params = scope.where("c.agency")
        return (f"WITH r AS MATERIALIZED (SELECT c.case_id, c.started_on FROM {names['clocks']} c"
                f" WHERE {where} AND c.clock = 'delivery' AND c.started_on <= {d}"
                f" AND (c.ended_on IS NULL OR c.ended_on > {d}))"
                f" SELECT r.case_id AS case_id, 0 AS priority, MIN(r.started_on) AS since, COUNT(*) AS extra"
                f" FROM r GROUP BY r.case_id", params)
    where, params = scope.where("t.agency")
    priority = ("CASE WHEN t.creditor_kind = 'credit_institution' THEN 1 ELSE 0 END"
                if kind == "able_not_seized" else "0")
    return (f"SELECT t.case_id AS case_id, {priority} AS priority, {TIMELINE_LISTS[kind][1]} AS since,"
            f" 1 AS extra FROM {names['timeline']} t WHERE {where} AND {scope.open_at()}"
            f" AND {on_list(kind, d)}", params)


def clock_source(kind: str, clock: str | None, names: Mapping[str, str],
                  scope: Scope) -> tuple[str, list[Any]]:
    """SELECT case_id, clock, since (the earliest due date), extra (clocks) per case and clock."""
    d = scope.d
    where, params = scope.where("c.agency")
    due = f"c.due_on < {d}" if kind == "overdue" else f"c.due_on >= {d} AND c.due_on <= {d + DUE_SOON_DAYS}"
    if clock is not None:
        where += " AND c.clock = %s"
        params.append(clock)
    return (f"WITH r AS MATERIALIZED (SELECT c.case_id, c.clock, c.due_on FROM {names['clocks']} c"
            f" WHERE {where} AND {scope.running_at()} AND {due})"
            f" SELECT r.case_id AS case_id, r.clock AS clock, 0 AS priority, MIN(r.due_on) AS since,"
            f" COUNT(*) AS extra FROM r GROUP BY r.case_id, r.clock", params)


def case_list(db: Database, names: Mapping[str, str], scope: Scope, kind: str, *,
              clock: str | None = None, page: int = 1, per_page: int = 50,
              sort: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of a list and the list's length."""
    if kind in NAMED_LISTS:
        source, params = named_source(kind, names, scope)
        key = "s.case_id"
    elif kind in CLOCK_LISTS:
        source, params = clock_source(kind, clock, names, scope)
        key = "s.case_id, s.clock"
    else:
        raise ValueError(f"unknown list {kind!r}")
    sort = sort or DEFAULT_SORT.get(kind, "-days")
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    # "since" is a start date or a due date: the earliest first is the longest waiting, the
    # most overdue, or (for due_soon, where days count down to it) the fewest days left.
    ascending = (sort == "-days") == (kind != "due_soon")
    order = f"s.priority DESC, s.since {'ASC' if ascending else 'DESC'}, {key}"
    clock_column = ", s.clock AS clock" if kind in CLOCK_LISTS else ""
    # The page and the list's length in one pass (the count is taken before LIMIT).
    rows = db.query(
        f"SELECT {DETAILS}, s.priority AS priority, s.since AS since, s.extra AS extra, s.total AS total"
        f"{clock_column} FROM (SELECT s.*, COUNT(*) OVER () AS total FROM ({source}) s ORDER BY {order}"
        f" LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}) s"
        f" JOIN {names['timeline']} t ON t.case_id = s.case_id ORDER BY {order}", params)
    if rows:
        total = int(rows[0]["total"])
    else:  # a page past the end says nothing of the length
        total = int(db.query(f"SELECT COUNT(*) AS n FROM ({source}) s", params)[0]["n"])
    return [list_item(kind, scope, row) for row in rows], total


def list_item(kind: str, scope: Scope, row: dict[str, Any]) -> dict[str, Any]:
    since = int(row["since"])
    item = {
        "case_id": row["case_id"], "number": row["number"], "agency": row["agency"],
        "enforcer": row["enforcer"], "debtor": row["debtor"], "creditor": row["creditor"],
        "creditor_kind": row["creditor_kind"], "amount_due": int(row["amount_due"]),
        "outstanding": int(row["amount_due"]) - int(row["collected"]), "state": row["state"],
        "received_on": date.fromordinal(int(row["received_on"])),
    }
    if kind in CLOCK_LISTS:
        item.update(clock=row["clock"], due_on=date.fromordinal(since), clocks=int(row["extra"]),
                    days=scope.d - since if kind == "overdue" else since - scope.d)
    else:
        item.update(since=date.fromordinal(since), days=scope.d - since)
        if kind == "sold_not_delivered":
            item["assets"] = int(row["extra"])
    return item

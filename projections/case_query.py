"""Queries of the case-summary read model (``projections/cases.py``): the case list of
``GET /cases`` with its filters, search, sorts and paging, limited to the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import clock
from domain.access import Actor, Forbidden
from domain.agencies import Directory
from projections.base import Names
from projections.text import like_pattern
from service.store import Database, Transaction

FLAGS = ("large", "credit_institution", "difficult")
SORTS = {
    "-received_on": "received_on DESC, number_key DESC, case_id",
    "received_on": "received_on, number_key, case_id",
    "number": "number_key, case_id",
    "-number": "number_key DESC, case_id",
    # Open cases first, then finished ones (they wait for nothing), the longest waiting first.
    "-days_waiting": "finished, last_on, received_on, number_key, case_id",
    "days_waiting": "finished, last_on DESC, received_on DESC, number_key, case_id",
}
"""Sort names (``-`` = descending) → ORDER BY; every order ends on a unique key so that pages
never overlap."""
ITEM = ("case_id, number, agency, enforcer, stage, state, outcome, able, amount_due, collected,"
        " paid_out, large, credit_institution, difficult, received_on, last_on, closed_on, finished,"
        " creditor_name, debtor_name, version")


@dataclass(frozen=True)
class CaseList:
    """One page of the list, the number of cases matching, and the read model's position."""

    items: list[dict[str, Any]]
    total: int
    position: int


def list_cases(db: Database, names: Names, directory: Directory, actor: Actor, *,
               agency: str | None = None, stage: str | None = None, state: str | None = None,
               enforcer: str | None = None, flag: str | None = None, q: str | None = None,
               overdue: bool | None = None, clocks: str | None = None,
               sort: str = "-received_on", page: int = 1, per_page: int = 50) -> CaseList:
    """The cases in ``actor``'s scope matching every filter given, one page of them.
    ``overdue`` (True: cases with a time-limit clock running and past due today; False: the
    others) reads ``clocks``, the bottlenecks read model's clock table."""
    check_reader(actor)
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    if flag is not None and flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}")
    where: list[str] = []
    params: list[Any] = []
    scope: list[str] | None = None
    if agency and not actor.sees(agency, directory):
        where.append("1 = 0")  # outside the caller's scope (or unknown): nothing, as for a guess
    else:
        scope = _subtree(directory, agency or actor.agency)
    for column, value in (("stage", stage), ("state", state), ("enforcer", enforcer)):
        if value:
            where.append(f"{column} = %s")
            params.append(value)
    if flag:
        where.append(f"{flag} = 1")
    if overdue is not None:
        if clocks is None:
            raise ValueError("the overdue filter needs the bottlenecks read model's clocks table")
        # Running today: not ended and not paused (no business date is in the future, so
        # nothing has ended or paused after today), as the clocks' partial index reads them.
        d = clock.today().toordinal()
        late = (f"SELECT c.case_id FROM {clocks} c WHERE c.ended_on IS NULL AND c.paused_on IS NULL"
                f" AND c.started_on <= {d} AND c.due_on < {d}")
        if scope is not None:  # only the scope's clocks (a clock has its case's agency)
            late += f" AND c.agency IN ({', '.join(['%s'] * len(scope))})"
            params += scope
        where.append(f"case_id {'IN' if overdue else 'NOT IN'} ({late})")
    if q and q.strip():
        where.append("search LIKE %s ESCAPE '\\'")
        params.append(like_pattern(q))
    table = names["summary"]
    offset = (page - 1) * per_page
    scoped = [f"agency IN ({', '.join(['%s'] * len(scope))})"] if scope else []
    condition = f" WHERE {' AND '.join([*scoped, *where])}" if scoped or where else ""
    # A scope of several agencies is read agency by agency (not for the overdue filter: its
    # subquery would run once per agency, and one sort is cheaper).
    merged = len(scope or ()) > 1 and overdue is None and offset + per_page <= MERGE_DEPTH
    every = [*(scope or ()), *params]
    with db.transaction(commit=False) as tx:
        _consistent_snapshot(db, tx)
        position = _position(tx, names)
        total = int(tx.query(f"SELECT COUNT(*) AS n FROM {table}{condition}", every)[0]["n"])
        if offset >= total:
            rows = []
        elif merged and scope:
            rows = _merged_page(tx, table, scope, where, params, SORTS[sort], per_page, offset)
        else:
            rows = tx.query(f"SELECT {ITEM} FROM {table}{condition} ORDER BY {SORTS[sort]}"
                            f" LIMIT {int(per_page)} OFFSET {int(offset)}", every)
    today = clock.today().toordinal()
    return CaseList([list_item(row, today) for row in rows], total, position)


MERGE_DEPTH = 2000
"""Pages up to this depth in a scope of several agencies are read agency by agency."""


def _merged_page(tx: Transaction, table: str, scope: list[str], where: list[str], params: list[Any],
                 order: str, per_page: int, offset: int) -> list[dict[str, Any]]:
    """One page of the cases of the agencies in ``scope``. A province's cases sorted as a
    whole cost a sort of tens of thousands of rows; the first ``offset + per_page`` of each
    agency, read in order from its index, merged and sorted, are the same page."""
    own = " WHERE " + " AND ".join(["agency = %s", *where])
    branch = (f"SELECT * FROM (SELECT {ITEM}, number_key FROM {table}{own} ORDER BY {order}"
              f" LIMIT {int(offset + per_page)}) b")
    return tx.query(f"SELECT {ITEM} FROM ({' UNION ALL '.join([branch] * len(scope))}) u ORDER BY {order}"
                    f" LIMIT {int(per_page)} OFFSET {int(offset)}",
                    [value for code in scope for value in (code, *params)])


def check_reader(actor: Actor) -> None:
    if not actor.may_read_cases():
        raise Forbidden(f"a user with role {actor.role} may not read cases")


def _subtree(directory: Directory, code: str) -> list[str] | None:
    """``code`` and every agency below it; None for the national agency (no filter at all)."""
    if directory.get(code).parent is None:
        return None
    return [code, *(a.code for a in directory.descendants(code))]


def _consistent_snapshot(db: Database, tx: Transaction) -> None:
    """The count, the page and the position must come from one snapshot. SQLite (WAL) keeps
    a read transaction's snapshot anyway; PostgreSQL's default gives each statement its own."""
    if db.dialect == "postgres":
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _position(tx: Transaction, names: Names) -> int:
    found = tx.one("SELECT position FROM rm_generations WHERE projection = %s AND generation = %s",
                   (names.projection, names.generation))
    return int(found["position"]) if found else 0


def list_item(row: dict[str, Any], today: int) -> dict[str, Any]:
    """A row as the list shows it: dates as dates, flags as a list, money still outstanding,
    and days waiting since the latest act (open cases only)."""
    flags = [flag for flag in FLAGS if row[flag]]
    closed_on = row["closed_on"]
    return {
        "id": row["case_id"],
        "number": row["number"],
        "agency": row["agency"],
        "enforcer": row["enforcer"],
        "stage": row["stage"],
        "state": row["state"],
        "outcome": row["outcome"],
        "able": None if row["able"] is None else bool(row["able"]),
        "amount_due": row["amount_due"],
        "collected": row["collected"],
        "paid_out": row["paid_out"],
        "outstanding": row["amount_due"] - row["collected"],
        "flags": flags,
        "received_on": date.fromordinal(row["received_on"]),
        "last_on": date.fromordinal(row["last_on"]),
        "closed_on": None if closed_on is None else date.fromordinal(closed_on),
        "days_waiting": None if row["finished"] else today - row["last_on"],
        "creditor_name": row["creditor_name"],
        "debtor_name": row["debtor_name"],
        "version": row["version"],
    }

"""The office queue (hàng chờ của đơn vị): open cases in the caller's scope that no enforcer is
assigned to yet (a case created without one, or one entrusted from another agency), waiting for
a head to assign them. Read from the case-summary read model, paged like the case list."""

from __future__ import annotations

from typing import Any

from domain import clock
from domain.access import Actor
from domain.agencies import Directory
from projections import case_query
from projections.base import Names
from projections.case_query import SORTS, CaseList, check_reader
from service.store import Database


def unassigned_cases(db: Database, names: Names, directory: Directory, actor: Actor, *,
                     agency: str | None = None, sort: str = "-days_waiting", page: int = 1,
                     per_page: int = 50) -> CaseList:
    """One page of the open cases of ``agency`` (default: the caller's own) and the agencies
    below it that have no enforcer; nothing for an agency outside the caller's scope."""
    check_reader(actor)
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    where = ["enforcer IS NULL", "finished = 0"]
    params: list[Any] = []
    if agency and not actor.sees(agency, directory):
        where.append("1 = 0")
    else:
        scope = case_query._subtree(directory, agency or actor.agency)
        if scope is not None:
            where.append(f"agency IN ({', '.join(['%s'] * len(scope))})")
            params += scope
    table = names["summary"]
    condition = " WHERE " + " AND ".join(where)
    offset = (page - 1) * per_page
    with db.transaction(commit=False) as tx:
        case_query._consistent_snapshot(db, tx)
        position = case_query._position(tx, names)
        total = int(tx.query(f"SELECT COUNT(*) AS n FROM {table}{condition}", params)[0]["n"])
        rows = tx.query(f"SELECT {case_query.ITEM} FROM {table}{condition} ORDER BY {SORTS[sort]}"
                        f" LIMIT {int(per_page)} OFFSET {int(offset)}", params) if offset < total else []
    today = clock.today().toordinal()
    return CaseList([case_query.list_item(row, today) for row in rows], total, position)

"""Time-limit badges of cases, from the bottlenecks read model's ``clocks`` table: which of
their clocks are running on a day and past due or due soon. One query for a page of the case
list, or for one case's page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from projections.bottleneck_query import DUE_SOON_DAYS, Scope
from service.store import Database

CHUNK = 500  # ids per IN (…): under every SQLite build's parameter limit


@dataclass(frozen=True)
class Deadline:
    """A running time-limit clock of a case on ``as_of``."""

    clock: str
    key: str
    started_on: date
    due_on: date
    as_of: date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.as_of

    @property
    def days_left(self) -> int:
        """Days to the due date (negative once past it)."""
        return (self.due_on - self.as_of).days

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.days_left <= DUE_SOON_DAYS


def deadlines(db: Database, clocks: str, case_ids: Iterable[str], as_of: date, *,
              within: int | None = DUE_SOON_DAYS) -> dict[str, list[Deadline]]:
    """Case id → its clocks running on ``as_of`` (not paused by a hold), most urgent first.
    With ``within``, only those overdue or due within that many days (the list's badges);
    with None, every running clock (a case's page)."""
    ids = list(dict.fromkeys(str(i) for i in case_ids))
    found: dict[str, list[Deadline]] = {}
    scope = Scope(None, as_of)
    due = "" if within is None else f" AND c.due_on <= {scope.d + int(within)}"
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = db.query(
            f"SELECT c.case_id, c.clock, c.key, c.started_on, c.due_on FROM {clocks} c"
            f" WHERE c.case_id IN ({', '.join(['%s'] * len(chunk))}) AND {scope.running_at('c')}{due}"
            f" ORDER BY c.due_on, c.clock, c.key", chunk)
        for row in rows:
            found.setdefault(row["case_id"], []).append(Deadline(
                row["clock"], row["key"], date.fromordinal(row["started_on"]),
                date.fromordinal(row["due_on"]), as_of))
    return found

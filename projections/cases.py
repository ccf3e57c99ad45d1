"""The case-summary read model behind ``GET /cases``: one row per case with what a list shows
and filters on, kept by folding each batch of events in memory and writing the changed rows
back with one upsert.

Dates are day ordinals (``date.toordinal()``) so that "days waiting" is a subtraction in SQL
and in Python alike. The rows of recently touched cases stay cached between batches (a case's
events come spread over months of the log), up to ``CACHE_ROWS``; the runner empties the
cache whenever it may no longer match the table.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, ClassVar

from domain.case import EnforcementCase
from domain.values import (
    LARGE_CASE_THRESHOLD,
    AuctionOutcome,
    CaseState,
    Outcome,
    PartyKind,
    Stage,
    VerificationResult,
)
from projections.base import Names, Positioned, Projection
from projections.text import fold
from service.store import Transaction

log = logging.getLogger(__name__)

CACHE_ROWS = 200_000
LOAD_CHUNK = 500  # ids per SELECT … IN (…): well under every SQLite build's parameter limit
_RANK = {stage.value: stage.rank for stage in Stage}
_NUMBER = re.compile(r"(\d+)/(\d{4})(.*)", re.DOTALL)


@dataclass(slots=True)
class Summary:
    """One row of the ``summary`` table."""

    case_id: str
    number: str
    number_key: str
    agency: str
    enforcer: str | None
    stage: str
    state: str
    outcome: str | None
    able: int | None
    initiation: str
    judgment_kind: str
    creditor_name: str
    creditor_kind: str
    debtor_name: str
    amount_due: int
    collected: int
    paid_out: int
    large: int
    credit_institution: int
    difficult: int
    received_on: int
    last_on: int
    closed_on: int | None
    finished: int
    version: int
    search: str
    updated_position: int

    def fold_search(self) -> None:
        # "|" between the parts: a search never matches across two of them.
        self.search = "|".join((fold(self.number), fold(self.creditor_name), fold(self.debtor_name)))

    def advance(self, stage: str) -> None:
        if _RANK[stage] > _RANK[self.stage]:
            self.stage = stage

    def finish(self, outcome: str, on: int) -> None:
        self.state, self.outcome, self.stage = CaseState.CLOSED.value, outcome, Stage.CLOSED.value
        self.closed_on, self.finished = on, 1


COLUMNS = tuple(f.name for f in fields(Summary))
IMMUTABLE = ("case_id", "number", "number_key", "agency", "initiation", "received_on")
"""Set by the acceptance event and never changed: left out of the upsert's SET."""
_values = attrgetter(*COLUMNS)
_TYPES = {"amount_due": "BIGINT", "collected": "BIGINT", "paid_out": "BIGINT",
          "updated_position": "BIGINT", "able": "INTEGER", "large": "INTEGER",
          "credit_institution": "INTEGER", "difficult": "INTEGER", "received_on": "INTEGER",
          "last_on": "INTEGER", "closed_on": "INTEGER", "finished": "INTEGER", "version": "INTEGER"}
_NULLABLE = {"enforcer", "outcome", "able", "closed_on"}


def number_key(number: str) -> str:
    """Sorts generated numbers ``N/YYYY/…`` by year, then N as a number (2 before 10)."""
    match = _NUMBER.fullmatch(number)
    if match is None:
        return number
    return f"{match.group(2)}/{int(match.group(1)):010d}{match.group(3)}"


def _ddl() -> list[str]:
    columns = ",\n    ".join(
        f"{name} {_TYPES.get(name, 'TEXT')}"
        + (" PRIMARY KEY" if name == "case_id" else "" if name in _NULLABLE else " NOT NULL")
        for name in COLUMNS)
    return [
        f"CREATE TABLE IF NOT EXISTS {{t}} (\n    {columns}\n)",
        "CREATE INDEX IF NOT EXISTS {t}_agency ON {t} (agency, received_on)",
        "CREATE INDEX IF NOT EXISTS {t}_received ON {t} (received_on)",
        "CREATE INDEX IF NOT EXISTS {t}_waiting ON {t} (finished, last_on)",
        "CREATE INDEX IF NOT EXISTS {t}_stage ON {t} (stage)",
        "CREATE INDEX IF NOT EXISTS {t}_state ON {t} (state)",
        "CREATE INDEX IF NOT EXISTS {t}_enforcer ON {t} (enforcer)",
        "CREATE INDEX IF NOT EXISTS {t}_number ON {t} (number_key)",
    ]


# ---------------------------------------------------------------- folding one event


def _received(e: Any, case_id: str, on: int) -> Summary:
    row = Summary(
        case_id=case_id, number=e.number, number_key=number_key(e.number), agency=e.agency,
        enforcer=e.enforcer, stage=Stage.RECEIVED.value, state=CaseState.ACTIVE.value, outcome=None,
        able=None, initiation=e.initiation, judgment_kind=e.judgment["kind"],
        creditor_name=e.creditor["name"], creditor_kind=e.creditor["kind"],
        debtor_name=e.debtor["name"], amount_due=e.amount_due, collected=0, paid_out=0,
        large=int(e.amount_due > LARGE_CASE_THRESHOLD),
        credit_institution=int(e.creditor["kind"] == PartyKind.CREDIT_INSTITUTION), difficult=0,
        received_on=on, last_on=on, closed_on=None, finished=0, version=e.originator_version,
        search="", updated_position=0)
    row.fold_search()
    return row


def _verified(row: Summary, e: Any, on: int) -> None:
    row.able = int(e.result == VerificationResult.ABLE)
    row.advance(Stage.VERIFIED.value)


def _auction_held(row: Summary, e: Any, on: int) -> None:
    if e.outcome == AuctionOutcome.SOLD:
        row.advance(Stage.AUCTIONED.value)


def _taken_by_creditor(row: Summary, e: Any, on: int) -> None:
    row.collected += e.price
    row.paid_out += e.price
    row.advance(Stage.AUCTIONED.value)


def _collected(row: Summary, e: Any, on: int) -> None:
    row.collected += e.amount


def _paid_out(row: Summary, e: Any, on: int) -> None:
    row.paid_out += e.amount


def _state(state: str) -> Callable[[Summary, Any, int], None]:
    def change(row: Summary, e: Any, on: int) -> None:
        row.state = state
    return change


def _entrusted(row: Summary, e: Any, on: int) -> None:
    row.state, row.closed_on, row.finished = CaseState.ENTRUSTED.value, on, 1


def _finished(outcome: str) -> Callable[[Summary, Any, int], None]:
    def finish(row: Summary, e: Any, on: int) -> None:
        row.finish(outcome, on)
    return finish


def _reassigned(row: Summary, e: Any, on: int) -> None:
    row.enforcer = e.enforcer


def _difficulty_marked(row: Summary, e: Any, on: int) -> None:
    row.difficult = int(e.difficult)


def _corrected(row: Summary, e: Any, on: int) -> None:
    field, value = e.field, e.value
    if field == "amount_due":
        row.amount_due, row.large = value, int(value > LARGE_CASE_THRESHOLD)
    elif field == "creditor.kind":
        row.creditor_kind, row.credit_institution = value, int(value == PartyKind.CREDIT_INSTITUTION)
    elif field == "judgment.kind":
        row.judgment_kind = value
    elif field in ("creditor.name", "debtor.name"):
        if field == "creditor.name":
            row.creditor_name = value
        else:
            row.debtor_name = value
        row.fold_search()


def _stage(stage: Stage) -> Callable[[Summary, Any, int], None]:
    def advance(row: Summary, e: Any, on: int) -> None:
        row.advance(stage.value)
    return advance


HANDLERS: dict[str, Callable[[Summary, Any, int], None]] = {
    "Verified": _verified,
    "AssetSeized": _stage(Stage.SEIZED),
    "AuctionHeld": _auction_held,
    "AssetTakenByCreditor": _taken_by_creditor,
    "AssetDelivered": _stage(Stage.DELIVERED),
    "MoneyCollected": _collected,
    "MoneyPaidOut": _paid_out,
    "Postponed": _state(CaseState.POSTPONED.value),
    "Suspended": _state(CaseState.SUSPENDED.value),
    "Resumed": _state(CaseState.ACTIVE.value),
    "Entrusted": _entrusted,
    "Terminated": _finished(Outcome.TERMINATED.value),
    "RequestReturned": _finished(Outcome.RETURNED.value),
    "Closed": _finished(Outcome.COMPLETED.value),
    "Reassigned": _reassigned,
    "DifficultyMarked": _difficulty_marked,
    "Corrected": _corrected,
}
"""What each event changes besides ``version`` and ``last_on`` (which every event sets):
AssetValued, PriceReduced, NoteAdded and any event added later change nothing else."""


# ---------------------------------------------------------------- the projection


class CasesProjection(Projection):
    name = "cases"
    version = 1
    tables: ClassVar[dict[str, list[str]]] = {"summary": _ddl()}

    def apply(self, tx: Transaction, names: Names, events: Sequence[Positioned],
              state: dict[str, Any]) -> None:
        cache: OrderedDict[str, Summary] = state.setdefault("rows", OrderedDict())
        table = names["summary"]
        batch: list[tuple[int, Any, str]] = [
            (p.position, p.event, str(p.event.originator_id)) for p in events
            if isinstance(p.event, EnforcementCase.Event)]
        self._load(tx, table, cache, batch)
        changed: dict[str, Summary] = {}
        for position, event, case_id in batch:
            on = event.on.toordinal()
            if type(event).__name__ == "Received":
                row = cache[case_id] = _received(event, case_id, on)
            else:
                found = cache.get(case_id)
                if found is None:
                    log.warning("cases: event %s at %s for a case never received", event, position)
                    continue
                row = found
                handler = HANDLERS.get(type(event).__name__)
                if handler is not None:
                    handler(row, event, on)
                row.version, row.last_on = event.originator_version, on
            row.updated_position = position
            changed[case_id] = row
        self._write(tx, table, changed)
        for case_id in changed:
            cache.move_to_end(case_id)
        while len(cache) > CACHE_ROWS:
            cache.popitem(last=False)

    @staticmethod
    def _load(tx: Transaction, table: str, cache: OrderedDict[str, Summary],
              batch: list[tuple[int, Any, str]]) -> None:
        """Read, in one query per ``LOAD_CHUNK`` ids, the rows of the batch's cases that are
        neither cached nor received in this batch."""
        wanted: dict[str, None] = {}
        received: set[str] = set()
        for _, event, case_id in batch:
            if type(event).__name__ == "Received":
                received.add(case_id)
            elif case_id not in cache and case_id not in received:
                wanted[case_id] = None
        ids = list(wanted)
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start:start + LOAD_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            for found in tx.query(f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE case_id IN ({marks})",
                                  chunk):
                cache[found["case_id"]] = Summary(**found)

    @staticmethod
    def _write(tx: Transaction, table: str, rows: dict[str, Summary]) -> None:
        tx.executemany(_upsert(table), [_values(row) for row in rows.values()])


def _upsert(table: str) -> str:
    marks = ", ".join(["%s"] * len(COLUMNS))
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in IMMUTABLE)
    return (f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"
            f" ON CONFLICT (case_id) DO UPDATE SET {updates}")

"""One case's summary row and how each event changes it: the fold behind the case-summary
read model (``projections/cases.py``). Dates are day ordinals (``date.toordinal()``) so that
"days waiting" is a subtraction in SQL and in Python alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from domain.values import (
    LARGE_CASE_THRESHOLD,
    AuctionOutcome,
    CaseState,
    Outcome,
    PartyKind,
    Stage,
    VerificationResult,
)
from projections.text import fold

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
values = attrgetter(*COLUMNS)
"""A row's column values, in ``COLUMNS`` order."""


def number_key(number: str) -> str:
    """Sorts generated numbers ``N/YYYY/…`` by year, then N as a number (2 before 10)."""
    match = _NUMBER.fullmatch(number)
    if match is None:
        return number
    return f"{match.group(2)}/{int(match.group(1)):010d}{match.group(3)}"


def received(e: Any, case_id: str, on: int) -> Summary:
    """The row of a case just accepted (a ``Received`` event)."""
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

"""The arithmetic of the statistics read model (SPEC §4), without SQL.

Each case contributes *deltas* to monthly rows: flows (received, entrusted, completed,
terminated, returned, money collected) at the month of the act, and changes of the case's open
category (unable, postponed, suspended, in progress) with its outstanding money. A figure "open
at the end of month M" is the sum of the category deltas of months ≤ M; a flow over a period is
the sum of its monthly flows. ``step`` gives the deltas of one event from the case's state
before it; ``full_contribution`` folds a case's whole history with its corrections of
``amount_due`` and ``judgment.kind`` applied from the start, and ``correction_deltas`` turns a
correction into the difference it makes to that contribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

FLOWS = ("n_received", "m_received", "n_entrusted", "m_entrusted", "n_completed", "n_terminated",
         "m_terminated", "n_returned", "m_returned", "m_collected")
CATEGORIES = ("unable", "postponed", "suspended", "progress")
STATES = tuple(f"{k}_{c}" for c in CATEGORIES for k in ("n", "m"))
METRICS = FLOWS + STATES
INDEX = {name: i for i, name in enumerate(METRICS)}

BUCKET = 4096
"""Log positions per ``known`` bucket (the granularity of "as known at" sums)."""
MARK_BUCKETS = 64
"""Buckets between two snapshots of the whole table (a mark every 262,144 positions)."""

CORRECTED_FIELDS = ("amount_due", "judgment.kind")
"""The corrections that change statistics; the others do not."""

FINISHING = {"Closed": "completed", "Terminated": "terminated", "RequestReturned": "returned",
             "Entrusted": "entrusted"}
FINISH_FLOWS = {"Closed": "completed", "Terminated": "terminated", "RequestReturned": "returned",
                "Entrusted": "entrusted"}
HOLDS = {"Postponed": "postponed", "Suspended": "suspended", "Resumed": None}
RELEVANT = frozenset({"Received", "Verified", "MoneyCollected", "AssetTakenByCreditor",
                      *HOLDS, *FINISHING, "Corrected"})

Vector = dict[str, int]
Where = tuple[str, str, str]
"""Where a case's figures go: (agency, initiation, judgment kind)."""
Delta = tuple[Where, int, Vector]
"""(where, month as yyyymm, metric → change)."""


class CaseStat(NamedTuple):
    """What the statistics need to know of one case at one moment."""

    agency: str
    initiation: str
    kind: str
    received_month: int
    amount_due: int
    collected: int
    able: bool | None  # latest verification; None before the first
    hold: str | None  # postponed / suspended
    finished: str | None  # completed / terminated / returned / entrusted

    @property
    def outstanding(self) -> int:
        return self.amount_due - self.collected

    @property
    def where(self) -> Where:
        return self.agency, self.initiation, self.kind

    @property
    def category(self) -> str | None:
        """The open category (None once finished): unable wins over a hold."""
        if self.finished is not None:
            return None
        if self.able is False:
            return "unable"
        return self.hold or "progress"


def month_of(day: date) -> int:
    return day.year * 100 + day.month


def splits(initiation: str, kind: str) -> tuple[str, str]:
    """The rows a case counts in. There is no row for all cases: every case has exactly one
    initiation, so the whole is the sum of the ``init:`` rows (a third fewer rows to write)."""
    return f"init:{initiation}", f"kind:{kind}"


def targets(directory: Any, where: Where) -> list[tuple[str, str]]:
    """Every (node, split) row a case at ``where`` counts in: its agency and each agency above
    it, in the splits of its initiation and of its judgment kind."""
    agency, initiation, kind = where
    return [(node, split) for node in directory.lineage(agency) for split in splits(initiation, kind)]


def is_relevant(event: Any) -> bool:
    name = type(event).__name__
    if name == "Corrected":
        return event.field in CORRECTED_FIELDS
    return name in RELEVANT


def is_correction(event: Any) -> bool:
    return type(event).__name__ == "Corrected" and event.field in CORRECTED_FIELDS


def _open(stat: CaseStat | None, sign: int, into: Vector) -> None:
    category = None if stat is None else stat.category
    if stat is not None and category is not None:
        n, m = f"n_{category}", f"m_{category}"
        into[n] = into.get(n, 0) + sign
        into[m] = into.get(m, 0) + sign * stat.outstanding


def received(event: Any, amount_due: int | None = None, kind: str | None = None) -> CaseStat:
    return CaseStat(event.agency, event.initiation, kind or event.judgment["kind"],
                    month_of(event.on), event.amount_due if amount_due is None else amount_due,
                    0, None, None, None)


def after(before: CaseStat | None, event: Any) -> CaseStat | None:
    """The case's state once ``event`` has happened."""
    name = type(event).__name__
    if name == "Received":
        return received(event)
    if before is None:
        return None
    if name == "Verified":
        return before._replace(able=event.result == "able")
    if name == "MoneyCollected":
        return before._replace(collected=before.collected + event.amount)
    if name == "AssetTakenByCreditor":
        return before._replace(collected=before.collected + event.price)
    if name in HOLDS:
        return before._replace(hold=HOLDS[name])
    if name in FINISHING:
        return before._replace(finished=FINISHING[name], hold=None)
    if name == "Corrected" and event.field == "amount_due":
        return before._replace(amount_due=event.value)
    if name == "Corrected" and event.field == "judgment.kind":
        return before._replace(kind=event.value)
    return before


def flows(event: Any) -> Vector:
    """What an event adds to the flows of its month."""
    name = type(event).__name__
    if name == "Received":
        return {"n_received": 1, "m_received": event.amount_due}
    if name == "MoneyCollected":
        return {"m_collected": event.amount}
    if name == "AssetTakenByCreditor":
        return {"m_collected": event.price}
    if name == "Closed":
        return {"n_completed": 1}
    if name in FINISHING:
        column = FINISHING[name]
        return {f"n_{column}": 1, f"m_{column}": event.outstanding}
    return {}


def step(before: CaseStat | None, event: Any) -> tuple[CaseStat | None, list[Delta]]:
    """The state after ``event`` and its deltas. A correction's deltas need the case's history
    (``correction_deltas``); here it only changes the state."""
    new = after(before, event)
    if new is None or type(event).__name__ == "Corrected":
        return new, []
    vector = flows(event)
    _open(new, 1, vector)
    _open(before, -1, vector)
    vector = {k: v for k, v in vector.items() if v}
    return new, [(new.where, month_of(event.on), vector)] if vector else []


def deltas(before: CaseStat | None, event: Any) -> list[Delta]:
    return step(before, event)[1]


def full_contribution(events: Iterable[Any]) -> tuple[CaseStat | None, dict[tuple[Where, int], Vector]]:
    """A case's whole contribution, as if its corrected amount due and judgment kind had been
    right from the start; answers the final state too."""
    events = list(events)
    amount_due: int | None = None
    kind: str | None = None
    for e in events:
        if is_correction(e):
            if e.field == "amount_due":
                amount_due = e.value
            else:
                kind = e.value
    stat: CaseStat | None = None
    total: dict[tuple[Where, int], Vector] = {}
    for e in events:
        if type(e).__name__ == "Received":
            new: CaseStat | None = received(e, amount_due, kind)
            assert new is not None
            vector = {"n_received": 1, "m_received": new.amount_due}
            _open(new, 1, vector)
            stat, found = new, [(new.where, month_of(e.on), vector)]
        elif is_correction(e):
            continue  # already applied from the start
        else:
            stat, found = step(stat, e)
        for where, month, vector in found:
            add(total.setdefault((where, month), {}), vector)
    return stat, total


def correction_deltas(events: Sequence[Any]) -> list[Delta]:
    """What the last of ``events`` (a correction) changes: the case's full contribution with
    it minus the one without it."""
    _, new = full_contribution(events)
    _, old = full_contribution(events[:-1])
    out: list[Delta] = []
    for key in new.keys() | old.keys():
        vector = dict(new.get(key, {}))
        add(vector, old.get(key, {}), -1)
        vector = {k: v for k, v in vector.items() if v}
        if vector:
            out.append((key[0], key[1], vector))
    return out


def add(into: Vector, vector: Vector, sign: int = 1) -> Vector:
    for name, value in vector.items():
        into[name] = into.get(name, 0) + sign * value
    return into


def case_stat(case: Any) -> CaseStat:
    """The state of an ``EnforcementCase`` aggregate (at any version) as the statistics see it."""
    finished = "entrusted" if case.state == "entrusted" else case.outcome if case.state == "closed" else None
    hold = case.hold["kind"] if case.hold and finished is None else None
    return CaseStat(case.agency, case.initiation, case.judgment["kind"], month_of(case.received_on),
                    case.amount_due, case.collected, case.able, hold, finished)

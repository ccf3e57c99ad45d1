"""A test oracle for SPEC §4: the main figures of the statistics table, computed the slow and
obvious way from the stored events.

Every case's events are folded by business date (``on``) into a few facts: when it was
received and by whom, its amount due, its collections, verifications, holds and how it
ended. The figures for an agency (with the agencies below it) and a period then follow the
column definitions of §4 one by one. This is not production code: it reads the whole log.

Settled readings of §4: to execute = total accepted − entrusted, also in money (an entrusted
case's collections before it left are money completed, like every collection in the period);
a correction of the amount due or of the judgment kind holds from the start; rates are
rounded half up to one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

PAGE = 1000
DAY = timedelta(days=1)


@dataclass
class CaseFacts:
    agency: str
    received_on: date
    amount_due: int
    initiation: str
    kind: str
    collections: list[tuple[date, int]] = field(default_factory=list)
    verifications: list[tuple[date, str]] = field(default_factory=list)
    holds: list[tuple[date, str]] = field(default_factory=list)  # state after each hold event
    ended: tuple[date, str, int] | None = None  # (on, completed/terminated/returned/entrusted,
    #                                             outstanding then)

    def collected(self, before: date | None = None, *, since: date | None = None,
                  until: date | None = None) -> int:
        return sum(amount for on, amount in self.collections
                   if (before is None or on < before) and (since is None or on >= since)
                   and (until is None or on <= until))

    def outstanding(self, until: date) -> int:
        return self.amount_due - self.collected(until=until)

    def ended_by(self, day: date) -> bool:
        return self.ended is not None and self.ended[0] <= day

    def able_at(self, day: date) -> str | None:
        results = [result for on, result in self.verifications if on <= day]
        return results[-1] if results else None

    def state_at(self, day: date) -> str:
        states = [state for on, state in self.holds if on <= day]
        return states[-1] if states else "active"


def read_events(app: Any) -> list[Any]:
    """Every domain event of the log, in log order."""
    events: list[Any] = []
    start = 1
    while True:
        page = app.recorder.select_notifications(start, PAGE)
        events.extend(app.mapper.to_domain_event(n) for n in page)
        if len(page) < PAGE:
            return events
        start = page[-1].id + 1


def fold(events: list[Any]) -> dict[UUID, CaseFacts]:
    """The facts of every case. Within a case, events come in version order, which the
    domain keeps in business-date order."""
    cases: dict[UUID, CaseFacts] = {}
    for e in events:
        name = type(e).__name__
        if name == "Received":
            cases[e.originator_id] = CaseFacts(e.agency, e.on, e.amount_due, e.initiation,
                                               e.judgment["kind"])
            continue
        case = cases[e.originator_id]
        if name == "MoneyCollected":
            case.collections.append((e.on, e.amount))
        elif name == "AssetTakenByCreditor":
            case.collections.append((e.on, e.price))
        elif name == "Verified":
            case.verifications.append((e.on, e.result))
        elif name in ("Postponed", "Suspended"):
            case.holds.append((e.on, name.lower()))
        elif name == "Resumed":
            case.holds.append((e.on, "active"))
        elif name == "Corrected" and e.field == "amount_due":
            case.amount_due = e.value  # a correction fixes the amount from the start
        elif name == "Corrected" and e.field == "judgment.kind":
            case.kind = e.value  # and the kind
        elif name in ("Closed", "Terminated", "RequestReturned", "Entrusted"):
            outcome = {"Closed": "completed", "Terminated": "terminated",
                       "RequestReturned": "returned", "Entrusted": "entrusted"}[name]
            outstanding = getattr(e, "outstanding", case.amount_due - case.collected())
            case.ended = (e.on, outcome, outstanding)
    return cases


@dataclass
class Figures:
    cases: dict[str, int]
    money: dict[str, int]

    def rate(self, of: str) -> float:
        """(completed + terminated) / with conditions, in percent with one decimal."""
        column = self.cases if of == "cases" else self.money
        if column["with_conditions"] <= 0:
            return 0.0
        percent = Decimal(100 * (column["completed"] + column["terminated"])) / column["with_conditions"]
        return float(percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


COLUMNS = ("carried_over", "newly_accepted", "total_accepted", "entrusted", "to_execute",
           "without_conditions", "with_conditions", "completed", "terminated", "returned",
           "postponed", "suspended", "in_progress", "carried_forward")


def figures(cases: dict[UUID, CaseFacts], directory: Any, agency: str, start: date,
            end: date, *, initiation: str | None = None, kind: str | None = None) -> Figures:
    """SPEC §4's table for ``agency`` and the agencies below it, period [start, end]; only
    the cases of one initiation or of one judgment kind when given."""
    c = dict.fromkeys(COLUMNS, 0)
    m = dict.fromkeys(COLUMNS, 0)
    for case in cases.values():
        if not directory.is_within(case.agency, agency) or case.received_on > end:
            continue
        if initiation not in (None, case.initiation) or kind not in (None, case.kind):
            continue
        if case.received_on < start:
            if case.ended is not None and case.ended[0] < start:
                continue
            c["carried_over"] += 1
            m["carried_over"] += case.outstanding(until=start - DAY)
        else:
            c["newly_accepted"] += 1
            m["newly_accepted"] += case.amount_due
        m["completed"] += case.collected(since=start, until=end)
        ended = case.ended if case.ended_by(end) else None
        if ended is not None and ended[1] == "entrusted":
            c["entrusted"] += 1
            m["entrusted"] += ended[2]
            continue
        if ended is not None:
            c[ended[1]] += 1
            if ended[1] != "completed":
                m[ended[1]] += ended[2]
            continue
        left = case.outstanding(until=end)
        c["carried_forward"] += 1
        m["carried_forward"] += left
        if case.able_at(end) == "unable":
            c["without_conditions"] += 1
            m["without_conditions"] += left
            continue
        column = {"postponed": "postponed", "suspended": "suspended"}.get(case.state_at(end),
                                                                           "in_progress")
        c[column] += 1
        m[column] += left
    for col in (c, m):
        col["total_accepted"] = col["carried_over"] + col["newly_accepted"]
        col["to_execute"] = col["total_accepted"] - col["entrusted"]
        col["with_conditions"] = col["to_execute"] - col["without_conditions"]
    return Figures(c, m)


def ranks(cases: dict[UUID, CaseFacts], directory: Any, start: date,
          end: date) -> dict[str, tuple[int, int]]:
    """Each province's rank (1 = highest; ties share a rank) by cases and by money."""
    provinces = [a.code for a in directory.provinces(end)]
    rates = {code: figures(cases, directory, code, start, end) for code in provinces}
    by_cases = {code: f.rate("cases") for code, f in rates.items()}
    by_money = {code: f.rate("money") for code, f in rates.items()}
    return {
        code: (1 + sum(r > by_cases[code] for r in by_cases.values()),
               1 + sum(r > by_money[code] for r in by_money.values()))
        for code in provinces
    }


"""How each event changes a case's bottleneck rows, in memory (SPEC §5).

A clock starts at an event and is satisfied by a later one; its due date is fixed when it
starts, by the rule version in force that day (``domain.time_limits``). Every clock stops when
the case closes or leaves the books; while the case is postponed or suspended its clocks are
paused (the law forbids acting then) and resuming pushes their due dates back by the days held.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from domain.time_limits import RuleBook
from domain.values import LARGE_CASE_THRESHOLD, CaseState, Outcome
from projections.bottleneck_rows import Clock, Timeline

IMMOVABLE = ("land", "house")
_ACTIVE, _CLOSED, _ENTRUSTED = CaseState.ACTIVE.value, CaseState.CLOSED.value, CaseState.ENTRUSTED.value
_HOLD_STATE = {"Postponed": CaseState.POSTPONED.value, "Suspended": CaseState.SUSPENDED.value}
_OUTCOME = {"Terminated": Outcome.TERMINATED.value, "RequestReturned": Outcome.RETURNED.value,
            "Closed": Outcome.COMPLETED.value}


class Folder:
    """Applies events to timeline rows; collects the clock rows and collections to write."""

    def __init__(self, rules: RuleBook):
        self.rules = rules
        self.clocks: dict[tuple[str, str, str], Clock] = {}
        self.collections: list[tuple[str, int, str, int, int]] = []

    def apply(self, line: Timeline, event: Any, on: int) -> None:
        handler = HANDLERS.get(type(event).__name__)
        if handler is not None:
            handler(self, line, event, on)
        line.last_on = on

    # ------------------------------------------------------------ clocks

    def start(self, line: Timeline, clock: str, key: str, started: date,
              variant: str | None = None) -> Clock:
        due, version = self.rules.due(clock, started, variant)
        row = Clock(line.case_id, clock, key, line.agency, started.toordinal(), due.toordinal(), version)
        line.clocks[(clock, key)] = row
        self.clocks[(line.case_id, clock, key)] = row
        return row

    def end(self, line: Timeline, clock: str, key: str, on: int, satisfied: int = 1) -> None:
        row = line.clocks.pop((clock, key), None)
        if row is not None:
            row.ended_on, row.satisfied = on, satisfied
            self.clocks[(line.case_id, clock, key)] = row

    def changed(self, row: Clock) -> None:
        self.clocks[(row.case_id, row.clock, row.key)] = row

    def stop_all(self, line: Timeline, on: int) -> None:
        for clock, key in list(line.clocks):
            self.end(line, clock, key, on, satisfied=0)
        line.sold_undelivered_since = None

    def _delivery_due(self, line: Timeline, row: Clock) -> int:
        """Delivery is due 30 + 30 (60) days after the sale, or 30 (60) after the payment,
        by the rules in force on the day of the sale."""
        asset = int(row.key)
        paid = line.paid.get(asset)
        variant = ("paid_" if paid is not None else "") + ("difficult" if line.difficult else "")
        version = self.rules.by_id[row.rules_version]
        start = date.fromordinal(row.started_on if paid is None else paid)
        return int(version.due("delivery", start, variant.rstrip("_") or None).toordinal())

    def _shift(self, row: Clock, days: int) -> None:
        """Move a due date by the change in its limit, keeping any days added for holds."""
        if days:
            row.due_on += days
            self.changed(row)

    @staticmethod
    def _deliveries(line: Timeline) -> list[Clock]:
        return [row for (clock, _), row in line.clocks.items() if clock == "delivery"]

    def _undelivered(self, line: Timeline) -> None:
        line.sold_undelivered_since = min((c.started_on for c in self._deliveries(line)), default=None)

    # ------------------------------------------------------------ events

    def received(self, event: Any, case_id: str, on: int) -> Timeline:
        requested: date = getattr(event, "requested_on", None) or event.on
        line = Timeline(
            case_id=case_id, agency=event.agency, enforcer=event.enforcer, number=event.number,
            debtor=event.debtor["name"], creditor=event.creditor["name"],
            creditor_kind=event.creditor["kind"], amount_due=event.amount_due, collected=0,
            paid_out=0, initiation=event.initiation, difficult=0, difficult_reason=None,
            difficult_since=None, large=int(event.amount_due > LARGE_CASE_THRESHOLD),
            state=_ACTIVE, outcome=None, able=None,
            requested_on=requested.toordinal(), received_on=on, last_on=on)
        if requested < event.on:  # a decision the same day can never be late: no row
            self.start(line, "decision", "1", requested)
            self.end(line, "decision", "1", on)
        self.start(line, "first_verification", "1", event.on)
        return line

    def verified(self, line: Timeline, event: Any, on: int) -> None:
        able = event.result == "able"
        if line.verified_on is None:
            line.verified_on = on
        self.end(line, "first_verification", "1", on)
        self.end(line, "reverification", str(line.counts[0]), on)
        if able:
            if line.able != 1:
                line.able_since = on
        else:
            line.able_since = None
            line.counts[0] += 1
            self.start(line, "reverification", str(line.counts[0]), event.on)
        line.able = int(able)

    def seized(self, line: Timeline, event: Any, on: int) -> None:
        if line.seized_on is None:
            line.seized_on = on
        line.kinds[event.asset_id] = event.kind
        self.start(line, "valuation", str(event.asset_id), event.on)

    def valued(self, line: Timeline, event: Any, on: int) -> None:
        """A valuation or a price reduction: the next auction is due."""
        asset = event.asset_id
        self.end(line, "valuation", str(asset), on)
        count = line.auctions.get(asset, 0)
        if count:
            self.end(line, "auction", f"{asset}.{count}", on, satisfied=0)  # superseded
        line.auctions[asset] = count + 1
        kind = line.kinds.get(asset)
        self.start(line, "auction", f"{asset}.{count + 1}", event.on, kind if kind in IMMOVABLE else None)

    def auction_held(self, line: Timeline, event: Any, on: int) -> None:
        asset = event.asset_id
        self.end(line, "auction", f"{asset}.{line.auctions.get(asset, 0)}", on)
        if event.outcome == "sold":
            if line.auctioned_on is None:
                line.auctioned_on = on
            self.start(line, "delivery", str(asset), event.on, "difficult" if line.difficult else None)
            self._undelivered(line)

    def taken(self, line: Timeline, event: Any, on: int) -> None:
        asset = event.asset_id
        self.end(line, "auction", f"{asset}.{line.auctions.get(asset, 0)}", on, satisfied=0)
        if line.auctioned_on is None:
            line.auctioned_on = on
        line.collected += event.price
        line.paid_out += event.price  # taken in kind: collected and paid out at once
        line.counts[2] += 1
        self.collections.append((line.case_id, line.counts[2], line.agency, on, event.price))

    def delivered(self, line: Timeline, event: Any, on: int) -> None:
        if line.delivered_on is None:
            line.delivered_on = on
        self.end(line, "delivery", str(event.asset_id), on)
        self._undelivered(line)

    def collected(self, line: Timeline, event: Any, on: int) -> None:
        line.collected += event.amount
        line.counts[2] += 1
        seq = line.counts[2]
        self.collections.append((line.case_id, seq, line.agency, on, event.amount))
        line.unpaid.append([seq, event.amount])
        self.start(line, "payout", str(seq), event.on)
        if event.source == "auction":  # the buyer paid: delivery is now due 30 (60) days later
            for row in self._deliveries(line):
                if int(row.key) not in line.paid:
                    before = self._delivery_due(line, row)
                    line.paid[int(row.key)] = on
                    self._shift(row, self._delivery_due(line, row) - before)

    def paid_out(self, line: Timeline, event: Any, on: int) -> None:
        line.paid_out += event.amount
        amount = event.amount
        while amount > 0 and line.unpaid:
            oldest = line.unpaid[0]
            settled = min(amount, oldest[1])
            oldest[1] -= settled
            amount -= settled
            if oldest[1] == 0:
                line.unpaid.pop(0)
                self.end(line, "payout", str(oldest[0]), on)

    def held(self, line: Timeline, event: Any, on: int) -> None:
        line.state = _HOLD_STATE[type(event).__name__]
        for row in line.clocks.values():
            row.paused_on = on
            self.changed(row)
        line.counts[1] += 1
        until: date | None = getattr(event, "until", None)
        if until is not None:
            self.start(line, "resume", str(line.counts[1]), until)

    def resumed(self, line: Timeline, event: Any, on: int) -> None:
        line.state = _ACTIVE
        self.end(line, "resume", str(line.counts[1]), on)
        for row in line.clocks.values():
            if row.paused_on is not None:
                row.due_on += on - row.paused_on
                row.paused_on = None
                self.changed(row)

    def entrusted(self, line: Timeline, event: Any, on: int) -> None:
        line.state, line.closed_on = _ENTRUSTED, on
        self.stop_all(line, on)

    def finished(self, line: Timeline, event: Any, on: int) -> None:
        line.state, line.outcome, line.closed_on = _CLOSED, _OUTCOME[type(event).__name__], on
        self.stop_all(line, on)

    def reassigned(self, line: Timeline, event: Any, on: int) -> None:
        line.enforcer = event.enforcer

    def difficulty_marked(self, line: Timeline, event: Any, on: int) -> None:
        deliveries = self._deliveries(line)
        before = [self._delivery_due(line, row) for row in deliveries]
        line.difficult = int(event.difficult)
        line.difficult_reason = event.reason if event.difficult else None
        line.difficult_since = on if event.difficult else None
        for row, due in zip(deliveries, before, strict=True):  # 60 days to deliver instead of 30, or back
            self._shift(row, self._delivery_due(line, row) - due)

    def corrected(self, line: Timeline, event: Any, on: int) -> None:
        if event.field == "amount_due":
            line.amount_due, line.large = event.value, int(event.value > LARGE_CASE_THRESHOLD)
        elif event.field == "creditor.kind":
            line.creditor_kind = event.value
        elif event.field == "creditor.name":
            line.creditor = event.value
        elif event.field == "debtor.name":
            line.debtor = event.value


# Functions, not the folder's bound methods: a folder holding those would be a reference cycle,
# freed with every row it collected only by the cycle collector (which a rebuild runs once a batch).
HANDLERS: dict[str, Callable[[Folder, Timeline, Any, int], None]] = {
    "Verified": Folder.verified, "AssetSeized": Folder.seized, "AssetValued": Folder.valued,
    "PriceReduced": Folder.valued, "AuctionHeld": Folder.auction_held,
    "AssetTakenByCreditor": Folder.taken, "AssetDelivered": Folder.delivered,
    "MoneyCollected": Folder.collected, "MoneyPaidOut": Folder.paid_out,
    "Postponed": Folder.held, "Suspended": Folder.held, "Resumed": Folder.resumed,
    "Entrusted": Folder.entrusted, "Terminated": Folder.finished, "RequestReturned": Folder.finished,
    "Closed": Folder.finished, "Reassigned": Folder.reassigned,
    "DifficultyMarked": Folder.difficulty_marked, "Corrected": Folder.corrected,
}

"""Rows of the bottleneck read model: a case's ``Timeline`` (the first date each stage was
reached, the fields of the seed's named lists) and its time-limit ``Clock`` rows.

Dates are day ordinals. What folding needs beyond the columns (asset kinds, unpaid
collections, counters) travels in the timeline row's ``memo`` so that a row read back from the
table folds on exactly like a cached one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

_encode = json.JSONEncoder(separators=(",", ":")).encode
"""One encoder for every memo (``json.dumps`` with separators builds an encoder per call)."""


@dataclass(slots=True)
class Clock:
    case_id: str
    clock: str
    key: str
    agency: str
    started_on: int
    due_on: int
    rules_version: str
    ended_on: int | None = None
    satisfied: int | None = None  # 1: the awaited act happened; 0: stopped (closed, superseded)
    paused_on: int | None = None  # while the case is held


CLOCK_COLUMNS = tuple(f.name for f in fields(Clock))


@dataclass(slots=True)
class Timeline:
    case_id: str
    agency: str
    enforcer: str | None
    number: str
    debtor: str
    creditor: str
    creditor_kind: str
    amount_due: int
    collected: int
    paid_out: int
    initiation: str
    difficult: int
    difficult_reason: str | None
    difficult_since: int | None
    large: int
    state: str
    outcome: str | None
    able: int | None
    requested_on: int
    received_on: int
    verified_on: int | None = None
    seized_on: int | None = None
    auctioned_on: int | None = None
    delivered_on: int | None = None
    closed_on: int | None = None  # closed, or entrusted: the day it left the books
    last_on: int = 0
    sold_undelivered_since: int | None = None  # oldest sale among sold, undelivered assets
    able_since: int | None = None  # start of the current run of `able` verifications
    memo: str = ""
    # Not columns: the memo decoded, and the open clocks.
    kinds: dict[int, str] = field(default_factory=dict)  # asset id -> kind
    paid: dict[int, int] = field(default_factory=dict)  # sold asset id -> day the buyer paid
    unpaid: list[list[int]] = field(default_factory=list)  # [collection seq, amount not paid out]
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])  # unable results, holds, collections
    auctions: dict[int, int] = field(default_factory=dict)  # asset id -> auction clocks started
    clocks: dict[tuple[str, str], Clock] = field(default_factory=dict)

    def encode_memo(self) -> None:
        self.memo = _encode([self.kinds, self.paid, self.unpaid, self.counts, self.auctions])

    def decode_memo(self) -> None:
        kinds, paid, self.unpaid, self.counts, auctions = json.loads(self.memo)
        self.kinds = {int(k): v for k, v in kinds.items()}
        self.paid = {int(k): v for k, v in paid.items()}
        self.auctions = {int(k): v for k, v in auctions.items()}


_NOT_COLUMNS = {"kinds", "paid", "unpaid", "counts", "auctions", "clocks"}
TIMELINE_COLUMNS = tuple(f.name for f in fields(Timeline) if f.name not in _NOT_COLUMNS)

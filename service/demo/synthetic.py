"""Synthetic cases at national scale, for benchmarks and load tests.

Every case goes through the aggregate's own commands (so every rule holds), but cases are
saved many at a time rather than one request each: a million cases in minutes, not hours.
The mix of trajectories is plainer than the demo's; it exercises every read model.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain import clock
from domain.case import EnforcementCase

KINDS = ("criminal", "criminal", "civil", "civil", "business", "family", "administrative", "labour")
BANKS = ("Agribank", "Vietcombank", "BIDV", "VietinBank", "Sacombank", "Techcombank")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Đức", "Thu Hà", "Quốc Hùng", "Thị Lan")


@dataclass(frozen=True)
class SyntheticSummary:
    cases: int
    events: int


def generate(app: Any, cases: int, *, agencies: list[str], year: int, seed: int = 1,
             chunk: int = 500, progress: Callable[[int], Any] | None = None) -> SyntheticSummary:
    """Write ``cases`` cases spread over ``agencies`` whose business dates fall in statistical
    year ``year`` (about a third carried over from the two years before)."""
    rng = random.Random(seed)
    events = 0
    batch: list[EnforcementCase] = []
    for i, case in enumerate(_cases(rng, cases, agencies, year)):
        batch.append(case)
        if len(batch) == chunk or i == cases - 1:
            events += sum(len(c.pending_events) for c in batch)
            app.save(*batch)
            if progress is not None:
                progress(len(batch))
            batch = []
    return SyntheticSummary(cases, events)


def _cases(rng: random.Random, n: int, agencies: list[str], year: int) -> Iterator[EnforcementCase]:
    start = date(year - 1, 10, 1)
    last = min(date(year, 9, 30), clock.today())
    span = (last - start).days
    for i in range(n):
        carried = rng.random() < 0.35
        received = start - timedelta(days=rng.randint(1, 700)) if carried else \
            start + timedelta(days=rng.randint(0, span))
        yield _case(rng, i, rng.choice(agencies), received, last)


def _case(rng: random.Random, i: int, agency: str, received: date, last: date) -> EnforcementCase:
    large = rng.random() < 0.04
    amount = rng.randint(500_000_001, 20_000_000_000) if large else rng.choice(
        (rng.randint(200_000, 5_000_000), rng.randint(5_000_000, 200_000_000)))
    bank = large and rng.random() < 0.5
    kind = "business" if bank else rng.choice(KINDS)
    case = EnforcementCase.receive(
        number=f"S{i}/{received.year}", agency=agency, on=received,
        initiation="on_request" if bank or rng.random() < 0.4 else "ex_officio",
        judgment={"court": "Tòa án nhân dân", "number": f"{i}/{received.year}",
                  "date": received - timedelta(days=rng.randint(10, 60)), "kind": kind},
        creditor={"name": rng.choice(BANKS), "kind": "credit_institution"} if bank else
        {"name": "Nhà nước", "kind": "state"} if kind == "criminal" else
        {"name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}", "kind": "individual"},
        debtor={"name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}", "kind": "individual"},
        amount_due=amount, by="synthetic", enforcer="synthetic")
    day = _Days(rng, received, last)
    if day.next(5, 40) is None:
        return case
    if rng.random() < 0.2:
        case.verify("unable", by="synthetic", on=day.now)
        if rng.random() < 0.6 or day.next(60, 200) is None:
            return case
    case.verify("able", by="synthetic", on=day.now)
    roll = rng.random()
    if roll < 0.5:
        _pay(case, rng, day, amount)
    elif roll < 0.75:
        _auction(case, rng, day, amount)
    elif roll < 0.85 and day.next(5, 60):
        case.postpone("hoan.48.1.c", by="synthetic", on=day.now)
        if rng.random() < 0.5 and day.next(20, 120):
            case.resume(by="synthetic", on=day.now)
    elif roll < 0.92 and day.next(10, 200):
        case.terminate("dc.50.1.c", by="synthetic", on=day.now)
    return case


def _pay(case: EnforcementCase, rng: random.Random, day: _Days, amount: int) -> None:
    if day.next(3, 60) is None:
        return
    full = rng.random() < 0.8
    paid = amount if full else amount // 2
    case.collect(paid, "voluntary", by="synthetic", on=day.now)
    if day.next(1, 10) is None:
        return
    case.pay_out(paid, by="synthetic", on=day.now)
    if full and day.next(1, 15):
        case.close(by="synthetic", on=day.now)


def _auction(case: EnforcementCase, rng: random.Random, day: _Days, amount: int) -> None:
    if day.next(5, 40) is None:
        return
    asset = case.seize("Quyền sử dụng đất", "land", amount, by="synthetic", on=day.now)
    if day.next(5, 30) is None:
        return
    case.value(asset, amount, by="synthetic", on=day.now)
    if day.next(30, 60) is None:
        return
    if rng.random() < 0.3:
        case.auction(asset, "failed", by="synthetic", on=day.now)
        if day.next(10, 30) is None:
            return
        case.reduce_price(asset, amount * 9 // 10, by="synthetic", on=day.now)
        if day.next(20, 45) is None:
            return
    case.auction(asset, "sold", by="synthetic", on=day.now, price=amount)
    if day.next(5, 30) is None:
        return
    case.collect(amount, "auction", by="synthetic", on=day.now)
    if rng.random() < 0.3 or day.next(10, 60) is None:
        return  # sold, paid, not yet delivered: the seed's first bottleneck
    case.deliver(asset, by="synthetic", on=day.now)
    if day.next(1, 10):
        case.pay_out(amount, by="synthetic", on=day.now)
        if day.next(1, 10):
            case.close(by="synthetic", on=day.now)


class _Days:
    """Business dates that only move forward and never pass ``last``."""

    def __init__(self, rng: random.Random, start: date, last: date):
        self.rng, self.now, self.last = rng, start, last

    def next(self, low: int, high: int) -> date | None:
        later = self.now + timedelta(days=self.rng.randint(low, high))
        if later > self.last:
            return None
        self.now = later
        return later

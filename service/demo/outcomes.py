"""Where each case stands on 31 March 2020, chosen so that a province's books show its
target rates by SPEC §4's formulas.

Counts come from quotas (not coin flips), so small scales hit the rates as well as large
ones. Money is then tuned: the cases finished in the period contribute what they had
outstanding, and the money collected on unfinished cases is scaled to make up the rest.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from service.demo.population import CasePlan
from service.demo.scenario import (
    CLEAR_MARGIN,
    POSTPONED_SHARE,
    RETURNED_SHARE,
    START,
    SUSPENDED_SHARE,
    TERMINATED_SHARE,
    VP_CASE_RATE,
    Target,
)

DONE = ("completed", "terminated")
UNFINISHED = ("open", "postponed", "suspended")
MAX_PARTIAL = 0.9
"""An unfinished case has at most this share of its outstanding money collected."""


@dataclass
class Figures:
    """The §4 figures a province's plan should produce (cases, money)."""

    cases: int = 0
    money: int = 0
    with_cases: int = 0
    with_money: int = 0
    done_cases: int = 0
    done_money: int = 0

    @property
    def case_rate(self) -> float:
        return 100 * self.done_cases / self.with_cases if self.with_cases else 0.0

    @property
    def money_rate(self) -> float:
        return 100 * self.done_money / self.with_money if self.with_money else 0.0


def to_execute(plans: list[CasePlan]) -> list[CasePlan]:
    return [p for p in plans if p.status not in ("before", "entrusted")]


def figures(plans: list[CasePlan]) -> Figures:
    f = Figures()
    for p in to_execute(plans):
        f.cases += 1
        f.money += p.outstanding
        if p.status == "without":
            continue
        f.with_cases += 1
        f.with_money += p.outstanding
        if p.status in DONE:
            f.done_cases += 1
            f.done_money += p.outstanding
        elif p.status in UNFINISHED:
            f.done_money += p.collected
    return f


def sample(rng: random.Random, items: list[CasePlan], k: int,
           weight: Callable[[CasePlan], float] = lambda p: 1.0) -> list[CasePlan]:
    """``k`` items drawn without replacement with the given weights (Efraimidis–Spirakis)."""
    keyed = sorted(items, key=lambda p: rng.random() ** (1.0 / weight(p)), reverse=True)
    return keyed[: max(0, k)]


def done_count(with_cases: int, target: Target) -> int:
    """Cases completed or terminated; another province's rate is kept clearly on its side
    of Vĩnh Phúc's whatever the rounding."""
    if target.above_by_cases is None:
        return round(target.case_rate * with_cases)
    if target.above_by_cases:
        n = math.ceil(target.case_rate * with_cases)
        while n < with_cases and n / with_cases < VP_CASE_RATE + CLEAR_MARGIN:
            n += 1
        if n == with_cases and (n - 1) / with_cases > VP_CASE_RATE + CLEAR_MARGIN:
            n -= 1  # leave a case unfinished to carry the money rate
        return n
    n = math.floor(target.case_rate * with_cases)
    while n > 0 and n / with_cases > VP_CASE_RATE - CLEAR_MARGIN:
        n -= 1
    return n


def assign(rng: random.Random, plans: list[CasePlan], target: Target) -> None:
    """Give every case of one province to execute its status at the end of March 2020."""
    items = to_execute(plans)
    free = [p for p in items if p.copy_of is None]  # copies stay in progress
    age = {p.index: max(0, (START - p.received_on).days / 365) if p.received_on else 0.0
           for p in free}

    def unable_weight(p: CasePlan) -> float:
        return (1 + 0.25 * age[p.index]) * (1.5 if p.large else 1.0) * (
            0.3 if p.size == "nonmonetary" else 1.0)

    without = sample(rng, free, min(len(free), round(target.without_share * len(items))),
                     unable_weight)
    for p in without:
        p.status = "without"
    rest = [p for p in free if p.status != "without"]
    with_cases = len(items) - len(without)
    done = min(len(rest), done_count(with_cases, target))
    # Money completes much more slowly than cases when the money rate is low: prefer small
    # cases for completion there, large ones where money runs ahead of cases.
    g = 0.35 if target.money_rate < 0.6 * target.case_rate else -0.15
    finished = sample(rng, rest, done, lambda p: (p.outstanding + 1e6) ** -g)
    terminated = sample(rng, finished, min(done, round(TERMINATED_SHARE * with_cases)))
    for p in finished:
        p.status = "completed"
    for p in terminated:
        p.status = "terminated"
    rest = [p for p in rest if p.status == "open"]
    on_request = [p for p in rest if p.initiation == "on_request"]
    for p in sample(rng, on_request, min(len(on_request), round(RETURNED_SHARE * with_cases))):
        p.status = "returned"
    rest = [p for p in rest if p.status == "open"]
    unfinished = len(rest) + (len(items) - len(free))
    held = sample(rng, rest, round((POSTPONED_SHARE + SUSPENDED_SHARE) * unfinished))
    for i, p in enumerate(held):
        p.status = "suspended" if i < round(SUSPENDED_SHARE * unfinished) else "postponed"
    calibrate(rng, items, target.money_rate)


def calibrate(rng: random.Random, items: list[CasePlan], money_rate: float) -> None:
    """Set the money collected on unfinished cases so that (collected + terminated) / with
    conditions equals ``money_rate``. Where the cases finished carry too much money or too
    little, a finished case trades its status with a smaller or larger unfinished (or
    unable) one, which keeps every count."""
    for p in items:
        p.collect_base = rng.uniform(0.15, 0.6)
        p.collects = p.status in UNFINISHED and p.outstanding >= 2_000 and rng.random() < 0.5
    for _ in range(max(50, len(items) // 4)):
        if not _rebalance(items, money_rate):
            break
    open_ = _unfinished(items)
    with_money = sum(p.outstanding for p in items if p.status != "without")
    fixed = sum(p.outstanding for p in items if p.status in DONE)
    k = _solve([p for p in open_ if p.collects], max(0.0, money_rate * with_money - fixed))
    for p in items:
        p.collected = 0
        if p.collects and p.status in UNFINISHED and p.copy_of is None:
            p.collected = int(round(min(MAX_PARTIAL, k * p.collect_base) * p.outstanding, -3))
        p.collects = p.collected >= 1_000
        p.collected = p.collected if p.collects else 0


def _unfinished(items: list[CasePlan]) -> list[CasePlan]:
    return [p for p in items if p.status in UNFINISHED and p.copy_of is None]


def _rebalance(items: list[CasePlan], money_rate: float) -> bool:
    """One step towards feasibility; False when there is nothing (more) to do."""
    goal = money_rate * sum(p.outstanding for p in items if p.status != "without")
    done = [p for p in items if p.status in DONE]
    fixed = sum(p.outstanding for p in done)
    open_ = _unfinished(items)
    unable = [p for p in items if p.status == "without"]
    if done and fixed > 0.85 * goal:  # finish a smaller case instead of the largest finished
        big = max(done, key=lambda p: p.outstanding)
        for pool in (open_, unable):
            smaller = [p for p in pool if p.outstanding < big.outstanding]
            if smaller:
                return _swap(big, min(smaller, key=lambda p: p.outstanding))
        if unable and open_:  # or make a large unable case able, raising the goal
            big = max(unable, key=lambda p: p.outstanding)
            small = min(open_, key=lambda p: p.outstanding)
            return big.outstanding > small.outstanding and _swap(big, small)
        return False
    capacity = sum(MAX_PARTIAL * p.outstanding for p in open_ if p.collects)
    if fixed + capacity >= goal:
        return False
    idle = [p for p in open_ if not p.collects and p.outstanding >= 2_000]
    if idle:
        max(idle, key=lambda p: p.outstanding).collects = True
        return True
    if not done:
        return False
    small = min(done, key=lambda p: p.outstanding)  # finish a larger case instead
    for pool in (open_, unable):
        larger = [p for p in pool if p.outstanding > small.outstanding]
        if larger:
            return _swap(small, max(larger, key=lambda p: p.outstanding))
    return False


def _swap(a: CasePlan, b: CasePlan) -> bool:
    a.status, b.status = b.status, a.status
    a.collects, b.collects = b.collects and a.outstanding >= 2_000, a.collects
    return True


def _solve(collecting: list[CasePlan], need: float) -> float:
    """The factor k with sum(min(MAX_PARTIAL, k * base) * outstanding) == need (bisection)."""
    if not collecting or need <= 0:
        return 0.0
    low, high = 0.0, MAX_PARTIAL / min(p.collect_base for p in collecting)
    for _ in range(60):
        mid = (low + high) / 2
        got = sum(min(MAX_PARTIAL, mid * p.collect_base) * p.outstanding for p in collecting)
        low, high = (mid, high) if got < need else (low, mid)
    return high

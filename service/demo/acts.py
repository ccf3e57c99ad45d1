"""The acts done on one case, before they get their dates: a small builder that the
trajectories in ``paths`` drive, one method per command of SPEC §3."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.agencies import Directory
from service.demo import names
from service.demo.population import CasePlan

Gap = tuple[int, int]

FINDINGS_ABLE = (
    "Người phải thi hành án có thu nhập ổn định",
    "Người phải thi hành án có tài sản là quyền sử dụng đất",
    "Người phải thi hành án có tài khoản tiền gửi tại ngân hàng",
    "Tài sản bảo đảm đang do người phải thi hành án quản lý, sử dụng",
    "Người phải thi hành án tự nguyện cam kết nộp tiền",
)
FINDINGS_UNABLE = (
    "Người phải thi hành án không có tài sản, thu nhập để thi hành án",
    "Người phải thi hành án đang chấp hành án phạt tù",
    "Không xác định được nơi cư trú của người phải thi hành án",
    "Tài sản duy nhất là nhà ở đang thế chấp cho tổ chức tín dụng khác",
    "Người phải thi hành án thuộc hộ nghèo, không có thu nhập",
)


@dataclass
class Act:
    command: str  # "create" or an API command name ("verify", "pay-out", ...)
    args: dict[str, Any]
    gap: Gap  # days after the previous act
    phase: str  # "pre": before 1 October 2019; "in": in the period
    by: str = "enf"  # "enf" (the case's enforcer then), "head" (the agency's), "creator"
    on: date | None = None
    actor: str = ""


@dataclass
class Acts:
    plan: CasePlan
    rng: random.Random
    directory: Directory
    acts: list[Act] = field(default_factory=list)
    phase: str = "in"
    assets: int = 0

    def __post_init__(self) -> None:
        self.phase = "pre" if self.plan.carried else "in"

    def add(self, command: str, gap: Gap, by: str = "enf", **args: Any) -> None:
        self.acts.append(Act(command, args, gap, self.phase, by))

    def period(self) -> None:
        """What follows happens from 1 October 2019 on."""
        self.phase = "in"

    # ------------------------------------------------------------------ commands

    def create(self) -> None:
        p = self.plan
        data: dict[str, Any] = {
            "agency": p.agency, "received_on": p.received_on, "initiation": p.initiation,
            "judgment": dict(p.judgment), "creditor": dict(p.creditor), "debtor": dict(p.debtor),
            "amount_due": p.amount,
        }
        if p.obligation:
            data["obligation"] = p.obligation
        if p.creator != p.enforcer:
            data["enforcer"] = p.enforcer
        self.acts.append(Act("create", data, (0, 0), self.phase, "creator"))

    def verify(self, able: bool, gap: Gap = (5, 25), findings: str | None = None) -> None:
        text = findings or self.rng.choice(FINDINGS_ABLE if able else FINDINGS_UNABLE)
        self.add("verify", gap, result="able" if able else "unable", findings=text)

    def collect(self, amount: int, source: str, gap: Gap = (5, 40), *, pay: bool = True) -> None:
        self.add("collect", gap, amount=amount, source=source)
        if pay:
            self.pay(amount)

    def pay(self, amount: int, gap: Gap = (2, 10)) -> None:
        self.add("pay-out", gap, amount=amount)

    def installments(self, total: int, source: str, parts: int, gap: Gap = (20, 45)) -> None:
        """Collect ``total`` in ``parts`` payments of round sums, each paid out to the creditor."""
        step = 1_000 if total < 1_000_000 else 100_000 if total < 100_000_000 else 1_000_000
        parts = 1 if total < 3_000_000 else max(1, min(parts, total // step))
        cuts = sorted(self.rng.sample(range(1, total // step), parts - 1)) if parts > 1 else []
        bounds = [0, *(c * step for c in cuts), total]
        for low, high in itertools.pairwise(bounds):
            self.collect(high - low, source, gap)

    def seize(self, kind: str, estimate: int, gap: Gap = (10, 40)) -> int:
        agency = self.directory.get(self.plan.agency)
        plate = "88" if self.plan.province == "C26" else ""
        description = names.asset_description(self.rng, kind, agency.name, plate)
        self.add("seize", gap, description=description, kind=kind, estimated_value=estimate)
        self.assets += 1
        return self.assets

    def value(self, asset: int, price: int, gap: Gap = (7, 25)) -> None:
        self.add("value", gap, asset_id=asset, price=price)

    def sell(self, asset: int, price: int, gap: Gap = (35, 60)) -> None:
        self.add("auction", gap, asset_id=asset, outcome="sold", price=price)

    def fail(self, asset: int, gap: Gap = (35, 60)) -> None:
        self.add("auction", gap, asset_id=asset, outcome="failed")

    def reduce(self, asset: int, price: int, gap: Gap = (5, 15)) -> None:
        self.add("reduce-price", gap, asset_id=asset, price=price)

    def hold(self, command: str, reason: str, gap: Gap = (5, 30)) -> None:
        self.add(command, gap, reason=reason)

    def resume(self, gap: Gap = (20, 60)) -> None:
        self.add("resume", gap)

    def close(self, gap: Gap = (0, 5)) -> None:
        self.add("close", gap)

    def note(self, text: str, gap: Gap = (0, 10)) -> None:
        self.add("note", gap, text=text)


def rounded(value: float, step: int = 1_000_000) -> int:
    """A price in whole steps (a million VND by default), never below one step."""
    return max(step, round(value / step) * step)


# ---------------------------------------------------------------------- building blocks


def history(b: Acts, able: bool | None = None) -> None:
    """A carried-over case's acts before the period: verification and any partial payment."""
    p, rng = b.plan, b.rng
    if p.carried:
        if p.pre_collected:
            b.verify(True)
            b.installments(p.pre_collected, rng.choice(["voluntary", "deduction"]),
                           rng.randint(1, 2), gap=(20, 120))
        if able is None:
            able = rng.random() < 0.4
        if not p.pre_collected or not able:
            b.verify(able, gap=(10, 60))
            if not able and rng.random() < 0.5:
                b.verify(False, gap=(150, 185))  # re-verified within six months
    b.period()


def asset_kind(rng: random.Random, amount: int) -> str:
    if amount >= 300_000_000:
        return rng.choices(["land", "house", "vehicle"], [55, 35, 10])[0]
    if amount >= 20_000_000:
        return rng.choices(["vehicle", "land", "movable"], [40, 40, 20])[0]
    return rng.choice(["vehicle", "movable"])


def prepare(b: Acts, worth: int, *, value: bool = True) -> tuple[int, int]:
    """Verify able, seize an asset worth about ``worth`` and value it; for a carried-over
    case some of this happened before the period. Answers (asset id, starting price)."""
    p, rng = b.plan, b.rng
    step = 1_000_000 if worth >= 20_000_000 else 100_000
    estimate = rounded(worth * rng.uniform(1.0, 1.4), step)
    price = rounded(estimate * rng.uniform(0.85, 1.0), step)
    before = rng.randint(1, 3) if p.carried else 0
    if p.pre_collected:
        history(b, able=True)
        b.phase = "pre" if before > 1 else "in"
    else:
        b.verify(True, gap=(5, 25) if not p.carried else (10, 60))
    if before == 1:
        b.period()
    asset = b.seize(asset_kind(rng, worth), estimate)
    if before == 2:
        b.period()
    if value:
        b.value(asset, price)
    b.period()
    return asset, price


def lower(b: Acts, price: int) -> int:
    step = 1_000_000 if price >= 20_000_000 else 100_000
    return min(price - step, rounded(price * b.rng.uniform(0.85, 0.93), step))

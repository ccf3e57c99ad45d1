"""The demo's scenario in numbers: Vĩnh Phúc after six months of statistical year 2020
(seed article, PLVN 24/04/2020) and the targets that place it among the 63 provinces.

Vĩnh Phúc had over 5,300 cases worth nearly 478 billion VND to execute, had completed 69% by
cases and 25.3% by money, and ranked 12th of 63 by cases and 15th by money. The other
provinces get smaller made-up caseloads whose rates put exactly 11 provinces clearly above
Vĩnh Phúc by cases and 14 by money.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

START = date(2019, 10, 1)
"""First day of statistical year 2020."""
END = date(2020, 3, 31)
"""End of the sixth month: no business date of the demo is later."""
OLDEST = date(2014, 1, 1)
"""Carried-over cases were received from this date on."""

VINH_PHUC = "C26"
VP_CASES = 5312  # "hơn 5 nghìn 3 trăm việc"
VP_MONEY = 477_900_000_000  # "gần 478 tỷ đồng"
VP_CASE_RATE = 0.690
VP_MONEY_RATE = 0.253
VP_RANK_CASES = 12
VP_RANK_MONEY = 15
VP_WITHOUT_SHARE = 0.215
"""Share of cases to execute still without conditions (chưa có điều kiện) at the end."""
VP_ENTRUSTED_WITHIN = 45
VP_ENTRUSTED_OUT = 30

# Vĩnh Phúc's agencies: share of the caseload and number of enforcers (chấp hành viên).
# The department itself takes few, large cases; the two cities and the big rural districts
# are the busiest offices.
VP_AGENCIES: dict[str, tuple[float, int]] = {
    "C26": (0.06, 4),
    "CC243": (0.17, 8),  # Vĩnh Yên
    "CC244": (0.14, 7),  # Phúc Yên
    "CC252": (0.14, 7),  # Vĩnh Tường
    "CC251": (0.12, 6),  # Yên Lạc
    "CC249": (0.10, 5),  # Bình Xuyên
    "CC246": (0.08, 4),  # Lập Thạch
    "CC247": (0.07, 4),  # Tam Dương
    "CC253": (0.06, 3),  # Sông Lô
    "CC248": (0.06, 3),  # Tam Đảo
}
PROVINCE_ENFORCERS = 2
PROVINCE_CASES = (40, 80)
MIN_PROVINCE_CASES = 12
"""Floor on another province's caseload at small scales, so that its rates stay clearly on
their side of Vĩnh Phúc's and the ranks do not depend on the scale."""

# Amount classes: share of cases, and the range of amounts in VND. Most cases are court fees
# and fines of a few million; a few hundred exceed 500 million; a handful are multi-billion
# debts owed to banks.
SIZES: dict[str, tuple[float, int, int]] = {
    "nonmonetary": (0.015, 0, 0),
    "tiny": (0.31, 200_000, 3_000_000),
    "small": (0.5381, 3_000_000, 50_000_000),
    "medium": (0.09, 50_000_000, 500_000_000),
    "large": (0.045, 500_000_001, 2_200_000_000),
    "huge": (0.0019, 4_000_000_000, 18_000_000_000),
}
CARRIED_SHARE = {"nonmonetary": 0.3, "tiny": 0.3, "small": 0.42, "medium": 0.6, "large": 0.75,
                 "huge": 0.85}
"""Chance that a case to execute was received before 1 October 2019 (carried over)."""
BEFORE_SHARE = 0.06
"""Extra cases received in earlier years and finished before 1 October 2019."""

# Shares of the outcomes that are not pinned by a rate.
TERMINATED_SHARE = 0.04  # of cases with conditions
RETURNED_SHARE = 0.008  # of cases with conditions
POSTPONED_SHARE = 0.10  # of the unfinished cases with conditions
SUSPENDED_SHARE = 0.03

CLEAR_MARGIN = 0.03
"""Another province's case rate stays at least this far from Vĩnh Phúc's."""


@dataclass(frozen=True)
class Target:
    """What one province's books should show at the end of March 2020."""

    cases: int  # cases to execute, before entrustments received from Vĩnh Phúc
    case_rate: float
    money_rate: float
    without_share: float
    above_by_cases: bool | None = None  # None for Vĩnh Phúc itself
    above_by_money: bool | None = None


def vinh_phuc_target(scale: float) -> Target:
    return Target(max(20, round(VP_CASES * scale)), VP_CASE_RATE, VP_MONEY_RATE, VP_WITHOUT_SHARE)


def province_targets(rng: random.Random, codes: list[str], scale: float) -> dict[str, Target]:
    """Targets for the other provinces: the first ``VP_RANK_* - 1`` of a shuffled order are
    clearly above Vĩnh Phúc, the others clearly below."""
    by_cases = list(codes)
    rng.shuffle(by_cases)
    above_cases = by_cases[: VP_RANK_CASES - 1]
    by_money = list(codes)
    rng.shuffle(by_money)
    above_money = by_money[: VP_RANK_MONEY - 1]
    targets = {}
    for code in codes:
        high_cases = code in above_cases
        high_money = code in above_money
        targets[code] = Target(
            cases=max(MIN_PROVINCE_CASES, round(rng.randint(*PROVINCE_CASES) * scale)),
            case_rate=rng.uniform(0.76, 0.92) if high_cases else rng.uniform(0.42, 0.63),
            money_rate=rng.uniform(0.32, 0.58) if high_money else rng.uniform(0.07, 0.20),
            without_share=rng.uniform(0.15, 0.30),
            above_by_cases=high_cases,
            above_by_money=high_money,
        )
    return targets


def scaled(n: int, scale: float, minimum: int = 0) -> int:
    return max(minimum, round(n * scale))

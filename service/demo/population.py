"""Who owes what to whom: the demo's cases before anything happens to them.

A ``CasePlan`` holds a case's agency, dates, amount, judgment and parties; ``outcomes`` then
decides how far it gets by 31 March 2020 and ``paths`` what is done to it on the way.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.agencies import Directory
from service.demo import names
from service.demo.scenario import CARRIED_SHARE, END, OLDEST, SIZES, START
from service.demo.staff import Unit

LARGE = 500_000_000
CARRIED_YEARS = {2014: 4, 2015: 6, 2016: 8, 2017: 12, 2018: 25, 2019: 45}
NEW_MONTHS = {(2019, 10): 10, (2019, 11): 10, (2019, 12): 11, (2020, 1): 8, (2020, 2): 8,
              (2020, 3): 6}  # Tết in late January, Covid-19 from February
KIND_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "nonmonetary": (("civil", 60), ("family", 25), ("administrative", 15)),
    "tiny": (("criminal", 70), ("civil", 15), ("family", 7), ("administrative", 3), ("labour", 2),
             ("business", 3)),
    "small": (("criminal", 42), ("civil", 33), ("family", 10), ("labour", 5), ("business", 8),
              ("administrative", 2)),
    "medium": (("civil", 45), ("business", 27), ("criminal", 23), ("labour", 5)),
    "large": (("business", 50), ("civil", 30), ("criminal", 20)),
    "huge": (("business", 1),),
}
ROUNDING = {"tiny": 50_000, "small": 100_000, "medium": 1_000_000, "large": 1_000_000,
            "huge": 1_000_000}
DEPARTMENT_WEIGHT = {"nonmonetary": 0.3, "tiny": 0.2, "small": 0.4, "medium": 1.5, "large": 5.0,
                     "huge": 12.0}
"""How much likelier than its caseload share a Vĩnh Phúc case of each size lands at the
department itself rather than at an office."""
OBLIGATIONS = {
    "civil": ("Buộc trả lại {n} m² đất lấn chiếm tại {where}",
              "Buộc tháo dỡ công trình xây dựng trên đất của nguyên đơn tại {where}",
              "Buộc giao trả nhà ở tại {where}"),
    "family": ("Giao con chung cho {who} trực tiếp trông nom, chăm sóc, nuôi dưỡng",),
    "administrative": ("Buộc cấp giấy chứng nhận quyền sử dụng đất tại {where} cho người khởi kiện",),
}


@dataclass
class CasePlan:
    index: int
    province: str
    agency: str
    size: str
    carried: bool
    received_on: date | None  # None for a copy until its original's entrustment is dated
    amount: int
    pre_fraction: float
    kind: str
    initiation: str
    creditor: dict[str, str]
    debtor: dict[str, str]
    judgment: dict[str, Any]
    obligation: str | None
    enforcer: str
    creator: str | None
    status: str = "open"
    collects: bool = False
    collect_base: float = 0.0
    collected: int = 0  # money collected in the period on a case left unfinished
    path: str = ""
    entrust_to: str | None = None
    copy_of: int | None = None
    copy_index: int | None = None

    @property
    def pre_collected(self) -> int:
        """Money collected before 1 October 2019 on a carried-over case."""
        if not self.carried or self.status == "before":
            return 0
        return int(self.amount * self.pre_fraction) // 1000 * 1000

    @property
    def outstanding(self) -> int:
        """Still to collect on 1 October 2019 (carried over) or when received (new)."""
        return self.amount - self.pre_collected

    @property
    def large(self) -> bool:
        return self.amount > LARGE


def largest_remainder(total: int, shares: dict[str, float]) -> dict[str, int]:
    raw = {k: total * s / sum(shares.values()) for k, s in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    by_remainder = sorted(raw, key=lambda k: (counts[k] - raw[k], k))
    for k in by_remainder[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def weekday(d: date) -> date:
    """Offices work Monday to Friday: a weekend date moves to the Friday before."""
    return d - timedelta(days=max(0, d.weekday() - 4))


def received_date(rng: random.Random, carried: bool, *, before: bool = False) -> date:
    if carried:
        years = list(CARRIED_YEARS)
        year = rng.choices(years, weights=list(CARRIED_YEARS.values()))[0]
        first = max(OLDEST, date(year, 1, 1))
        last = date(2019, 6, 30) if before and year == 2019 else min(date(year, 12, 31),
                                                                     START - timedelta(days=1))
    else:
        month = rng.choices(list(NEW_MONTHS), weights=list(NEW_MONTHS.values()))[0]
        first = date(*month, 1)
        last = min(END, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    d = weekday(first + timedelta(days=rng.randint(0, (last - first).days)))
    return d if d >= first else first + timedelta(days=7 - first.weekday())


def amount_for(rng: random.Random, size: str) -> int:
    _, low, high = SIZES[size]
    if high == 0:
        return 0
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    step = ROUNDING[size]
    return max(low, round(value / step) * step)


def parties(rng: random.Random, size: str, amount: int, province_place: str,
            agency_name: str) -> dict[str, Any]:
    """Judgment kind, initiation, creditor, debtor and any non-monetary obligation."""
    mix = KIND_MIX[size]
    kind = rng.choices([k for k, _ in mix], weights=[w for _, w in mix])[0]
    person = {"name": names.person(rng), "kind": "individual"}
    org = {"name": names.company(rng), "kind": "organisation"}
    state = {"name": names.STATE_CREDITOR, "kind": "state"}
    debtor = person
    obligation = None
    if size == "nonmonetary":
        template = rng.choice(OBLIGATIONS[kind])
        obligation = template.format(n=rng.randint(20, 300), where=names.address(rng, agency_name),
                                     who=names.person(rng))
        creditor = {"name": names.person(rng), "kind": "individual"}
    elif kind == "criminal":
        creditor = state if rng.random() < 0.75 else {"name": names.person(rng), "kind": "individual"}
    elif size == "tiny" and rng.random() < 0.6:
        creditor = state  # court fees (án phí) are collected ex officio
    elif kind == "business":
        bank_share = 0.0 if amount < 100_000_000 else 1.0 if size == "huge" else 0.7
        if rng.random() < bank_share:
            creditor = {"name": names.bank(rng, province_place), "kind": "credit_institution"}
            debtor = org if rng.random() < 0.6 else person
        else:
            creditor, debtor = {"name": names.company(rng), "kind": "organisation"}, org
    elif kind == "labour":
        creditor, debtor = person, org
    elif kind == "administrative":
        creditor = person
        debtor = {"name": f"Ủy ban nhân dân {names.area(agency_name)}", "kind": "state"}
    else:
        bank_share = 0.15 if amount >= 50_000_000 else 0.0
        if rng.random() < bank_share:
            creditor = {"name": names.bank(rng, province_place), "kind": "credit_institution"}
        else:
            creditor = {"name": names.person(rng), "kind": "individual"}
    initiation = "ex_officio" if creditor["kind"] == "state" else "on_request"
    return {"kind": kind, "initiation": initiation, "creditor": creditor, "debtor": debtor,
            "obligation": obligation}


def judgment(rng: random.Random, directory: Directory, agency: str, kind: str,
             received_on: date) -> dict[str, Any]:
    """The judgment a case enforces: the local court at first instance, or on appeal the
    provincial court (for an office) or the high court (for a department)."""
    a = directory.get(agency)
    province = directory.province_of(agency)
    assert province is not None
    appeal = rng.random() < 0.15
    if appeal:
        court = names.court(province.name) if a.level == "office" else names.high_court(province.code)
    else:
        court = names.court(a.name)
    judged = received_on - timedelta(days=rng.randint(20, 200 if appeal else 120))
    return {"court": court, "number": names.judgment_number(rng, kind, judged.year, appeal=appeal),
            "date": judged, "kind": kind}


class CaseFactory:
    """Makes ``CasePlan``s with consecutive indexes."""

    def __init__(self, rng: random.Random, directory: Directory, units: dict[str, Unit]):
        self.rng = rng
        self.directory = directory
        self.units = units
        self.plans: list[CasePlan] = []

    def make(self, province: str, agency: str, size: str, *, carried: bool,
             status: str = "open") -> CasePlan:
        rng = self.rng
        received = received_date(rng, carried, before=status == "before")
        amount = amount_for(rng, size)
        province_place = names.area(self.directory.get(province).name)
        agency_name = self.directory.get(agency).name
        who = parties(rng, size, amount, province_place, agency_name)
        unit = self.units[agency]
        enforcer = rng.choice(unit.enforcers)
        plan = CasePlan(
            index=len(self.plans), province=province, agency=agency, size=size, carried=carried,
            received_on=received, amount=amount,
            pre_fraction=rng.uniform(0.05, 0.5) if size != "nonmonetary" and rng.random() < 0.25
            else 0.0,
            kind=who["kind"], initiation=who["initiation"], creditor=who["creditor"],
            debtor=who["debtor"], judgment=judgment(rng, self.directory, agency, who["kind"], received),
            obligation=who["obligation"], enforcer=enforcer,
            creator=unit.head if rng.random() < 0.1 else enforcer, status=status,
        )
        self.plans.append(plan)
        return plan

    def copy(self, original: CasePlan, to_agency: str) -> CasePlan:
        """The case the receiving agency gets when ``original`` is entrusted to it."""
        province = self.directory.province_of(to_agency)
        assert province is not None
        plan = CasePlan(
            index=len(self.plans), province=province.code, agency=to_agency, size=original.size,
            carried=False, received_on=None, amount=original.outstanding, pre_fraction=0.0,
            kind=original.kind, initiation=original.initiation, creditor=original.creditor,
            debtor=original.debtor, judgment=original.judgment, obligation=original.obligation,
            enforcer=self.rng.choice(self.units[to_agency].enforcers), creator=None,
            path="copy", copy_of=original.index,
        )
        original.entrust_to = to_agency
        original.copy_index = plan.index
        self.plans.append(plan)
        return plan

    def carried(self, size: str) -> bool:
        return self.rng.random() < CARRIED_SHARE[size]

"""The whole demo as a plan, in memory: every case, its outcome and its dated acts.

Planning draws every random number, in a fixed order, from one ``random.Random(seed)``; the
same seed and scale give the same plan, and so the same events.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from domain.agencies import Directory
from service.demo import outcomes, paths
from service.demo.acts import Act
from service.demo.population import (
    DEPARTMENT_WEIGHT,
    LARGE,
    CaseFactory,
    CasePlan,
    largest_remainder,
)
from service.demo.scenario import (
    BEFORE_SHARE,
    END,
    SIZES,
    VINH_PHUC,
    VP_AGENCIES,
    VP_ENTRUSTED_OUT,
    VP_ENTRUSTED_WITHIN,
    VP_MONEY,
    Target,
    province_targets,
    scaled,
    vinh_phuc_target,
)
from service.demo.schedule import decorate, resolve_actors, schedule
from service.demo.staff import Unit, plan_units

SHOWCASE = {"completed": ("auction", "creditor"), "open": ("sold", "delivered")}
"""Trajectories Vĩnh Phúc shows at every scale (when it has a case that fits)."""
MISTAKE_SHARE = 0.005


@dataclass
class Plan:
    units: dict[str, Unit]
    cases: list[CasePlan]
    acts: dict[int, list[Act]] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)

    def province(self, code: str) -> list[CasePlan]:
        return [p for p in self.cases if p.province == code]


def make_plan(directory: Directory, seed: int, scale: float) -> Plan:
    rng = random.Random(seed)
    units = plan_units(directory)
    factory = CaseFactory(rng, directory, units)
    others = [a.code for a in directory.provinces(END) if a.code != VINH_PHUC]
    targets = {VINH_PHUC: vinh_phuc_target(scale), **province_targets(rng, others, scale)}
    _vinh_phuc(rng, factory, units, targets[VINH_PHUC], others, scale)
    for code in others:
        _province(rng, factory, code, targets[code].cases)
    plan = Plan(units, factory.plans, targets=targets)
    for code, target in targets.items():
        outcomes.assign(rng, plan.province(code), target)
    for p in plan.cases:
        p.path = paths.choose(rng, p)
    _showcase(plan.province(VINH_PHUC))
    vp = outcomes.to_execute(plan.province(VINH_PHUC))
    mistaken = {p.index for p in outcomes.sample(rng, vp, max(3, round(MISTAKE_SHARE * len(vp))))}
    for p in plan.cases:  # in index order: an original is dated before its copy
        acts = paths.build(rng, directory, p)
        unit = units[p.agency]
        mistake = p.index in mistaken or (p.province != VINH_PHUC and rng.random() < MISTAKE_SHARE)
        decorate(rng, p, acts, unit, mistake)
        if p.copy_of is not None:
            entrust = next(a for a in plan.acts[p.copy_of] if a.command == "entrust")
            p.received_on = entrust.on
        schedule(rng, p, acts)
        resolve_actors(p, acts, unit)
        plan.acts[p.index] = acts
    return plan


def _vinh_phuc(rng: random.Random, factory: CaseFactory, units: dict[str, Unit], target: Target,
               others: list[str], scale: float) -> None:
    """Vĩnh Phúc's cases: to execute, finished before the year, and entrusted out."""
    codes = [code for code, unit in units.items()
             if factory.directory.is_within(code, VINH_PHUC)]
    shares = {code: VP_AGENCIES.get(code, (0.05, 3))[0] for code in codes}
    within = scaled(VP_ENTRUSTED_WITHIN, scale, 1)
    out = scaled(VP_ENTRUSTED_OUT, scale, 1)

    def agency(size: str) -> str:
        weights = [s * (DEPARTMENT_WEIGHT[size] if c == VINH_PHUC else 1.0)
                   for c, s in shares.items()]
        return rng.choices(codes, weights)[0]

    for size in _sizes(rng, target.cases - within):
        factory.make(VINH_PHUC, agency(size), size, carried=factory.carried(size))
    for _ in range(round(BEFORE_SHARE * target.cases)):
        size = rng.choice(["tiny", "small", "small", "medium"])
        factory.make(VINH_PHUC, agency(size), size, carried=True, status="before")
    leaving = []
    for _ in range(within + out):
        size = rng.choice(["small", "small", "medium"])
        leaving.append(factory.make(VINH_PHUC, agency(size), size, carried=factory.carried(size),
                                    status="entrusted"))
    _rescale(factory.plans, VP_MONEY * scale - sum(p.outstanding for p in leaving[:within]))
    offices = [c for c in codes if c != VINH_PHUC]
    for i, p in enumerate(leaving):
        nearby = [c for c in offices if c != p.agency]
        factory.copy(p, rng.choice(nearby) if i < within else rng.choice(others))


def _province(rng: random.Random, factory: CaseFactory, code: str, cases: int) -> None:
    for size in _sizes(rng, cases):
        factory.make(code, code, size, carried=factory.carried(size))
    for _ in range(round(BEFORE_SHARE * cases)):
        factory.make(code, code, rng.choice(["tiny", "small", "medium"]), carried=True,
                     status="before")


def _sizes(rng: random.Random, n: int) -> list[str]:
    counts = largest_remainder(n, {size: share for size, (share, _, _) in SIZES.items()})
    sizes = [size for size, count in counts.items() for _ in range(count)]
    rng.shuffle(sizes)
    return sizes


def _rescale(plans: list[CasePlan], money: float) -> None:
    """Stretch the large cases' amounts above 500 million so that the cases to execute are
    worth ``money`` in all (the small cases keep theirs)."""
    items = outcomes.to_execute(plans)
    big = [p for p in items if p.size in ("large", "huge")]
    fixed = sum(p.outstanding for p in items if p.size not in ("large", "huge"))
    base = LARGE + 1_000_000

    def kept(p: CasePlan) -> float:  # share of the amount still outstanding on 1 October
        return 1 - p.pre_fraction if p.carried else 1.0

    floor = sum(kept(p) * base for p in big)
    stretch = sum(kept(p) * (p.amount - base) for p in big)
    if not big or stretch <= 0:
        return
    factor = min(4.0, max(0.25, (money - fixed - floor) / stretch))
    for p in big:
        p.amount = base + int(round((p.amount - base) * factor, -6))


def _showcase(vp: list[CasePlan]) -> None:
    """Make sure Vĩnh Phúc shows an auction, a creditor taking an asset and assets sold
    (delivered or not) even at small scales."""
    for status, wanted in SHOWCASE.items():
        fits = [p for p in vp if p.status == status and p.outstanding >= 20_000_000
                and (p.carried or (p.received_on is not None and p.received_on < paths.LATE_NEW))
                and (status == "completed" or p.collects)]
        for path in wanted:
            if not any(p.path == path for p in vp):
                spare = [p for p in fits if p.path not in wanted]
                if spare:
                    spare[0].path = path

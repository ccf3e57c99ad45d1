"""Which trajectory a case follows (``choose``) and its acts (``build``)."""

from __future__ import annotations

import random
from datetime import date

from domain.agencies import Directory
from service.demo.acts import Act, Acts
from service.demo.population import CasePlan
from service.demo.trajectories import TRAJECTORIES

LATE_NEW = date(2020, 1, 1)
"""New cases received from this date on are too young for an auction by the end of March."""
LAST_MONTH = date(2020, 3, 1)




def choose(rng: random.Random, p: CasePlan) -> str:
    """The trajectory of a case with its status, size and dates."""
    o = p.outstanding
    early = p.carried or (p.received_on is not None and p.received_on < LATE_NEW)
    if p.status == "completed":
        if p.size == "nonmonetary":
            return "obligation"
        if o >= 20_000_000 and early:
            return rng.choices(["voluntary", "deduction", "auction", "creditor"], [45, 10, 35, 10])[0]
        return "voluntary" if rng.random() < 0.8 else "deduction"
    if p.status == "open" and p.copy_of is None:
        if p.collects:
            if o >= 20_000_000 and early:
                return rng.choices(["installments", "sold", "delivered"], [40, 35, 25])[0]
            return "installments"
        if not p.carried and p.received_on and p.received_on >= LAST_MONTH and rng.random() < 0.6:
            return "unverified"  # received in March 2020, not verified yet
        if p.creditor["kind"] == "credit_institution" and p.large and rng.random() < 0.7:
            return "able_idle"  # the seed's bottleneck: able, nothing seized
        if o >= 20_000_000 and early and p.size != "nonmonetary":
            return rng.choices(["able_idle", "seized", "valued", "failed", "reverified"],
                               [25, 20, 15, 25, 15])[0]
        return rng.choices(["able_idle", "reverified"], [60, 40])[0]
    if p.status == "postponed" and not p.collects and o >= 20_000_000 and early:
        return "unsold" if rng.random() < 0.3 else "held"
    return p.path or p.status


def build(rng: random.Random, directory: Directory, p: CasePlan) -> list[Act]:
    b = Acts(p, rng, directory)
    if p.copy_of is None:
        b.create()
    TRAJECTORIES[p.path](b)
    return b.acts

"""Demo data (``thads demo``): Vĩnh Phúc's civil judgment enforcement after six months of
statistical year 2020, as in the seed article, and 62 smaller provinces to rank it against.

Everything goes through the application layer (users, ``create_case``, ``command``), so the
demo obeys every rule a real user does. The same seed gives the same events.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.demo.outcomes import figures
from service.demo.plan import make_plan
from service.demo.runner import DemoError, run
from service.demo.scenario import END, START, VINH_PHUC
from service.demo.staff import DEMO_PASSWORD, create_staff, demo_logins, plan_staff

__all__ = ["DEMO_PASSWORD", "DemoError", "DemoSummary", "demo_logins", "seed_demo"]


@dataclass(frozen=True)
class DemoSummary:
    cases_created: int
    events_written: int
    users_created: int
    elapsed_seconds: float


def seed_demo(app: Any, *, seed: int = 2020, scale: float = 1.0,
              echo: Callable[[str], Any] = print, progress: bool = True) -> DemoSummary:
    """Fill ``app`` (a ``CaseApplication``) with the demo's users and cases; ``scale``
    multiplies the number of cases, ``progress`` shows a progress bar."""
    began = time.perf_counter()
    plan = make_plan(app.directory, seed, scale)
    staff = plan_staff(plan.units, seed)
    echo(f"Demo users: {len(staff)} accounts (password {DEMO_PASSWORD}); existing ones are kept")
    users = create_staff(app.users, staff)
    vp = figures(plan.province(VINH_PHUC))
    echo(f"Vĩnh Phúc {START:%d/%m/%Y}–{END:%d/%m/%Y} (planned): {vp.cases:,} cases to execute "
         f"worth {vp.money / 1e9:,.1f} billion VND; {vp.case_rate:.1f}% by cases, "
         f"{vp.money_rate:.1f}% by money")
    head = app.log_head()
    cases = run(app, plan, progress=progress,
                label=f"Seeding {len(plan.cases):,} cases (seed {seed}, scale {scale:g})")
    summary = DemoSummary(cases, app.log_head() - head, users, time.perf_counter() - began)
    echo(f"Demo seeded: {summary.cases_created:,} cases, {summary.events_written:,} events, "
         f"{summary.users_created} new users in {summary.elapsed_seconds:.1f} s")
    return summary

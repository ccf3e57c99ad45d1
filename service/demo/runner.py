"""Carry out a plan through the application, in business-date order across all cases, so the
event log reads like the agencies' own chronology."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import click

from domain.access import Actor
from domain.errors import CaseError
from service.demo.plan import Plan


class DemoError(RuntimeError):
    """A planned act was refused: a bug in the demo's plan (or in the rules)."""


def run(app: Any, plan: Plan, *, progress: bool, label: str) -> int:
    """Create every case and give every command; answers the number of cases created."""
    order = sorted(
        (act.on, index, seq)
        for index, acts in plan.acts.items()
        for seq, act in enumerate(acts)
    )
    last = {index: len(acts) - 1 for index, acts in plan.acts.items()}
    ids: dict[int, UUID] = {}
    actors: dict[str, Actor] = {}
    cases = plan.cases
    created = 0
    with _bar(len(plan.acts), progress, label) as advance:
        for _, index, seq in order:
            act = plan.acts[index][seq]
            actor = actors.get(act.actor)
            if actor is None:
                user = app.users.get(act.actor)
                if user is None:
                    raise DemoError(f"demo user {act.actor} does not exist")
                actor = actors[act.actor] = user.actor
            try:
                if act.command == "create":
                    written = app.create_case(actor, act.args)
                    ids[index] = written.case.id
                    created += 1
                else:
                    args = {**act.args, "on": act.on}
                    written = app.command(actor, ids[index], act.command, args)
                    if act.command == "entrust":
                        copy_index = cases[index].copy_index
                        assert copy_index is not None
                        ids[copy_index] = UUID(written.case.entrusted_case)
                        created += 1
            except CaseError as error:
                raise DemoError(
                    f"case {index} ({cases[index].path}), act {seq} {act.command} on {act.on} "
                    f"by {act.actor}: {error.message}"
                ) from error
            if seq == last[index]:
                advance()
    return created


@contextmanager
def _bar(length: int, show: bool, label: str) -> Iterator[Callable[[], None]]:
    if not show:
        yield lambda: None
        return
    with click.progressbar(length=length, label=label, show_pos=True) as bar:
        yield lambda: bar.update(1)

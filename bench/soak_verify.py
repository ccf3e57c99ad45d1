"""The soak's acceptance, checked on the store once everything has stopped: every command
that got a 2xx has its event in the store (at the position it was told, of that case, at
that version), and every read model equals the same read model rebuilt from scratch (the
comparison of ``tests/integration/test_read_models_replay.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.agencies import default_directory
from projections import all_projections
from projections.registry import Registry
from projections.runner import Runner
from service.application import CaseApplication
from tests.integration.test_read_models_replay import dump


@dataclass
class Verdict:
    acks: int = 0
    missing: list[Any] = field(default_factory=list)  # acks whose event is not where it was said
    events: int = 0  # events the soak wrote (after the seeded head)
    differs: list[str] = field(default_factory=list)  # read models unlike a rebuild
    compared: dict[str, int] = field(default_factory=dict)  # rows per read model


def verify(url: str, seeded_head: int, acks: list[list[Any]]) -> Verdict:
    app = CaseApplication(url, default_directory(), create_tables=False)
    try:
        verdict = Verdict(acks=len(acks))
        stored = _events_after(app, seeded_head)
        verdict.events = len(stored)
        for case_id, version, position in acks:
            if stored.get(int(position)) != (str(case_id), int(version)):
                verdict.missing.append([case_id, version, position, stored.get(int(position))])
        registry = Registry(app.db, all_projections())
        live = {name: dump(app, registry, name) for name in registry.projections}
        Runner(app, registry).rebuild_many(list(registry.projections))
        for name in registry.projections:
            again = dump(app, registry, name)
            verdict.compared[name] = sum(len(rows) for rows in again.values())
            if again != live[name]:
                verdict.differs.append(name)
        return verdict
    finally:
        app.close()


def _events_after(app: CaseApplication, head: int) -> dict[int, tuple[str, int]]:
    """Position → (case id, version) of every event after ``head``."""
    found: dict[int, tuple[str, int]] = {}
    start = head + 1
    while True:
        page = app.recorder.select_notifications(start, 1000)
        if not page:
            return found
        for n in page:
            found[int(n.id)] = (str(n.originator_id), int(n.originator_version))
        start = int(page[-1].id) + 1

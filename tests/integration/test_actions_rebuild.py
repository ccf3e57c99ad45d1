"""The actions read model rebuilt from scratch equals the one kept live, rebuilt alone or in
the process of its companion (the statistics) beside the other read models; one row per event,
nothing folded. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask

from projections.runner import Runner
from tests.integration.action_helpers import logged, seed
from tests.integration.web_case_helpers import services


def rows(app: Flask) -> list[tuple[Any, ...]]:
    db, registry = services(app).cases.db, services(app).read_models.registry
    table = registry.active_names("actions", max_age=0)["log"]
    return [tuple(r.values()) for r in db.query(f"SELECT * FROM {table} ORDER BY position")]


def runner(app: Flask) -> Runner:
    return services(app).read_models.runner


def test_a_rebuild_equals_the_live_read_model(app: Flask) -> None:
    seed(app)
    live = rows(app)
    events = logged(app)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in live] == [
        (e["position"], e["username"], e["case_id"], e["version"], e["type"]) for e in events]
    before = services(app).read_models.registry.active("actions")
    rebuilt = runner(app).rebuild("actions")
    assert before is not None and rebuilt.generation == before.generation + 1
    assert rows(app) == live


def test_rebuilt_in_processes_it_keeps_the_statistics_company(app: Flask) -> None:
    seed(app)
    live = rows(app)
    registry = services(app).read_models.registry
    building = [registry.start_building(registry.projections[name])
                for name in ("cases", "statistics", "actions")]
    groups = runner(app).process_groups(building)
    assert [[g.projection for g in group] for group in groups] == [["cases"], ["statistics", "actions"]]
    for generation in building:
        registry.discard_building(registry.projections[generation.projection])
    runner(app).rebuild_many(["cases", "statistics", "actions"], fresh=True, processes=True)
    assert rows(app) == live
    positions = registry.positions()
    assert positions["actions"] == positions["statistics"] == services(app).cases.log_head()
    alone = registry.start_building(registry.projections["actions"])  # its companion is not rebuilt
    assert [[g.projection for g in group] for group in runner(app).process_groups([alone])] == [["actions"]]
    registry.discard_building(registry.projections["actions"])
    every = [registry.start_building(p) for p in registry.projections.values()]
    # The case list's own companion is the bottleneck model: two processes for everything.
    assert [[g.projection for g in group] for group in runner(app).process_groups(every)] == [
        ["cases", "bottlenecks"], ["statistics", "actions"]]

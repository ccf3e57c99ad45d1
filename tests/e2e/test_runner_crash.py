"""The runner as a real process: killed with SIGKILL in the middle of rebuilding more than
100,000 events it continues on restart, and the result equals a clean rebuild; on PostgreSQL
eight processes appending at once while it follows leave no event unprojected."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from psycopg.rows import tuple_row

from domain.agencies import default_directory
from projections import all_projections
from projections.registry import Registry
from service.application import CaseApplication
from service.demo.synthetic import generate
from tests.conftest import PASSWORD
from tests.e2e.appending import append

pytestmark = pytest.mark.slow
OFFICES = [a.code for a in default_directory().offices(date(2026, 1, 1))]


def thads(store_url: str, tmp: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "THADS_DATABASE_URL": store_url, "THADS_VAR_DIR": str(tmp / "var")}
    log = open(tmp / "runner.log", "ab")  # noqa: SIM115
    return subprocess.Popen([sys.executable, "-m", "service.cli", *args], env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def dump(app: CaseApplication) -> dict[str, Any]:
    """Every row of every active read model, sorted, by table. The rows are read as tuples
    (a dict per row took half the time of reading half a million rows)."""
    registry = Registry(app.db, all_projections())
    out = {}
    with app.db.transaction(commit=False) as tx:
        tx.cursor.row_factory = None if app.db.dialect == "sqlite" else tuple_row
        for name in registry.projections:
            for table, physical in registry.active_names(name, max_age=0).items():
                tx.cursor.execute(f"SELECT * FROM {physical}")
                out[f"{name}.{table}"] = sorted((tuple(r) for r in tx.cursor.fetchall()), key=repr)
    return out


class Collected:
    """Stands in for the application in ``generate``: keeps each batch's events."""

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []

    def save(self, *cases: Any) -> None:
        self.batches.append([event for case in cases for event in case.collect_events()])


@pytest.fixture(scope="module")
def synthetic() -> list[list[Any]]:
    """The events of 24,000 synthetic cases in the batches ``generate`` saves them in, made
    once for both stores (the domain's part of writing them is the same for each)."""
    collected = Collected()
    generate(collected, 24_000, agencies=OFFICES, year=2026, seed=7)
    return collected.batches


def test_killed_mid_rebuild_the_runner_continues_and_matches_a_clean_rebuild(
        store_url: str, tmp_path: Path, synthetic: list[list[Any]]) -> None:
    app = CaseApplication(store_url, default_directory())
    for batch in synthetic:
        app.save(*batch)
    head = app.log_head()
    assert head >= 100_000
    registry = Registry(app.db, all_projections())
    registry.create_tables()

    # Batches of 10,000 events: the rebuild commits ten times before it is done.
    first = thads(store_url, tmp_path, "project", "--rebuild", "all", "--batch", "10000")
    deadline = time.monotonic() + 240
    while True:
        building = [g for g in registry.generations() if g.status == "building"]
        if building and min(g.position for g in building) > head // 4:
            break
        assert first.poll() is None, (tmp_path / "runner.log").read_text()
        assert time.monotonic() < deadline, "the rebuild did not get a quarter of the way"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    interrupted = [g for g in registry.generations() if g.status == "building"]
    assert interrupted and all(0 < g.position < head for g in interrupted), (interrupted, head)

    resumed_run = thads(store_url, tmp_path, "project", "--rebuild", "all", "--batch", "10000")
    assert resumed_run.wait(timeout=600) == 0
    assert {g.generation for g in registry.generations() if g.status == "active"} >= \
        {g.generation for g in interrupted}
    assert set(registry.positions().values()) == {head}
    resumed = dump(app)

    clean_run = thads(store_url, tmp_path, "project", "--rebuild", "all", "--fresh", "--batch", "10000")
    assert clean_run.wait(timeout=600) == 0  # the same batches: counter rows summing to 0 alike
    assert set(registry.positions().values()) == {head}
    assert dump(app) == resumed
    app.close()


def test_eight_processes_appending_while_the_runner_follows_skip_nothing(
        postgres_database: str, tmp_path: Path) -> None:
    from tests.conftest import reset_postgres

    reset_postgres(postgres_database)
    app = CaseApplication(postgres_database, default_directory())
    app.users.create("chv.khuvuc", PASSWORD, "enforcer", "T25-KV01")
    Registry(app.db, all_projections()).create_tables()
    runner = thads(postgres_database, tmp_path, "project")
    try:
        deadline = time.monotonic() + 60
        while "projection runner following the log" not in (tmp_path / "runner.log").read_text():
            assert runner.poll() is None, (tmp_path / "runner.log").read_text()
            assert time.monotonic() < deadline, "the runner did not start following the log"
            time.sleep(0.05)
        context = multiprocessing.get_context("spawn")
        writers = [context.Process(target=append, args=(postgres_database, w, 25)) for w in range(8)]
        for w in writers:
            w.start()
        for w in writers:
            w.join(timeout=300)
            assert w.exitcode == 0
        head = app.log_head()
        registry = Registry(app.db, all_projections())
        deadline = time.monotonic() + 60
        while set(registry.positions().values()) != {head}:
            assert time.monotonic() < deadline, (registry.positions(), head)
            time.sleep(0.1)
        events = app.db.query("SELECT COUNT(*) AS n FROM thads_events")[0]["n"]
        summary = registry.active_names("cases", max_age=0)["summary"]
        projected = app.db.query(f"SELECT COUNT(*) AS n, SUM(version) AS v FROM {summary}")[0]
        assert int(projected["n"]) == 8 * 25
        assert int(projected["v"]) == int(events) == 8 * 25 * 3
    finally:
        runner.terminate()
        runner.wait(timeout=30)
        app.close()

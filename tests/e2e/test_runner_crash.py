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

from domain.agencies import default_directory
from projections import all_projections
from projections.registry import Registry
from service.application import CaseApplication
from service.demo.synthetic import generate
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow
OFFICES = [a.code for a in default_directory().offices(date(2026, 1, 1))]


def thads(store_url: str, tmp: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "THADS_DATABASE_URL": store_url, "THADS_VAR_DIR": str(tmp / "var")}
    log = open(tmp / "runner.log", "ab")  # noqa: SIM115
    return subprocess.Popen([sys.executable, "-m", "service.cli", *args], env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def dump(app: CaseApplication) -> dict[str, Any]:
    registry = Registry(app.db, all_projections())
    out = {}
    for name in registry.projections:
        for table, physical in registry.active_names(name, max_age=0).items():
            rows = app.db.query(f"SELECT * FROM {physical}")
            out[f"{name}.{table}"] = sorted((tuple(r.values()) for r in rows), key=repr)
    return out


def test_killed_mid_rebuild_the_runner_continues_and_matches_a_clean_rebuild(
        store_url: str, tmp_path: Path) -> None:
    app = CaseApplication(store_url, default_directory())
    generate(app, 24_000, agencies=OFFICES, year=2026, seed=7)
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
    assert interrupted and all(0 < g.position < head for g in interrupted)

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


def _append(url: str, worker: int, cases: int) -> None:
    app = CaseApplication(url, default_directory(), create_tables=False)
    actor = app.users.get("chv.khuvuc").actor  # type: ignore[union-attr]
    for i in range(cases):
        written = app.create_case(actor, {
            "agency": "T25-KV01", "received_on": date(2026, 1, 5), "initiation": "on_request",
            "judgment": {"court": "TAND", "number": f"{worker}-{i}", "date": date(2025, 12, 1),
                         "kind": "civil"},
            "creditor": {"name": "Trần Văn Bình", "kind": "individual"},
            "debtor": {"name": f"Lê Thị {worker}-{i}", "kind": "individual"}, "amount_due": 1000})
        app.command(actor, written.case.id, "verify", {"result": "able", "on": date(2026, 1, 6)})
        app.command(actor, written.case.id, "collect", {"amount": 10, "source": "voluntary",
                                                        "on": date(2026, 1, 7)})
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
        time.sleep(2)
        context = multiprocessing.get_context("spawn")
        writers = [context.Process(target=_append, args=(postgres_database, w, 25)) for w in range(8)]
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

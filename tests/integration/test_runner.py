"""The projection runner: exactly-once batches committed with their position, restarts that
continue, rebuilds into a new generation while the old one serves, several runners at once."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest

from domain.agencies import default_directory
from domain.case import EnforcementCase
from projections import runner as runner_module
from projections.base import Names, Positioned, Projection, cached_cases
from projections.registry import ACTIVE, RETIRED, Registry
from projections.runner import REBUILD_CACHED_CASES, REBUILD_QUEUED, Folded, Runner
from service.application import CaseApplication
from service.store import Transaction


class Counting(Projection):
    """Counts events per topic, and keeps every position it saw (to catch duplicates)."""

    name = "counting"
    tables = {  # noqa: RUF012
        "topics": ["CREATE TABLE IF NOT EXISTS {t} (topic TEXT PRIMARY KEY, n BIGINT NOT NULL)"],
        "seen": ["CREATE TABLE IF NOT EXISTS {t} (position BIGINT PRIMARY KEY)",
                 "CREATE INDEX IF NOT EXISTS {t}_desc ON {t} (position DESC)"],
    }

    def prepare(self, reader: Any, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        counts: dict[str, int] = {}
        for e in events:
            counts[e.topic] = counts.get(e.topic, 0) + 1
        return counts, events

    def write(self, tx: Transaction, names: Names, prepared: Any) -> None:
        counts, events = prepared
        tx.executemany(f"INSERT INTO {names['topics']} (topic, n) VALUES (%s, %s) ON CONFLICT (topic)"
                       f" DO UPDATE SET n = {names['topics']}.n + excluded.n", list(counts.items()))
        tx.executemany(f"INSERT INTO {names['seen']} (position) VALUES (%s)",
                       [(e.position,) for e in events])


def receive(app: CaseApplication, n: int, start: int = 0) -> None:
    """``n`` cases, each received and verified, saved many at a time."""
    cases = []
    for i in range(start, start + n):
        case = EnforcementCase.receive(
            number=f"{i}/2020", agency="CC243", on=date(2020, 1, 2), initiation="ex_officio",
            judgment={"court": "TAND", "number": f"{i}/HS", "date": date(2019, 12, 1), "kind": "criminal"},
            creditor={"name": "Nhà nước", "kind": "state"},
            debtor={"name": f"Bị án {i}", "kind": "individual"},
            amount_due=1000, by="test")
        case.verify("able", by="test", on=date(2020, 1, 3))
        cases.append(case)
    app.save(*cases)


@pytest.fixture
def store(store_url: str) -> Iterator[tuple[CaseApplication, Registry, Runner]]:
    app = CaseApplication(store_url, default_directory())
    registry = Registry(app.db, [Counting()])
    registry.create_tables()
    yield app, registry, Runner(app, registry, batch=7, rebuild_batch=7)
    app.close()


def counts(app: CaseApplication, registry: Registry) -> dict[str, int]:
    names = registry.active_names("counting", max_age=0)
    return {r["topic"]: int(r["n"]) for r in app.db.query(f"SELECT topic, n FROM {names['topics']}")}


def test_catch_up_applies_every_event_once_in_batches(store: Any) -> None:
    app, registry, runner = store
    receive(app, 10)
    assert runner.catch_up() == 20
    assert counts(app, registry) == {"Received": 10, "Verified": 10}
    assert registry.positions() == {"counting": app.log_head()}
    assert runner.catch_up() == 0


def test_a_new_runner_continues_where_the_last_one_stopped(store: Any) -> None:
    app, registry, runner = store
    receive(app, 5)
    runner.catch_up()
    receive(app, 3, start=5)
    fresh = Runner(app, Registry(app.db, [Counting()]), batch=4)
    assert fresh.catch_up() == 6
    assert counts(app, registry) == {"Received": 8, "Verified": 8}


def test_a_batch_that_fails_commits_nothing(store: Any) -> None:
    app, registry, _runner = store
    receive(app, 3)

    class Failing(Counting):
        def apply(self, tx: Transaction, names: Names, events: Sequence[Positioned],
                  state: dict[str, Any]) -> None:
            super().apply(tx, names, events, state)
            raise RuntimeError("boom")

    broken = Runner(app, Registry(app.db, [Failing()]), batch=100)
    with pytest.raises(RuntimeError):
        broken.catch_up()
    assert registry.positions() == {"counting": 0}
    assert counts(app, registry) == {}


def test_runners_racing_never_apply_an_event_twice(store: Any) -> None:
    app, registry, _ = store
    receive(app, 60)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            Runner(app, Registry(app.db, [Counting()]), batch=5).catch_up()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    names = registry.active_names("counting", max_age=0)
    seen = app.db.query(f"SELECT COUNT(*) AS n FROM {names['seen']}")[0]["n"]
    assert int(seen) == 120 == app.log_head()
    assert counts(app, registry) == {"Received": 60, "Verified": 60}


def test_rebuild_fills_a_new_generation_while_the_old_one_serves(store: Any) -> None:
    app, registry, runner = store
    receive(app, 10)
    runner.catch_up()
    old = registry.active("counting")
    served: list[dict[str, int]] = []

    def progress(_: int) -> None:
        served.append(counts(app, registry))  # readers still see the complete old generation

    new = runner.rebuild("counting", progress=progress)
    assert served and all(s == {"Received": 10, "Verified": 10} for s in served)
    assert new.generation == old.generation + 1
    statuses = {g.generation: g.status for g in registry.generations("counting")}
    assert statuses == {old.generation: RETIRED, new.generation: ACTIVE}
    assert counts(app, registry) == {"Received": 10, "Verified": 10}
    assert registry.positions() == {"counting": app.log_head()}


def indexes(app: CaseApplication, table: str) -> set[str]:
    if app.db.dialect == "sqlite":
        rows = app.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                            " AND sql IS NOT NULL", (table,))
    else:
        rows = app.db.query("SELECT indexname AS name FROM pg_indexes WHERE tablename = %s"
                            " AND indexname NOT LIKE %s", (table, "%_pkey"))
    return {r["name"] for r in rows}


def test_a_rebuild_builds_secondary_indexes_only_when_complete(store: Any) -> None:
    app, registry, runner = store
    receive(app, 3)
    projection = registry.projections["counting"]
    building = registry.start_building(projection)
    table = registry.names("counting", building.generation)["seen"]
    assert indexes(app, table) == set()  # kept row by row by nobody while it fills
    runner.rebuild("counting")
    assert indexes(app, table) == {f"{table}_desc"}
    assert registry.active("counting").generation == building.generation  # type: ignore[union-attr]


def test_an_interrupted_rebuild_continues_on_restart(store: Any) -> None:
    app, registry, runner = store
    receive(app, 10)
    runner.catch_up()

    class Interrupt(Exception):
        pass

    def stop_after_two_batches(_: int, calls: list[int] = []) -> None:  # noqa: B006
        calls.append(1)
        if len(calls) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        runner.rebuild("counting", progress=stop_after_two_batches)
    building = registry.building("counting")
    assert building is not None and 0 < building.position < app.log_head()
    restarted = Runner(app, Registry(app.db, [Counting()]), batch=7, rebuild_batch=7)
    new = restarted.rebuild("counting")
    assert new.generation == building.generation
    assert counts(app, registry) == {"Received": 10, "Verified": 10}


class Caching(Counting):
    """Counts too, and notes how many cases its runner lets it keep cached, batch by batch."""

    def __init__(self) -> None:
        self.limits: list[int] = []

    def prepare(self, reader: Any, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        self.limits.append(cached_cases(state, 5))
        return super().prepare(reader, names, events, state)


def test_a_rebuild_keeps_every_case_cached_and_following_keeps_the_default(store: Any) -> None:
    app, _, _ = store
    receive(app, 10)
    projection = Caching()
    registry = Registry(app.db, [projection])
    runner = Runner(app, registry, batch=7, rebuild_batch=7)
    runner.catch_up()
    assert projection.limits == [5, 5, 5]  # 20 events in batches of 7
    projection.limits.clear()
    runner.rebuild("counting")
    assert projection.limits == [REBUILD_CACHED_CASES] * 3
    assert counts(app, registry) == {"Received": 10, "Verified": 10}


@pytest.mark.parametrize("cached", [REBUILD_CACHED_CASES, 12])
def test_a_rebuild_on_sqlite_folds_on_while_another_process_holds_the_write_lock(
        sqlite_dir: Any, cached: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # With batches of more than half the cases a rebuild keeps cached (7 > 12 / 2), a folded
    # batch is never queued: a projection may have evicted some of its cases.
    monkeypatch.setattr(runner_module, "REBUILD_CACHED_CASES", cached)
    queues = cached == REBUILD_CACHED_CASES
    app = CaseApplication(f"sqlite:///{sqlite_dir}/events.sqlite", default_directory())
    try:
        receive(app, 20)  # 40 events: 6 batches of 7
        projection = Caching()
        registry = Registry(app.db, [projection])
        registry.create_tables()
        runner = Runner(app, registry, batch=7, rebuild_batch=7)
        written: list[int] = []
        write = runner._write_folded

        def noting(queue: list[Folded], *, wait: bool) -> bool:
            done = write(queue, wait=wait)
            if done:
                written.append(len(queue))
            return done

        runner._write_folded = noting  # type: ignore[method-assign]
        other = sqlite3.connect(f"{sqlite_dir}/events.sqlite", isolation_level=None, check_same_thread=False)
        release = threading.Timer(1.0, other.execute, ("COMMIT",))
        prepare = projection.prepare

        def first_taking_the_lock(*args: Any) -> Any:
            if release.ident is None:  # another process starts writing: SQLite's write lock is taken
                other.execute("BEGIN IMMEDIATE")
                release.start()
            return prepare(*args)

        projection.prepare = first_taking_the_lock  # type: ignore[method-assign,assignment]
        runner.rebuild("counting")
        release.join()
        other.close()
        # While the lock was taken, batches were folded and queued, up to REBUILD_QUEUED; the
        # queue was written in one transaction once the lock was free, and nothing evicted
        # from the cache while a batch waited.
        if queues:
            assert written[0] == REBUILD_QUEUED and sum(written) == 6
            assert projection.limits[:REBUILD_QUEUED] == [REBUILD_CACHED_CASES, 1 << 62, 1 << 62]
        else:
            assert written == [1] * 6 and projection.limits == [cached] * 6
        assert counts(app, registry) == {"Received": 20, "Verified": 20}
        assert registry.positions() == {"counting": app.log_head()}
    finally:
        app.close()


def test_a_rebuild_on_sqlite_outwaits_a_write_lock_held_longer_than_the_store_waits(
        sqlite_dir: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = CaseApplication(f"sqlite:///{sqlite_dir}/events.sqlite?lock_timeout=1", default_directory())
    try:
        receive(app, 20)
        registry = Registry(app.db, [Counting()])
        registry.create_tables()
        runner = Runner(app, registry, batch=7, rebuild_batch=7)
        other = sqlite3.connect(f"{sqlite_dir}/events.sqlite", isolation_level=None, check_same_thread=False)
        release = threading.Timer(2.5, other.execute, ("COMMIT",))
        read = runner.read

        def first_taking_the_lock(after: int, limit: int) -> list[Positioned]:
            if release.ident is None:
                other.execute("BEGIN IMMEDIATE")
                release.start()
            return read(after, limit)

        runner.read = first_taking_the_lock  # type: ignore[method-assign]
        runner.rebuild("counting")
        release.join()
        other.close()
        assert "held SQLite's write lock for as long as the store waits; trying again" in caplog.text
        assert counts(app, registry) == {"Received": 20, "Verified": 20}
        assert registry.positions() == {"counting": app.log_head()}
    finally:
        app.close()


def test_follow_keeps_up_until_stopped(store: Any) -> None:
    app, registry, runner = store
    stop = threading.Event()
    thread = threading.Thread(target=runner.follow, args=(stop,), kwargs={"poll": 0.01})
    thread.start()
    try:
        receive(app, 5)
        for _ in range(200):
            if registry.positions().get("counting") == app.log_head():
                break
            stop.wait(0.05)
        assert counts(app, registry) == {"Received": 5, "Verified": 5}
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_follow_switches_to_a_rebuilt_generation(store: Any) -> None:
    app, registry, runner = store
    receive(app, 3)
    stop = threading.Event()
    thread = threading.Thread(target=runner.follow, args=(stop,), kwargs={"poll": 0.01})
    thread.start()
    try:
        Runner(app, Registry(app.db, [Counting()]), batch=50).rebuild("counting")
        stop.wait(1.5)  # the follower notices the new generation within a second
        receive(app, 4, start=3)
        for _ in range(200):
            if registry.positions().get("counting") == app.log_head():
                break
            stop.wait(0.05)
        assert counts(app, registry) == {"Received": 7, "Verified": 7}
    finally:
        stop.set()
        thread.join(timeout=10)


def index_names(app: CaseApplication, table: str) -> set[str]:
    if app.db.dialect == "sqlite":
        rows = app.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", (table,))
    else:
        rows = app.db.query("SELECT indexname AS name FROM pg_indexes WHERE tablename = %s", (table,))
    return {r["name"] for r in rows}


def test_an_index_added_in_a_release_is_built_on_the_active_generation(store: Any) -> None:
    app, registry, runner = store
    receive(app, 3)
    runner.catch_up()
    seen = registry.active_names("counting", max_age=0)["seen"]
    app.db.create([f"DROP INDEX {seen}_desc"])  # as the code before the index was declared
    assert f"{seen}_desc" not in index_names(app, seen)
    Registry(app.db, [Counting()]).create_tables()  # the next start
    assert f"{seen}_desc" in index_names(app, seen)
    assert counts(app, registry) == {"Received": 3, "Verified": 3}  # no rebuild: the rows stay

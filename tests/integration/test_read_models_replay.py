"""After any sequence of commands, every read model — kept current batch by batch as the
commands were given — equals the same read model rebuilt from scratch over the event log."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.agencies import default_directory
from domain.errors import CaseError
from projections import all_projections, stats_model
from projections.registry import Registry
from projections.runner import Runner
from service.application import CaseApplication
from service.errors import ServiceError
from tests.conftest import PG_URL, reset_postgres, sqlite_folder

START = date(2019, 9, 2)
AGENCIES = ("CC243", "CC244", "C26")
COMMAND = st.sampled_from([
    ("verify", {"result": "able"}), ("verify", {"result": "unable"}),
    ("seize", {"description": "Nhà", "kind": "house", "estimated_value": 500}),
    ("value", {"asset_id": 1, "price": 400}), ("auction", {"asset_id": 1, "outcome": "failed"}),
    ("reduce-price", {"asset_id": 1, "price": 300}),
    ("auction", {"asset_id": 1, "outcome": "sold", "price": 300}),
    ("hand-to-creditor", {"asset_id": 1, "price": 200}), ("deliver", {"asset_id": 1}),
    ("collect", {"amount": 100, "source": "voluntary"}), ("collect", {"amount": 300, "source": "auction"}),
    ("pay-out", {"amount": 100}), ("postpone", {"reason": "hoan.48.1.c"}),
    ("suspend", {"reason": "tdc.49.2"}),
    ("resume", {}), ("terminate", {"reason": "dc.50.1.c"}), ("return-request", {"reason": "td.51.1.c"}),
    ("close", {}), ("entrust", {"to_agency": "CC246"}), ("reassign", {"enforcer": "chv.b"}),
    ("reassign", {"enforcer": "chv.a"}), ("note", {"text": "ghi chú"}),
    ("mark-difficult", {"difficult": True, "reason": "Hội đồng CHV"}),
    ("correct", {"corrects": 1, "field": "amount_due", "value": 700, "reason": "nhầm"}),
    ("correct", {"corrects": 1, "field": "judgment.kind", "value": "civil", "reason": "nhầm"}),
    ("correct", {"corrects": 1, "field": "debtor.name", "value": "Đặng Thị Hoa", "reason": "nhầm"}),
])
STEP = st.tuples(st.integers(0, 3), COMMAND, st.integers(0, 40))
HEADS = ("truong", "pho")  # two heads of the province: the actions read model tells them apart
WHO = st.lists(st.sampled_from(HEADS), min_size=1, max_size=6)
"""Who gives each command in turn (the first creates the first case, and so on, cycling)."""
CASE = st.tuples(st.sampled_from(AGENCIES), st.sampled_from(["ex_officio", "on_request"]),
                 st.sampled_from(["criminal", "civil", "business"]), st.integers(0, 700_000_000),
                 st.integers(0, 400))


def dump(app: CaseApplication, registry: Registry, name: str) -> dict[str, list[tuple[Any, ...]]]:
    names = registry.active_names(name, max_age=0)
    return {table: sorted((tuple(r.values()) for r in app.db.query(f"SELECT * FROM {physical}")
                           # A dashboard counter summing to zero exists or not by how the log
                           # was batched (projections.dash_counts); it reads as zero.
                           if not (table == "counts" and r["n"] == 0)),
                          key=repr)
            for table, physical in names.items()}


def write_history(app: CaseApplication, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]],
                  actors: Iterator[Any], after: Callable[[], Any] = lambda: None) -> list[Any]:
    """The random cases and commands (refused ones skipped), each by the next of ``actors`` and
    followed by ``after``; the cases' ids. The enforcers the commands name are created."""
    for name, agency in (("chv.a", "CC243"), ("chv.b", "CC243"), ("chv.c", "CC244")):
        app.users.create(name, "password-1", "enforcer", agency)
    ids = []
    for i, (agency, initiation, kind, amount, day) in enumerate(cases):
        on = START + timedelta(days=day)
        ids.append(app.create_case(next(actors), {
            "agency": agency, "received_on": on, "initiation": initiation, "amount_due": amount,
            "judgment": {"court": "TAND", "number": f"{i}/2019", "date": on, "kind": kind},
            "creditor": {"name": "Ngân hàng Công Thương", "kind": "credit_institution"},
            "debtor": {"name": f"Nguyễn Văn {i}", "kind": "individual"},
            "obligation": None if amount else "Trả lại giấy tờ"}).case.id)
        after()
    day = 400
    for index, (command, args), gap in steps:
        day += gap
        with contextlib.suppress(CaseError, ServiceError):
            app.command(next(actors), ids[index % len(ids)], command,
                        {**args, "on": START + timedelta(days=day)})
        after()
    return ids


def run_scenario(url: str, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]],
                 who: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        # Small buckets and marks: the statistics' snapshots, taken live from the table and in
        # a rebuild from memory, take part.
        patch.setattr(stats_model, "BUCKET", 2)
        patch.setattr(stats_model, "MARK_BUCKETS", 3)
        compare_with_rebuilds(url, cases, steps, who)


def compare_with_rebuilds(url: str, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]],
                          who: list[str]) -> None:
    app = CaseApplication(url, default_directory())
    try:
        registry = Registry(app.db, all_projections())
        registry.create_tables()
        runner = Runner(app, registry, batch=3)
        heads = {name: app.users.create(name, "password-1", "head", "C26").actor for name in HEADS}
        turns = (heads[name] for name in itertools.cycle(who))
        write_history(app, cases, steps, turns, after=runner.catch_up)  # live: a batch after each
        live = {p: dump(app, registry, p) for p in registry.projections}
        assert len(live["actions"]["log"]) == app.log_head()  # one row per event, whoever gave it
        for name in registry.projections:
            rebuild_interrupted(app, name)
            assert dump(app, registry, name) == live[name], f"read model {name} differs from a rebuild"
    finally:
        app.close()


class Interrupted(Exception):
    pass


def rebuild_interrupted(app: CaseApplication, name: str) -> None:
    """Rebuild ``name`` in batches of 5 events, stopped after its first batch and finished by
    a runner started afresh (which knows only the tables: a rebuild that stopped after its last
    batch must complete from them)."""
    def stop(_: int) -> None:
        raise Interrupted

    with contextlib.suppress(Interrupted):
        Runner(app, Registry(app.db, all_projections()), rebuild_batch=5).rebuild(name, progress=stop)
    Runner(app, Registry(app.db, all_projections()), rebuild_batch=5).rebuild(name)


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
# Three cases, at two offices of a province and at the province itself: the rebuild's batch of
# positions 11-15 straddles the statistics' mark at 12, whose snapshot leaves out the events
# after it (random examples seldom have one whose events change the figures).
STRADDLING = {
    "cases": [("CC243", "ex_officio", "civil", 1000, 0), ("CC244", "on_request", "criminal", 500, 10),
              ("C26", "on_request", "business", 2000, 20)],
    "steps": [(i % 3, command, 3) for i, command in enumerate([
        ("verify", {"result": "able"}), ("verify", {"result": "able"}), ("verify", {"result": "unable"}),
        ("collect", {"amount": 300, "source": "voluntary"}), ("postpone", {"reason": "hoan.48.1.c"}),
        ("collect", {"amount": 100, "source": "voluntary"}), ("close", {}), ("resume", {}),
        ("entrust", {"to_agency": "CC246"}), ("note", {"text": "ghi chú"}), ("close", {}),
        ("terminate", {"reason": "dc.50.1.c"})])],
    "who": ["truong"],
}


@SETTINGS
@given(cases=st.lists(CASE, min_size=1, max_size=4), steps=st.lists(STEP, max_size=30), who=WHO)
@example(**STRADDLING)
def test_read_models_equal_a_rebuild_on_sqlite(cases: list[Any], steps: list[Any], who: list[str]) -> None:
    with sqlite_folder() as folder:
        run_scenario(f"sqlite:///{folder}/events.sqlite", cases, steps, who)


@SETTINGS
@given(cases=st.lists(CASE, min_size=1, max_size=4), steps=st.lists(STEP, max_size=30), who=WHO)
@example(**STRADDLING)
def test_read_models_equal_a_rebuild_on_postgres(postgres_database: str, cases: list[Any],
                                                 steps: list[Any], who: list[str]) -> None:
    reset_postgres(postgres_database)
    run_scenario(PG_URL, cases, steps, who)

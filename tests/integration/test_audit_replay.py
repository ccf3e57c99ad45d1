"""Time travel (SPEC §6): for random histories, the case the store answers at version N — read
through snapshots — equals a replay of its first N stored events, the audit chain over those
histories verifies, and the statistics as known at a recorded time T equal the statistics of a
copy of the store that holds only the events recorded by T."""

from __future__ import annotations

from itertools import count, repeat, takewhile
from typing import Any

from eventsourcing.persistence import StoredEvent
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.agencies import default_directory
from projections import all_projections, stats_known, stats_model
from projections.registry import Registry
from projections.runner import Runner
from projections.stats_query import Period, statistics
from service.api.schemas import CaseSchema
from service.application import CaseApplication
from service.audit.verify import verify
from tests.conftest import PG_URL, reset_postgres, sqlite_folder
from tests.integration.test_read_models_replay import CASE, STEP, write_history

AGENCIES = ("CC243", "CC244", "CC246", "C26", "VN")
PERIODS = (Period(2020, 202006), Period(2020, 202009), Period(2021, 202109), Period(2023, 202309))

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
_dump = CaseSchema().dump


def replay_scenario(url: str, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]]) -> None:
    app = CaseApplication(url, default_directory(), snapshot_interval=3)  # snapshots every 3 events
    try:
        head = app.users.create("auditor.replay", "password-1", "head", "VN").actor
        ids = write_history(app, cases, steps, repeat(app.users.create("truong", "password-1", "head",
                                                                        "C26").actor))
        for case_id in ids:
            events = list(app.events.get(case_id))
            replayed: Any = None
            for n, event in enumerate(events, start=1):
                replayed = event.mutate(replayed)
                assert _dump(app.get_case(head, case_id, version=n)) == _dump(replayed), (case_id, n)
        assert verify(app).ok
    finally:
        app.close()


@SETTINGS
@given(cases=st.lists(CASE, min_size=1, max_size=3), steps=st.lists(STEP, max_size=25))
def test_the_case_at_version_n_is_the_replay_of_its_first_n_events_on_sqlite(
        cases: list[Any], steps: list[Any]) -> None:
    with sqlite_folder() as folder:
        replay_scenario(f"sqlite:///{folder}/events.sqlite", cases, steps)


@SETTINGS
@given(cases=st.lists(CASE, min_size=1, max_size=3), steps=st.lists(STEP, max_size=25))
def test_the_case_at_version_n_is_the_replay_of_its_first_n_events_on_postgres(
        postgres_database: str, cases: list[Any], steps: list[Any]) -> None:
    reset_postgres(postgres_database)
    replay_scenario(PG_URL, cases, steps)


def known_scenario(url: str, copy_url: str, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]],
                   pick: int, pace: int) -> None:
    """Statistics as known at the recorded time of a random event, against a fresh store that
    was given only the events recorded by then (its read models built from nothing). The read
    models catch up after every ``pace``-th command: batches of several commands' events then
    straddle the snapshots' marks, whose snapshot leaves out the batch's events after them."""
    app = CaseApplication(url, default_directory())
    copy = CaseApplication(copy_url, default_directory())
    try:
        registry = Registry(app.db, all_projections())
        registry.create_tables()
        runner = Runner(app, registry, batch=4)
        head = app.users.create("truong", "password-1", "head", "C26").actor
        written = count(1)
        write_history(app, cases, steps, repeat(head),
                      after=lambda: next(written) % pace == 0 and runner.catch_up())
        runner.catch_up()
        log = app.recorder.select_notifications(1, app.log_head() + 1)
        when = app.mapper.to_domain_event(log[pick % len(log)]).timestamp
        # The longest prefix recorded by then (projections.stats_known.position_at says why).
        kept = list(takewhile(lambda n: app.mapper.to_domain_event(n).timestamp <= when, log))
        for n in kept:  # one at a time, as they were written
            copy.recorder.insert_events([StoredEvent(n.originator_id, n.originator_version, n.topic,
                                                     n.state)])
        copied = Registry(copy.db, all_projections())
        copied.create_tables()
        Runner(copy, copied, batch=1000).catch_up()
        position = stats_known.position_at(app, when)
        assert position == len(kept)
        cut = stats_known.cut_at(app, app.directory, position)
        names = registry.active_names("statistics", max_age=0)
        fresh = copied.active_names("statistics", max_age=0)
        for period in PERIODS:
            for agency in AGENCIES:
                known = statistics(app.db, names, app.directory, agency, period, cut)
                expected = statistics(copy.db, fresh, copy.directory, agency, period)
                assert known == expected, (agency, period, position)
    finally:
        app.close()
        copy.close()


# Three cases, at two offices of a province and at the province itself, commands given in
# threes between catch-ups: with marks every 4 positions, batches straddle the marks.
STRADDLING = {
    "cases": [("CC243", "ex_officio", "civil", 1000, 0), ("CC244", "on_request", "criminal", 500, 10),
              ("C26", "on_request", "business", 2000, 20)],
    "steps": [(i % 3, command, 3) for i, command in enumerate([
        ("verify", {"result": "able"}), ("verify", {"result": "able"}), ("verify", {"result": "unable"}),
        ("collect", {"amount": 300, "source": "voluntary"}), ("postpone", {"reason": "hoan.48.1.c"}),
        ("collect", {"amount": 100, "source": "voluntary"}), ("close", {}), ("resume", {}),
        ("entrust", {"to_agency": "CC246"}), ("note", {"text": "ghi chú"}), ("close", {}),
        ("terminate", {"reason": "dc.50.1.c"})])],
    "pace": 3,
}
KNOWN = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


@KNOWN
@given(cases=st.lists(CASE, min_size=1, max_size=4), steps=st.lists(STEP, max_size=25),
       pick=st.integers(0, 10_000), pace=st.integers(1, 4))
@example(**STRADDLING, pick=9)
@example(**STRADDLING, pick=13)
@example(**STRADDLING, pick=17)
def test_statistics_as_known_at_t_are_those_of_the_store_cut_at_t_on_sqlite(
        monkeypatch: Any, cases: list[Any], steps: list[Any], pick: int, pace: int) -> None:
    # Small buckets and marks: snapshots, whole buckets and a replay of the rest all take part.
    monkeypatch.setattr(stats_model, "BUCKET", 2)
    monkeypatch.setattr(stats_model, "MARK_BUCKETS", 2)
    with sqlite_folder() as folder:
        known_scenario(f"sqlite:///{folder}/events.sqlite", f"sqlite:///{folder}/copy.sqlite", cases, steps,
                       pick, pace)


@KNOWN
@given(cases=st.lists(CASE, min_size=1, max_size=4), steps=st.lists(STEP, max_size=25),
       pick=st.integers(0, 10_000), pace=st.integers(1, 4))
@example(**STRADDLING, pick=9)
@example(**STRADDLING, pick=13)
@example(**STRADDLING, pick=17)
def test_statistics_as_known_at_t_are_those_of_the_store_cut_at_t_on_postgres(
        postgres_database: str, monkeypatch: Any, cases: list[Any], steps: list[Any], pick: int,
        pace: int) -> None:
    monkeypatch.setattr(stats_model, "BUCKET", 2)
    monkeypatch.setattr(stats_model, "MARK_BUCKETS", 2)
    reset_postgres(postgres_database)
    with sqlite_folder() as folder:  # the copy's store need not be the same kind
        known_scenario(PG_URL, f"sqlite:///{folder}/copy.sqlite", cases, steps, pick, pace)

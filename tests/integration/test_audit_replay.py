"""Time travel (SPEC §6): for random histories, the case the store answers at version N — read
through snapshots — equals a replay of its first N stored events, and the audit chain over
those histories verifies."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.agencies import default_directory
from domain.errors import CaseError
from service.api.schemas import CaseSchema
from service.application import CaseApplication
from service.audit.verify import verify
from service.errors import ServiceError
from tests.conftest import PG_URL, reset_postgres
from tests.integration.test_read_models_replay import CASE, START, STEP

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
_dump = CaseSchema().dump


def replay_scenario(url: str, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]]) -> None:
    app = CaseApplication(url, default_directory(), snapshot_interval=3)  # snapshots every 3 events
    try:
        head = app.users.create("truong", "password-1", "head", "C26").actor
        for name, agency in (("chv.a", "CC243"), ("chv.b", "CC243")):
            app.users.create(name, "password-1", "enforcer", agency)
        ids = []
        for i, (agency, initiation, kind, amount, day) in enumerate(cases):
            on = START + timedelta(days=day)
            ids.append(app.create_case(head, {
                "agency": agency, "received_on": on, "initiation": initiation, "amount_due": amount,
                "judgment": {"court": "TAND", "number": f"{i}/2019", "date": on, "kind": kind},
                "creditor": {"name": "Ngân hàng Công Thương", "kind": "credit_institution"},
                "debtor": {"name": f"Nguyễn Văn {i}", "kind": "individual"},
                "obligation": None if amount else "Trả lại giấy tờ"}).case.id)
        day = 400
        for index, (command, args), gap in steps:
            day += gap
            with contextlib.suppress(CaseError, ServiceError):
                app.command(head, ids[index % len(ids)], command, {**args, "on": START + timedelta(days=day)})
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
        tmp_path_factory: Any, cases: list[Any], steps: list[Any]) -> None:
    replay_scenario(f"sqlite:///{tmp_path_factory.mktemp('versions')}/events.sqlite", cases, steps)


@SETTINGS
@given(cases=st.lists(CASE, min_size=1, max_size=3), steps=st.lists(STEP, max_size=25))
def test_the_case_at_version_n_is_the_replay_of_its_first_n_events_on_postgres(
        postgres_database: str, cases: list[Any], steps: list[Any]) -> None:
    reset_postgres(postgres_database)
    replay_scenario(PG_URL, cases, steps)

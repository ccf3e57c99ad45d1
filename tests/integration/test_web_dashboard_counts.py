"""The dashboard's counters (``projections.dash_counts``): on any day on or after the last
business date, its counts equal the bottleneck reports read from the cases and clocks —
stages, aging (of the agency and of each child agency), the named lists and the clocks —
for an office, a province and the nation; on random histories too."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.agencies import default_directory
from domain.errors import CaseError
from projections import all_projections
from projections.bottleneck_query import Reports, Scope
from projections.dash_query import dashboard_counts
from projections.registry import Registry
from projections.runner import Runner
from service.application import CaseApplication
from service.errors import ServiceError
from tests.conftest import sqlite_folder
from tests.integration.test_read_models_replay import CASE, STEP

START = date(2019, 9, 2)
BUSY = ("CC243", "CC244", "CC246", "C26", "C01")
"""Where the cases of these tests are (every other agency has none)."""


def expected(db: Any, registry: Registry, code: str, d: date) -> dict[str, Any]:
    """What the bottleneck reports say of ``code`` on ``d``."""
    directory = default_directory()
    agency = directory.get(code)
    below = None if agency.parent is None else (code, *(a.code for a in directory.descendants(code)))
    reports = Reports(db, registry.active_names("bottlenecks", max_age=0), Scope(below, d))
    counts, clocks = reports.open_counts(), reports.clocks()
    counts["lists"]["sold_not_delivered"] = clocks["delivery"]["open"]
    return {**counts, "clocks": {c: {k: v[k] for k in ("open", "overdue", "due_soon")}
                                 for c, v in clocks.items()}}


def check(db: Any, registry: Registry, code: str, d: date) -> None:
    directory = default_directory()
    children = [a.code for a in directory.children(code)]
    names = registry.active_names("bottlenecks", max_age=0)
    _, counts, aging = dashboard_counts(db, names, code, children, d)
    want = expected(db, registry, code, d)
    got = {"open_cases": counts.open_cases, "stages": counts.stages, "aging": counts.aging,
           "lists": counts.lists, "clocks": counts.clocks}
    assert got == want, (code, d)
    busy = {a for a in BUSY if directory.is_within(a, code)}
    for child in children:
        if any(directory.is_within(a, child) for a in busy):
            assert aging[child] == expected(db, registry, child, d)["aging"], (child, d)
        else:  # no case below it
            assert set(aging[child].values()) == {0}, (child, d)


def run(url: str, cases: list[tuple[Any, ...]], steps: list[tuple[Any, ...]]) -> None:
    app = CaseApplication(url, default_directory())
    try:
        registry = Registry(app.db, all_projections())
        registry.create_tables()
        runner = Runner(app, registry, batch=7)
        head = app.users.create("truong", "password-1", "head", "C26").actor
        for name, agency in (("chv.a", "CC243"), ("chv.b", "CC243"), ("chv.c", "CC244")):
            app.users.create(name, "password-1", "enforcer", agency)
        ids, last = [], START
        for i, (agency, initiation, kind, amount, day) in enumerate(cases):
            on = START + timedelta(days=day)
            last = max(last, on)
            ids.append(app.create_case(head, {
                "agency": agency, "received_on": on, "initiation": initiation, "amount_due": amount,
                "judgment": {"court": "TAND", "number": f"{i}/2019", "date": on, "kind": kind},
                "creditor": {"name": "Ngân hàng", "kind": "credit_institution"},
                "debtor": {"name": f"Nguyễn Văn {i}", "kind": "individual"},
                "obligation": None if amount else "Trả lại giấy tờ"}).case.id)
        day = 400
        for index, (command, args), gap in steps:
            day += gap
            on = START + timedelta(days=day)
            with contextlib.suppress(CaseError, ServiceError):
                app.command(head, ids[index % len(ids)], command, {**args, "on": on})
                last = max(last, on)
        runner.catch_up()
        for later in (0, 1, 5, 8, 30, 95, 200, 400):
            for code in ("CC243", "C26", "VN"):
                check(app.db, registry, code, last + timedelta(days=later))
    finally:
        app.close()


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(cases=st.lists(CASE, min_size=1, max_size=5), steps=st.lists(STEP, max_size=40))
def test_counts_equal_the_bottleneck_reports_on_random_histories(cases: list[Any], steps: list[Any]) -> None:
    with sqlite_folder() as folder:
        run(f"sqlite:///{folder}/events.sqlite", cases, steps)


def test_counts_equal_the_reports_on_both_stores(app: Flask) -> None:
    """Named lists, a sale not delivered, a hold with a resume date, clocks due soon and overdue."""
    svc = app.extensions["thads"]
    head = svc.cases.users.create("truong.vn", "password-1", "head", "VN").actor
    svc.cases.users.create("chv.a", "password-1", "enforcer", "CC243")

    def case(agency: str, on: str, amount: int = 100, creditor: str = "individual") -> Any:
        return svc.cases.create_case(head, {
            "agency": agency, "received_on": date.fromisoformat(on), "initiation": "on_request",
            "amount_due": amount, "judgment": {"court": "TAND", "number": "1/2019", "date": date(2019, 1, 2),
                                               "kind": "civil"},
            "creditor": {"name": "Chủ nợ", "kind": creditor},
            "debtor": {"name": "Lê Văn Cường", "kind": "individual"}}).case.id

    def do(case_id: Any, command: str, on: str, **args: Any) -> None:
        svc.cases.command(head, case_id, command, {**args, "on": date.fromisoformat(on)})

    a = case("CC243", "2019-10-01", 600_000_000, "credit_institution")
    do(a, "verify", "2019-10-10", result="able")
    b = case("CC244", "2019-09-05")
    do(b, "verify", "2019-09-10", result="able")
    house = {"description": "Nhà", "kind": "house", "estimated_value": 100}
    vehicle = {"description": "Xe", "kind": "vehicle", "estimated_value": 50}
    for command, on, args in (("seize", "2019-09-12", house), ("seize", "2019-09-13", vehicle),
                              ("value", "2019-09-20", {"asset_id": 1, "price": 100}),
                              ("value", "2019-09-21", {"asset_id": 2, "price": 50}),
                              ("auction", "2019-12-02", {"asset_id": 1, "outcome": "sold", "price": 100}),
                              ("collect", "2019-12-20", {"amount": 60, "source": "auction"})):
        do(b, command, on, **args)
    c = case("CC243", "2020-01-02")
    do(c, "postpone", "2020-01-10", reason="hoan.48.1.a", until=date(2020, 2, 14))
    d = case("C26", "2020-01-20")
    do(d, "mark-difficult", "2020-01-21", difficult=True, reason="Hội đồng CHV")
    e = case("CC246", "2019-06-03")
    case("C01", "2019-05-02", 900_000_000)
    do(e, "terminate", "2019-12-01", reason="dc.50.1.c")
    svc.read_models.runner.catch_up()
    registry = svc.read_models.registry
    for day in ("2020-01-21", "2020-01-25", "2020-02-10", "2020-02-20", "2020-03-31", "2021-06-01"):
        for code in ("CC243", "CC244", "C26", "C01", "VN"):
            check(svc.cases.db, registry, code, date.fromisoformat(day))
    _, counts, aging = dashboard_counts(svc.cases.db, registry.active_names("bottlenecks", max_age=0), "C26",
                                        ["CC243", "CC244", "CC246"], date(2020, 2, 10))
    # Open on 10 February: a (132 days), b (158), c (39, held), d (21); e was terminated.
    assert (counts.open_cases, counts.aging) == (4, {"0_30": 1, "31_90": 1, "91_180": 2, "181_365": 0,
                                                     "over_365": 0})
    assert counts.stages == {"received": 2, "verified": 1, "seized": 0, "auctioned": 1, "delivered": 0}
    assert counts.lists == {"sold_not_delivered": 1, "able_not_seized": 1, "large_unfinished": 1,
                            "difficult": 1}
    assert counts.clocks["delivery"] == {"open": 1, "overdue": 1, "due_soon": 0}
    assert counts.clocks["first_verification"]["open"] == 2  # c's is paused while held
    assert counts.clocks["resume"]["open"] == 0  # c's ground ends on 14 February
    assert aging["CC243"]["31_90"] == 1 and aging["CC244"]["91_180"] == 1 and aging["CC246"]["91_180"] == 0


def test_steps_behind_the_horizon_are_summed_into_day_zero(app: Flask) -> None:
    """The latest business date is the horizon: rows it has passed are one row per counter,
    and the counts are not read for a day before it."""
    svc = app.extensions["thads"]
    head = svc.cases.users.create("truong.vn", "password-1", "head", "VN").actor
    for on, amount in (("2019-01-02", 100), ("2019-06-03", 900_000_000), ("2020-03-02", 100)):
        case = svc.cases.create_case(head, {
            "agency": "CC243", "received_on": date.fromisoformat(on), "initiation": "on_request",
            "amount_due": amount, "judgment": {"court": "TAND", "number": "1/2019", "date": date(2018, 1, 2),
                                               "kind": "civil"},
            "creditor": {"name": "Chủ nợ", "kind": "individual"},
            "debtor": {"name": "Lê Văn Cường", "kind": "individual"}}).case.id
        svc.cases.command(head, case, "verify", {"result": "unable", "on": date.fromisoformat(on)})
    svc.read_models.runner.catch_up()
    names = svc.read_models.registry.active_names("bottlenecks", max_age=0)
    horizon = date(2020, 3, 2).toordinal()
    rows = svc.cases.db.query(f"SELECT metric, day FROM {names['counts']} WHERE node = 'CC243'")
    behind = [(r["metric"], r["day"]) for r in rows
              if 0 < r["day"] <= horizon - (366 if r["metric"] == "open" else 0)]
    assert behind == [] and ("open", 0) in {(r["metric"], r["day"]) for r in rows}
    _, counts, _ = dashboard_counts(svc.cases.db, names, "CC243", [], date(2020, 3, 2))
    assert counts.aging == {"0_30": 1, "31_90": 0, "91_180": 0, "181_365": 1, "over_365": 1}
    assert counts.clocks["reverification"]["open"] == 3 and counts.lists["large_unfinished"] == 1
    with pytest.raises(ValueError, match="latest business date"):
        dashboard_counts(svc.cases.db, names, "CC243", [], date(2020, 3, 1))

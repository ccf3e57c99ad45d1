"""GET /api/v1/stats as a request: splits, rates, the period, "as known at", the defaults and
the refusals (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from projections import stats_model
from projections.stats_query import COLUMNS
from service.api.stats import period_of
from service.app import create_app
from tests.integration.stats_helpers import (
    Books,
    cases,
    check_identities,
    money,
    token_headers,
    zero_table,
)


@pytest.fixture
def books(app: Flask) -> Books:
    return Books(app)


def mixed(books: Books) -> None:
    """Cases of both initiations and several kinds in Vĩnh Yên, in every state."""
    a = books.receive("CC243", "2018-11-02", 700, initiation="ex_officio", kind="criminal")
    books.collect(a, 100, "2019-08-01")
    b = books.receive("CC243", "2019-10-02", 300, kind="business")
    books.do(b, "verify", "2019-10-09", result="unable")
    c = books.receive("CC243", "2019-10-03", 200, initiation="ex_officio")
    books.complete(c, 200, "2019-12-01")
    d = books.receive("CC243", "2019-10-04", 500, kind="business")
    books.collect(d, 50, "2019-11-01")
    books.do(d, "return-request", "2020-01-05", reason="td.51.1.c")
    e = books.receive("CC243", "2019-11-04", 90, kind="family")
    books.do(e, "suspend", "2020-02-01", reason="tdc.49.2")
    f = books.receive("CC243", "2019-11-05", 80, initiation="ex_officio", kind="family")
    books.do(f, "entrust", "2020-02-10", to_agency="CC244")
    g = books.receive("CC243", "2019-12-05", 60, kind="labour")
    books.do(g, "terminate", "2020-03-02", reason="dc.50.1.c")


def test_the_splits_add_up_to_the_total(books: Books) -> None:
    mixed(books)
    answer = books.stats(agency="CC243", year=2020, through="2020-03")
    check_identities(answer)
    assert answer["cases"]["to_execute"] == 6 and answer["money"]["completed"] == 250
    for split in ("by_initiation", "by_judgment_kind"):
        for unit in ("cases", "money"):
            for column in COLUMNS:
                assert sum(t[unit][column] for t in answer[split].values()) == answer[unit][column]
        for table in answer[split].values():
            check_identities(table)
    assert cases(answer["by_initiation"]["ex_officio"], "carried_over", "newly_accepted", "entrusted",
                 "completed") == (1, 2, 1, 1)
    assert money(answer["by_judgment_kind"]["business"], "newly_accepted", "without_conditions",
                 "completed", "returned") == (800, 300, 50, 450)
    assert answer["by_judgment_kind"]["arbitration"] == zero_table()


def test_rates_are_percentages_with_one_decimal(books: Books) -> None:
    for day, amount in ((2, 100), (3, 100), (4, 100)):
        books.receive("CC243", f"2019-10-0{day}", amount)
    ids = [books.receive("CC243", "2019-10-05", 50), books.receive("CC243", "2019-10-06", 50)]
    for case in ids:
        books.complete(case, 50, "2019-11-01")
    answer = books.stats(agency="CC243", year=2020, through="2020-03")
    assert (answer["cases"]["rate"], answer["money"]["rate"]) == (40.0, 25.0)
    books.complete(books.receive("CC243", "2019-10-07", 100), 100, "2019-11-02")
    answer = books.stats(agency="CC243", year=2020, through="2020-03")
    assert (answer["cases"]["rate"], answer["money"]["rate"]) == (50.0, 40.0)  # 3/6, 200/500
    books.do(ids[0], "note", "2019-11-03", text="x")
    books.collect(books.receive("CC243", "2019-10-08", 400), 1, "2019-11-03")  # 3/7, 201/900
    answer = books.stats(agency="CC243", year=2020, through="2020-03")
    assert (answer["cases"]["rate"], answer["money"]["rate"]) == (42.9, 22.3)


def test_the_period_ends_with_the_month_asked_for(books: Books) -> None:
    case = books.receive("CC243", "2019-11-02", 100)
    books.complete(case, 100, "2020-02-14")
    books.receive("CC243", "2020-03-02", 300)
    december = books.stats(agency="CC243", year=2020, through="2019-12")
    march = books.stats(agency="CC243", year=2020, through="2020-03")
    assert december["period"] == {"start": "2019-10-01", "end": "2019-12-31"}
    assert cases(december, "newly_accepted", "completed", "in_progress") == (1, 0, 1)
    assert money(december, "completed", "carried_forward") == (0, 100)
    assert cases(march, "newly_accepted", "completed", "in_progress") == (2, 1, 1)
    assert money(march, "completed", "carried_forward") == (100, 300)
    next_year = books.stats(agency="CC243", year=2021, through="2020-10")
    assert cases(next_year, "carried_over", "newly_accepted") == (1, 0)
    assert money(next_year, "carried_over") == (300,)


def scenario(books: Books, *, second: bool) -> None:
    """Two writes: the first always, the second only when ``second``."""
    a = books.receive("CC243", "2019-10-02", 1000)
    books.collect(a, 40, "2019-11-01")
    books.do(books.receive("CC244", "2019-10-03", 70), "verify", "2019-10-20", result="unable")
    if second:
        books.do(a, "correct", "2020-01-15", corrects=1, field="amount_due", value=100, reason="nhầm")
        books.do(a, "verify", "2020-01-16", result="unable")
        books.complete(books.receive("CC243", "2019-12-03", 30), 30, "2020-01-20")


def test_as_known_at_answers_what_was_recorded_by_then(
        app: Flask, books: Books, tmp_path: Path, sqlite_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small buckets and marks: snapshots, whole buckets and a replay of the rest all take part.
    monkeypatch.setattr(stats_model, "BUCKET", 1)
    monkeypatch.setattr(stats_model, "MARK_BUCKETS", 3)
    query: dict[str, Any] = {"year": 2020, "through": "2020-03"}
    agencies = ("C26", "CC243", "CC244", "VN")
    scenario(books, second=False)
    then = {agency: books.stats(agency=agency, **query) for agency in agencies}
    time.sleep(0.01)
    cut = datetime.now(tz=UTC)
    time.sleep(0.01)
    scenario(books, second=True)
    now = {agency: books.stats(agency=agency, **query) for agency in agencies}
    assert money(now["CC243"], "newly_accepted") != money(then["CC243"], "newly_accepted")
    svc = app.extensions["thads"]
    marks = svc.cases.db.query(f"SELECT mark FROM {svc.read_models.names('statistics')['marks']}")
    assert len(marks) >= 4
    for agency in agencies:
        assert books.stats(agency=agency, **query, as_known_at=cut.isoformat()) == then[agency]
        later = (cut + timedelta(days=1)).isoformat()
        assert books.stats(agency=agency, **query, as_known_at=later) == now[agency]
    long_ago = books.stats(agency="C26", **query, as_known_at="2001-01-01T00:00:00+07:00")
    assert long_ago["position"] == 0
    for table in (long_ago, *long_ago["by_initiation"].values(), *long_ago["by_judgment_kind"].values()):
        assert {"cases": table["cases"], "money": table["money"]} == zero_table()
    # A store that received only the first write answers the same.
    copy = create_app({"THADS_DATABASE_URL": f"sqlite:///{sqlite_dir}/copy.sqlite",
                       "THADS_VAR_DIR": str(tmp_path / "copy"), "THADS_SECRET_KEY": "test-secret",
                       "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})
    try:
        scenario(Books(copy), second=False)
        for agency in agencies:
            known = books.stats(**{**query, "agency": agency}, as_known_at=cut.isoformat())
            fresh = Books(copy).stats(**{**query, "agency": agency})
            assert {**known, "position": 0} == {**fresh, "position": 0}, agency
    finally:
        copy.extensions["thads"].close()


# ------------------------------------------------------------------ defaults and refusals


@pytest.mark.parametrize(("today", "year", "through", "expected"), [
    (date(2020, 4, 15), None, None, (2020, 202003)),
    (date(2019, 10, 5), None, None, (2020, 201910)),  # no complete month yet: October so far
    (date(2019, 11, 5), None, None, (2020, 201910)),
    (date(2020, 1, 10), None, None, (2020, 201912)),
    (date(2020, 4, 15), 2019, None, (2019, 201909)),  # a year that has ended: all of it
    (date(2020, 4, 15), 2023, None, (2023, 202210)),
    (date(2020, 4, 15), None, "2019-11", (2020, 201911)),  # the year of ``through``
    (date(2020, 4, 15), 2021, "2021-09", (2021, 202109)),
])
def test_the_default_period_is_the_last_complete_month_of_the_year(
        today: date, year: int | None, through: str | None, expected: tuple[int, int]) -> None:
    period = period_of(year, through, today)
    assert (period.year, period.through) == expected


def test_the_default_agency_is_the_callers_and_others_are_out_of_scope(app: Flask, books: Books) -> None:
    books.receive("CC243", "2019-10-02", 100)
    enforcer = token_headers(app, "chv.vinhyen", "enforcer", "CC243")
    answer = books.stats(enforcer, year=2020, through="2020-03")
    assert answer["agency"] == "CC243" and answer["cases"]["newly_accepted"] == 1
    assert answer["rank"] == {"cases": 1, "money": 1, "of": 9, "level": "office"}
    for agency in ("CC244", "C26", "VN"):
        response = books.get("stats", enforcer, agency=agency)
        assert response.status_code == 404, response.get_json()
        assert agency in response.get_json()["error"]["message"]
    auditor = token_headers(app, "kiemtra.c26", "auditor", "C26")
    assert books.stats(auditor, agency="CC244")["agency"] == "CC244"
    national = books.stats(agency="VN", year=2020, through="2020-03")
    assert national["rank"] is None and national["cases"]["newly_accepted"] == 1


@pytest.mark.parametrize(("query", "status", "field"), [
    ({"through": "2020-10", "year": 2020}, 400, "through"),
    ({"through": "2019-09", "year": 2020}, 400, "through"),
    ({"through": "2020-13"}, 400, "through"),
    ({"through": "March"}, 400, "through"),
    ({"through": "0000-01"}, 400, "through"),  # found by schemathesis: a 500 (no year 0)
    ({"year": "twenty"}, 400, "year"),
    ({"year": 1999}, 400, "year"),
    ({"as_known_at": "2020-01-01T00:00:00"}, 400, "as_known_at"),
    ({"agency": "XX99"}, 422, "agency"),
])
def test_a_bad_request_is_refused_naming_the_parameter(books: Books, query: dict[str, Any], status: int,
                                                       field: str) -> None:
    response = books.get("stats", **query)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["error"]["message"]


def test_statistics_need_a_token(books: Books) -> None:
    response = books.client.get("/api/v1/stats")
    assert response.status_code == 401


def test_the_openapi_document_describes_the_answers(books: Books) -> None:
    spec = books.client.get("/api/openapi.json").get_json()
    assert {"/api/v1/stats", "/api/v1/rankings"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["StatsColumns"]["properties"]) == {*COLUMNS, "rate"}
    assert {"by_initiation", "by_judgment_kind", "rank", "position"} <= set(schemas["Stats"]["properties"])

"""Ranks of provinces and offices (GET /rankings and the rank in GET /stats), and agreement of
the statistics with the independent oracle of SPEC §4 over the demo data — on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from flask import Flask
from werkzeug.security import generate_password_hash

import service.users
from domain.agencies import default_directory
from projections import stats_model
from projections.stats_query import COLUMNS, competition_ranks
from service.app import create_app
from service.application import CaseApplication
from service.demo import seed_demo
from tests.conftest import quick_commits, sqlite_folder
from tests.integration import stats_reference as oracle
from tests.integration.stats_helpers import Books, token_headers

START, END = date(2019, 10, 1), date(2020, 3, 31)
PERIOD: dict[str, Any] = {"year": 2020, "through": "2020-03"}


@pytest.fixture
def books(app: Flask) -> Books:
    return Books(app)


def rankings(books: Books, headers: dict[str, str] | None = None, **query: Any) -> dict[str, Any]:
    response = books.get("rankings", headers, **{**PERIOD, **query})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def test_provinces_with_equal_rates_share_a_rank(books: Books) -> None:
    """By cases: C04 100%, C01 and C02 50%, the 60 others 0% → 1, 2, 2, 4. By money: C04 100%,
    C02 50%, C01 25% → 1, 2, 3, and 4 for the others."""
    books.complete(books.receive("C04", "2019-10-02", 100), 100, "2019-11-01")
    for province, (paid, owed) in (("C01", (100, 300)), ("C02", (200, 200))):
        books.complete(books.receive(province, "2019-10-03", paid), paid, "2019-11-01")
        books.receive(province, "2019-10-04", owed)
    answer = rankings(books, level="province")
    assert answer["of"] == len(answer["items"]) == 63
    first = [(i["agency"], i["rank"]["cases"], i["rank"]["money"], i["rate"]["cases"], i["rate"]["money"])
             for i in answer["items"][:4]]
    assert first == [("C04", 1, 1, 100.0, 100.0), ("C02", 2, 2, 50.0, 50.0), ("C01", 2, 3, 50.0, 25.0),
                     ("C06", 4, 4, 0.0, 0.0)]
    assert {(i["rank"]["cases"], i["rank"]["money"]) for i in answer["items"][3:]} == {(4, 4)}
    assert answer["position"] > 0 and answer["level"] == "province" and answer["parent"] is None
    c01 = books.stats(agency="C01", **PERIOD)
    assert c01["rank"] == {"cases": 2, "money": 3, "of": 63, "level": "province"}


def test_offices_are_ranked_within_their_province(app: Flask, books: Books) -> None:
    books.complete(books.receive("CC244", "2019-10-02", 100), 100, "2019-11-01")
    books.receive("CC243", "2019-10-02", 100)
    books.complete(books.receive("CC243", "2019-10-03", 300), 300, "2019-11-01")
    books.receive("CC246", "2019-10-02", 100)
    books.complete(books.receive("C01", "2019-10-02", 100), 100, "2019-11-01")  # another province
    head = token_headers(app, "truong.vinhyen", "head", "CC243")
    answer = rankings(books, head, level="office", parent="C26")
    assert answer["of"] == 9 and answer["parent"] == "C26"
    top = [(i["agency"], i["rank"]["cases"], i["rank"]["money"]) for i in answer["items"][:3]]
    assert top == [("CC244", 1, 1), ("CC243", 2, 2), ("CC246", 3, 3)]
    assert answer["items"][1]["rate"] == {"cases": 50.0, "money": 75.0}
    assert answer["items"][1]["name"] == "Chi cục Thi hành án dân sự thành phố Vĩnh Yên"
    mine = books.stats(head, **PERIOD)
    assert mine["rank"] == {"cases": 2, "money": 2, "of": 9, "level": "office"}


@pytest.mark.parametrize(("query", "status", "field"), [
    ({}, 400, "level"),
    ({"level": "national"}, 400, "level"),
    ({"level": "office"}, 400, "parent"),
    ({"level": "province", "parent": "C26"}, 400, "parent"),
    ({"level": "office", "parent": "CC243"}, 422, "province"),
    ({"level": "office", "parent": "C99"}, 422, "C99"),
    ({"level": "office", "parent": "C01"}, 404, "C01"),
    ({"level": "province", "through": "2020-10"}, 400, "through"),
])
def test_a_bad_ranking_request_is_refused(app: Flask, books: Books, query: dict[str, Any], status: int,
                                          field: str) -> None:
    enforcer = token_headers(app, "chv.vinhyen", "enforcer", "CC243")
    response = books.get("rankings", enforcer, **{"year": 2020, **query})
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["error"]["message"]


def test_a_period_with_nothing_to_rank_is_an_empty_ranking(books: Books) -> None:
    """The directory begins in 2008; Phú Thọ's regional offices in July 2025 (found by
    schemathesis: an empty list of peers made a 500)."""
    queries: list[dict[str, Any]] = [{"level": "province", "year": 2000},
                                     {"level": "office", "parent": "T01", "year": 2020}]
    for query in queries:
        response = books.get("rankings", **query)
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        assert (answer["of"], answer["items"]) == (0, []), query
        assert answer["position"] == books.stats(agency="VN", **PERIOD)["position"]


# ------------------------------------------------------------------ the demo against the oracle


@pytest.fixture(scope="module")
def demo_log() -> Iterator[str]:
    """The demo at a small scale, seeded once through the application into a SQLite store
    (its URL). The same seed gives the same events on either store (test_demo.py shows it);
    what differs between the stores is the read models and their queries."""
    with sqlite_folder() as folder, pytest.MonkeyPatch.context() as mp:
        # Hundreds of password hashes would dominate.
        mp.setattr(service.users, "generate_password_hash",
                   lambda password, method=None: generate_password_hash(password, "pbkdf2:sha256:1"))
        url = f"sqlite:///{folder}/demo.sqlite"
        seeded = CaseApplication(url, default_directory())
        seed_demo(seeded, scale=0.05, progress=False, echo=lambda _: None)
        seeded.close()
        yield url


def copy_log(source: str, target: str) -> None:
    """Record the events of the store at ``source`` in the empty store at ``target``, in order,
    through its recorder (which chains them for the audit as it would have)."""
    origin = CaseApplication(source, default_directory(), create_tables=False)
    copy = CaseApplication(target, default_directory())
    try:
        head, done = origin.log_head(), 0
        while done < head:
            batch = origin.recorder.select_notifications(done + 1, 1000)
            copy.recorder.insert_events([StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                                         for n in batch])
            done = batch[-1].id
        assert copy.log_head() == head
    finally:
        origin.close()
        copy.close()


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         demo_log: str) -> Iterator[Flask]:
    """The demo's events on each store, its read models caught up there."""
    url = demo_log
    if request.param == "postgres":
        main = request.getfixturevalue("postgres_database")
        base, name = main.rsplit("/", 1)[0], main.rsplit("/", 1)[1] + "_stats"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
            quick_commits(conn, name)
        url = f"{base}/{name}"
        copy_log(demo_log, url)
    var = Path(tmp_path_factory.mktemp("var"))
    app = create_app({"THADS_DATABASE_URL": url, "THADS_VAR_DIR": str(var), "THADS_SECRET_KEY": "s",
                      "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})
    with pytest.MonkeyPatch.context() as mp:
        # A snapshot every bucket (4,096 positions), so that the demo's log has some.
        mp.setattr(stats_model, "MARK_BUCKETS", 1)
        app.extensions["thads"].read_models.runner.catch_up()
        yield app
    app.extensions["thads"].close()


@pytest.fixture(scope="module")
def facts(demo: Flask) -> dict[Any, oracle.CaseFacts]:
    return oracle.fold(oracle.read_events(demo.extensions["thads"].cases))


def as_oracle(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {unit: {c: answer[unit][c] for c in (*COLUMNS, "rate")} for unit in ("cases", "money")}


def expected(figures: oracle.Figures) -> dict[str, dict[str, Any]]:
    return {"cases": {**figures.cases, "rate": figures.rate("cases")},
            "money": {**figures.money, "rate": figures.rate("money")}}


DEMO = pytest.mark.parametrize("demo", ["sqlite", "postgres"], indirect=True)


@DEMO
@pytest.mark.parametrize("agency", ["C26", "CC243", "VN"])
def test_the_statistics_agree_with_the_oracle(demo: Flask, facts: Any, agency: str) -> None:
    books = Books(demo)
    answer = books.stats(agency=agency, **PERIOD)
    directory = demo.extensions["thads"].directory
    assert answer["cases"]["to_execute"] > 20
    assert as_oracle(answer) == expected(oracle.figures(facts, directory, agency, START, END))
    for initiation, table in answer["by_initiation"].items():
        want = oracle.figures(facts, directory, agency, START, END, initiation=initiation)
        assert as_oracle(table) == expected(want), initiation
    for kind, table in answer["by_judgment_kind"].items():
        assert as_oracle(table) == expected(oracle.figures(facts, directory, agency, START, END, kind=kind))


@DEMO
def test_the_ranks_agree_with_the_oracle(demo: Flask, facts: Any) -> None:
    books = Books(demo)
    directory = demo.extensions["thads"].directory
    want = oracle.ranks(facts, directory, START, END)
    answer = rankings(books, level="province")
    assert {i["agency"]: (i["rank"]["cases"], i["rank"]["money"]) for i in answer["items"]} == want
    assert books.stats(agency="C26", **PERIOD)["rank"] == {
        "cases": want["C26"][0], "money": want["C26"][1], "of": 63, "level": "province"}
    offices = [a.code for a in directory.offices(END, "C26")]
    rates = {code: oracle.figures(facts, directory, code, START, END) for code in offices}
    by_cases = competition_ranks({code: f.rate("cases") for code, f in rates.items()})
    by_money = competition_ranks({code: f.rate("money") for code, f in rates.items()})
    answer = rankings(books, level="office", parent="C26")
    assert {i["agency"]: (i["rank"]["cases"], i["rank"]["money"]) for i in answer["items"]} == \
        {code: (by_cases[code], by_money[code]) for code in offices}


@DEMO
def test_as_known_at_agrees_with_the_oracle_over_the_log_cut_there(demo: Flask) -> None:
    cases_app = demo.extensions["thads"].cases
    log = [(n.id, cases_app.mapper.to_domain_event(n)) for n in
           cases_app.recorder.select_notifications(1, 10**6)]
    # A cut after more than one bucket of 4096 positions, where recorded times part cleanly.
    index = next(i for i in range(len(log) * 4 // 5, len(log))
                 if max(e.timestamp for _, e in log[:i]) < log[i][1].timestamp)
    cut = max(e.timestamp for _, e in log[:index])
    assert log[index - 1][0] > 4096
    facts = oracle.fold([e for _, e in log[:index]])
    books = Books(demo)
    directory = demo.extensions["thads"].directory
    for agency in ("C26", "VN"):
        answer = books.stats(agency=agency, as_known_at=cut.isoformat(), **PERIOD)
        assert answer["position"] == log[index - 1][0]
        assert as_oracle(answer) == expected(oracle.figures(facts, directory, agency, START, END))

"""GET /api/v1/bottlenecks: stages, aging and dwell as of a past day and today, results per
enforcer, who may ask about which agency, and refusals of bad parameters. Both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain import clock
from tests.integration.bottleneck_helpers import Login, Office


@pytest.fixture
def office(client: FlaskClient, login: Login) -> Office:
    return Office(client, login("e1"))


def settle(office: Office, case: str, amount: int, collected: str, paid: str, closed: str) -> None:
    office.do(case, "collect", collected, amount=amount, source="voluntary")
    office.do(case, "pay-out", paid, amount=amount)
    office.do(case, "close", closed)


def test_stages_and_aging_as_of_a_past_day(office: Office) -> None:
    p, q, r, _s = (office.case("2020-01-02") for _ in range(4))
    office.do(p, "verify", "2020-01-12", result="able")
    office.do(q, "verify", "2020-01-22", result="able")
    office.do(r, "verify", "2020-02-01", result="unable")
    for received in ("2019-01-10", "2019-11-01", "2019-08-15", "2020-02-20"):
        office.case(received)
    march = office.report("stages", "2020-03-01")
    assert (march["open_cases"], march["stages"]) == (
        8, {"received": 5, "verified": 3, "seized": 0, "auctioned": 0, "delivered": 0})
    # 59, 59, 59, 59 days; 416 (10 Jan 2019), 121 (1 Nov), 198 (15 Aug), 10 (20 Feb).
    assert office.report("aging", "2020-03-01")["aging"] == {
        "0_30": 1, "31_90": 4, "91_180": 1, "181_365": 1, "over_365": 1}
    january = office.report("summary", "2020-01-15")
    assert january["stages"] == {"received": 6, "verified": 1, "seized": 0, "auctioned": 0, "delivered": 0}
    assert january["aging"] == {"0_30": 4, "31_90": 1, "91_180": 1, "181_365": 0, "over_365": 1}
    assert office.report("summary", "2019-01-09")["open_cases"] == 0
    assert office.report("aging")["aging"]["over_365"] == 8  # today: all of them over a year


def test_stages_and_aging_today_and_ten_days_ago(client: FlaskClient, login: Login) -> None:
    """A regional office of today's Phú Thọ (CC243's successor), with recent business dates."""
    today = clock.today()
    ago = {n: (today - timedelta(days=n)).isoformat() for n in (3, 10, 20, 45, 400)}
    office = Office(client, login("kv1", "enforcer", "T25-KV01"))
    _old, recent, _new = (office.case(ago[n], agency="T25-KV01") for n in (400, 45, 3))
    office.do(recent, "verify", ago[20], result="able")
    now = office.report("summary")  # as of today by default
    assert now["as_of"] == today.isoformat()
    assert now["stages"] == {"received": 2, "verified": 1, "seized": 0, "auctioned": 0, "delivered": 0}
    assert now["aging"] == {"0_30": 1, "31_90": 1, "91_180": 0, "181_365": 0, "over_365": 1}
    earlier = office.report("summary", ago[10])
    assert earlier["stages"] == {"received": 1, "verified": 1, "seized": 0, "auctioned": 0, "delivered": 0}
    assert earlier["aging"] == {"0_30": 0, "31_90": 1, "91_180": 0, "181_365": 0, "over_365": 1}
    assert office.report("stages", ago[45])["stages"]["received"] == 2


def test_time_spent_in_each_stage(office: Office) -> None:
    p, q, r, _s = (office.case("2020-01-02") for _ in range(4))
    office.do(p, "verify", "2020-01-12", result="able")
    office.do(q, "verify", "2020-01-22", result="able")
    office.do(r, "verify", "2020-02-01", result="able")
    settle(office, r, 100_000_000, "2020-02-10", "2020-02-12", "2020-02-15")
    dwell = office.report("dwell", "2020-03-01")["dwell"]
    # Received → verified after 10, 20 and 30 days; S still waits, 59 days on 1 March.
    assert dwell["received"] == {"finished": {"count": 3, "median": 20.0, "p90": 28.0, "max": 30},
                                 "open": {"count": 1, "median": 59.0, "p90": 59.0, "max": 59}}
    # R closed 14 days after its verification; P and Q have been verified 49 and 39 days.
    assert dwell["verified"] == {"finished": {"count": 1, "median": 14.0, "p90": 14.0, "max": 14},
                                 "open": {"count": 2, "median": 44.0, "p90": 48.0, "max": 49}}
    empty = {"count": 0, "median": None, "p90": None, "max": None}
    assert dwell["seized"] == {"finished": empty, "open": empty}
    # On 15 January only P had been verified; Q, R and S had waited 13 days.
    early = office.report("dwell", "2020-01-15")["dwell"]["received"]
    assert early == {"finished": {"count": 1, "median": 10.0, "p90": 10.0, "max": 10},
                     "open": {"count": 3, "median": 13.0, "p90": 13.0, "max": 13}}


def test_results_per_enforcer(client: FlaskClient, login: Login, office: Office) -> None:
    colleague = Office(client, login("e2"))
    for received, verified in (("2019-11-01", "2019-11-05"), ("2020-01-02", "2020-01-06")):
        office.do(office.case(received), "verify", verified, result="able")
    done = colleague.case("2019-10-01")
    colleague.do(done, "verify", "2019-10-05", result="able")
    settle(colleague, done, 100_000_000, "2019-10-20", "2019-10-25", "2019-11-01")
    waiting = colleague.case("2019-09-01")  # never verified: due 23 September 2019
    colleague.do(waiting, "collect", "2019-09-28", amount=5_000_000, source="voluntary")  # never paid out
    rows = office.report("enforcers", "2020-03-31")["enforcers"]
    assert rows == [
        # Open 151 and 89 days: 120 on average.
        {"agency": "CC243", "enforcer": "e1", "open_cases": 2, "average_days": 120.0, "overdue_clocks": 0,
         "completed": 0, "collected": 0},
        # The 5 million of 28 September fall in the statistical year before 1 October 2019.
        {"agency": "CC243", "enforcer": "e2", "open_cases": 1, "average_days": 212.0, "overdue_clocks": 2,
         "completed": 1, "collected": 100_000_000},
    ]


def test_scope_of_the_caller(client: FlaskClient, login: Login, office: Office) -> None:
    office.case("2019-06-03", amount=600_000_000)
    other = Office(client, login("e9", "enforcer", "CC244"))
    refused = other.get(agency="CC243")
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"
    assert "CC243" in refused.get_json()["error"]["message"]
    assert other.report("large_unfinished", "2020-03-31")["agency"] == "CC244"
    assert other.report("large_unfinished", "2020-03-31")["total"] == 0
    assert office.get(agency="C26").status_code == 404  # an office does not see its province
    province = Office(client, login("h26", "head", "C26"))
    found = province.report("large_unfinished", "2020-03-31", agency="C26")
    assert (found["agency"], found["total"], found["items"][0]["agency"]) == ("C26", 1, "CC243")
    assert Office(client, login("kt", "auditor", "VN")).report(agency="VN", as_of="2020-03-31")[
        "lists"]["large_unfinished"] == 1


def test_refusals(client: FlaskClient, login: Login, office: Office) -> None:
    assert client.get("/api/v1/bottlenecks").status_code == 401
    admin = Office(client, login("root", "admin", "VN")).get()
    assert admin.status_code == 403 and "admin" in admin.get_json()["error"]["message"]
    unknown = office.get(agency="ZZ99")
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "unknown_agency"
    for name, value in (("kind", "everything"), ("as_of", "2020-02-30"), ("clock", "lunch"),
                        ("per_page", "0"), ("sort", "name"), ("page", "x")):
        response = office.get(**{name: value})
        error = response.get_json()["error"]
        assert response.status_code == 400 and name in error["message"], (name, error)


def test_reads_its_writes_and_is_documented(app: Flask, client: FlaskClient, office: Office) -> None:
    office.case("2019-06-03", amount=600_000_000)
    head = app.extensions["thads"].cases.log_head()
    answer = office.report("summary", "2020-03-31", min_position=head)
    assert answer["position"] == head and answer["lists"]["large_unfinished"] == 1
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/bottlenecks"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"agency", "as_of", "kind", "clock", "page",
                                                            "per_page", "sort", "min_position"}
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "404", "422"}
    schemas = spec["components"]["schemas"]
    assert {"Bottlenecks", "BottleneckStages", "BottleneckAging", "BottleneckClocks", "BottleneckDwell",
            "BottleneckItem", "Enforcer"} <= set(schemas)
    assert set(schemas["Bottlenecks"]["properties"]) >= {"agency", "as_of", "kind", "position", "stages",
                                                         "aging", "clocks", "lists", "dwell", "items",
                                                         "enforcers"}

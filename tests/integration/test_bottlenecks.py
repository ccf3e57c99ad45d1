"""GET /api/v1/bottlenecks: the seed's named lists and the time-limit clocks, through the API on
business dates of 2019–2020, with hand-checked days (SPEC §5). Both stores."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import case_body
from tests.integration.bottleneck_helpers import Login, Office, table_rows

D = "2020-03-31"  # the end of the seed's 6 months


@pytest.fixture
def office(client: FlaskClient, login: Login) -> Office:
    return Office(client, login("e1"))


@pytest.fixture
def head(client: FlaskClient, login: Login) -> Office:
    return Office(client, login("h1", "head", "CC243"))


@pytest.fixture
def lists(office: Office, head: Office) -> dict[str, str]:
    """Ten cases of Vĩnh Yên, each on or off the named lists at 31 March 2020."""
    c = {name: office.case(received, amount=amount, creditor=kind) for name, received, amount, kind in (
        ("A", "2019-10-01", 100_000_000, "credit_institution"),
        ("B", "2019-09-02", 100_000_000, "individual"),
        ("C", "2019-11-01", 100_000_000, "credit_institution"),
        ("D", "2019-09-05", 100_000_000, "individual"),
        ("E", "2019-09-05", 100_000_000, "organisation"),
        ("F", "2019-06-03", 600_000_000, "individual"),
        ("G", "2019-12-16", 700_000_000, "credit_institution"),
        ("H", "2019-10-01", 100_000_000, "individual"),
        ("I", "2019-09-01", 100_000_000, "credit_institution"),
        ("J", "2019-09-01", 900_000_000, "state"),
    )}
    office.do(c["A"], "verify", "2019-10-10", result="able")
    office.do(c["B"], "verify", "2019-09-20", result="able")
    office.do(c["C"], "verify", "2019-11-15", result="able")
    office.sold(c["D"], "land", verified="2019-09-10", seized="2019-09-12", valued="2019-09-20",
                sold="2019-12-02")
    office.sold(c["E"], "vehicle", verified="2019-09-10", seized="2019-09-12", valued="2019-09-20",
                sold="2020-01-15")
    office.do(c["E"], "deliver", "2020-02-10", asset_id=1)
    office.do(c["F"], "verify", "2019-07-01", result="unable")
    office.do(c["G"], "verify", "2019-12-20", result="able")
    office.do(c["H"], "verify", "2019-10-05", result="unable")
    head.do(c["H"], "mark-difficult", "2020-01-06", difficult=True, reason="Hội đồng CHV họp")
    office.do(c["I"], "verify", "2019-09-05", result="able")
    office.do(c["I"], "collect", "2019-09-10", amount=100_000_000, source="voluntary")
    office.do(c["I"], "pay-out", "2019-09-12", amount=100_000_000)
    office.do(c["I"], "close", "2019-09-15")
    office.do(c["J"], "terminate", "2020-02-01", reason="dc.50.1.c")
    return c


def test_able_not_seized_lists_credit_institutions_first(office: Office, lists: dict[str, str]) -> None:
    c = lists
    # A: able 10 Oct (173 days), C: 15 Nov (137), G: 20 Dec (102); then B: 20 Sep (193).
    assert office.listed("able_not_seized", D) == [(c["A"], 173), (c["C"], 137), (c["G"], 102),
                                                   (c["B"], 193)]
    assert office.listed("able_not_seized", D, sort="days") == [(c["G"], 102), (c["C"], 137),
                                                                (c["A"], 173), (c["B"], 193)]
    page = office.report("able_not_seized", D, per_page=2, page=2)
    assert [i["case_id"] for i in page["items"]] == [c["G"], c["B"]]
    assert (page["total"], page["page"], page["per_page"], page["sort"]) == (4, 2, 2, "-days")
    first = office.report("able_not_seized", D)["items"][0]
    assert first["creditor_kind"] == "credit_institution" and first["since"] == "2019-10-10"
    # Before C and G became able, and before B was even verified:
    assert office.listed("able_not_seized", "2019-10-31") == [(c["A"], 21), (c["B"], 41)]


def test_sold_not_delivered_shows_days_since_the_sale(office: Office, lists: dict[str, str]) -> None:
    c = lists
    [item] = office.report("sold_not_delivered", D)["items"]
    assert (item["case_id"], item["since"], item["days"], item["assets"]) == (c["D"], "2019-12-02", 120, 1)
    assert item["outstanding"] == 100_000_000 and item["state"] == "active"
    # On 1 February E's vehicle (sold 15 January) was not yet delivered either.
    assert office.listed("sold_not_delivered", "2020-02-01") == [(c["D"], 61), (c["E"], 17)]
    assert office.listed("sold_not_delivered", "2019-12-01") == []


def test_large_and_difficult_lists(office: Office, lists: dict[str, str]) -> None:
    c = lists
    # F received 3 June 2019 (302 days), G on 16 December (106); J was terminated on 1 February.
    assert office.listed("large_unfinished", D) == [(c["F"], 302), (c["G"], 106)]
    assert office.listed("large_unfinished", "2020-01-31") == [(c["F"], 242), (c["J"], 152),
                                                                (c["G"], 46)]
    assert office.listed("difficult", D) == [(c["H"], 85)]
    assert office.listed("difficult", "2020-01-05") == []


def test_summary_counts_what_a_dashboard_needs(app: Flask, office: Office, lists: dict[str, str]) -> None:
    summary = office.report("summary", D)
    assert summary["agency"] == "CC243" and summary["as_of"] == D
    assert summary["position"] == app.extensions["thads"].cases.log_head()
    assert summary["lists"] == {"sold_not_delivered": 1, "able_not_seized": 4, "large_unfinished": 2,
                                "difficult": 1}
    # Open: A B C D E F G H (I closed, J terminated). Stages: D seized→auctioned, E delivered.
    assert summary["open_cases"] == 8
    assert summary["stages"] == {"received": 0, "verified": 6, "seized": 0, "auctioned": 1, "delivered": 1}
    assert summary["aging"] == {"0_30": 0, "31_90": 0, "91_180": 2, "181_365": 6, "over_365": 0}
    assert set(summary["clocks"]) == {"decision", "first_verification", "reverification", "valuation",
                                      "auction", "delivery", "payout", "resume"}
    # D's land (sold 2 December) and F's and H's re-verifications (unable) are open.
    assert summary["clocks"]["delivery"] == {"open": 1, "overdue": 1, "due_soon": 0, "satisfied_late": 0}
    assert summary["clocks"]["reverification"]["open"] == 2


def test_a_late_verification_shows_in_the_clocks(office: Office) -> None:
    # Requested Fri 20 Dec 2019, decided Thu 2 Jan 2020: 5 working days were up on 27 Dec.
    case = office.case("2020-01-02", requested_on="2019-12-20")
    # Verification due 20 days after receipt: Wed 22 January.
    soon = office.report("clocks", "2020-01-15")["clocks"]["first_verification"]
    assert soon == {"open": 1, "overdue": 0, "due_soon": 1, "satisfied_late": 0}
    [item] = office.report("due_soon", "2020-01-15")["items"]
    assert (item["case_id"], item["clock"], item["due_on"], item["days"]) == (case, "first_verification",
                                                                             "2020-01-22", 7)
    assert office.report("clocks", "2020-01-14")["clocks"]["first_verification"]["due_soon"] == 0
    late = office.report("clocks", "2020-01-25")["clocks"]
    assert late["first_verification"] == {"open": 1, "overdue": 1, "due_soon": 0, "satisfied_late": 0}
    assert late["decision"] == {"open": 0, "overdue": 0, "due_soon": 0, "satisfied_late": 1}
    assert office.listed("overdue", "2020-01-25") == [(case, 3)]
    assert office.listed("overdue", "2020-01-25", clock="first_verification") == [(case, 3)]
    assert office.listed("overdue", "2020-01-25", clock="payout") == []
    # Verified on 3 February: the clock is satisfied, late; it no longer counts as overdue.
    office.do(case, "verify", "2020-02-03", result="unable")
    after = office.report("clocks", "2020-02-04")["clocks"]
    assert after["first_verification"] == {"open": 0, "overdue": 0, "due_soon": 0, "satisfied_late": 1}
    assert after["reverification"] == {"open": 1, "overdue": 0, "due_soon": 0, "satisfied_late": 0}
    assert office.listed("overdue", "2020-02-04") == []
    # As of 25 January it still was overdue: reports look at the day asked for.
    assert office.listed("overdue", "2020-01-25") == [(case, 3)]
    # The last 12 months run from the day after D a year earlier: 3 Feb 2021 no longer counts it.
    assert office.report("clocks", "2021-02-02")["clocks"]["first_verification"]["satisfied_late"] == 1
    assert office.report("clocks", "2021-02-03")["clocks"]["first_verification"]["satisfied_late"] == 0


def test_a_held_case_pauses_its_clocks_and_must_resume_in_time(office: Office) -> None:
    case = office.case("2020-01-02")
    office.do(case, "postpone", "2020-01-10", reason="hoan.48.1.a", until="2020-02-14")
    # Held before its verification fell due (22 January): not overdue while held.
    assert office.report("clocks", "2020-02-01")["clocks"]["first_verification"]["overdue"] == 0
    # The ground ends Fri 14 February: resume due 5 working days later, Fri 21 February.
    assert office.listed("due_soon", "2020-02-14", clock="resume") == [(case, 7)]
    assert office.listed("overdue", "2020-02-24", clock="resume") == [(case, 3)]
    office.do(case, "resume", "2020-02-25")
    # 46 days held push the verification from 22 January to 8 March (a Sunday): due soon on 2 March.
    assert office.listed("due_soon", "2020-03-02", clock="first_verification") == [(case, 6)]
    assert office.listed("overdue", "2020-03-10") == [(case, 2)]


def test_hold_dates_and_request_dates_are_checked(app: Flask, office: Office) -> None:
    case = office.case("2020-01-02")
    refused = office.send(case, "postpone", "2020-01-10", reason="hoan.48.1.a", until="2020-01-09")
    assert refused.status_code == 422 and refused.get_json()["error"]["details"] == {"field": "until"}
    response = office.client.post("/api/v1/cases", headers=office.headers,
                                  json=case_body(received_on="2020-01-02", requested_on="2020-01-03"))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"field": "requested_on"}
    answer = office.do(case, "suspend", "2020-01-10", reason="tdc.49.2", until="2020-03-01")
    assert answer["hold"]["until"] == "2020-03-01"
    rows = table_rows(app)["clocks"]
    assert [r["clock"] for r in rows if r["case_id"] == case] == ["first_verification", "resume"]


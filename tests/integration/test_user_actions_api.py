"""GET /api/v1/audit/users/{username}/actions (SPEC §6, every action of one user): exactly the
events the user's commands recorded, newest first, paged by log position, filtered by recorded
time and event type, limited to the caller's scope; a name the log knows but the user store
does not; auditors and administrators only; bad parameters named. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.case import EnforcementCase
from tests.integration.action_helpers import DID, actions_of, seed
from tests.integration.api_helpers import API, Login, refused
from tests.integration.web_case_helpers import services

ITEM_KEYS = {"position", "case_id", "case_number", "agency", "version", "type", "on", "recorded_at"}


@pytest.fixture
def seeded(app: Flask) -> dict[str, Any]:
    return seed(app)


def listing(client: FlaskClient, headers: dict[str, str], username: str, **query: Any) -> dict[str, Any]:
    response = client.get(f"{API}/audit/users/{username}/actions", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    body = response.get_json()
    assert set(body) == {"username", "items", "total", "next_before", "position"}
    assert all(set(item) == ITEM_KEYS for item in body["items"])
    return body  # type: ignore[no-any-return]


def essentials(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(i["position"], i["case_id"], i["version"], i["type"], str(i["on"])) for i in items]


def test_each_user_gets_exactly_the_events_they_issued(app: Flask, client: FlaskClient, login: Login,
                                                      seeded: dict[str, Any]) -> None:
    numbers = {str(seeded["one"]): "1/2020/QĐ-THA", str(seeded["two"]): "2/2020/QĐ-THA",
               str(seeded["three"]): "3/2020/QĐ-THA"}
    for reader in (login("kt"), login("root")):  # a national auditor, an administrator
        for username, count in DID.items():
            body = listing(client, reader, username)
            expected = actions_of(app, username)
            assert len(expected) == count and body["total"] == count and body["next_before"] is None
            assert essentials(body["items"]) == essentials(expected)
            recorded = [e["recorded_at"].isoformat() for e in expected]
            assert [i["recorded_at"] for i in body["items"]] == recorded
            assert all(i["case_number"] == numbers[i["case_id"]] for i in body["items"])
            assert body["position"] == services(app).cases.log_head()
    mine = listing(client, login("kt"), "e1")["items"]
    assert [(i["type"], i["on"], i["agency"]) for i in mine] == [
        ("NoteAdded", "2020-01-07", "CC243"), ("Verified", "2020-01-05", "CC243")]
    assert listing(client, login("kt"), "kt")["items"] == []  # a known user who did nothing


def test_pages_follow_next_before_to_the_first_action(app: Flask, client: FlaskClient, login: Login,
                                                      seeded: dict[str, Any]) -> None:
    auditor = login("kt")
    pages, before = [], None
    while True:
        body = listing(client, auditor, "h243", limit=3, **({"before": before} if before else {}))
        assert body["total"] == 4
        pages.append([i["position"] for i in body["items"]])
        before = body["next_before"]
        if before is None:
            break
        assert before == pages[-1][-1]
    every = [e["position"] for e in actions_of(app, "h243")]
    assert pages == [every[:3], every[3:]]
    older = listing(client, auditor, "h243", before=every[1])
    assert [i["position"] for i in older["items"]] == every[2:] and older["total"] == 4
    assert listing(client, auditor, "h243", before=every[-1])["items"] == []


def test_the_recorded_time_range_and_the_event_type(app: Flask, client: FlaskClient, login: Login,
                                                    seeded: dict[str, Any]) -> None:
    auditor = login("kt")
    expected = actions_of(app, "h243")  # newest first: Reassigned, NoteAdded, Received, Received
    middle = expected[1]["recorded_at"].isoformat()
    since = listing(client, auditor, "h243", **{"from": middle})
    assert essentials(since["items"]) == essentials(expected[:2]) and since["total"] == 2
    until = listing(client, auditor, "h243", to=middle)
    assert essentials(until["items"]) == essentials(expected[1:]) and until["total"] == 3
    both = listing(client, auditor, "h243", **{"from": middle, "to": middle})
    assert essentials(both["items"]) == essentials(expected[1:2])
    received = listing(client, auditor, "h243", type="Received")
    assert [i["type"] for i in received["items"]] == ["Received", "Received"] and received["total"] == 2
    paged = listing(client, auditor, "h243", type="Received", limit=1)
    assert paged["next_before"] == received["items"][0]["position"] and paged["total"] == 2
    early = listing(client, auditor, "h243", to="2000-01-01T00:00:00+07:00")
    assert early["items"] == [] and early["total"] == 0


def test_an_auditor_below_the_nation_sees_only_actions_on_cases_in_scope(
        app: Flask, client: FlaskClient, login: Login, seeded: dict[str, Any]) -> None:
    office = login("kt243")  # Vĩnh Yên: cases 1 and 2, not case 3 of Phúc Yên
    h26 = listing(client, office, "h26")
    assert [(i["type"], i["case_id"]) for i in h26["items"]] == [("NoteAdded", str(seeded["one"]))]
    assert h26["total"] == 1
    # e9 works in Phúc Yên only: outside this auditor's scope, as user and as actions.
    refused(app, lambda: client.get(f"{API}/audit/users/e9/actions", headers=office), 404, "not_found",
            field="username")
    assert listing(client, login("kt"), "e9")["total"] == 1


def test_a_name_the_log_knows_without_an_account_is_listed(app: Flask, client: FlaskClient,
                                                           login: Login, seeded: dict[str, Any]) -> None:
    """The demo's generated cases are recorded ``by`` a name that is no account."""
    case = EnforcementCase.receive(
        number="S1/2020", agency="CC243", on=date(2020, 2, 3), initiation="ex_officio",
        judgment={"court": "TAND", "number": "1/HS", "date": date(2020, 1, 2), "kind": "criminal"},
        creditor={"name": "Nhà nước", "kind": "state"}, debtor={"name": "Bị án", "kind": "individual"},
        amount_due=1000, by="synthetic")
    services(app).cases.save(case)
    services(app).read_models.after_write()
    body = listing(client, login("kt"), "synthetic")
    assert [(i["type"], i["case_id"], i["case_number"]) for i in body["items"]] == [
        ("Received", str(case.id), "S1/2020")]
    refused(app, lambda: client.get(f"{API}/audit/users/nobody/actions", headers=login("kt")), 404,
            "not_found", "nobody", field="username")


def test_only_auditors_and_administrators(app: Flask, client: FlaskClient, login: Login,
                                          seeded: dict[str, Any]) -> None:
    for username in ("e1", "h243", "h26"):
        refused(app, lambda u=username: client.get(f"{API}/audit/users/e1/actions", headers=login(u)),
                403, "forbidden", "actions")
    assert client.get(f"{API}/audit/users/e1/actions").status_code == 401


@pytest.mark.parametrize(("query", "field"), [
    ({"before": 0}, "before"), ({"before": "x"}, "before"), ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"), ({"from": "yesterday"}, "from"), ({"to": "2020-01-02T10:00:00"}, "to"),
    ({"from": "2020-02-01T00:00:00Z", "to": "2020-01-01T00:00:00Z"}, "from"), ({"type": "Deleted"}, "type"),
    ({"min_position": -1}, "min_position"),
])
def test_bad_parameters_are_named(app: Flask, client: FlaskClient, login: Login, query: dict[str, Any],
                                  field: str) -> None:
    auditor = login("kt", "auditor", "VN")
    refused(app, lambda: client.get(f"{API}/audit/users/kt/actions", headers=auditor, query_string=query),
            400, "invalid_request", field=field)


def test_a_reader_reads_its_own_writes_and_health_shows_the_read_model(
        app: Flask, client: FlaskClient, login: Login, seeded: dict[str, Any]) -> None:
    written = client.post(f"{API}/cases/{seeded['two']}/note", json={"text": "Ghi chú"},
                          headers=login("h243"))
    assert written.status_code == 200, written.json
    body = listing(client, login("kt"), "h243", min_position=written.json["position"])
    assert body["items"][0]["position"] == written.json["position"] and body["total"] == 5
    health = client.get(f"{API}/health").get_json()
    assert health["projections"]["actions"]["position"] == written.json["position"]

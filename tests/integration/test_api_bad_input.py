"""API v1 refuses bad input: 400 for the wrong shape, 409 for conflicts and duplicates, 422 for
business rules; every refusal answers the error envelope and writes no event (SPEC §3, §8).
Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain import clock
from service.application import COMMANDS
from tests.conftest import case_body
from tests.integration.api_helpers import ADMINISTRATIVE, API, BODIES, Login, refused


def js(response: TestResponse) -> Any:
    return response.get_json()


class Api:
    """The client and a user's headers, with shortcuts for the calls the tests repeat."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]):
        self.client, self.headers = client, headers

    def create(self, **overrides: Any) -> TestResponse:
        return self.client.post(f"{API}/cases", json=case_body(**overrides), headers=self.headers)

    def case(self, **overrides: Any) -> dict[str, Any]:
        response = self.create(**overrides)
        assert response.status_code == 201, response.json
        return js(response)

    def send(self, case_id: str, command: str, body: Any = None, **headers: str) -> TestResponse:
        return self.client.post(f"{API}/cases/{case_id}/{command}", json=body,
                                headers={**self.headers, **headers})

    def do(self, case_id: str, command: str, **body: Any) -> dict[str, Any]:
        response = self.send(case_id, command, body)
        assert response.status_code == 200, response.json
        return js(response)


@pytest.fixture
def api(client: FlaskClient, login: Login) -> Api:
    return Api(client, login("e1"))


@pytest.fixture
def head(client: FlaskClient, login: Login) -> Api:
    login("e2")  # the other enforcer of CC243, a valid target for reassign
    return Api(client, login("h1", "head", "CC243"))


# ------------------------------------------------------------------ shape (400)


def test_malformed_json_is_400(app: Flask, api: Api) -> None:
    send = lambda: api.client.post(f"{API}/cases", data='{"agency": "CC243",',  # noqa: E731
                                   headers={**api.headers, "Content-Type": "application/json"})
    refused(app, send, 400, "invalid_request", says="json")


def test_json_array_instead_of_object_is_400(app: Flask, api: Api) -> None:
    refused(app, lambda: api.client.post(f"{API}/cases", json=[case_body()], headers=api.headers),
            400, "invalid_request", says="invalid input type")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"amount_due": "100"}, "amount_due"),
    ({"amount_due": True}, "amount_due"),
    ({"amount_due": 1.5}, "amount_due"),
    ({"amount_due": -1}, "amount_due"),
    ({"amount_due": 10**16}, "amount_due"),
    ({"colour": "red"}, "colour"),
    ({"judgment": {**case_body()["judgment"], "extra": 1}}, "judgment.extra"),
    ({"creditor": {"name": "A", "kind": "alien"}}, "creditor.kind"),
    ({"received_on": "02/01/2020"}, "received_on"),
], ids=["amount-string", "amount-bool", "amount-fraction", "amount-negative", "amount-absurd",
        "unknown-field", "unknown-nested-field", "bad-choice", "bad-date"])
def test_create_with_wrong_shape_is_400(app: Flask, api: Api, overrides: dict[str, Any],
                                        field: str) -> None:
    refused(app, lambda: api.create(**overrides), 400, "invalid_request", field=field)


@pytest.mark.parametrize(("command", "body", "field"), [
    ("collect", {"amount": "100", "source": "voluntary"}, "amount"),
    ("collect", {"amount": True, "source": "voluntary"}, "amount"),
    ("collect", {"amount": 1.5, "source": "voluntary"}, "amount"),
    ("collect", {"amount": -5, "source": "voluntary"}, "amount"),
    ("collect", {"amount": 10**16, "source": "voluntary"}, "amount"),
    ("collect", {"amount": 5, "source": "voluntary", "extra": 1}, "extra"),
    ("value", {"asset_id": "1", "price": 100}, "asset_id"),
    ("seize", {"asset": {**BODIES["seize"]["asset"], "extra": 1}}, "asset.extra"),
    ("verify", {"result": "maybe"}, "result"),
    ("mark-difficult", {"difficult": "yes", "reason": "r"}, "difficult"),
], ids=["amount-string", "amount-bool", "amount-fraction", "amount-negative", "amount-absurd",
        "unknown-field", "asset-id-string", "unknown-nested-field", "bad-choice", "bool-string"])
def test_command_with_wrong_shape_is_400(app: Flask, head: Api, command: str,
                                         body: dict[str, Any], field: str) -> None:
    case = head.case(enforcer="e2")
    refused(app, lambda: head.send(case["id"], command, body), 400, "invalid_request", field=field)


def test_if_match_that_is_not_a_number_is_400(app: Flask, api: Api) -> None:
    case = api.case()
    refused(app, lambda: api.send(case["id"], "verify", BODIES["verify"], **{"If-Match": "abc"}),
            400, "bad_request", says="If-Match")


def test_unknown_command_and_non_uuid_id_are_404(app: Flask, api: Api) -> None:
    case = api.case()
    refused(app, lambda: api.send(case["id"], "fly-away", {}), 404, "not_found")
    refused(app, lambda: api.send("not-a-uuid", "verify", BODIES["verify"]), 404, "not_found")
    refused(app, partial(api.client.get, f"{API}/cases/12345", headers=api.headers), 404,
            "not_found")
    unknown = str(uuid.uuid4())
    refused(app, lambda: api.send(unknown, "verify", BODIES["verify"]), 404, "not_found",
            says=unknown)


# ------------------------------------------------------------------ what no store can hold (400)


@pytest.mark.parametrize(("path", "query", "field"), [
    ("/cases/{id}", {"version": 2**63}, "version"),
    ("/cases/{id}/diff", {"from": 1, "to": 10**25}, "to"),
    ("/cases", {"min_position": 2**63}, "min_position"),
    ("/bottlenecks", {"kind": "large_unfinished", "page": 10**7}, "page"),
    ("/audit/users/e1/actions", {"before": 2**64}, "before"),
])
def test_numbers_beyond_the_stores_integers_are_400(app: Flask, client: FlaskClient, login: Login, api: Api,
                                                     path: str, query: dict[str, Any], field: str) -> None:
    """Found by schemathesis: a version past 2**63 reached the database (500)."""
    auditor = login("kt", "auditor", "VN")
    url = API + path.format(id=api.case()["id"])
    refused(app, lambda: client.get(url, query_string=query, headers=auditor), 400, "invalid_request",
            field=field)


def test_text_no_store_can_keep_is_400_naming_where(app: Flask, client: FlaskClient, login: Login,
                                                    api: Api) -> None:
    """A NUL (PostgreSQL refuses it in text, and a stored event carrying one stalled the read
    models) or an unpaired surrogate (JSON's \\ud800: not UTF-8) is refused at the door,
    wherever it is: body, query, path or form."""
    case = api.case()["id"]
    auditor = login("kt", "auditor", "VN")

    def post(path: str, body: dict[str, Any]) -> TestResponse:  # escaped as JSON allows
        return client.post(f"{API}{path}", data=json.dumps(body),
                           headers={**api.headers, "Content-Type": "application/json"})

    for text in ("a\x00b", "a\ud800b"):
        sends = {
            "debtor.name": lambda t=text: post("/cases", case_body(debtor={"name": t, "kind": "individual"})),
            "judgment.number": lambda t=text: post("/cases", case_body(
                judgment={**case_body()["judgment"], "number": t})),
            "text": lambda t=text: post(f"/cases/{case}/note", {"text": t}),
        }
        for field, send in sends.items():
            refused(app, send, 400, "bad_request", field=field, says=f"{field} must not contain")
    nul = "a\x00b"  # the others cannot be sent in a URL or a form at all
    refused(app, lambda: client.get(f"{API}/cases", query_string={"q": nul}, headers=api.headers), 400,
            "bad_request", field="q")
    refused(app, lambda: client.get(f"{API}/audit/users/{quote(nul)}/actions", headers=auditor), 400,
            "bad_request", field="username")
    token = client.post(f"{API}/tokens", json={"username": nul, "password": "x"})
    assert token.status_code == 400 and token.get_json()["error"]["details"] == {"field": "username"}
    page = client.post("/login", data={"username": nul, "password": "x"})
    assert page.status_code == 400 and "must not contain" in page.get_data(as_text=True)


def test_min_position_beyond_the_log_is_422_at_once(app: Flask, client: FlaskClient, login: Login,
                                                   api: Api) -> None:
    """It was waited for in vain (5 s), then a 503; found by schemathesis."""
    written = api.case()["position"]
    auditor = login("kt", "auditor", "VN")
    for path in ("/cases", "/stats", "/bottlenecks", "/audit/users/e1/actions"):
        started = time.monotonic()
        refused(app, partial(client.get, f"{API}{path}", query_string={"min_position": written + 1},
                             headers=auditor),
                422, "unknown_position", field="min_position", says="beyond the end of the log")
        assert time.monotonic() - started < 2, path
        reached = client.get(f"{API}{path}", query_string={"min_position": written}, headers=auditor)
        assert reached.status_code == 200, (path, reached.get_json())


# ------------------------------------------------------------------ conflicts (409)


def test_stale_if_match_is_409_with_who_changed_it(app: Flask, api: Api) -> None:
    case = api.case()
    api.do(case["id"], "note", text="first")
    stale = partial(api.send, case["id"], "verify", BODIES["verify"], **{"If-Match": "1"})
    error = refused(app, stale, 409, "version_conflict", says="version 2")
    assert error["details"]["current_version"] == 2
    assert error["details"]["changed_by"] == "e1"
    fresh = api.send(case["id"], "verify", BODIES["verify"], **{"If-Match": '"2"'})
    assert fresh.status_code == 200


def test_duplicate_number_in_same_agency_and_year_is_409(app: Flask, api: Api) -> None:
    api.case(number="7/2020/QĐ-THA")
    refused(app, lambda: api.create(number="7/2020/QĐ-THA"), 409, "duplicate", says="7/2020/QĐ-THA")
    other_year = api.case(number="7/2020/QĐ-THA", received_on="2021-01-04")
    assert other_year["number"] == "7/2020/QĐ-THA"


# ------------------------------------------------------------------ business rules (422)


def test_business_dates_are_checked(app: Flask, api: Api) -> None:
    case = api.case()
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    refused(app, lambda: api.send(case["id"], "note", {"text": "x", "on": tomorrow}), 422,
            "date_out_of_order", field="on", says="future")
    api.do(case["id"], "verify", result="able", on="2020-03-01")
    refused(app, lambda: api.send(case["id"], "note", {"text": "x", "on": "2020-02-01"}), 422,
            "date_out_of_order", field="on", says="before the case's previous act")


def test_create_checks_dates_agency_and_enforcer(app: Flask, api: Api, login: Login) -> None:
    late_judgment = {**case_body()["judgment"], "date": "2020-01-03"}
    refused(app, lambda: api.create(judgment=late_judgment), 422, "date_out_of_order",
            field="judgment.date")
    refused(app, lambda: api.create(received_on="2026-01-05"), 422, "unknown_agency",
            field="agency", says="did not exist on 2026-01-05")
    refused(app, lambda: api.create(enforcer="ghost"), 422, "unknown_enforcer", field="enforcer")
    # An enforcer's scope is their office: an unknown code is outside it.
    refused(app, lambda: api.create(agency="XX999"), 422, "unknown_agency", field="agency", says="XX999")
    future = Api(api.client, login("kv1", "enforcer", "T25-KV01"))
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    refused(app, lambda: future.create(agency="T25-KV01", received_on=tomorrow), 422,
            "date_out_of_order", says="future")


def test_unknown_agency_on_create_is_422_for_a_national_head(app: Flask, client: FlaskClient,
                                                             login: Login) -> None:
    national = Api(client, login("hvn", "head", "VN"))
    refused(app, lambda: national.create(agency="XX999"), 422, "unknown_agency", field="agency")


def test_reassign_to_unknown_or_foreign_enforcer_is_422(app: Flask, head: Api,
                                                        login: Login) -> None:
    case = head.case(enforcer="e2")
    login("e9", "enforcer", "CC244")
    for enforcer in ("ghost", "e9"):
        refused(app, partial(head.send, case["id"], "reassign", {"enforcer": enforcer}), 422,
                "unknown_enforcer", field="enforcer", says=enforcer)


def test_asset_rules(app: Flask, api: Api) -> None:
    case = api.case()
    cid = case["id"]
    refused(app, lambda: api.send(cid, "value", {"asset_id": 9, "price": 100}), 422,
            "unknown_asset", field="asset_id", says="asset 9")
    refused(app, lambda: api.send(cid, "seize", BODIES["seize"]), 422, "not_verified_able",
            says="verified able")
    api.do(cid, "verify", result="able")
    api.do(cid, "seize", **BODIES["seize"])
    refused(app, lambda: api.send(cid, "auction", BODIES["auction"]), 422, "asset_seized",
            field="asset_id", says="it must be valued")
    refused(app, lambda: api.send(cid, "deliver", BODIES["deliver"]), 422, "asset_seized",
            field="asset_id", says="cannot deliver")
    api.do(cid, "value", asset_id=1, price=100)
    api.do(cid, "auction", asset_id=1, outcome="failed")
    refused(app, lambda: api.send(cid, "deliver", BODIES["deliver"]), 422, "asset_unsold",
            field="asset_id", says="cannot deliver")


def test_money_rules(app: Flask, api: Api) -> None:
    cid = api.case(amount_due=1000)["id"]
    refused(app, lambda: api.send(cid, "close", {}), 422, "money_outstanding",
            says="to be collected")
    refused(app, lambda: api.send(cid, "collect", {"amount": 1001, "source": "voluntary"}), 422,
            "amount_exceeds_due", field="amount", says="above the amount due")
    api.do(cid, "collect", amount=600, source="voluntary")
    refused(app, lambda: api.send(cid, "pay-out", {"amount": 601}), 422,
            "paid_out_exceeds_collected", field="amount", says="above the money collected")


def test_return_request_needs_a_case_on_request(app: Flask, api: Api) -> None:
    cid = api.case(initiation="ex_officio")["id"]
    refused(app, lambda: api.send(cid, "return-request", BODIES["return-request"]), 422,
            "not_on_request", says="on request")


def test_closed_case_accepts_only_notes(app: Flask, head: Api) -> None:
    cid = head.case(enforcer="e2")["id"]
    head.do(cid, "terminate", reason="Đình chỉ")
    for command in sorted(set(COMMANDS) - {"note"}):
        refused(app, partial(head.send, cid, command, BODIES[command]), 422, "case_closed",
                says="only notes")
    assert head.do(cid, "note", text="Lưu hồ sơ")["version"] == 3


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_case_on_hold_refuses_enforcement_commands(app: Flask, head: Api, hold: str) -> None:
    cid = head.case(enforcer="e2")["id"]
    held = head.do(cid, hold, reason="lý do")["state"]
    allowed = {"resume", "terminate", "note"}
    for command in sorted(set(COMMANDS) - allowed - ADMINISTRATIVE):
        refused(app, partial(head.send, cid, command, BODIES[command]), 422, f"case_{held}",
                says="only resume, terminate or a note")
    assert head.do(cid, "note", text="x")["state"] == held
    assert head.do(cid, "resume")["state"] == "active"


@pytest.mark.parametrize("command", sorted(ADMINISTRATIVE))
def test_postponed_case_refuses_administrative_commands(app: Flask, head: Api, make_user: Any,
                                                        command: str) -> None:
    make_user("e1")
    cid = head.case(enforcer="e1")["id"]  # so that reassigning to e2 is a change
    head.do(cid, "postpone", reason="lý do")
    refused(app, lambda: head.send(cid, command, BODIES[command]), 422, "case_postponed")

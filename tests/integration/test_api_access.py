"""Who may read and change which case through API v1 (SPEC §1): tokens, office scope (404
outside it), assignment and role (403), and the public directory. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.test import TestResponse

from service.application import COMMANDS
from tests.conftest import case_body
from tests.integration.api_helpers import API, BODIES, Login, refused


def js(response: TestResponse) -> Any:
    """The JSON body (typed for the checker: a test response here always has one)."""
    return response.get_json()


def command(client: FlaskClient, headers: dict[str, str], case_id: str, name: str,
            body: dict[str, Any] | None = None) -> TestResponse:
    return client.post(f"{API}/cases/{case_id}/{name}", json=BODIES[name] if body is None else body,
                       headers=headers)


@pytest.fixture
def case_id(client: FlaskClient, login: Login) -> str:
    """A CC243 case created and assigned to enforcer e1; e2 is another enforcer of CC243."""
    login("e2")
    response = client.post(f"{API}/cases", json=case_body(), headers=login("e1"))
    assert response.status_code == 201, response.json
    return str(js(response)["id"])


# ------------------------------------------------------------------ tokens (401)


def test_requests_without_a_valid_token_are_401(app: Flask, client: FlaskClient,
                                                case_id: str) -> None:
    calls: dict[str, Callable[[dict[str, str]], TestResponse]] = {
        "list": lambda h: client.get(f"{API}/cases", headers=h),
        "get": lambda h: client.get(f"{API}/cases/{case_id}", headers=h),
        "history": lambda h: client.get(f"{API}/cases/{case_id}/history", headers=h),
        "command": lambda h: command(client, h, case_id, "note"),
        "create": lambda h: client.post(f"{API}/cases", json=case_body(), headers=h),
    }
    wrong: list[tuple[dict[str, str], str]] = [
        ({}, "Authorization"),
        ({"Authorization": "Bearer garbage.token"}, "not valid"),
        ({"Authorization": "Basic ZTE6eA=="}, "Bearer"),
    ]
    for headers, says in wrong:
        for call in calls.values():
            refused(app, partial(call, headers), 401, "unauthorized", says)


def _token(app: Flask, username: str, age: int) -> str:
    """A token signed with the app's secret as if issued ``age`` seconds ago."""
    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    secret = app.extensions["thads"].config.secret_key
    serializer = URLSafeTimedSerializer(secret, salt="thads-api-token", signer=Signer)
    return serializer.dumps({"u": username})


def test_expired_token_is_401(app: Flask, client: FlaskClient, case_id: str) -> None:
    ttl = app.extensions["thads"].tokens.ttl
    fresh = {"Authorization": f"Bearer {_token(app, 'e1', 0)}"}
    # A fresh token made the same way works: the old one fails only for its age.
    assert client.get(f"{API}/cases/{case_id}", headers=fresh).status_code == 200
    old = {"Authorization": f"Bearer {_token(app, 'e1', ttl + 60)}"}
    refused(app, lambda: client.get(f"{API}/cases/{case_id}", headers=old), 401, "unauthorized",
            "expired")
    refused(app, lambda: command(client, old, case_id, "note"), 401, "unauthorized", "expired")


def test_disabled_user_token_is_401(app: Flask, client: FlaskClient, login: Login,
                                    case_id: str) -> None:
    headers = login("e1")
    assert client.get(f"{API}/cases/{case_id}", headers=headers).status_code == 200
    app.extensions["thads"].cases.users.set_active("e1", False)
    refused(app, lambda: client.get(f"{API}/cases/{case_id}", headers=headers), 401,
            "unauthorized", "disabled")
    refused(app, lambda: command(client, headers, case_id, "note"), 401, "unauthorized", "disabled")
    response = client.post(f"{API}/tokens", json={"username": "e1", "password": "correct-horse-1"})
    assert response.status_code == 401


def test_agencies_are_public(client: FlaskClient) -> None:
    response = client.get(f"{API}/agencies", query_string={"parent": "C26"})
    assert response.status_code == 200
    codes = {a["code"] for a in js(response)}
    assert {"CC243", "CC244"} <= codes
    assert all(a["level"] == "office" and a["parent"] == "C26" for a in js(response))


# ------------------------------------------------------------------ scope and assignment


def test_enforcer_of_another_office_gets_404(app: Flask, client: FlaskClient, login: Login,
                                             case_id: str) -> None:
    other = login("e9", "enforcer", "CC244")
    refused(app, lambda: client.get(f"{API}/cases/{case_id}", headers=other), 404, "not_found")
    refused(app, lambda: client.get(f"{API}/cases/{case_id}/history", headers=other), 404,
            "not_found")
    refused(app, lambda: command(client, other, case_id, "note"), 404, "not_found")


def test_unassigned_enforcer_of_the_office_reads_but_may_not_act(
        app: Flask, client: FlaskClient, login: Login, case_id: str) -> None:
    colleague = login("e2")
    assert client.get(f"{API}/cases/{case_id}", headers=colleague).status_code == 200
    refused(app, lambda: command(client, colleague, case_id, "note"), 403, "forbidden",
            "assigned to e1")


def test_head_only_commands(app: Flask, client: FlaskClient, login: Login, case_id: str) -> None:
    enforcer = login("e1")
    for name in ("reassign", "mark-difficult"):
        refused(app, partial(command, client, enforcer, case_id, name), 403, "forbidden",
                "only a head")
    head = login("h1", "head", "CC243")
    answer = command(client, head, case_id, "reassign")
    assert answer.status_code == 200 and js(answer)["enforcer"] == "e2"
    answer = command(client, head, case_id, "mark-difficult")
    assert answer.status_code == 200 and "difficult" in js(answer)["flags"]
    # The case is now e2's: e1 may no longer act on it, e2 may.
    refused(app, lambda: command(client, enforcer, case_id, "note"), 403, "forbidden")
    assert command(client, login("e2"), case_id, "note").status_code == 200


def test_head_of_the_province_acts_on_an_office_case(client: FlaskClient, login: Login,
                                                     case_id: str) -> None:
    province = login("h26", "head", "C26")
    assert client.get(f"{API}/cases/{case_id}", headers=province).status_code == 200
    answer = command(client, province, case_id, "verify")
    assert answer.status_code == 200 and js(answer)["stage"] == "verified"
    assert js(command(client, province, case_id, "reassign"))["enforcer"] == "e2"
    history = js(client.get(f"{API}/cases/{case_id}/history", headers=province))
    assert [e["by"] for e in history] == ["e1", "h26", "h26"]


@pytest.mark.parametrize("agency", ["C26", "VN"])
def test_auditor_reads_but_never_writes(app: Flask, client: FlaskClient, login: Login,
                                        case_id: str, agency: str) -> None:
    auditor = login("kt", "auditor", agency)
    assert client.get(f"{API}/cases/{case_id}", headers=auditor).status_code == 200
    assert client.get(f"{API}/cases/{case_id}/history", headers=auditor).status_code == 200
    assert js(client.get(f"{API}/cases", headers=auditor))["total"] == 1
    assert set(BODIES) == set(COMMANDS)
    for name in COMMANDS:
        refused(app, partial(command, client, auditor, case_id, name), 403, "forbidden",
                "auditor")
    refused(app, lambda: client.post(f"{API}/cases", json=case_body(), headers=auditor), 403,
            "forbidden", "may not create")


def test_admin_takes_no_case_actions(app: Flask, client: FlaskClient, login: Login,
                                     case_id: str) -> None:
    admin = login("root", "admin", "VN")
    refused(app, lambda: client.post(f"{API}/cases", json=case_body(), headers=admin), 403,
            "forbidden", "admin")
    for name in COMMANDS:
        refused(app, partial(command, client, admin, case_id, name), 403, "forbidden", "admin")
    refused(app, lambda: client.get(f"{API}/cases/{case_id}", headers=admin), 403, "forbidden")


@pytest.mark.parametrize(("user", "role"), [("kt", "auditor"), ("e2", "enforcer")])
def test_forbidden_caller_gets_403_even_with_a_stale_if_match(
        app: Flask, client: FlaskClient, login: Login, case_id: str, user: str, role: str) -> None:
    headers = {**login(user, role, "CC243"), "If-Match": "7"}
    refused(app, lambda: command(client, headers, case_id, "note"), 403, "forbidden")


def test_enforcer_creates_only_in_own_office(app: Flask, client: FlaskClient, login: Login) -> None:
    enforcer = login("e1")
    refused(app, lambda: client.post(f"{API}/cases", json=case_body(agency="CC244"),
                                     headers=enforcer), 403, "forbidden", "CC244")


def test_case_list_shows_only_the_callers_scope(client: FlaskClient, login: Login) -> None:
    for user, agency, count in (("e1", "CC243", 3), ("e9", "CC244", 2)):
        headers = login(user, "enforcer", agency)
        for _ in range(count):
            response = client.post(f"{API}/cases", json=case_body(agency=agency), headers=headers)
            assert response.status_code == 201, response.json

    def listed(user: str, role: str, home: str, agency: str | None = None) -> dict[str, Any]:
        query = {"agency": agency} if agency else {}
        response = client.get(f"{API}/cases", headers=login(user, role, home), query_string=query)
        assert response.status_code == 200, response.json
        return js(response)  # type: ignore[no-any-return]

    assert listed("e1", "enforcer", "CC243")["total"] == 3
    assert {c["agency"] for c in listed("e1", "enforcer", "CC243")["items"]} == {"CC243"}
    assert listed("e9", "enforcer", "CC244")["total"] == 2
    assert listed("h26", "head", "C26")["total"] == 5
    assert listed("kt", "auditor", "VN")["total"] == 5
    assert listed("e1", "enforcer", "CC243", "CC244")["total"] == 0  # not by asking
    assert listed("h26", "head", "C26", "CC244")["total"] == 2
    assert listed("h27", "head", "C27")["total"] == 0

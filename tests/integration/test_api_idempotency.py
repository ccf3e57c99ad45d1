"""Idempotency-Key on API v1 writes (SPEC §8): a retry answers the first answer, byte for byte,
and writes nothing; sequential and concurrent retries, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import case_body, event_count

API = "/api/v1"
Login = Callable[..., dict[str, str]]
Send = Callable[[FlaskClient], TestResponse]


@pytest.fixture
def headers(login: Login) -> dict[str, str]:
    return login("e1")


@pytest.fixture
def case_id(client: FlaskClient, headers: dict[str, str]) -> str:
    response = client.post(f"{API}/cases", json=case_body(amount_due=1000), headers=headers)
    assert response.status_code == 201, response.json
    return str(js(response)["id"])


def js(response: TestResponse) -> Any:
    return response.get_json()


def post(path: str, body: Any, headers: dict[str, str], key: str) -> Send:
    return lambda client: client.post(f"{API}{path}", json=body,
                                      headers={**headers, "Idempotency-Key": key})


def assert_replays(responses: list[TestResponse], status: int) -> None:
    """One original answer and replays identical to it in status and body bytes."""
    first, *others = responses
    assert first.status_code == status, first.get_data(as_text=True)
    for response in others:
        assert response.status_code == first.status_code
        assert response.get_data() == first.get_data()
    replayed = [r.headers.get("Idempotent-Replayed") for r in responses]
    assert replayed.count("true") == len(responses) - 1, replayed


def test_command_sent_five_times_writes_one_event(app: Flask, client: FlaskClient,
                                                  headers: dict[str, str], case_id: str) -> None:
    send = post(f"/cases/{case_id}/collect", {"amount": 100, "source": "voluntary"}, headers, "k-1")
    before = event_count(app)
    responses = [send(client) for _ in range(5)]
    assert event_count(app) == before + 1
    assert_replays(responses, 200)
    assert "Idempotent-Replayed" not in responses[0].headers
    assert js(responses[0])["collected"] == 100
    current = js(client.get(f"{API}/cases/{case_id}", headers=headers))
    assert current["collected"] == 100 and current["version"] == 2


def test_create_sent_five_times_makes_one_case(app: Flask, client: FlaskClient,
                                               headers: dict[str, str]) -> None:
    send = post("/cases", case_body(), headers, "create-1")
    responses = [send(client) for _ in range(5)]
    assert event_count(app) == 1
    assert_replays(responses, 201)
    assert js(client.get(f"{API}/cases", headers=headers))["total"] == 1


def test_same_key_with_another_body_is_refused(app: Flask, client: FlaskClient,
                                               headers: dict[str, str], case_id: str) -> None:
    path = f"/cases/{case_id}/collect"
    first = post(path, {"amount": 100, "source": "voluntary"}, headers, "k")(client)
    assert first.status_code == 200
    before = event_count(app)
    for body in ({"amount": 200, "source": "voluntary"}, {"amount": 100, "source": "other"}):
        response = post(path, body, headers, "k")(client)
        assert response.status_code == 422
        error = js(response)["error"]
        assert set(error) == {"code", "message", "details"}
        assert error["code"] == "idempotency_key_reused"
        assert "Idempotency-Key" in error["message"]
    other_path = post(f"/cases/{case_id}/pay-out", {"amount": 100}, headers, "k")(client)
    assert other_path.status_code == 422
    assert js(other_path)["error"]["code"] == "idempotency_key_reused"
    assert event_count(app) == before


def test_keys_belong_to_their_user(app: Flask, client: FlaskClient, login: Login,
                                   headers: dict[str, str], case_id: str) -> None:
    head = login("h1", "head", "CC243")
    body = {"text": "cùng một khóa"}
    before = event_count(app)
    mine = post(f"/cases/{case_id}/note", body, headers, "shared")(client)
    theirs = post(f"/cases/{case_id}/note", body, head, "shared")(client)
    assert (mine.status_code, theirs.status_code) == (200, 200)
    assert "Idempotent-Replayed" not in theirs.headers
    assert (js(mine)["version"], js(theirs)["version"]) == (2, 3)
    assert event_count(app) == before + 2


def test_refused_command_replays_the_refusal(app: Flask, client: FlaskClient,
                                             headers: dict[str, str], case_id: str) -> None:
    too_much = {"amount": 5000, "source": "voluntary"}
    send = post(f"/cases/{case_id}/collect", too_much, headers, "too-much")
    before = event_count(app)
    responses = [send(client) for _ in range(3)]
    assert_replays(responses, 422)
    assert js(responses[0])["error"]["code"] == "amount_exceeds_due"
    assert event_count(app) == before
    # The refusal is the answer for this key, even once the case could accept the command.
    client.post(f"{API}/cases/{case_id}/collect", json={"amount": 1, "source": "voluntary"},
                headers=headers)
    assert send(client).get_data() == responses[0].get_data()


def test_replay_of_a_conditional_command_is_not_a_conflict(app: Flask, client: FlaskClient,
                                                           headers: dict[str, str],
                                                           case_id: str) -> None:
    conditional = {**headers, "If-Match": "1"}
    send = post(f"/cases/{case_id}/verify", {"result": "able"}, conditional, "cond")
    responses = [send(client) for _ in range(2)]
    assert_replays(responses, 200)  # the retry is not refused as stale: it is the same request
    assert event_count(app) == 2


def _concurrently(app: Flask, send: Send, n: int = 5) -> list[TestResponse]:
    """Send from ``n`` threads at once, each with its own test client."""
    barrier = threading.Barrier(n)
    responses: list[TestResponse | BaseException] = [RuntimeError("not run")] * n

    def run(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            responses[i] = send(client)
        except BaseException as error:  # reported by the assertion below
            responses[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    answered = [r for r in responses if isinstance(r, TestResponse)]
    assert len(answered) == n, responses
    # The one that ran first is the one not replayed.
    return sorted(answered, key=lambda r: r.headers.get("Idempotent-Replayed") == "true")


def test_concurrent_retries_of_a_command_write_one_event(app: Flask, headers: dict[str, str],
                                                         case_id: str) -> None:
    before = event_count(app)
    body = {"amount": 100, "source": "voluntary"}
    send = post(f"/cases/{case_id}/collect", body, headers, "race")
    responses = _concurrently(app, send)
    assert event_count(app) == before + 1
    assert_replays(responses, 200)


def test_concurrent_retries_of_a_create_make_one_case(app: Flask, headers: dict[str, str]) -> None:
    responses = _concurrently(app, post("/cases", case_body(), headers, "race-create"))
    assert event_count(app) == 1
    assert_replays(responses, 201)

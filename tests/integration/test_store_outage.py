"""The database going away under a running app (PostgreSQL restarted, connections cut): the
requests that find a dead connection are answered 503 ``store_unavailable`` with Retry-After
(the API) or a 503 page, never a 500, and the app serves again once the store answers; an
``Idempotency-Key`` is left free by such an answer, so the retry is run, not replayed."""

from __future__ import annotations

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, PG_ADMIN_URL, PG_TEST_DB, case_body
from tests.integration.api_helpers import Login
from tests.integration.web_helpers import Web

pytestmark = pytest.mark.parametrize("store_url", ["postgres"], indirect=True)


def cut_connections() -> int:
    """Terminate every connection to the test database, as a PostgreSQL restart does."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
                            " AND pid <> pg_backend_pid()", (PG_TEST_DB,)).fetchall()
    return len(rows)


def until_served(ask: object, limit: int = 20) -> list[int]:
    """The statuses of asking again and again until a 2xx (at most ``limit`` times)."""
    statuses: list[int] = []
    while len(statuses) < limit:
        statuses.append(ask())  # type: ignore[operator]
        if statuses[-1] < 300:
            return statuses
    raise AssertionError(f"never served again: {statuses}")


def test_the_api_answers_503_while_the_store_is_cut_off(client: FlaskClient, login: Login) -> None:
    headers = login("chv.vinhyen")
    assert client.post("/api/v1/cases", json=case_body(), headers=headers).status_code == 201
    assert cut_connections() > 0
    answer = client.get("/api/v1/cases", headers=headers)
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.headers["Retry-After"] == "1"
    error = answer.get_json()["error"]
    assert error["code"] == "store_unavailable"
    assert "The case store cannot be reached" in error["message"] and "Traceback" not in error["message"]
    statuses = until_served(lambda: client.get("/api/v1/cases", headers=headers).status_code)
    assert set(statuses[:-1]) <= {503}, statuses


def test_a_write_cut_off_keeps_its_idempotency_key_free(client: FlaskClient, login: Login,
                                                        app: Flask) -> None:
    headers = {**login("chv.vinhyen"), "Idempotency-Key": "create-1"}
    cut_connections()

    def create() -> int:
        return client.post("/api/v1/cases", json=case_body(), headers=headers).status_code

    statuses = until_served(create)
    assert statuses[-1] == 201 and set(statuses[:-1]) <= {503}, statuses
    again = client.post("/api/v1/cases", json=case_body(), headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert app.extensions["thads"].cases.log_head() == 1


def test_a_page_answers_503_while_the_store_is_cut_off(app: Flask, make_user: object) -> None:
    make_user("chv.vinhyen")  # type: ignore[operator]
    web = Web(app)
    web.login("chv.vinhyen", PASSWORD)
    assert web.get("/cases").status_code == 200
    cut_connections()
    answer = web.get("/cases")
    assert answer.status_code == 503
    assert "Không kết nối được cơ sở dữ liệu" in answer.get_data(as_text=True)
    assert until_served(lambda: web.get("/cases").status_code)[-1] == 200

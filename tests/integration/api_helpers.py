"""Helpers shared by the API tests: a user's view of the API, a body of the right shape for
every command, and the check that a request is refused without writing anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import case_body, event_count

API = "/api/v1"
Login = Callable[..., dict[str, str]]


def js(response: TestResponse) -> Any:
    return response.get_json()


class Api:
    """A user's view of the API: create, command and read, asserting success."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]):
        self.client, self.headers = client, headers

    def create(self, **overrides: Any) -> dict[str, Any]:
        response = self.client.post(f"{API}/cases", json=case_body(**overrides),
                                    headers=self.headers)
        assert response.status_code == 201, response.json
        assert response.headers["ETag"] == f'"{js(response)["version"]}"'
        return js(response)

    def do(self, case_id: str, command: str, **body: Any) -> dict[str, Any]:
        response = self.client.post(f"{API}/cases/{case_id}/{command}", json=body,
                                    headers=self.headers)
        assert response.status_code == 200, (command, response.json)
        assert response.headers["ETag"] == f'"{js(response)["version"]}"'
        return js(response)

    def get(self, path: str, **query: Any) -> Any:
        response = self.client.get(f"{API}{path}", headers=self.headers, query_string=query)
        assert response.status_code == 200, response.json
        return js(response)

    def status(self, path: str, **query: Any) -> int:
        return self.client.get(f"{API}{path}", headers=self.headers, query_string=query).status_code


BODIES: dict[str, dict[str, Any]] = {
    "verify": {"result": "able"},
    "seize": {"asset": {"description": "Thửa đất số 12", "kind": "land", "estimated_value": 100}},
    "value": {"asset_id": 1, "price": 100},
    "auction": {"asset_id": 1, "outcome": "failed"},
    "reduce-price": {"asset_id": 1, "price": 50},
    "hand-to-creditor": {"asset_id": 1, "price": 50},
    "deliver": {"asset_id": 1},
    "collect": {"amount": 1, "source": "voluntary"},
    "pay-out": {"amount": 1},
    "postpone": {"reason": "Đương sự đề nghị hoãn"},
    "suspend": {"reason": "Tòa án có văn bản"},
    "resume": {},
    "entrust": {"to_agency": "CC244"},
    "terminate": {"reason": "Người phải thi hành án chết"},
    "return-request": {"reason": "Không có tài sản"},
    "close": {},
    "reassign": {"enforcer": "e2"},
    "note": {"text": "Ghi chú"},
    "mark-difficult": {"difficult": True, "reason": "Hội đồng CHV họp"},
    "correct": {"corrects": 1, "field": "amount_due", "value": 1000, "reason": "Nhập nhầm"},
}
"""A minimal body of the right shape for every command (asset 1, enforcer e2 of CC243)."""
ADMINISTRATIVE = {"reassign", "mark-difficult", "correct"}


def refused(app: Flask, send: Callable[[], TestResponse], status: int, code: str | None = None,
            says: str = "", *, field: str | None = None) -> dict[str, Any]:
    """Send a request that must be refused: exact status, the error envelope, a message naming
    the field or the rule, and no event written."""
    before = event_count(app)
    response = send()
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    error = body["error"]
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        named = error["details"].get("field") or ".".join(_first_path(error["details"]["fields"]))
        assert named == field, error
    # Shape errors name the field in the message; rule errors say the rule in words.
    wanted = says or (field or "" if status == 400 else "")
    assert wanted.lower() in error["message"].lower(), error
    assert event_count(app) == before
    return error


def _first_path(fields: Any) -> list[str]:
    if isinstance(fields, dict):
        key = next(iter(fields))
        return [key, *_first_path(fields[key])]
    return []

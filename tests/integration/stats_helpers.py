"""Helpers of the statistics API tests: cases written through the API with business dates,
and the checks every §4 table must pass."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from projections.stats_query import COLUMNS
from tests.conftest import PASSWORD

API = "/api/v1"


def token_headers(app: Flask, username: str, role: str, agency: str) -> dict[str, str]:
    """A user of ``app`` (created when missing) and the headers that authenticate as them."""
    users = app.extensions["thads"].cases.users
    if users.get(username) is None:
        users.create(username, PASSWORD, role, agency)
    response = app.test_client().post(f"{API}/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


class Books:
    """Cases written through the API by the national head, with business dates."""

    def __init__(self, app: Flask):
        self.client: FlaskClient = app.test_client()
        self.headers = token_headers(app, "truong.vn", "head", "VN")
        self.count = 0

    def receive(self, agency: str, on: str, amount: int = 100, *, initiation: str = "on_request",
                kind: str = "civil") -> str:
        self.count += 1
        body = {
            "agency": agency, "received_on": on, "initiation": initiation, "amount_due": amount,
            "judgment": {"court": "Tòa án nhân dân", "number": f"{self.count}/2018/DS-ST",
                         "date": "2018-01-02", "kind": kind},
            "creditor": {"name": "Trần Thị Bình", "kind": "individual"},
            "debtor": {"name": "Lê Văn Cường", "kind": "individual"},
        }
        response = self.client.post(f"{API}/cases", json=body, headers=self.headers)
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def do(self, case: str, command: str, on: str, **args: Any) -> dict[str, Any]:
        response = self.client.post(f"{API}/cases/{case}/{command}", json={**args, "on": on},
                                    headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())

    def collect(self, case: str, amount: int, on: str) -> None:
        self.do(case, "collect", on, amount=amount, source="voluntary")

    def complete(self, case: str, amount: int, on: str) -> None:
        """Collect the rest, pay it out and close."""
        self.collect(case, amount, on)
        self.do(case, "pay-out", on, amount=amount)
        self.do(case, "close", on)

    def get(self, path: str, headers: dict[str, str] | None = None, **query: Any) -> Any:
        return self.client.get(f"{API}/{path}", query_string=query, headers=headers or self.headers)

    def stats(self, headers: dict[str, str] | None = None, **query: Any) -> dict[str, Any]:
        response = self.get("stats", headers, **query)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())


def cases(table: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(table["cases"][n] for n in names)


def money(table: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(table["money"][n] for n in names)


def zero_table() -> dict[str, Any]:
    column: dict[str, Any] = {**dict.fromkeys(COLUMNS, 0), "rate": 0.0}
    return {"cases": column, "money": dict(column)}


def check_identities(table: dict[str, Any]) -> None:
    """What holds in every table: the totals, and carried forward = what is open at the end."""
    for unit in ("cases", "money"):
        c = table[unit]
        assert c["total_accepted"] == c["carried_over"] + c["newly_accepted"]
        assert c["to_execute"] == c["total_accepted"] - c["entrusted"]
        assert c["with_conditions"] == c["to_execute"] - c["without_conditions"]
        assert c["carried_forward"] == c["to_execute"] - c["completed"] - c["terminated"] - c["returned"]
        assert c["carried_forward"] == (c["without_conditions"] + c["postponed"] + c["suspended"]
                                        + c["in_progress"])

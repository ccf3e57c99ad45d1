"""Helpers of the bottleneck API tests: create cases and give commands on business dates, read
reports, and read the read model's tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import case_body

API = "/api/v1"
Login = Callable[..., dict[str, str]]


class Office:
    """One user's hands on the API: cases created by them, commands, bottleneck reports."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]):
        self.client, self.headers = client, headers

    def case(self, received_on: str, *, amount: int = 100_000_000, creditor: str = "individual",
             agency: str = "CC243", **overrides: Any) -> str:
        body = case_body(agency=agency, received_on=received_on, amount_due=amount,
                         creditor={"name": f"Chủ nợ {creditor}", "kind": creditor},
                         judgment={"court": "TAND thành phố Vĩnh Yên", "number": "1/2019/DS-ST",
                                   "date": "2019-01-02", "kind": "civil"}, **overrides)
        response = self.client.post(f"{API}/cases", json=body, headers=self.headers)
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def do(self, case_id: str, command: str, on: str, **body: Any) -> dict[str, Any]:
        response = self.send(case_id, command, on, **body)
        assert response.status_code == 200, (command, on, response.get_json())
        return dict(response.get_json())

    def send(self, case_id: str, command: str, on: str, **body: Any) -> Any:
        return self.client.post(f"{API}/cases/{case_id}/{command}", json={"on": on, **body},
                                headers=self.headers)

    def sold(self, case_id: str, kind: str, *, verified: str, seized: str, valued: str, sold: str,
             price: int = 50_000_000) -> None:
        """Verify able, seize one asset, value it and sell it at auction."""
        self.do(case_id, "verify", verified, result="able")
        self.do(case_id, "seize", seized, asset={"description": "Tài sản", "kind": kind,
                                                 "estimated_value": price})
        self.do(case_id, "value", valued, asset_id=1, price=price)
        self.do(case_id, "auction", sold, asset_id=1, outcome="sold", price=price)

    def get(self, **query: Any) -> Any:
        return self.client.get(f"{API}/bottlenecks", headers=self.headers, query_string=query)

    def report(self, kind: str = "summary", as_of: str | None = None, **query: Any) -> dict[str, Any]:
        if as_of is not None:
            query["as_of"] = as_of
        response = self.get(kind=kind, **query)
        assert response.status_code == 200, response.get_json()
        body = dict(response.get_json())
        assert body["kind"] == kind
        return body

    def listed(self, kind: str, as_of: str, **query: Any) -> list[tuple[str, int]]:
        """(case id, days) of every item of a list, in order."""
        return [(i["case_id"], i["days"]) for i in self.report(kind, as_of, per_page=200, **query)["items"]]


def table_rows(app: Flask, generation_names: dict[str, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of the bottleneck tables (the active generation unless names are given)."""
    svc = app.extensions["thads"]
    names = generation_names or dict(svc.read_models.registry.active_names("bottlenecks", max_age=0))
    keys = {"timeline": "case_id", "clocks": "case_id, clock, key", "collections": "case_id, seq"}
    return {table: svc.cases.db.query(f"SELECT * FROM {names[table]} ORDER BY {keys[table]}")
            for table in keys}


def day(text: str) -> int:
    return date.fromisoformat(text).toordinal()

"""GET /api/v1/stats: SPEC §4's table through the API, one hand-checked behaviour per test, on
SQLite and PostgreSQL. Statistical year 2020 runs from 1 Oct 2019; ``through`` ends it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from projections.stats_query import COLUMNS

API = "/api/v1"
Login = Callable[..., dict[str, str]]


class Books:
    """Cases written through the API by the national head, with business dates."""

    def __init__(self, client: FlaskClient, login: Login):
        self.client = client
        self.headers = login("truong.vn", "head", "VN")
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
        self.collect(case, amount, on)
        self.do(case, "pay-out", on, amount=amount)
        self.do(case, "close", on)

    def stats(self, headers: dict[str, str] | None = None, **query: Any) -> dict[str, Any]:
        response = self.client.get(f"{API}/stats", query_string=query, headers=headers or self.headers)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())


def cases(answer: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(answer["cases"][n] for n in names)


def money(answer: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(answer["money"][n] for n in names)


def check_identities(table: dict[str, Any]) -> None:
    """What holds in every table: totals, and carried forward = what is open at the end."""
    for unit in ("cases", "money"):
        c = table[unit]
        assert c["total_accepted"] == c["carried_over"] + c["newly_accepted"]
        assert c["to_execute"] == c["total_accepted"] - c["entrusted"]
        assert c["with_conditions"] == c["to_execute"] - c["without_conditions"]
        assert c["carried_forward"] == c["to_execute"] - c["completed"] - c["terminated"] - c["returned"]
        assert c["carried_forward"] == (c["without_conditions"] + c["postponed"] + c["suspended"]
                                        + c["in_progress"])


def test_the_worked_example_of_spec_4(client: FlaskClient, login: Login) -> None:
    books = Books(client, login)
    ids = [books.receive("C01", f"2019-10-{1 + i:02d}") for i in range(10)]
    on = "2019-11-15"
    books.do(ids[0], "entrust", on, to_agency="C02")
    books.do(ids[1], "verify", on, result="unable")
    books.do(ids[2], "verify", on, result="unable")
    for case in ids[3:8]:
        books.complete(case, 100, on)
    books.do(ids[8], "terminate", on, reason="dc.50.1.c")
    books.collect(ids[9], 40, on)

    answer = books.stats(agency="C01", year=2020, through="2020-03")
    assert cases(answer, "to_execute", "without_conditions", "with_conditions", "completed",
                 "terminated", "rate") == (9, 2, 7, 5, 1, 85.7)
    assert money(answer, "to_execute", "without_conditions", "with_conditions", "completed",
                 "terminated", "rate") == (900, 200, 700, 540, 100, 91.4)
    assert cases(answer, "carried_over", "newly_accepted", "total_accepted", "entrusted",
                 "returned", "postponed", "suspended", "in_progress", "carried_forward") == \
        (0, 10, 10, 1, 0, 0, 0, 1, 3)
    assert money(answer, "carried_over", "newly_accepted", "total_accepted", "entrusted",
                 "returned", "postponed", "suspended", "in_progress", "carried_forward") == \
        (0, 1000, 1000, 100, 0, 0, 0, 60, 260)
    check_identities(answer)
    assert set(answer["cases"]) == {*COLUMNS, "rate"}
    assert answer["agency"] == "C01" and answer["year"] == 2020 and answer["through"] == "2020-03"
    assert answer["period"] == {"start": "2019-10-01", "end": "2020-03-31"}
    assert answer["rank"] == {"cases": 1, "money": 1, "of": 63, "level": "province"}
    assert answer["position"] > 0
    # The receiving province accepted the entrusted case with the outstanding money.
    receiver = books.stats(agency="C02", year=2020, through="2020-03")
    assert cases(receiver, "newly_accepted", "in_progress") == (1, 1)
    assert money(receiver, "newly_accepted", "in_progress") == (100, 100)

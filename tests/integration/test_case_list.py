"""GET /cases on the case-summary read model (SPEC §8): every filter and combinations of them,
scope, diacritics-insensitive search, sorting (days waiting, received, number), paging,
corrections and reassignments, read-your-writes, bad input. Every test runs on SQLite and on
PostgreSQL; ``test_case_list_replay`` checks the read model against a rebuild and the cases."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain import clock
from tests.conftest import case_body
from tests.integration.api_helpers import API, Login, refused

ITEM_KEYS = {"id", "number", "agency", "enforcer", "stage", "state", "outcome", "able", "amount_due",
             "collected", "paid_out", "outstanding", "flags", "received_on", "last_on", "closed_on",
             "days_waiting", "creditor_name", "debtor_name", "version"}


class Caller:
    def __init__(self, client: FlaskClient, headers: dict[str, str]):
        self.client, self.headers = client, headers

    def create(self, n: int, **overrides: Any) -> dict[str, Any]:
        body = case_body(number=f"{n}/2020/QĐ-THA", **overrides)
        response = self.client.post(f"{API}/cases", json=body, headers=self.headers)
        assert response.status_code == 201, response.json
        return response.get_json()  # type: ignore[no-any-return]

    def do(self, case_id: str, command: str, **body: Any) -> dict[str, Any]:
        response = self.client.post(f"{API}/cases/{case_id}/{command}", json=body, headers=self.headers)
        assert response.status_code == 200, (command, response.json)
        return response.get_json()  # type: ignore[no-any-return]

    def listing(self, **query: Any) -> dict[str, Any]:
        response = self.client.get(f"{API}/cases", headers=self.headers, query_string=query)
        assert response.status_code == 200, response.json
        body = response.get_json()
        assert set(body) == {"items", "total", "page", "per_page", "position"}
        assert all(set(item) == ITEM_KEYS for item in body["items"])
        return body  # type: ignore[no-any-return]

    def numbers(self, **query: Any) -> list[int]:
        """The case numbers listed (their leading N), all on one page."""
        body = self.listing(**{"sort": "number", "per_page": 200, **query})
        assert body["total"] == len(body["items"])
        return [int(item["number"].split("/")[0]) for item in body["items"]]


@pytest.fixture
def head(client: FlaskClient, login: Login) -> Caller:
    """The head of Vĩnh Phúc's department, with enforcers e1, e2 (Vĩnh Yên) and e9 (Phúc Yên)."""
    for name, agency in (("e1", "CC243"), ("e2", "CC243"), ("e9", "CC244")):
        login(name, "enforcer", agency)
    return Caller(client, login("h26", "head", "C26"))


OTHER = {"name": "Trần Văn Cường", "kind": "individual"}


def test_each_filter_and_combinations(head: Caller) -> None:
    one = head.create(1, enforcer="e1")
    head.do(one["id"], "verify", result="able", on="2020-01-10")
    two = head.create(2, enforcer="e2", amount_due=100_000_000, creditor=OTHER)
    head.do(two["id"], "mark-difficult", difficult=True, reason="Hội đồng CHV", on="2020-01-11")
    head.do(two["id"], "postpone", reason="Đương sự ốm", on="2020-01-12")
    three = head.create(3, agency="CC244", enforcer="e9", amount_due=700_000_000, creditor=OTHER)
    head.do(three["id"], "collect", amount=700_000_000, source="voluntary", on="2020-02-01")
    head.do(three["id"], "pay-out", amount=700_000_000, on="2020-02-02")
    head.do(three["id"], "close", on="2020-02-03")
    head.create(4, enforcer="e1", amount_due=50_000_000)

    assert head.numbers() == [1, 2, 3, 4]
    assert head.numbers(agency="CC243") == [1, 2, 4] and head.numbers(agency="CC244") == [3]
    assert head.numbers(agency="C26") == [1, 2, 3, 4]
    assert head.numbers(stage="verified") == [1] and head.numbers(stage="received") == [2, 4]
    assert head.numbers(stage="closed") == [3] and head.numbers(stage="seized") == []
    assert head.numbers(state="active") == [1, 4] and head.numbers(state="postponed") == [2]
    assert head.numbers(state="closed") == [3]
    assert head.numbers(enforcer="e1") == [1, 4] and head.numbers(enforcer="e9") == [3]
    assert head.numbers(flag="large") == [1, 3] and head.numbers(flag="credit_institution") == [1, 4]
    assert head.numbers(flag="difficult") == [2]
    assert head.numbers(agency="CC243", flag="large") == [1]
    assert head.numbers(enforcer="e1", stage="received") == [4]
    assert head.numbers(state="active", flag="credit_institution", q="nông nghiệp") == [1, 4]
    assert head.numbers(agency="CC244", state="active") == []
    assert head.numbers(agency="CC243", q="cuong", flag="difficult", state="postponed") == [2]
    closed = head.listing(state="closed")["items"][0]
    assert (closed["outcome"], closed["closed_on"], closed["days_waiting"]) == (
        "completed", "2020-02-03", None)
    assert (closed["collected"], closed["paid_out"], closed["outstanding"]) == (700_000_000, 700_000_000, 0)


def test_scope(client: FlaskClient, login: Login) -> None:
    vinh_yen, phuc_yen = Caller(client, login("e1")), Caller(client, login("e9", "enforcer", "CC244"))
    for n in (1, 2, 3):
        vinh_yen.create(n)
    for n in (4, 5):
        phuc_yen.create(n, agency="CC244")

    def sees(user: str, role: str, home: str, **query: Any) -> list[int]:
        return Caller(client, login(user, role, home)).numbers(**query)

    assert sees("e1", "enforcer", "CC243") == [1, 2, 3] and sees("e9", "enforcer", "CC244") == [4, 5]
    assert sees("e9", "enforcer", "CC244", agency="CC243") == []  # not by asking
    assert sees("h243", "head", "CC243", agency="C26") == []  # nor by asking for the parent
    assert sees("h26", "head", "C26") == [1, 2, 3, 4, 5]
    assert sees("h26", "head", "C26", agency="CC244") == [4, 5]
    assert sees("kt", "auditor", "VN") == [1, 2, 3, 4, 5] and sees("kt", "auditor", "VN", agency="XX") == []
    assert sees("h27", "head", "C27") == []
    admin = client.get(f"{API}/cases", headers=login("root", "admin", "VN"))
    assert admin.status_code == 403 and admin.get_json()["error"]["code"] == "forbidden"
    assert client.get(f"{API}/cases").status_code == 401


def test_search_ignores_case_and_vietnamese_diacritics(head: Caller) -> None:
    for n, debtor in enumerate(["Nguyễn Văn A", "Nguyễn Văn Anh", "Đặng Thị Hường", "Lê Thị Bình"], 1):
        head.create(n, debtor={"name": debtor, "kind": "individual"},
                    creditor=OTHER if n == 4 else case_body()["creditor"])
    assert head.numbers(q="nguyen van a") == [1, 2] and head.numbers(q="NGUYỄN VĂN ANH") == [2]
    for needle in ("đặng", "dang", "DANG", "Đặng", "  dang   thi  huong ", "huong", "hường"):
        assert head.numbers(q=needle) == [3], needle
    assert head.numbers(q="le thi binh") == [4] and head.numbers(q="tran van cuong") == [4]
    assert head.numbers(q="ngan hang nong nghiep") == [1, 2, 3]  # the creditor
    assert head.numbers(q="3/2020") == [3] and head.numbers(q="QD-tha") == [1, 2, 3, 4]
    assert head.numbers(q="nghiep nguyen") == []  # never across two names
    assert head.numbers(q="%") == [] and head.numbers(q="_") == []  # not wildcards
    assert head.numbers(q="   ") == [1, 2, 3, 4]


def test_sort_by_days_waiting(head: Caller) -> None:
    a, b = head.create(1)["id"], head.create(2)["id"]
    head.create(3, received_on="2020-01-05")
    d = head.create(4)["id"]
    head.do(a, "note", text="Đã gọi điện", on="2020-03-01")
    head.do(b, "verify", result="unable", on="2020-02-01")
    head.do(d, "terminate", reason="Người phải thi hành án chết", on="2020-01-20")
    longest = head.listing(sort="-days_waiting")["items"]
    assert [int(c["number"][0]) for c in longest] == [3, 2, 1, 4]
    today = clock.today()
    waited = [(today - date.fromisoformat(day)).days for day in ("2020-01-05", "2020-02-01", "2020-03-01")]
    assert [c["days_waiting"] for c in longest] == [*waited, None]
    assert [c["last_on"] for c in longest] == ["2020-01-05", "2020-02-01", "2020-03-01", "2020-01-20"]
    shortest = head.listing(sort="days_waiting")["items"]
    assert [int(c["number"][0]) for c in shortest] == [1, 2, 3, 4]  # finished cases still last


def test_sorts_and_paging(head: Caller) -> None:
    for n in range(1, 13):
        head.create(n, received_on=f"2020-01-{n:02d}" if n % 2 else "2020-02-01")
    assert head.numbers() == list(range(1, 13))  # as numbers: 2 before 10
    assert head.numbers(sort="-number") == list(range(12, 0, -1))
    newest = [int(c["number"].split("/")[0]) for c in head.listing(per_page=200)["items"]]
    assert newest == [12, 10, 8, 6, 4, 2, 11, 9, 7, 5, 3, 1]  # -received_on, then -number
    oldest = [int(c["number"].split("/")[0]) for c in head.listing(sort="received_on")["items"]]
    assert oldest == [1, 3, 5, 7, 9, 11, 2, 4, 6, 8, 10, 12]
    pages = [head.listing(sort="number", per_page=5, page=p) for p in (1, 2, 3, 4)]
    assert [(p["total"], p["page"], p["per_page"], len(p["items"])) for p in pages] == [
        (12, 1, 5, 5), (12, 2, 5, 5), (12, 3, 5, 2), (12, 4, 5, 0)]
    assert [int(c["number"].split("/")[0]) for p in pages for c in p["items"]] == list(range(1, 13))
    assert head.listing(agency="CC243", per_page=1)["total"] == 12


def test_a_province_read_agency_by_agency_pages_as_one_sort(head: Caller, monkeypatch: Any) -> None:
    """A scope of several agencies is read agency by agency and merged (``MERGE_DEPTH``); every
    sort and every page equals the one sort over all its cases."""
    from projections import case_query

    for n in range(1, 10):
        agency = ("CC243", "CC244", "CC246")[n % 3]
        case = head.create(n, agency=agency, received_on=f"2020-01-{n % 4 + 1:02d}")
        if n % 2:
            head.do(case["id"], "note", text="Đã gọi điện", on=f"2020-02-{n:02d}")
    pages = {}
    for way, depth in (("merged", case_query.MERGE_DEPTH), ("one sort", 0)):
        monkeypatch.setattr(case_query, "MERGE_DEPTH", depth)
        pages[way] = {sort: [[c["id"] for c in head.listing(sort=sort, per_page=2, page=p)["items"]]
                             for p in range(1, 7)]
                      for sort in case_query.SORTS}
    assert pages["merged"] == pages["one sort"]
    assert all(sum(map(len, found)) == 9 for found in pages["one sort"].values())


def test_corrections_and_reassignments_are_reflected(app: Flask, head: Caller) -> None:
    case = head.create(1, enforcer="e1")
    cid = case["id"]
    assert head.numbers(enforcer="e1") == [1] and head.numbers(flag="large") == [1]
    head.do(cid, "reassign", enforcer="e2", on="2020-01-03")
    head.do(cid, "correct", corrects=1, field="debtor.name", value="Phạm Thị Bích", reason="Ghi sai tên")
    head.do(cid, "correct", corrects=1, field="creditor.name", value="Hồ Văn Đức", reason="Ghi sai tên")
    head.do(cid, "correct", corrects=1, field="creditor.kind", value="individual", reason="Ghi sai")
    head.do(cid, "correct", corrects=1, field="judgment.kind", value="business", reason="Ghi sai")
    last = head.do(cid, "correct", corrects=1, field="amount_due", value=400_000_000, reason="Nhập nhầm")
    assert head.numbers(enforcer="e1") == [] and head.numbers(enforcer="e2") == [1]
    assert head.numbers(q="nguyen van an") == [] and head.numbers(q="pham thi bich") == [1]
    assert head.numbers(q="ngan hang") == [] and head.numbers(q="ho van duc") == [1]
    assert head.numbers(flag="large") == [] and head.numbers(flag="credit_institution") == []
    item = head.listing()["items"][0]
    assert (item["debtor_name"], item["creditor_name"], item["enforcer"]) == (
        "Phạm Thị Bích", "Hồ Văn Đức", "e2")
    assert (item["amount_due"], item["outstanding"], item["flags"]) == (400_000_000, 400_000_000, [])
    assert item["version"] == last["version"] == 7
    services = app.extensions["thads"]
    table = services.read_models.names("cases")["summary"]
    row = services.cases.db.query(f"SELECT judgment_kind, creditor_kind FROM {table}")[0]
    assert row == {"judgment_kind": "business", "creditor_kind": "individual"}


def test_min_position_reads_your_writes(app: Flask, head: Caller) -> None:
    written = head.create(1)
    listed = head.listing(min_position=written["position"])
    assert listed["total"] == 1 and listed["position"] >= written["position"]
    read_models = app.extensions["thads"].read_models
    read_models.inline = False  # as in production: a separate runner keeps the read model
    second = head.create(2)
    stale = head.listing()
    assert stale["total"] == 1 and stale["position"] < second["position"]
    later = threading.Timer(0.3, read_models.runner.catch_up)
    later.start()
    try:
        fresh = head.listing(min_position=second["position"])
    finally:
        later.join()
    assert fresh["total"] == 2 and fresh["position"] >= second["position"]


def test_overdue_lists_cases_with_a_clock_past_due_today(head: Caller) -> None:
    today = clock.today()
    late = head.create(1)["id"]  # received 2 Jan 2020, never verified: 20 days were up long ago
    ended = head.create(2)["id"]
    head.do(ended, "terminate", reason="Người phải thi hành án chết", on="2020-01-10")  # no clock runs
    held = head.create(3)["id"]
    head.do(held, "suspend", reason="Tòa án yêu cầu tạm đình chỉ", on="2020-01-10")  # clocks pause
    assert head.numbers(overdue="true") == [1]
    assert head.numbers(overdue="false") == [2, 3]
    assert head.numbers(overdue="true", q="nguyen van an") == [1]
    assert head.numbers(overdue="true", stage="verified") == []
    head.do(late, "verify", result="able", on=today.isoformat())
    assert 1 not in head.numbers(overdue="true")


@pytest.mark.parametrize(("query", "field"), [
    ({"stage": "sold"}, "stage"), ({"state": "open"}, "state"), ({"flag": "big"}, "flag"),
    ({"sort": "amount"}, "sort"), ({"page": 0}, "page"), ({"per_page": 201}, "per_page"),
    ({"min_position": -1}, "min_position"), ({"q": "x" * 201}, "q"), ({"overdue": "maybe"}, "overdue"),
])
def test_invalid_query_is_400_naming_the_parameter(app: Flask, head: Caller, query: dict[str, Any],
                                                   field: str) -> None:
    refused(app, lambda: head.client.get(f"{API}/cases", headers=head.headers, query_string=query),
            400, "invalid_request", field=field)


def test_openapi_documents_the_list(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/cases"]["get"]
    assert {"agency", "stage", "state", "enforcer", "flag", "overdue", "q", "sort", "page", "per_page",
            "min_position"} <= {p["name"] for p in operation["parameters"]}
    assert set(spec["components"]["schemas"]["CaseListItem"]["properties"]) == ITEM_KEYS

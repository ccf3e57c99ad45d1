"""The dashboard page: its figures are GET /api/v1/stats's (the agency and each child agency,
with the ranks of GET /rankings), its charts' data are the monthly figures and today's
stages, its heatmap the aging of each child agency; bad parameters are refused. Both stores."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask

from domain import clock
from projections.bottleneck_query import AGING, OPEN_STAGES
from projections.stats_query import COLUMNS, Period
from service.api.stats import period_of
from service.web import dash_model
from service.web.formatting import number
from tests.integration.stats_helpers import Books, token_headers
from tests.integration.web_helpers import Web, user

ORDER = ("total_accepted", "carried_over", "newly_accepted", "entrusted", "to_execute", "without_conditions",
         "with_conditions", "completed", "terminated", "returned", "postponed", "suspended", "in_progress",
         "carried_forward")


class Rows(HTMLParser):
    """The rows of one table of a page: per row its attributes and its cells (attributes, text)."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self.cell: list[str] | None = None
        self.rows: list[tuple[dict[str, str], list[tuple[dict[str, str], str]]]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "table" and (self.depth or found.get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append((found, []))
        elif self.depth and tag in ("td", "th") and self.rows:
            self.rows[-1][1].append((found, ""))
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            attrs, _ = self.rows[-1][1][-1]
            self.rows[-1][1][-1] = (attrs, " ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(page: str, table_id: str) -> list[tuple[dict[str, str], list[tuple[dict[str, str], str]]]]:
    parser = Rows(table_id)
    parser.feed(page)
    return parser.rows


def by_agency(page: str, table_id: str) -> dict[str, dict[str, str]]:
    """{agency code: {data-column: text}} of an official table."""
    return {attrs["data-agency"]: {a["data-column"]: text for a, text in cells if "data-column" in a}
            for attrs, cells in table_rows(page, table_id) if "data-agency" in attrs}


def chart_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S)
    assert found, "no chart data on the page"
    return dict(json.loads(found.group(1)))


@pytest.fixture
def books(app: Flask) -> Books:
    """Vĩnh Phúc's 2019–2020 cases in two offices and the department, and Hà Nội's."""
    b = Books(app)
    a = b.receive("CC243", "2018-11-02", 700, initiation="ex_officio", kind="criminal")
    b.collect(a, 100, "2019-08-01")
    b.do(b.receive("CC243", "2019-10-02", 300, kind="business"), "verify", "2019-10-09", result="unable")
    b.complete(b.receive("CC243", "2019-10-03", 200, initiation="ex_officio"), 200, "2019-12-01")
    d = b.receive("CC244", "2019-10-04", 500, kind="business")
    b.collect(d, 50, "2019-11-01")
    b.do(d, "return-request", "2020-01-05", reason="td.51.1.c")
    b.do(b.receive("CC244", "2019-11-04", 90, kind="family"), "suspend", "2020-02-01", reason="tdc.49.2")
    b.do(b.receive("C26", "2019-11-05", 80), "entrust", "2020-02-10", to_agency="CC244")
    b.complete(b.receive("CC244", "2020-01-05", 60), 60, "2020-02-03")
    b.complete(b.receive("C01", "2019-10-05", 100), 100, "2019-10-20")
    b.receive("C01", "2019-10-06", 100)
    return b


def test_the_view_model_has_get_stats_figures_and_ranks(app: Flask, books: Books) -> None:
    svc = app.extensions["thads"]
    board = dash_model.build(svc, svc.directory.get("C26"), Period(2020, 202003), clock.today())
    api = books.stats(agency="C26", year=2020, through="2020-03")
    assert {k: board.stats[k] for k in ("cases", "money", "rank", "position")} == {
        k: api[k] for k in ("cases", "money", "rank", "position")}
    assert api["rank"] == {"cases": 2, "money": 2, "of": 63, "level": "province"}  # after Hà Nội's 50%
    ranked = books.get("rankings", level="office", parent="C26", year=2020, through="2020-03").get_json()
    ranks = {i["agency"]: i["rank"] for i in ranked["items"]}
    assert [a.code for a, _ in board.children] == ["CC243", "CC244", "CC246", "CC247", "CC248", "CC249",
                                                   "CC251", "CC252", "CC253"]
    for child, table in board.children:
        child_api = books.stats(agency=child.code, year=2020, through="2020-03")
        assert (table["cases"], table["money"]) == (child_api["cases"], child_api["money"]), child.code
        assert table["rank"] == {**ranks[child.code], "of": 9} == {
            "cases": child_api["rank"]["cases"], "money": child_api["rank"]["money"], "of": 9}
    assert board.stats["cases"]["to_execute"] == 7 and board.stats["money"]["completed"] == 310


def test_the_page_shows_the_tables_and_the_ranks(app: Flask, books: Books) -> None:
    web = Web(app)
    web.login(user(app, "cuctruong", "head", "C26"))
    page = web.text("/dashboard?agency=C26&month=2020-03")
    for unit in ("cases", "money"):
        shown = by_agency(page, f"official-{unit}")
        assert list(shown) == ["C26", "CC243", "CC244", "CC246", "CC247", "CC248", "CC249", "CC251",
                               "CC252", "CC253"]
        for code in ("C26", "CC243", "CC244", "CC246"):
            api = books.stats(agency=code, year=2020, through="2020-03")
            assert {c: shown[code][c] for c in ORDER} == {c: number(api[unit][c]) for c in ORDER}, code
            assert shown[code]["rate"] == f"{api[unit]['rate']:.1f}%".replace(".", ",")
            assert shown[code]["rank"] == f"{api['rank'][unit]}/{api['rank']['of']}"
    assert set(COLUMNS) == set(ORDER)
    api = books.stats(agency="C26", year=2020, through="2020-03")
    assert f"{api['rank']['cases']}/63 · {api['rank']['money']}/63" in page
    assert "Năm thống kê 2020: từ 01/10/2019 đến 31/03/2020" in page


def test_the_charts_data_are_the_monthly_rates_and_todays_stages(app: Flask, books: Books) -> None:
    web = Web(app)
    web.login(user(app, "cuctruong", "head", "C26"))
    data = chart_data(web.text("/dashboard?agency=C26&month=2020-03"))
    assert data["rates"]["labels"] == ["10/2019", "11/2019", "12/2019", "01/2020", "02/2020", "03/2020"]
    for i, month in enumerate(("2019-10", "2019-11", "2019-12", "2020-01", "2020-02", "2020-03")):
        api = books.stats(agency="C26", through=month)
        assert (data["rates"]["cases"][i], data["rates"]["money"][i]) == (api["cases"]["rate"],
                                                                         api["money"]["rate"]), month
    stages = books.get("bottlenecks", agency="C26", kind="stages").get_json()["stages"]
    assert data["funnel"]["values"] == [stages[s] for s in OPEN_STAGES]
    # Open today: the carried-over case, the unable one, the suspended one, the one entrusted to CC244.
    assert data["funnel"]["values"] == [3, 1, 0, 0, 0] and data["funnel"]["labels"][0] == "Đã thụ lý"


def test_the_heatmap_counts_each_child_agencys_open_cases_by_age(app: Flask, books: Books) -> None:
    today = clock.today()
    for days in (3, 40, 100, 200):  # today's regional offices of Phú Thọ (Vĩnh Phúc's successor)
        books.receive("T25-KV01", (today - timedelta(days=days)).isoformat())
    books.receive("T25-KV02", (today - timedelta(days=40)).isoformat())
    web = Web(app)
    web.login(user(app, "kiemtra", "auditor", "VN"))
    page = web.text("/dashboard")
    rows = {attrs["data-agency"]: cells for attrs, cells in _heat(page)}
    assert {"C26", "C01", "T25", "T01"} <= set(rows) and "C02" not in rows  # C02: gone, nothing open
    for code in ("C26", "C01", "T25", "T01", "VN"):
        aging = books.get("bottlenecks", agency=code, kind="aging").get_json()["aging"]
        assert [text for _, text in rows[code][1:6]] == [number(aging[b]) for b, _ in AGING], code
    for code, cells in rows.items():  # a colour class on every agency's cell: heat-0 for none
        if code == "VN":
            continue  # the total
        for attrs, text in cells[1:6]:
            level = int(attrs["class"].rsplit("heat-", 1)[1])
            assert (level == 0) == (text == "0") and 0 <= level <= 5, (code, text, level)
    kv = {attrs["data-agency"]: cells for attrs, cells in _heat(web.text("/dashboard?agency=T25"))}
    assert [text for _, text in kv["T25-KV01"][1:6]] == ["1", "1", "1", "1", "0"]


def _heat(page: str) -> list[tuple[dict[str, str], list[tuple[dict[str, str], str]]]]:
    found = re.search(r'<table class="heatmap">.*?</table>', page, re.S)
    assert found
    return [(a, c) for a, c in table_rows(found.group(0).replace('class="heatmap"', 'id="heat"'), "heat")
            if "data-agency" in a]


def test_default_month_data_as_of_and_the_pages_own_scripts(app: Flask, books: Books) -> None:
    web = Web(app)
    web.login(user(app, "chv.vinhyen", "enforcer", "CC243"))
    page = web.text("/dashboard")
    wanted = period_of(None, None, clock.today()).label
    assert f'name="month" type="month" value="{wanted}"' in page
    assert "Chi cục Thi hành án dân sự thành phố Vĩnh Yên" in page
    head = app.extensions["thads"].cases.log_head()
    assert f"Số liệu thống kê đến vị trí {number(head)} của nhật ký (chậm 0 sự kiện)." in page
    assert " style=" not in page and "<style" not in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize(("query", "status", "says"), [
    ("month=2020-13", 400, "tham số month"),
    ("month=2020-3", 400, "tham số month"),
    ("month=tháng-ba", 400, "tham số month"),
    (f"month={date.today().year + 1}-01", 400, "chưa đến"),
    ("agency=XYZ", 400, "tham số agency"),
    ("agency=C01", 403, "ngoài phạm vi"),
    ("agency=VN", 403, "ngoài phạm vi"),
])
def test_bad_parameters_are_refused_with_a_message(app: Flask, query: str, status: int, says: str) -> None:
    web = Web(app)
    web.login(user(app, "cuctruong", "head", "C26"))
    page = web.text(f"/dashboard?{query}", status)
    assert says in page


def test_only_staff_who_read_cases_see_it(app: Flask) -> None:
    web = Web(app)
    assert web.get("/dashboard").status_code == 302  # to the login page
    web.login(user(app, "quantri", "admin", "VN"))
    assert web.get("/dashboard").status_code == 403
    assert token_headers(app, "quantri", "admin", "VN")  # the account itself is fine


def test_the_dashboard_in_english(app: Flask, books: Books) -> None:
    web = Web(app)
    web.login(user(app, "cuctruong", "head", "C26"))
    web.post("/language", {"lang": "en", "next": "/dashboard"}, page="/dashboard?agency=C26&month=2020-03")
    page = web.text("/dashboard?agency=C26&month=2020-03")
    assert "Civil judgment enforcement results in cases" in page and "Statistical year 2020" in page
    shown = by_agency(page, "official-cases")["C26"]
    assert (shown["rate"], shown["to_execute"], shown["rank"]) == ("33.3%", "7", "2/63")
    assert by_agency(page, "official-money")["C26"]["to_execute"] == "1,830"
    assert chart_data(page)["funnel"]["labels"][0] == "Received"

"""The auditor's dashboard as known at a past time (SPEC §6): the official tables, ranks and
monthly rates are GET /api/v1/stats's as known at that time (the picker's time read in
Vietnam's time), never today's bottlenecks; bad parameters are refused. Both stores."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from flask import Flask

from projections import stats_model
from service.web.formatting import number
from tests.integration.stats_helpers import Books
from tests.integration.test_web_audit_pages import local
from tests.integration.test_web_dashboard import ORDER, by_agency, chart_data
from tests.integration.web_case_helpers import plain
from tests.integration.web_helpers import Web, user

PERIOD = {"year": 2020, "through": "2020-03"}
MONTHS = ("2019-10", "2019-11", "2019-12", "2020-01", "2020-02", "2020-03")


def auditor(app: Flask, agency: str = "VN") -> Web:
    web = Web(app)
    web.login(user(app, f"kt.{agency.lower()}", "auditor", agency))
    return web


def test_as_known_at_a_time_between_two_writes_shows_the_earlier_figures(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small buckets and marks: snapshots, whole buckets and a replay of the rest all take part.
    monkeypatch.setattr(stats_model, "BUCKET", 1)
    monkeypatch.setattr(stats_model, "MARK_BUCKETS", 3)
    books = Books(app)
    a = books.receive("CC243", "2019-10-02", 1000)
    books.collect(a, 400, "2019-11-01")
    books.do(books.receive("CC244", "2019-10-03", 70), "verify", "2019-10-20", result="unable")
    books.complete(books.receive("C01", "2019-10-05", 100), 100, "2019-12-20")
    time.sleep(0.05)
    cut = datetime.now(tz=UTC)
    time.sleep(0.05)
    books.do(a, "pay-out", "2020-02-09", amount=400)
    books.complete(a, 600, "2020-02-10")
    books.complete(books.receive("CC244", "2019-12-03", 30), 30, "2020-01-20")
    then = {code: books.stats(agency=code, **PERIOD, as_known_at=cut.isoformat())
            for code in ("C26", "CC243", "CC244")}
    assert then["C26"]["cases"] != books.stats(agency="C26", **PERIOD)["cases"]

    page = auditor(app).text(f"/audit/dashboard?as_known_at={local(cut)}&agency=C26&through=2020-03")
    for unit in ("cases", "money"):
        shown = by_agency(page, f"official-{unit}")
        for code, api in then.items():
            assert {c: shown[code][c] for c in ORDER} == {c: number(api[unit][c]) for c in ORDER}, code
            assert shown[code]["rank"] == f"{api['rank'][unit]}/{api['rank']['of']}", code
    assert then["C26"]["rank"]["of"] == 63 and then["CC243"]["rank"]["of"] == 9
    rates = chart_data(page)
    assert set(rates) == {"rates"}  # no funnel: today's stages are not shown under a past time
    for i, month in enumerate(MONTHS):
        known = books.stats(agency="C26", through=month, as_known_at=cut.isoformat())
        assert (rates["rates"]["cases"][i], rates["rates"]["money"][i]) == (
            known["cases"]["rate"], known["money"]["rate"]), month
    text = plain(page)
    assert f"số liệu đến vị trí {number(then['C26']['position'])} của nhật ký" in text
    assert "giờ Việt Nam" in text and "vướng mắc" in text
    assert 'id="chart-funnel"' not in page and "heatmap" not in page
    assert f'href="/audit/dashboard?agency=CC243&amp;as_known_at={local(cut)}&amp;through=2020-03"' in page

    now = auditor(app).text(f"/audit/dashboard?as_known_at={local(datetime.now(tz=UTC))}&agency=C26"
                            "&through=2020-03")
    today = books.stats(agency="C26", **PERIOD)
    assert by_agency(now, "official-cases")["C26"]["completed"] == number(today["cases"]["completed"])


def test_without_a_time_the_page_asks_for_one(app: Flask) -> None:
    page = auditor(app).text("/audit/dashboard")
    assert 'id="choose-time"' in page and 'type="datetime-local"' in page
    assert 'id="official-cases"' not in page


@pytest.mark.parametrize(("query", "status", "says"), [
    ("as_known_at=2020-04-01", 400, "Thời điểm không hợp lệ: “2020-04-01” (tham số as_known_at"),
    ("as_known_at=01/04/2020 10:00", 400,
     "(tham số as_known_at phải có dạng YYYY-MM-DDTHH:MM, giờ Việt Nam)"),
    ("as_known_at=2999-01-01T00:00", 400, "ở tương lai (tham số as_known_at)"),
    ("as_known_at=2020-04-01T10:00&through=2020-13", 400, "(tham số through phải có dạng YYYY-MM"),
    ("as_known_at=2020-04-01T10:00&through=2020-06", 400, "Tháng 2020-06 chưa đến (tham số through)"),
    ("as_known_at=2020-04-01T10:00&year=1999", 400, "Năm thống kê không hợp lệ: “1999” (tham số year"),
    ("as_known_at=2020-04-01T10:00&year=2020&through=2019-09", 400,
     "Tháng 2019-09 không thuộc năm thống kê 2020"),
    ("as_known_at=2020-04-01T10:00&agency=XX", 400, "Không có đơn vị mã “XX” (tham số agency)"),
])
def test_bad_parameters_are_refused(app: Flask, query: str, status: int, says: str) -> None:
    assert says in plain(auditor(app).text(f"/audit/dashboard?{query}", status))


def test_an_agency_outside_the_auditors_scope_is_refused(app: Flask) -> None:
    page = auditor(app, "C26").text("/audit/dashboard?as_known_at=2020-04-01T10:00&agency=C01", 403)
    assert "nằm ngoài phạm vi của bạn (tham số agency)" in plain(page)


def test_the_year_alone_ends_at_its_last_complete_month_by_then(app: Flask) -> None:
    page = auditor(app).text("/audit/dashboard?as_known_at=2020-04-15T10:00&agency=C26&year=2020")
    assert "Năm thống kê 2020: từ 01/10/2019 đến 31/03/2020" in plain(page)
    assert 'name="through" type="month" value="2020-03"' in page

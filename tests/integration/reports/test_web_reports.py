"""The reports page: the form asks for a report, the history shows it with a progress bar
that follows ``/reports/<id>.json``, and a finished one is downloaded; bad input is refused
naming the field; who sees the page and what."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.integration.reports.helpers import reports_dir, work
from tests.integration.web_helpers import Web, user

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
FORM = {"kind": "statistics", "format": "csv", "agency": "C26", "through": "2020-03"}


@pytest.fixture
def web(app: Flask) -> Web:
    page = Web(app)
    page.login(user(app, "cuctruong.vp", "head", "C26"))
    return page


def test_the_page_asks_for_a_report_and_follows_it(web: Web, redis_url: str, app: Flask) -> None:
    page = web.text("/reports")
    assert 'href="/reports"' in page and 'id="report-form"' in page and 'id="no-reports"' in page
    assert 'value="CC243"' in page and 'name="as_known_at"' in page  # 2020's offices; a head's option
    asked = web.post("/reports", FORM)
    assert asked.status_code == 302
    report_id = asked.headers["Location"].split("shown=")[1]
    page = web.text(f"/reports?shown={report_id}")
    row = re.search(rf'<tr data-report="{report_id}" data-status="queued" data-status-url="([^"]+)"', page)
    assert row and "<progress" in page and "Đã nhận yêu cầu" in page
    assert web.get(row.group(1)).get_json()["status"] == "queued"
    work(redis_url)
    assert web.get(row.group(1)).get_json()["status"] == "finished"
    page = web.text("/reports")
    link = f'/reports/{report_id}/file'
    assert link in page and "<progress" not in page
    download = web.get(link)
    assert download.status_code == 200
    assert download.data == (reports_dir(app) / f"{report_id}-1.csv").read_bytes()
    again = web.post("/reports", FORM)  # the same at the same position: reused
    assert again.headers["Location"].endswith(report_id)
    assert "dùng lại" in web.text("/reports")


@pytest.mark.parametrize(("changes", "status", "says"), [
    ({"through": "2020-13"}, 400, "through"),
    ({"kind": "gossip"}, 400, "kind"),
    ({"format": "xes"}, 400, "format"),  # not a format of the statistics
    ({"agency": "C01"}, 403, "agency"),
])
def test_a_bad_form_is_refused_naming_the_field(web: Web, app: Flask, changes: dict[str, str], status: int,
                                               says: str) -> None:
    answer = web.post("/reports", {**FORM, **changes}, page="/reports")
    assert answer.status_code == status
    error = re.search(r'id="report-error">([^<]+)<', answer.get_data(as_text=True))
    assert error and says in error.group(1)
    assert app.extensions["thads"].reports.history(None, ["statistics"], page=1, per_page=5)[1] == 0


def test_who_sees_the_page(app: Flask, redis_url: str) -> None:
    admin = Web(app)
    admin.login(user(app, "admin", "admin", "VN"))
    assert admin.get("/reports").status_code == 403
    enforcer = Web(app)
    enforcer.login(user(app, "chv.vinhyen", "enforcer", "CC243"))
    page = enforcer.text("/reports")
    assert 'name="as_known_at"' not in page and 'value="C26"' not in page
    assert enforcer.post("/reports", {**FORM, "agency": "CC243"}).status_code == 302
    head = Web(app)
    head.login(user(app, "truong.c01", "head", "C01"))
    assert 'id="no-reports"' in head.text("/reports")

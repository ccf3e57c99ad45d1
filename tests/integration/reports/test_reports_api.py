"""The reports API's refusals and reading (SPEC §8): bad input is 400 naming the field and
stores nothing; scope (another province's report is not found, asking for one is forbidden);
the file is 409 until finished; the history is the caller's scope, newest first, in pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.api_helpers import Login
from tests.integration.reports.helpers import ask, get, queue, work


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # refused before the store is read
@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "gossip"}, "kind"),
    ({"format": "docx"}, "format"),
    ({"kind": "statistics", "format": "xes"}, "format"),
    ({"through": "2020-13"}, "through"),
    ({"through": "2020-11"}, "through"),
    ({"year": 1900}, "year"),
    ({"agency": "XX999"}, "agency"),
    ({"as_known_at": "2020-01-01T00:00:00"}, "as_known_at"),
    ({"as_known_at": "2999-01-01T00:00:00+07:00"}, "as_known_at"),
])
def test_bad_input_is_refused_naming_the_field(app: Flask, login: Login, redis_url: str,
                                               changes: dict[str, Any], field: str) -> None:
    head = login("cuctruong.vp", "head", "C26")
    answer = ask(app, head, **changes)
    assert answer.status_code == 400, answer.get_json()
    error = answer.get_json()["error"]
    assert field in error["message"] or field in str(error["details"]), error
    assert get(app, "reports", head).get_json()["total"] == 0 and queue(redis_url).count == 0


def test_scope_decides_who_asks_for_and_sees_a_report(app: Flask, login: Login, redis_url: str) -> None:
    vinh_phuc = login("cuctruong.vp", "head", "C26")
    ha_noi = login("truong.c01", "head", "C01")
    office = login("chv.vinhyen", "enforcer", "CC243")
    report = ask(app, vinh_phuc).get_json()
    for path in (f"reports/{report['id']}", f"reports/{report['id']}/file"):
        assert get(app, path, ha_noi).status_code == 404
    assert get(app, "reports", ha_noi).get_json()["total"] == 0
    assert get(app, "reports", office).get_json()["total"] == 0  # a province's report is above an office
    refused = ask(app, office)  # an enforcer asks for their own office only
    assert refused.status_code == 403 and refused.get_json()["error"]["details"]["field"] == "agency"
    assert ask(app, office, agency="CC243").status_code == 202
    nation = login("kiemtra", "auditor", "VN")
    assert get(app, "reports", nation).get_json()["total"] == 2
    admin = login("admin", "admin", "VN")
    assert ask(app, admin).status_code == 403 and get(app, "reports", admin).status_code == 403
    mining = ask(app, vinh_phuc, kind="process_mining", format="ocel")
    assert mining.status_code == 403 and mining.get_json()["error"]["details"]["field"] == "kind"
    assert get(app, "reports/00000000-0000-0000-0000-000000000000", vinh_phuc).status_code == 404
    assert get(app, "reports/not-an-id", vinh_phuc).status_code == 404


def test_the_file_waits_for_the_report(app: Flask, login: Login, redis_url: str) -> None:
    head = login("cuctruong.vp", "head", "C26")
    report = ask(app, head).get_json()
    waiting = get(app, f"reports/{report['id']}/file", head)
    assert waiting.status_code == 409
    assert waiting.get_json()["error"]["details"] == {"status": "queued", "progress": 0}
    work(redis_url)
    assert get(app, f"reports/{report['id']}/file", head).status_code == 200


def test_the_history_is_newest_first_in_pages(app: Flask, login: Login, redis_url: str) -> None:
    head = login("cuctruong.vp", "head", "C26")
    asked = [ask(app, head, agency=code).get_json()["id"] for code in ("C26", "CC243", "CC244")]
    page = get(app, "reports?per_page=2", head).get_json()
    assert (page["total"], page["page"], page["per_page"]) == (3, 1, 2)
    assert [r["id"] for r in page["items"]] == asked[:0:-1]
    assert [r["id"] for r in get(app, "reports?per_page=2&page=2", head).get_json()["items"]] == asked[:1]
    office = get(app, "reports?agency=CC243", head).get_json()
    assert [r["agency"] for r in office["items"]] == ["CC243"]
    assert get(app, "reports?agency=C01", head).status_code == 403
    assert get(app, "reports?per_page=0", head).status_code == 400

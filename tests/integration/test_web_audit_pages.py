"""The auditor's pages of a case (SPEC §6): its history with the case before and after each
event, the case as it stood at a version or a recorded time, a diff of two versions; the
auditor's home and the chain verified on demand; who may see them; bad parameters refused
(400, naming them); every page an auditor reads recorded. Both stores."""

from __future__ import annotations

import re
import time
from datetime import datetime
from uuid import UUID

import pytest
from flask import Flask

from service.audit.reads import reads
from service.web.formatting import VN
from tests.conftest import event_count
from tests.integration.web_case_helpers import CaseWeb, act, new_case, plain, services, staff

PAGES = ("/audit/cases/{case}", "/audit/cases/{case}/at?version=2", "/audit/cases/{case}/diff?from=1&to=3",
         "/audit", "/audit/dashboard", "/audit/verify")


@pytest.fixture
def case(app: Flask) -> UUID:
    """Case 1 of e1 (600 million due): verified able, then 100 million collected."""
    staff(app)
    case = new_case(app, "e1", 1)
    act(app, "e1", case, "verify", result="able", findings="Có nhà đất", on="2020-01-10")
    act(app, "e1", case, "collect", amount=100_000_000, source="voluntary", on="2020-01-20")
    return case


def row(page: str, marker: str) -> str:
    """The text of the table row that carries ``marker`` (an attribute)."""
    found = re.search(rf"<tr[^>]*{re.escape(marker)}[^>]*>(.*?)</tr>", page, re.S)
    assert found, f"no row {marker}"
    return plain(found.group(1))


def local(moment: datetime) -> str:
    """A recorded time as ``<input type="datetime-local">`` sends it (Vietnam's time)."""
    return moment.astimezone(VN).replace(tzinfo=None).isoformat()


def test_an_auditor_lands_on_the_audit_home(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "kt")
    assert web.get("/").headers["Location"].endswith("/audit")
    page = web.text("/audit")
    assert '<a href="/audit"' in page  # in the top bar
    assert 'action="/cases"' in page and 'name="q"' in page
    assert 'action="/audit/verify"' in page and 'action="/audit/dashboard"' in page
    assert 'type="datetime-local"' in page and "giờ Việt Nam" in page
    assert re.findall(r'<form[^>]*method="post"', page) == [  # only the top bar's language and logout
        '<form class="inline" method="post"', '<form class="inline" method="post"']
    assert '<a href="/audit"' not in CaseWeb(app, "e1").text("/cases")


def test_the_chain_is_verified_on_demand(app: Flask, case: UUID) -> None:
    page = CaseWeb(app, "kt").text("/audit/verify")
    assert 'id="verdict-ok"' in page
    assert f"Sự kiện đã kiểm tra {event_count(app)}" in plain(page)
    services(app).cases.db.execute("UPDATE audit_chain SET case_hash = %s WHERE version = 2", ("0" * 64,))
    broken = CaseWeb(app, "kt").text("/audit/verify")
    assert 'id="verdict-bad"' in broken and "Chuỗi bị phá vỡ tại vị trí 2" in plain(broken)


def test_the_history_shows_each_event_with_the_case_before_and_after(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "kt")
    page = web.text(f"/audit/cases/{case}")
    assert re.findall(r'data-type="(\w+)"', page) == ["Received", "Verified", "MoneyCollected"]
    chain = {int(r["version"]): r for r in services(app).cases.db.query(
        "SELECT version, position, case_hash FROM audit_chain WHERE case_id = %s", (str(case),))}
    collected = row(page, 'data-version="3"')
    assert "Thu tiền" in collected and "e1" in collected and "20/01/2020" in collected
    assert f" {chain[3]['position']} " in f" {collected} " and chain[3]["case_hash"][:12] in collected
    assert "Đã thu: 0 ₫ → 100.000.000 ₫" in collected
    assert "Số tiền còn phải thi hành: 600.000.000 ₫ → 500.000.000 ₫" in collected
    assert "Phiên bản:" not in collected  # what every event changes is only in the whole state
    assert 'href="/audit/users/e1"' in page
    assert f'href="/audit/cases/{case}/at?version=3"' in page
    assert f'href="/audit/cases/{case}/diff?to=3"' in page
    states = page.split('id="states-3"', 1)[1].split("</details>", 1)[0]
    assert row(states, 'data-field="collected"') == "Đã thu 0 ₫ 100.000.000 ₫"
    assert '<tr data-field="collected" class="changed">' in states
    assert '<tr data-field="amount_due">' in states
    assert row(states, 'data-field="stage"') == "Giai đoạn Đã xác minh Đã xác minh"
    assert row(states, 'data-field="creditor.name"') == (
        "Người được thi hành án Ngân hàng Nông nghiệp Ngân hàng Nông nghiệp")
    first = page.split('id="states-1"', 1)[1].split("</details>", 1)[0]
    assert row(first, 'data-field="amount_due"') == "Số tiền phải thi hành — 600.000.000 ₫"
    verified = row(page, 'data-version="2"')
    assert "Xác minh điều kiện thi hành án" in verified
    assert "Điều kiện thi hành: — → Có điều kiện thi hành" in verified


def test_nested_fields_are_named_and_an_emptied_list_is_no_change(app: Flask, case: UUID) -> None:
    act(app, "e1", case, "seize", asset={"description": "Thửa đất số 12", "kind": "land",
                                         "estimated_value": 700_000_000}, on="2020-01-25")
    seized = row(CaseWeb(app, "kt").text(f"/audit/cases/{case}"), 'data-version="4"')
    assert "Tài sản 1 › Giá trị ước tính: — → 700.000.000 ₫" in seized
    assert "Tài sản 1 › Loại: — → Quyền sử dụng đất" in seized
    assert "Giai đoạn: Đã xác minh → Đã kê biên" in seized
    assert "Tài sản:" not in seized and "Lần bán đấu giá" not in seized  # [] then absent: nothing to say


def test_a_long_history_is_paged(app: Flask, case: UUID) -> None:
    for n in range(30):
        act(app, "e1", case, "note", text=f"Ghi chú {n}", on="2020-01-21")
    web = CaseWeb(app, "kt")
    first = web.text(f"/audit/cases/{case}")
    assert re.findall(r'data-version="(\d+)"', first) == [str(v) for v in range(1, 26)]
    assert "Trang 1 / 2" in first and f'href="/audit/cases/{case}?page=2"' in first
    second = web.text(f"/audit/cases/{case}?page=2")
    assert re.findall(r'data-version="(\d+)"', second) == [str(v) for v in range(26, 34)]
    assert "Số tiền phải thi hành 600.000.000 ₫ 600.000.000 ₫" in plain(second)  # the state before v26
    beyond = plain(web.text(f"/audit/cases/{case}?page=3", 400))
    assert "Không có trang 3 (tham số page): lịch sử hồ sơ có 2 trang." in beyond
    assert "tham số page" in plain(web.text(f"/audit/cases/{case}?page=0", 400))


def test_the_case_as_it_stood_at_a_version(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "kt")
    first = plain(web.text(f"/audit/cases/{case}/at?version=1"))
    assert "Hồ sơ tại phiên bản 1 trong 3." in first
    assert "600.000.000 ₫ Còn phải thi hành" in first and "0 ₫ Đã thu" in first
    assert "Chưa xác minh" in first and "Thu tiền" not in first  # the timeline ends at version 1
    latest = web.text(f"/audit/cases/{case}/at")
    assert "Hồ sơ tại phiên bản 3 trong 3." in plain(latest)
    assert "500.000.000 ₫ Còn phải thi hành" in plain(latest) and "Thu tiền" in plain(latest)
    assert 'name="version"' in latest and 'name="at"' in latest and 'id="do-' not in latest
    assert f'href="/audit/cases/{case}/diff?to=3"' in latest


def test_the_case_as_recorded_at_a_time(app: Flask) -> None:
    staff(app)
    case = new_case(app, "e1", 1)
    act(app, "e1", case, "verify", result="unable", on="2020-01-10")
    time.sleep(0.05)
    between = datetime.now(tz=VN)
    time.sleep(0.05)
    act(app, "e1", case, "verify", result="able", on="2020-01-12")
    page = plain(CaseWeb(app, "kt").text(f"/audit/cases/{case}/at?at={local(between)}"))
    assert "phiên bản 2 trong 3" in page and "Chưa có điều kiện thi hành (10/01/2020)" in page
    time.sleep(0.05)
    later = plain(CaseWeb(app, "kt").text(f"/audit/cases/{case}/at?at={local(datetime.now(tz=VN))}"))
    assert "phiên bản 3 trong 3" in later and "Có điều kiện thi hành (12/01/2020)" in later


@pytest.mark.parametrize(("query", "says"), [
    ("version=0", "Không có phiên bản “0” (tham số version): hồ sơ có các phiên bản từ 1 đến 3."),
    ("version=4", "Không có phiên bản “4” (tham số version)"),
    ("version=hai", "Không có phiên bản “hai” (tham số version)"),
    ("at=2020-13-01T00:00", "Thời điểm không hợp lệ: “2020-13-01T00:00” (tham số at"),
    ("at=hôm qua", "Thời điểm không hợp lệ: “hôm qua” (tham số at"),
    ("at=2001-01-01T00:00", "Lúc 01/01/2001 00:00:00 hồ sơ chưa được ghi (tham số at)"),
    ("at=2999-01-01T00:00", "ở tương lai (tham số at)"),
    ("version=1&at=2020-01-01T00:00", "không chọn cả hai"),
])
def test_a_bad_version_or_time_is_refused(app: Flask, case: UUID, query: str, says: str) -> None:
    page = plain(CaseWeb(app, "kt").text(f"/audit/cases/{case}/at?{query}", 400))
    assert says in page


def test_the_diff_of_two_versions(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "kt")
    page = web.text(f"/audit/cases/{case}/diff?from=1&to=3")
    assert row(page, 'data-field="collected"') == "Đã thu 0 ₫ 100.000.000 ₫"
    assert row(page, 'data-field="able"') == "Điều kiện thi hành — Có điều kiện thi hành"
    assert row(page, 'data-field="version"') == "Phiên bản 1 3"
    assert 'data-field="amount_due"' not in page  # unchanged
    default = web.text(f"/audit/cases/{case}/diff")
    assert 'name="from" type="number" min="1" max="3" value="2"' in default
    assert 'data-field="collected"' in default and 'data-field="able"' not in default
    assert 'id="no-difference"' in web.text(f"/audit/cases/{case}/diff?from=2&to=2")
    refused = plain(web.text(f"/audit/cases/{case}/diff?from=1&to=9", 400))
    assert "Không có phiên bản “9” (tham số to): hồ sơ có các phiên bản từ 1 đến 3." in refused


def test_the_case_page_leads_an_auditor_to_the_history(app: Flask, case: UUID) -> None:
    assert f'href="/audit/cases/{case}"' in CaseWeb(app, "kt").text(f"/cases/{case}")
    assert f'href="/audit/cases/{case}"' not in CaseWeb(app, "e1").text(f"/cases/{case}")


@pytest.mark.parametrize("who", ["e1", "h243", "h26"])
def test_enforcers_and_heads_may_not_see_the_audit_pages(app: Flask, case: UUID, who: str) -> None:
    web = CaseWeb(app, who)
    for path in PAGES:
        response = web.get(path.format(case=case))
        assert response.status_code == 403, path
        assert "chỉ dành cho kiểm tra viên và quản trị viên" in plain(response.get_data(as_text=True))


def test_an_administrator_sees_the_chain_and_statistics_but_no_case(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "root")
    assert web.get("/audit").status_code == 200 and web.get("/audit/verify").status_code == 200
    assert 'action="/cases"' not in web.text("/audit")  # no case search: administrators read no case
    assert web.get(f"/audit/cases/{case}").status_code == 403
    assert web.get("/audit/dashboard?as_known_at=2020-04-01T10:00").status_code == 200  # statistics only


def test_nothing_is_written_and_a_post_is_refused(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "kt")
    before = event_count(app)
    for path in PAGES:
        assert web.post(path.format(case=case).split("?")[0], {}, page="/audit").status_code in (403, 405)
    assert event_count(app) == before


def test_an_auditors_reads_are_recorded(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "kt")
    wanted = [path.format(case=case) for path in PAGES]
    for path in wanted:
        web.text(path)
    db = services(app).cases.db
    assert sorted(r["target"] for r in reads(db, "kt")) == sorted(wanted)
    CaseWeb(app, "root").text("/audit")
    assert reads(db, "root") == []  # an administrator is not an auditor

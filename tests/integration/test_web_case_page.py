"""A case's page: what it shows (parties, judgment, money, flags, hold, assets with their
auctions, deadlines, the timeline in Vietnamese) and which forms it offers to whom. Every
test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

import pytest
from flask import Flask

from tests.conftest import event_count
from tests.integration.web_case_helpers import CaseWeb, act, new_case, plain, staff, version_on

FORM = re.compile(r'<details class="command" id="do-([a-z-]+)"')


def offered(page: str) -> set[str]:
    return set(FORM.findall(page))


@pytest.fixture
def sold(app: Flask) -> UUID:
    """Case 1 of e1: verified able, a plot of land seized, valued, failed at auction, reduced,
    sold; a note; marked difficult; 100 million collected, 40 million paid out."""
    staff(app)
    case = new_case(app, "e1", 1, obligation="Trả lại giấy tờ nhà")
    act(app, "e1", case, "verify", result="able", findings="Có nhà đất", on="2020-01-10")
    act(app, "e1", case, "seize", asset={"description": "Thửa đất số 12", "kind": "land",
                                         "estimated_value": 700_000_000}, on="2020-01-15")
    act(app, "e1", case, "value", asset_id=1, price=650_000_000, on="2020-01-20")
    act(app, "e1", case, "auction", asset_id=1, outcome="failed", on="2020-02-20")
    act(app, "e1", case, "reduce-price", asset_id=1, price=600_000_000, on="2020-02-25")
    act(app, "e1", case, "auction", asset_id=1, outcome="sold", price=610_000_000, on="2020-03-20")
    act(app, "e1", case, "note", text="Người mua đã nộp tiền", on="2020-03-21")
    act(app, "h243", case, "mark-difficult", difficult=True, reason="Hội đồng CHV họp ngày 22/3",
        on="2020-03-22")
    act(app, "e1", case, "collect", amount=100_000_000, source="auction", on="2020-03-23")
    act(app, "e1", case, "pay-out", amount=40_000_000, on="2020-03-24")
    return case


def test_the_page_shows_the_case(app: Flask, sold: UUID) -> None:
    page = CaseWeb(app, "e1").text(f"/cases/{sold}")
    text = plain(page)
    assert "Hồ sơ 1/2020/QĐ-THA" in text and "Chi cục Thi hành án dân sự thành phố Vĩnh Yên" in text
    assert "Ngân hàng Nông nghiệp (Tổ chức tín dụng)" in text and "Nguyễn Văn An (Cá nhân)" in text
    assert "12/2019/DS-ST" in text and "01/12/2019" in text and "Trả lại giấy tờ nhà" in text
    for figure, caption in (("600.000.000 ₫", "Phải thi hành"), ("100.000.000 ₫", "Đã thu"),
                            ("40.000.000 ₫", "Đã chi trả"), ("500.000.000 ₫", "Còn phải thi hành")):
        assert f"{figure} {caption}" in text
    for chip in ("Đã đấu giá", "Đang thi hành", "Trên 500 triệu", "Tổ chức tín dụng", "Khó thi hành"):
        assert chip in text
    assert "Có điều kiện thi hành (10/01/2020)" in text and "Hội đồng CHV họp ngày 22/3" in text
    assets = plain(page.split('id="assets"', 1)[1].split("</section>", 1)[0])
    assert "Thửa đất số 12" in assets and "Quyền sử dụng đất" in assets and "Đã bán" in assets
    assert "650.000.000 ₫ 20/01/2020" in assets and "đã giảm giá 1 lần" in assets
    assert "20/02/2020 650.000.000 ₫ Không thành —" in assets
    assert "20/03/2020 600.000.000 ₫ Bán được 610.000.000 ₫" in assets


def test_the_timeline_names_each_event_in_vietnamese(app: Flask, sold: UUID) -> None:
    page = CaseWeb(app, "e1").text(f"/cases/{sold}")
    timeline = page.split('id="timeline"', 1)[1]
    names = [plain(m) for m in re.findall(r'<div class="event-head"><strong>(.*?)</strong>', timeline)]
    assert names == ["Chi trả tiền", "Thu tiền", "Xác định việc khó thi hành", "Bán đấu giá tài sản",
                     "Giảm giá tài sản", "Bán đấu giá tài sản", "Thẩm định giá tài sản", "Kê biên tài sản",
                     "Xác minh điều kiện thi hành án", "Thụ lý"]  # newest first; the note folded away
    note = plain(re.search(r'<details class="routine">(.*?)</details>', timeline, re.S).group(1))  # type: ignore[union-attr]
    assert note.startswith("Ghi chú · 21/03/2020 · e1") and "Người mua đã nộp tiền" in note
    reduced = plain(timeline.split('id="event-6"', 1)[1].split("</li>", 1)[0])
    assert "Giảm giá tài sản 25/02/2020" in reduced and "Giá khởi điểm mới 600.000.000 ₫" in reduced
    assert re.search(r"#6 · e1 · ghi lúc \d\d/\d\d/\d{4} \d\d:\d\d", reduced)
    marked = plain(timeline.split('id="event-9"', 1)[1].split("</li>", 1)[0])
    assert "h243" in marked and "Việc khó thi hành Có" in marked


def test_the_timeline_in_english(app: Flask, sold: UUID) -> None:
    web = CaseWeb(app, "e1")
    web.post("/language", {"lang": "en", "next": f"/cases/{sold}"}, page=f"/cases/{sold}")
    text = plain(web.text(f"/cases/{sold}"))
    assert "Seize an asset" in text and "Amount due" in text and "Thụ lý" not in text


def test_a_received_case_offers_its_enforcer_what_the_case_accepts_now(app: Flask) -> None:
    staff(app)
    case = new_case(app, "e1", 1)
    page = CaseWeb(app, "e1").text(f"/cases/{case}")
    assert offered(page) == {"verify", "collect", "postpone", "suspend", "entrust", "terminate",
                             "return-request", "note", "correct"}  # not seize: not verified able
    assert version_on(page) == 1
    assert f'action="/cases/{case}/verify"' in page and f'action="/cases/{case}/return-request"' in page
    head = CaseWeb(app, "h243").text(f"/cases/{case}")
    assert {"reassign", "mark-difficult"} <= offered(head)  # a head's own commands


def test_forms_follow_the_state_of_the_case(app: Flask, sold: UUID) -> None:
    page = CaseWeb(app, "e1").text(f"/cases/{sold}")
    assert {"deliver", "collect", "pay-out"} <= offered(page)
    assert "seize" in offered(page)  # verified able: more assets may be seized
    assert not {"close", "auction", "reduce-price"} & offered(page)  # money due; the asset is sold
    deliver = page.split('id="do-deliver"', 1)[1].split("</details>", 1)[0]
    assert '<option value="1" selected>#1 · Thửa đất số 12</option>' in deliver
    act(app, "e1", sold, "postpone", reason="hoan.48.1.c", until="2020-04-30", on="2020-03-25")
    held = CaseWeb(app, "e1").text(f"/cases/{sold}")
    assert offered(held) == {"resume", "terminate", "note"}
    assert "Điều 48.1.c: Đương sự đồng ý hoãn thi hành án" in plain(held)


def test_an_auditor_sees_no_forms_and_may_not_post(app: Flask, sold: UUID) -> None:
    web = CaseWeb(app, "kt")
    page = web.text(f"/cases/{sold}")
    assert offered(page) == set() and 'name="version"' not in page
    assert "Kiểm tra viên chỉ xem hồ sơ" in page
    before = event_count(app)
    response = web.post(f"/cases/{sold}/note", {"version": "11", "text": "Xem"}, page=f"/cases/{sold}")
    assert response.status_code == 403 and event_count(app) == before


def test_another_enforcers_case_offers_nothing_and_refuses_a_post(app: Flask, sold: UUID) -> None:
    web = CaseWeb(app, "e2")
    page = web.text(f"/cases/{sold}")  # same office: may read
    assert offered(page) == set()
    before = event_count(app)
    response = web.post(f"/cases/{sold}/note", {"version": "11", "text": "X"}, page=f"/cases/{sold}")
    assert response.status_code == 403 and event_count(app) == before


def test_another_offices_case_is_not_found(app: Flask, sold: UUID) -> None:
    web = CaseWeb(app, "e9")
    assert web.get(f"/cases/{sold}").status_code == 404
    assert web.get(f"/cases/{uuid4()}").status_code == 404
    before = event_count(app)
    response = web.post(f"/cases/{sold}/note", {"version": "11", "text": "X"}, page="/cases")
    assert response.status_code == 404 and event_count(app) == before
    assert CaseWeb(app, "root").get(f"/cases/{sold}").status_code == 403


def test_running_deadlines_are_shown(app: Flask, sold: UUID) -> None:
    deadlines = plain(CaseWeb(app, "e1").text(f"/cases/{sold}").split('id="deadlines"', 1)[1]
                      .split("</section>", 1)[0])
    # Sold on 20/03/2020, not delivered: 60 days (30 to pay + 30 to deliver) - long past;
    # 100 million collected, 40 paid out: the rest was due to be paid out 10 days later
    # (02/04/2020 was the Hùng Kings' day: the next working day).
    assert "Giao tài sản cho người mua 20/03/2020 22/05/2020 Quá hạn" in deadlines
    assert "Chi trả tiền 23/03/2020 03/04/2020 Quá hạn" in deadlines

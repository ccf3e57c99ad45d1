"""Posting the case forms: a case's whole life through plain form posts, each kind of refusal
shown at its field with what was typed kept and no event written, version conflicts, and the
new-case form. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from tests.conftest import event_count
from tests.integration.web_case_helpers import (
    NEW_CASE,
    CaseWeb,
    act,
    errors_in,
    field_error,
    new_case,
    plain,
    staff,
    version_on,
)


@pytest.fixture
def case(app: Flask) -> UUID:
    staff(app)
    return new_case(app, "e1", 1)


def refused(app: Flask, web: CaseWeb, case_id: UUID, command: str, data: dict[str, Any],
            status: int) -> str:
    """Post a form that must be refused: the status, the form open again, nothing written."""
    before = event_count(app)
    response = web.command(case_id, command, data)
    page = response.get_data(as_text=True)
    assert response.status_code == status, errors_in(page)
    assert f'<details class="command" id="do-{command}" open>' in page
    assert event_count(app) == before
    return page


def test_the_whole_life_of_a_case_through_the_forms(app: Flask) -> None:
    staff(app)
    web = CaseWeb(app, "e1")
    response = web.post("/cases/new", NEW_CASE)
    assert response.status_code == 302, errors_in(response.get_data(as_text=True))
    case_id = UUID(response.headers["Location"].rsplit("/", 1)[1])
    assert "Đã thụ lý hồ sơ 1/2020/QĐ-THA" in web.text(f"/cases/{case_id}")
    steps: list[tuple[str, dict[str, str]]] = [
        ("verify", {"result": "able", "on": "2020-01-10"}),
        ("seize", {"asset.description": "Thửa đất số 12", "asset.kind": "land",
                   "asset.estimated_value": "700.000.000", "on": "2020-01-15"}),
        ("value", {"asset_id": "1", "price": "650.000.000", "on": "2020-01-20"}),
        ("auction", {"asset_id": "1", "outcome": "failed", "on": "2020-02-20"}),
        ("reduce-price", {"asset_id": "1", "price": "600.000.000", "on": "2020-02-25"}),
        ("auction", {"asset_id": "1", "outcome": "sold", "price": "610.000.000", "on": "2020-03-20"}),
        ("deliver", {"asset_id": "1", "on": "2020-04-01"}),
        ("collect", {"amount": "600.000.000", "source": "auction", "on": "2020-04-02"}),
        ("pay-out", {"amount": "600000000", "on": "2020-04-06"}),
        ("close", {"on": "2020-04-07"}),
    ]
    for command, data in steps:
        page = web.done(case_id, command, data)
        assert "Đã ghi" in page, command
    text = plain(page)
    assert "Kết thúc Kết thúc Thi hành xong" in text and "Ngày kết thúc 07/04/2020" in text
    assert version_on(page) == 11 and event_count(app) == 11  # only a note may still be added
    assert "Đã giao 01/04/2020" in text and "0 ₫ Còn phải thi hành" in text
    listed = plain(web.text("/cases?state=closed"))
    assert "1/2020/QĐ-THA" in listed and "Thi hành xong" in listed


def test_a_missing_field_is_named_and_the_form_kept(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "e1")
    page = refused(app, web, case, "verify", {"findings": "Không có tài sản", "on": "2020-01-10"}, 400)
    assert field_error(page, "verify", "result") == "Bắt buộc nhập."
    assert ">Không có tài sản</textarea>" in page and 'value="2020-01-10"' in page
    assert 'id="verify-result" name="result" aria-invalid="true"' in page


@pytest.mark.parametrize("command, data, field, says", [
    ("collect", {"amount": "12abc", "source": "voluntary"}, "amount", "Phải là một số nguyên"),
    ("collect", {"amount": "0", "source": "voluntary"}, "amount", "Phải từ 1 đến"),
    ("collect", {"amount": "5", "source": "gift"}, "source", "Chọn một giá trị trong danh sách"),
    ("note", {"text": "x", "on": "2020-13-45"}, "on", "Ngày không hợp lệ"),
    ("postpone", {"reason": "hoan.48.1.c", "until": "tomorrow"}, "until", "Ngày không hợp lệ"),
])
def test_a_value_of_the_wrong_shape_is_400_at_its_field(
        app: Flask, case: UUID, command: str, data: dict[str, str], field: str, says: str) -> None:
    page = refused(app, CaseWeb(app, "e1"), case, command, data, 400)
    assert says in field_error(page, command, field)
    typed = data[field]
    assert f'value="{typed}"' in page or f'value="{typed}" selected' in page or typed == "gift"


@pytest.mark.parametrize("command, data, field, says", [
    ("collect", {"amount": "700.000.000", "source": "voluntary", "on": "2020-01-05"}, "amount",
     "vượt quá số tiền phải thi hành"),
    ("collect", {"amount": "5", "source": "auction", "on": "2020-01-05"}, "source",
     "Chưa có tài sản nào bán đấu giá thành"),
    ("note", {"text": "Ghi chú", "on": "2019-12-31"}, "on", "Ngày không hợp lệ"),
    ("note", {"text": "Ghi chú", "on": "2999-01-01"}, "on", "Ngày không hợp lệ"),
    ("postpone", {"reason": "hoan.48.1.c", "until": "2020-01-03", "on": "2020-01-05"}, "until",
     "Ngày không hợp lệ"),
    ("entrust", {"to_agency": "CC243", "on": "2020-01-05"}, "to_agency", "Giá trị không hợp lệ"),
    ("entrust", {"to_agency": "T01", "on": "2020-01-05"}, "to_agency", "không còn hoạt động"),
])
def test_a_rule_broken_is_422_at_its_field(
        app: Flask, case: UUID, command: str, data: dict[str, str], field: str, says: str) -> None:
    page = refused(app, CaseWeb(app, "e1"), case, command, data, 422)
    shown = field_error(page, command, field)
    assert says in shown, shown
    assert '<span class="detail">' in page  # the rule's own words follow as the detail


def test_a_rule_of_the_whole_case_is_shown_on_top_of_its_form(app: Flask, case: UUID) -> None:
    act(app, "e1", case, "collect", amount=100, source="voluntary", on="2020-01-05")
    page = refused(app, CaseWeb(app, "e1"), case, "pay-out", {"amount": "200", "on": "2020-01-06"}, 422)
    assert "vượt quá số tiền đã thu" in field_error(page, "pay-out", "amount")
    act(app, "e1", case, "pay-out", amount=100, on="2020-01-06")
    # Close is not offered while money is due; posted anyway, the refusal says why.
    before = event_count(app)
    response = CaseWeb(app, "e1").command(case, "close", {"on": "2020-01-07"})
    assert response.status_code == 422 and event_count(app) == before
    assert "Chưa thu đủ số tiền phải thi hành" in plain(response.get_data(as_text=True))


def test_a_stale_version_is_409_naming_who_changed_the_case_and_keeping_the_input(
        app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "e1")
    seen = version_on(web.text(f"/cases/{case}"))
    act(app, "h243", case, "note", text="Thủ trưởng đã xem", on="2020-01-04")
    before = event_count(app)
    response = web.command(case, "collect", {"amount": "2.500.000", "source": "voluntary",
                                             "on": "2020-01-05"}, version=seen)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and event_count(app) == before
    warning = plain(page.split('id="conflict">', 1)[1].split("</div>", 1)[0])
    assert "h243" in warning and "Ghi chú" in warning and re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", warning)
    assert version_on(page) == seen + 1  # the form now carries the version shown
    assert 'value="2.500.000"' in page and '<details class="command" id="do-collect" open>' in page
    form = page.split('id="do-collect"', 1)[1].split("</form>", 1)[0]
    assert '<option value="voluntary" selected>' in form
    # Sent again from that page, it goes through.
    resent = web.command(case, "collect", {"amount": "2.500.000", "source": "voluntary", "on": "2020-01-05"},
                         version=seen + 1)
    assert resent.status_code == 302 and event_count(app) == before + 1


def test_the_version_must_be_given(app: Flask, case: UUID) -> None:
    web = CaseWeb(app, "e1")
    before = event_count(app)
    response = web.post(f"/cases/{case}/note", {"text": "x"}, page=f"/cases/{case}")
    assert response.status_code == 400 and event_count(app) == before
    assert "Thiếu phiên bản hồ sơ" in plain(response.get_data(as_text=True))
    assert web.command(case, "fly", {}).status_code == 404


def test_the_seize_form_names_its_nested_fields(app: Flask, case: UUID) -> None:
    act(app, "e1", case, "verify", result="able", on="2020-01-10")
    page = refused(app, CaseWeb(app, "e1"), case, "seize",
                   {"asset.kind": "land", "asset.estimated_value": "-5", "on": "2020-01-11"}, 400)
    assert field_error(page, "seize", "asset.description") == "Bắt buộc nhập."
    assert "Phải từ 0 đến" in field_error(page, "seize", "asset.estimated_value")


def test_a_new_case_of_an_enforcer_is_theirs(app: Flask) -> None:
    staff(app)
    web = CaseWeb(app, "e1")
    form = web.text("/cases/new")
    assert 'value="CC243" selected' in form and 'value="CC244"' not in form
    assert 'name="enforcer"' not in form  # an enforcer's new case is their own
    response = web.post("/cases/new", {**NEW_CASE, "number": "77/2020/QĐ-THA", "enforcer": "e2"})
    assert response.status_code == 302
    page = web.text(response.headers["Location"])
    assert "Hồ sơ 77/2020/QĐ-THA" in page and 'id="enforcer">e1<' in page


def test_a_head_assigns_the_enforcer_of_a_new_case(app: Flask) -> None:
    staff(app)
    web = CaseWeb(app, "h26")
    form = web.text("/cases/new")
    assert 'value="CC244"' in form and '<option value="e2">' in form
    response = web.post("/cases/new", {**NEW_CASE, "agency": "CC244", "enforcer": "e9"})
    assert response.status_code == 302
    assert 'id="enforcer">e9<' in web.text(response.headers["Location"])
    wrong = web.post("/cases/new", {**NEW_CASE, "enforcer": "e9"})  # e9 works in Phúc Yên
    assert wrong.status_code == 422
    assert "Không phải chấp hành viên" in field_error(wrong.get_data(as_text=True), "new", "enforcer")


@pytest.mark.parametrize("change, status, field, says", [
    ({"judgment.court": ""}, 400, "judgment.court", "Bắt buộc nhập."),
    ({"amount_due": "6tr"}, 400, "amount_due", "Phải là một số nguyên"),
    ({"initiation": "whim"}, 400, "initiation", "Chọn một giá trị"),
    ({"judgment.date": "2020-02-01"}, 422, "judgment.date", "Ngày không hợp lệ"),
    ({"amount_due": "0"}, 422, "obligation", "phải ghi rõ nghĩa vụ khác"),
    ({"received_on": "2026-01-05"}, 422, "agency", "không còn hoạt động"),
])
def test_a_bad_new_case_is_refused_at_its_field(
        app: Flask, change: dict[str, str], status: int, field: str, says: str) -> None:
    staff(app)
    web = CaseWeb(app, "e1")
    before = event_count(app)
    response = web.post("/cases/new", {**NEW_CASE, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == status and event_count(app) == before, errors_in(page)
    assert says in field_error(page, "new", field), errors_in(page)
    assert 'value="Nguyễn Văn An"' in page  # what was typed stays


def test_a_case_number_already_used_is_409(app: Flask) -> None:
    staff(app)
    web = CaseWeb(app, "e1")
    assert web.post("/cases/new", {**NEW_CASE, "number": "5/2020/QĐ-THA"}).status_code == 302
    before = event_count(app)
    again = web.post("/cases/new", {**NEW_CASE, "number": "5/2020/QĐ-THA"})
    assert again.status_code == 409 and event_count(app) == before
    assert "đã có hồ sơ mang số này" in field_error(again.get_data(as_text=True), "new", "number")


def test_who_may_open_the_new_case_form(app: Flask) -> None:
    staff(app)
    assert CaseWeb(app, "kt").get("/cases/new").status_code == 403
    assert CaseWeb(app, "root").get("/cases/new").status_code == 403
    before = event_count(app)
    assert CaseWeb(app, "kt").post("/cases/new", NEW_CASE, page="/cases").status_code == 403
    assert event_count(app) == before

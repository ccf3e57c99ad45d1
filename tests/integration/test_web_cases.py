"""The case list page: scope, every filter, diacritics-insensitive search, sorting, paging,
"my cases", the office queue, overdue badges, and bad filter values answered with a message
at the field (400). Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from flask import Flask

from tests.integration.web_case_helpers import CaseWeb, act, field_error, listed, new_case, plain, staff
from tests.integration.web_helpers import Web

OTHER = {"name": "Trần Văn Cường", "kind": "individual"}


def n(*numbers: int) -> list[str]:
    return [f"{i}/2020/QĐ-THA" for i in numbers]


@pytest.fixture
def office(app: Flask) -> dict[int, UUID]:
    """Four cases of Vĩnh Phúc, as in the API's list tests: 1 verified (e1), 2 difficult and
    postponed (e2), 3 closed in Phúc Yên (e9), 4 received (e1)."""
    staff(app)
    cases = {1: new_case(app, "h26", 1, enforcer="e1")}
    act(app, "h26", cases[1], "verify", result="able", on="2020-01-10")
    cases[2] = new_case(app, "h26", 2, enforcer="e2", amount_due=100_000_000, creditor=OTHER)
    act(app, "h26", cases[2], "mark-difficult", difficult=True, reason="Hội đồng CHV", on="2020-01-11")
    act(app, "h26", cases[2], "postpone", reason="hoan.48.1.c", on="2020-01-12")
    cases[3] = new_case(app, "h26", 3, agency="CC244", enforcer="e9", amount_due=700_000_000, creditor=OTHER)
    act(app, "h26", cases[3], "collect", amount=700_000_000, source="voluntary", on="2020-02-01")
    act(app, "h26", cases[3], "pay-out", amount=700_000_000, on="2020-02-02")
    act(app, "h26", cases[3], "close", on="2020-02-03")
    cases[4] = new_case(app, "h26", 4, enforcer="e1", amount_due=50_000_000)
    return cases


def numbers(web: Web, query: str = "") -> list[str]:
    return sorted(listed(web.text(f"/cases?sort=number&{query}")), key=lambda s: int(s.split("/")[0]))


def test_each_filter_narrows_the_list(app: Flask, office: dict[int, UUID]) -> None:
    head = CaseWeb(app, "h26")
    assert numbers(head) == n(1, 2, 3, 4)
    assert numbers(head, "agency=CC243") == n(1, 2, 4) and numbers(head, "agency=CC244") == n(3)
    assert numbers(head, "stage=verified") == n(1) and numbers(head, "stage=received") == n(2, 4)
    assert numbers(head, "state=postponed") == n(2) and numbers(head, "state=closed") == n(3)
    assert numbers(head, "enforcer=e1") == n(1, 4) and numbers(head, "enforcer=e9") == n(3)
    assert numbers(head, "flag=large") == n(1, 3) and numbers(head, "flag=difficult") == n(2)
    assert numbers(head, "flag=credit_institution&state=active") == n(1, 4)
    assert numbers(head, "agency=CC243&q=cuong&state=postponed") == n(2)
    page = head.text("/cases?state=postponed")
    assert 'value="postponed" selected' in page  # the filter shown as chosen
    assert "Hoãn thi hành" in page and "Khó thi hành" in page  # state and flag in Vietnamese


def test_search_ignores_case_and_diacritics(app: Flask) -> None:
    staff(app)
    for i, debtor in enumerate(["Nguyễn Văn A", "Đặng Thị Hường", "Lê Thị Bình"], 1):
        new_case(app, "e1", i, debtor={"name": debtor, "kind": "individual"})
    web = CaseWeb(app, "e1")
    for needle in ("dang thi huong", "ĐẶNG", "  hường "):
        assert numbers(web, f"q={needle}") == n(2), needle
    assert numbers(web, "q=nguyen van a") == n(1)
    assert numbers(web, "q=3/2020") == n(3)  # the case number
    assert numbers(web, "q=ngan hang nong nghiep") == n(1, 2, 3)  # the creditor


def test_an_enforcer_sees_only_their_office_and_the_agency_select_is_their_scope(
        app: Flask, office: dict[int, UUID]) -> None:
    vinh_yen = CaseWeb(app, "e1")
    assert numbers(vinh_yen) == n(1, 2, 4)
    page = vinh_yen.text("/cases")
    assert 'value="CC243"' in page and 'value="CC244"' not in page
    assert numbers(CaseWeb(app, "e9")) == n(3)
    outside = vinh_yen.get("/cases?agency=CC244")
    assert outside.status_code == 400
    assert "không thuộc phạm vi" in field_error(outside.get_data(as_text=True), "f", "agency")


def test_my_cases_are_the_ones_assigned_to_me(app: Flask, office: dict[int, UUID]) -> None:
    web = CaseWeb(app, "e1")
    page = web.text("/cases")
    assert 'id="my-cases" href="/cases?enforcer=e1"' in page
    mine = web.text("/cases?enforcer=e1&sort=number")
    assert listed(mine) == n(1, 4)
    assert 'id="my-cases" href="/cases?enforcer=e1" aria-current="page"' in mine


def test_the_office_queue_lists_open_cases_with_no_enforcer(app: Flask, office: dict[int, UUID]) -> None:
    new_case(app, "h26", 5)  # a head creates it without assigning anyone
    done = new_case(app, "h26", 6, amount_due=10)
    act(app, "h26", done, "collect", amount=10, source="voluntary", on="2020-02-01")
    act(app, "h26", done, "pay-out", amount=10, on="2020-02-02")
    act(app, "h26", done, "close", on="2020-02-03")  # finished: nobody needs to take it
    new_case(app, "h26", 7, agency="CC244")
    assert listed(CaseWeb(app, "h243").text("/cases/queue")) == n(5)
    head = CaseWeb(app, "h26")
    assert sorted(listed(head.text("/cases/queue"))) == n(5, 7)
    assert listed(head.text("/cases/queue?agency=CC244")) == n(7)
    assert head.get("/cases/queue?sort=sideways").status_code == 400


def test_sorting_by_days_waiting_puts_the_longest_wait_first(app: Flask, office: dict[int, UUID]) -> None:
    head = CaseWeb(app, "h26")
    # Latest acts: 1 on 10/01, 2 on 12/01, 4 on 02/01 (received); 3 is finished.
    assert listed(head.text("/cases?sort=-days_waiting")) == n(4, 1, 2, 3)
    assert listed(head.text("/cases?sort=days_waiting")) == n(2, 1, 4, 3)
    assert listed(head.text("/cases?sort=-number")) == n(4, 3, 2, 1)


def test_paging_keeps_the_filters(app: Flask) -> None:
    staff(app)
    for i in range(1, 8):
        new_case(app, "e1", i)
    web = CaseWeb(app, "e1")
    first = web.text("/cases?sort=number&per_page=3&q=nguyen")
    assert listed(first) == n(1, 2, 3) and "Trang 1 / 3" in first and "7 hồ sơ" in first
    following = html.unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1))  # type: ignore[union-attr]
    assert parse_qs(urlsplit(following).query) == {
        "sort": ["number"], "per_page": ["3"], "q": ["nguyen"], "page": ["2"]}
    assert listed(web.text("/cases?sort=number&per_page=3&q=nguyen&page=3")) == n(7)
    assert listed(web.text("/cases?sort=number&per_page=3&page=9")) == []


def test_overdue_filter_and_badges(app: Flask, office: dict[int, UUID]) -> None:
    head = CaseWeb(app, "h26")
    # Received in 2020 and never verified: the first verification is long overdue.
    late = numbers(head, "overdue=true")
    assert n(4)[0] in late and n(3)[0] not in late
    assert n(3)[0] in numbers(head, "overdue=false")
    page = head.text("/cases?sort=number")
    row = plain(page.split(n(4)[0], 1)[1].split("</tr>", 1)[0])
    assert "Quá hạn: Xác minh lần đầu" in row
    closed_row = plain(page.split(n(3)[0], 1)[1].split("</tr>", 1)[0])
    assert "Quá hạn" not in closed_row


@pytest.mark.parametrize("query, field", [
    ("stage=nowhere", "stage"), ("state=asleep", "state"), ("flag=red", "flag"),
    ("sort=sideways", "sort"), ("page=0", "page"), ("per_page=abc", "per_page"),
    ("overdue=maybe", "overdue"), ("agency=NOPE", "agency"),
])
def test_a_bad_filter_value_is_400_with_a_message_at_its_field(
        app: Flask, office: dict[int, UUID], query: str, field: str) -> None:
    response = CaseWeb(app, "h26").get(f"/cases?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Điều kiện lọc không hợp lệ" in page
    assert field_error(page, "f", field), page
    assert listed(page) == []


def test_who_may_see_the_list(app: Flask, office: dict[int, UUID]) -> None:
    anonymous = Web(app).get("/cases")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert CaseWeb(app, "root").get("/cases").status_code == 403
    assert numbers(CaseWeb(app, "kt")) == n(1, 2, 3, 4)  # the national auditor reads everything
    auditor_page = CaseWeb(app, "kt").text("/cases")
    assert 'id="new-case"' not in auditor_page and 'id="my-cases"' not in auditor_page
    front = CaseWeb(app, "e1").get("/")
    assert front.status_code == 302 and front.headers["Location"].endswith("/cases")

"""The auditor's page of every action of one user (/audit/users/<username>): exactly the user's
events with links to the cases, paged by log position, filtered by recorded day and event
type; the chooser of users; auditors and administrators only; bad parameters named; an unknown
name answered 404. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from service.web.formatting import VN
from tests.integration.action_helpers import DID, actions_of, seed
from tests.integration.web_case_helpers import plain
from tests.integration.web_helpers import Web

_ROW = re.compile(r'<tr data-position="(\d+)" data-case="([^"]+)">')
_CASE_LINK = re.compile(r'<a class="case-link" href="/cases/([^"]+)">([^<]+)</a>')
_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def seeded(app: Flask) -> dict[str, Any]:
    return seed(app)


def browser(app: Flask, username: str) -> Web:
    web = Web(app)
    assert web.login(username).status_code == 302
    return web


def shown(page: str) -> list[tuple[int, str]]:
    return [(int(position), case) for position, case in _ROW.findall(page)]


def logged_rows(app: Flask, username: str) -> list[tuple[int, str]]:
    return [(e["position"], e["case_id"]) for e in actions_of(app, username)]


def test_the_page_lists_exactly_the_users_actions_with_links_to_the_cases(
        app: Flask, seeded: dict[str, Any]) -> None:
    web = browser(app, "kt")
    for username, count in DID.items():
        page = web.text(f"/audit/users/{username}")
        assert shown(page) == logged_rows(app, username) and len(shown(page)) == count
        assert f"{count} thao tác" in plain(page)
    page = web.text("/audit/users/e1")
    assert _CASE_LINK.findall(page) == [(str(seeded["one"]), "1/2020/QĐ-THA")] * 2
    text = plain(page)
    assert "Hoạt động của e1" in text and "Ghi chú" in text and "Xác minh điều kiện thi hành án" in text
    assert "05/01/2020" in text and "Chi cục Thi hành án dân sự thành phố Vĩnh Yên" in text


def test_the_chooser_offers_the_users_in_scope_and_goes_to_the_chosen_one(
        app: Flask, seeded: dict[str, Any]) -> None:
    web = browser(app, "kt243")  # an auditor of Vĩnh Yên
    page = web.text("/audit/users")
    offered = re.findall(r'<option value="([^"]+)">[^<]*·', page)
    assert {"e1", "e2", "h243", "kt243"} <= set(offered) and not {"e9", "h26", "kt"} & set(offered)
    chosen = web.get("/audit/users?username=e2")
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/audit/users/e2")
    assert "Hoạt động người dùng" in web.text("/cases")  # in the top bar


def test_older_pages_follow_the_log_position(app: Flask, seeded: dict[str, Any]) -> None:
    web = browser(app, "kt")
    expected = logged_rows(app, "h243")
    page = web.text("/audit/users/h243?per_page=3")
    assert shown(page) == expected[:3]
    link = _NEXT.search(page)
    assert link is not None and f"before={expected[2][0]}" in link.group(1)
    older = web.text(link.group(1).replace("&amp;", "&"))
    assert shown(older) == expected[3:] and _NEXT.search(older) is None
    assert 'rel="first"' in older and "4 thao tác" in plain(older)


def test_filters_by_recorded_day_and_event_type(app: Flask, seeded: dict[str, Any]) -> None:
    web = browser(app, "kt")
    recorded = {e["recorded_at"].astimezone(VN).date() for e in actions_of(app, "h243")}
    first, last = min(recorded), max(recorded)
    expected = logged_rows(app, "h243")
    assert shown(web.text(f"/audit/users/h243?from={first}&to={last}")) == expected
    assert shown(web.text(f"/audit/users/h243?from={last + timedelta(days=1)}")) == []
    assert shown(web.text(f"/audit/users/h243?to={first - timedelta(days=1)}")) == []
    received = web.text("/audit/users/h243?type=Received")
    assert shown(received) == [row for row, e in zip(expected, actions_of(app, "h243"), strict=True)
                               if e["type"] == "Received"] and len(shown(received)) == 2
    assert 'value="Received" selected' in received


def test_only_auditors_and_administrators(app: Flask, seeded: dict[str, Any]) -> None:
    for username in ("e1", "h243"):
        assert browser(app, username).get("/audit/users/e1").status_code == 403
        assert browser(app, username).get("/audit/users").status_code == 403
    assert Web(app).get("/audit/users/e1").status_code == 302  # on to the login page
    admin = browser(app, "root").text("/audit/users/e1")
    assert shown(admin) == logged_rows(app, "e1") and 'class="case-link"' not in admin  # no case pages


@pytest.mark.parametrize(("query", "named"), [
    ("before=abc", "before"), ("before=0", "before"), ("from=2020-13-01", "from"), ("to=31/12/2020", "to"),
    ("from=2020-02-01&to=2020-01-01", "from"), ("type=Deleted", "type"), ("per_page=500", "per_page"),
])
def test_bad_parameters_are_named(app: Flask, seeded: dict[str, Any], query: str, named: str) -> None:
    page = browser(app, "kt").text(f"/audit/users/e1?{query}", status=400)
    assert f"tham số {named}" in plain(page)


def test_an_unknown_name_is_404_with_the_chooser(app: Flask, seeded: dict[str, Any]) -> None:
    page = browser(app, "kt").text("/audit/users/nobody", status=404)
    assert "Không có người dùng “nobody”" in plain(page) and 'id="pick-user"' in page
    # e9 is a user of Phúc Yên, outside a Vĩnh Yên auditor's scope.
    assert browser(app, "kt243").get("/audit/users/e9").status_code == 404


def test_the_page_in_english(app: Flask, seeded: dict[str, Any]) -> None:
    web = browser(app, "kt")
    web.post("/language", {"lang": "en", "next": "/audit/users/e1"}, page="/audit/users")
    text = plain(web.text("/audit/users/e1"))
    assert "Actions of e1" in text and "2 action(s)" in text and "Recorded at" in text

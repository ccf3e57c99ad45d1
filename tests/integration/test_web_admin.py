"""The administrator's accounts page: the list, a new account, disabling and enabling one, and
no one but an administrator getting in. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask

from domain import clock
from tests.conftest import PASSWORD
from tests.integration.web_case_helpers import field_error, plain
from tests.integration.web_helpers import Web, user

PAGE = "/admin/users"
OFFICE = "T25-KV01"  # Phòng Thi hành án dân sự khu vực 1, Phú Thọ: exists today
NEW_PASSWORD = "mat-khau-moi-1"


@pytest.fixture
def web(app: Flask) -> Web:
    return Web(app)


@pytest.fixture
def admin(app: Flask, web: Web) -> Web:
    """A logged-in administrator of the national agency."""
    user(app, "qtv", "admin", "VN")
    assert web.login("qtv").status_code == 302
    return web


def users(app: Flask) -> Any:
    return app.extensions["thads"].cases.users


def row(page: str, username: str) -> str:
    """The text of an account's row in the list ('' if not listed)."""
    found = re.search(rf'<tr id="account-{re.escape(username)}"[^>]*>(.*?)</tr>', page, re.S)
    return plain(found.group(1)) if found else ""


def new_account(**changes: str) -> dict[str, str]:
    form = {"username": "chv.phutho", "full_name": "Lê Thị Hoa", "role": "enforcer", "agency": OFFICE,
            "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    form.update(changes)
    return form


# ---------------------------------------------------------------- getting there


def test_an_admin_lands_on_the_accounts_page_after_login(app: Flask, web: Web) -> None:
    user(app, "qtv", "admin", "VN")
    response = web.login("qtv")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert web.get("/").headers["Location"] == PAGE
    page = web.text(PAGE)
    assert "Tài khoản người dùng" in page
    assert f'href="{PAGE}" aria-current="page">Tài khoản</a>' in page
    assert 'href="/cases"' not in page  # no case pages in an administrator's top bar


def test_everyone_else_still_lands_on_the_case_list(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    web.login("chv.a")
    assert web.get("/").headers["Location"] == "/cases"
    assert f'href="{PAGE}"' not in web.text("/cases")


def test_the_page_asks_for_a_login_first(web: Web) -> None:
    response = web.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---------------------------------------------------------------- the list


def test_the_list_shows_every_account(app: Flask, admin: Web) -> None:
    users(app).create("chv.a", PASSWORD, "enforcer", "CC243", "Nguyễn Văn An")
    users(app).create("tt.b", PASSWORD, "head", "C26", "Trần Thị Bình")
    users(app).create("ktv.c", PASSWORD, "auditor", "VN")
    users(app).set_active("ktv.c", False)
    page = admin.text(PAGE)
    today = clock.today().strftime("%d/%m/%Y")
    assert row(page, "chv.a") == (f"chv.a Nguyễn Văn An Chấp hành viên CC243 Chi cục Thi hành án dân sự "
                                  f"thành phố Vĩnh Yên Đang hoạt động {today} Khóa")
    assert row(page, "tt.b") == (f"tt.b Trần Thị Bình Thủ trưởng C26 Cục Thi hành án dân sự tỉnh Vĩnh Phúc "
                                 f"Đang hoạt động {today} Khóa")
    assert row(page, "ktv.c") == (f"ktv.c Kiểm tra viên VN Cục Quản lý thi hành án dân sự Đã khóa {today} "
                                  "Mở khóa")
    assert row(page, "qtv").endswith(f"Đang hoạt động {today} Tài khoản của bạn")
    assert "4 tài khoản" in page


def test_the_filter_matches_username_full_name_or_agency(app: Flask, admin: Web) -> None:
    users(app).create("chv.a", PASSWORD, "enforcer", "CC243", "Nguyễn Văn An")
    users(app).create("chv.b", PASSWORD, "enforcer", "CC244", "Phạm Văn Bảo")
    for query, shown in (("cc243", ["chv.a"]), ("Phúc Yên", ["chv.b"]), ("bảo", ["chv.b"]),
                         ("chv.", ["chv.a", "chv.b"]), ("không ai", [])):
        response = admin.get(PAGE, query_string={"q": query})
        assert response.status_code == 200
        assert re.findall(r'<tr id="account-([^"]+)"', response.get_data(as_text=True)) == shown, query
    assert "Không có tài khoản nào khớp." in response.get_data(as_text=True)


# ---------------------------------------------------------------- a new account


def test_a_new_account_is_created_and_its_person_can_log_in(app: Flask, admin: Web) -> None:
    response = admin.post(PAGE, new_account())
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = admin.text(PAGE)
    assert "Đã tạo tài khoản chv.phutho." in page
    assert row(page, "chv.phutho").startswith("chv.phutho Lê Thị Hoa Chấp hành viên T25-KV01")
    created = users(app).get("chv.phutho")
    assert (created.role, created.agency, created.full_name, created.active) == (
        "enforcer", OFFICE, "Lê Thị Hoa", True)
    person = Web(app)
    assert person.login("chv.phutho", NEW_PASSWORD).status_code == 302
    assert person.get("/cases").status_code == 200


def test_the_form_offers_the_roles_of_people_and_todays_agencies(admin: Web) -> None:
    page = admin.text(PAGE)
    roles = re.search(r'<select id="new-role".*?</select>', page, re.S)
    agencies = re.search(r'<select id="new-agency".*?</select>', page, re.S)
    assert roles and agencies
    assert re.findall(r'<option value="(\w+)"', roles.group(0)) == ["enforcer", "head", "auditor", "admin"]
    agency = agencies.group(0)
    codes = re.findall(r'<option value="([^"]+)"', agency)
    assert codes[:2] == ["VN", "T01"] and OFFICE in codes
    assert "CC243" not in codes and "C26" not in codes  # before 1 July 2025 only
    assert f"{OFFICE} — Phòng Thi hành án dân sự khu vực 1" in html.unescape(agency)


BAD = [
    ("bad username", new_account(username="Chv Hoa"), 400, "username", "Tên đăng nhập gồm 2–63 ký tự"),
    ("short password", new_account(password="x#7!", password2="x#7!"), 400, "password",
     "Mật khẩu phải có ít nhất 8 ký tự"),
    ("passwords differ", new_account(password2=NEW_PASSWORD + "x"), 400, "password2",
     "Hai lần nhập mật khẩu không khớp"),
    ("unknown agency", new_account(agency="XX999"), 400, "agency", "Chọn một cơ quan trong danh mục"),
    ("agency gone", new_account(agency="CC243"), 400, "agency", "không hoạt động vào hôm nay"),
    ("no role", new_account(role=""), 400, "role", "Chọn một vai trò trong danh sách"),
    ("service role", new_account(role="service"), 400, "role", "Chọn một vai trò trong danh sách"),
    ("duplicate", new_account(username="qtv"), 409, "username", "Tên đăng nhập này đã có người dùng"),
]


@pytest.mark.parametrize(("form", "status", "field", "message"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_a_bad_form_says_what_is_wrong_at_the_field_and_creates_nothing(
        app: Flask, admin: Web, form: dict[str, str], status: int, field: str, message: str) -> None:
    before = users(app).count()
    response = admin.post(PAGE, form)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in field_error(page, "new", field)
    assert users(app).count() == before
    assert f'value="{form["full_name"]}"' in page and f'value="{html.escape(form["username"])}"' in page
    assert form["password"] not in page and form["password2"] not in page  # passwords never shown back


def test_every_problem_is_shown_at_once(app: Flask, admin: Web) -> None:
    response = admin.post(PAGE, new_account(username="X", password="ngan", password2="khac", agency=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert [f for f in ("username", "full_name", "role", "agency", "password", "password2")
            if field_error(page, "new", f)] == ["username", "agency", "password", "password2"]
    assert users(app).count() == 1


def test_a_form_without_its_csrf_token_is_400_and_creates_nothing(app: Flask, admin: Web) -> None:
    response = admin.post(PAGE, new_account(), token=False)
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert users(app).get("chv.phutho") is None
    response = admin.post(f"{PAGE}/qtv/active", {"active": "0"}, token=False)
    assert response.status_code == 400 and users(app).get("qtv").active


# ---------------------------------------------------------------- disabling and enabling


def test_a_disabled_account_cannot_log_in_until_enabled_again(app: Flask, admin: Web) -> None:
    user(app, "chv.a")
    person = Web(app)
    assert person.login("chv.a").status_code == 302
    response = admin.post(f"{PAGE}/chv.a/active", {"active": "0"}, page=PAGE)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = admin.text(PAGE)
    assert "Đã khóa tài khoản chv.a" in page and "Đã khóa" in row(page, "chv.a")
    assert not users(app).get("chv.a").active
    assert person.get("/cases").status_code == 302  # the open session ends at once
    assert "Sai tên đăng nhập hoặc mật khẩu" in person.login("chv.a").get_data(as_text=True)

    assert admin.post(f"{PAGE}/chv.a/active", {"active": "1"}, page=PAGE).status_code == 302
    assert "Đã mở khóa tài khoản chv.a." in admin.text(PAGE)
    assert users(app).get("chv.a").active
    assert person.login("chv.a").status_code == 302 and person.get("/cases").status_code == 200


def test_an_admin_cannot_disable_their_own_account(app: Flask, admin: Web) -> None:
    response = admin.post(f"{PAGE}/qtv/active", {"active": "0"}, page=PAGE)
    assert response.status_code == 422
    assert "Không thể khóa tài khoản của chính mình" in response.get_data(as_text=True)
    assert users(app).get("qtv").active and admin.get(PAGE).status_code == 200


def test_another_admin_may_be_disabled(app: Flask, admin: Web) -> None:
    user(app, "qtv2", "admin", "VN")
    assert admin.post(f"{PAGE}/qtv2/active", {"active": "0"}, page=PAGE).status_code == 302
    assert not users(app).get("qtv2").active


def test_an_unknown_account_is_404_and_a_bad_value_400(app: Flask, admin: Web) -> None:
    user(app, "chv.a")
    assert admin.post(f"{PAGE}/nobody/active", {"active": "0"}, page=PAGE).status_code == 404
    assert admin.post(f"{PAGE}/chv.a/active", {"active": "no"}, page=PAGE).status_code == 400
    assert users(app).get("chv.a").active


# ---------------------------------------------------------------- only administrators


@pytest.mark.parametrize(("role", "agency"), [("enforcer", "CC243"), ("head", "C26"), ("auditor", "VN")])
def test_everyone_but_an_admin_is_refused(app: Flask, web: Web, role: str, agency: str) -> None:
    user(app, "someone", role, agency)
    user(app, "chv.x")
    web.login("someone")
    response = web.get(PAGE)
    assert response.status_code == 403 and "Bạn không có quyền" in response.get_data(as_text=True)
    before = users(app).count()
    assert web.post(PAGE, new_account(), page="/cases").status_code == 403
    assert users(app).count() == before and users(app).get("chv.phutho") is None
    assert web.post(f"{PAGE}/chv.x/active", {"active": "0"}, page="/cases").status_code == 403
    assert users(app).get("chv.x").active


def test_the_page_is_in_english_when_asked(admin: Web) -> None:
    admin.post("/language", {"lang": "en", "next": PAGE}, page=PAGE)
    page = admin.text(PAGE)
    assert "User accounts" in page and "Create account" in page and "Your account" in page

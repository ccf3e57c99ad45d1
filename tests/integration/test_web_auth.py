"""Logging in and out of the staff pages: sessions, CSRF, the login rate limit, security
headers and cookie flags, the language switch."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import event_count
from tests.integration.web_helpers import Web, user


@pytest.fixture
def web(app: Flask) -> Web:
    return Web(app)


def test_login_page_is_vietnamese_with_a_csrf_token(web: Web) -> None:
    page = web.text("/login")
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and 'name="csrf_token"' in page


def test_a_right_password_logs_in_with_a_fresh_session(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    web.get("/login")
    before = web.client.get_cookie("thads_session", domain="localhost")
    response = web.login("chv.a")
    assert response.status_code == 302
    after = web.client.get_cookie("thads_session", domain="localhost")
    assert after is not None and (before is None or after.value != before.value)
    assert after.secure and after.http_only and after.same_site == "Lax"
    assert "chv.a" in web.text("/login")


def test_a_wrong_password_says_so_and_logs_nobody_in(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    response = web.login("chv.a", "wrong-password")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)
    assert 'id="logout"' not in response.get_data(as_text=True)


def test_six_wrong_passwords_in_a_minute_are_throttled(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    answers = [web.login("chv.a", f"wrong-{i}").status_code for i in range(6)]
    assert answers == [200] * 5 + [429]
    assert "Quá nhiều lần thử" in web.login("chv.a").get_data(as_text=True)  # even the right one waits


def test_a_form_without_its_csrf_token_is_400_and_changes_nothing(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    before = event_count(app)
    response = web.post("/login", {"username": "chv.a", "password": "x" * 10}, token=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert event_count(app) == before


def test_logout_ends_the_session(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    web.login("chv.a")
    assert web.post("/logout", page="/login").status_code == 302
    assert 'id="logout"' not in web.text("/login")


def test_every_page_sends_the_security_headers(web: Web) -> None:
    for path in ("/login", "/no-such-page", "/api/v1/agencies"):
        response = web.get(path)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"], path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_language_switch_turns_the_page_english(web: Web) -> None:
    assert web.post("/language", {"lang": "en", "next": "/login"}, page="/login").status_code == 302
    page = web.text("/login")
    assert "Log in" in page and 'lang="en"' in page
    web.post("/language", {"lang": "vi", "next": "/login"}, page="/login")
    assert "Đăng nhập" in web.text("/login")


def test_next_never_leaves_the_site(app: Flask, web: Web) -> None:
    user(app, "chv.a")
    web.get("/login")
    response = web.post("/login?next=//evil.example/x", {"username": "chv.a", "password": "correct-horse-1"},
                        page="/login")
    assert response.headers["Location"] in ("/", "https://localhost/")

"""Logging in through the browser: a session that works, throttling after wrong passwords
(across both web processes), and a form posted without its CSRF token refused."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from tests.e2e.browser import REDIS_URL, Site, log_in

pytestmark = pytest.mark.slow


def test_an_enforcer_logs_in_and_out(page: Any, site: Site) -> None:
    log_in(page, site, "chv.vinhyen.1")
    page.wait_for_selector("#logout")
    cookie = next(c for c in page.context.cookies() if c["name"] == "thads_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    page.click("#logout")
    page.wait_for_selector("#username")


def test_six_wrong_passwords_in_a_minute_are_throttled(page: Any, site: Site) -> None:
    statuses = []
    for attempt in range(6):
        page.goto(f"{site.url}/login")
        page.fill("#username", "truong.vinhyen")
        page.fill("#password", f"wrong-password-{attempt}")
        posted = page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST")
        with posted as answer:
            page.click("button[type=submit]")
        statuses.append(answer.value.status)
    try:
        assert statuses == [200] * 5 + [429]
        assert "Quá nhiều lần thử" in page.content()
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()  # the next tests log in from the same address


def test_a_form_without_its_csrf_token_is_refused(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/login")
    page.evaluate("document.querySelector('form.login input[name=csrf_token]').remove()")
    before = site.log_head()
    page.fill("#username", "chv.vinhyen.1")
    page.fill("#password", "correct-horse-1")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 400
    assert "CSRF" in page.content()
    assert site.log_head() == before

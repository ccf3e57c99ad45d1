"""The staff pages in a real browser: Debian's Chromium driven by Playwright, against the
embedded default started as a user would (``thads run``: gunicorn with two workers and the
projection runner), with the login rate limit kept in the test Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from domain.agencies import default_directory
from service.application import CaseApplication
from tests.conftest import IN_CI, PASSWORD, WORKER
from tests.e2e.conftest import LiveServer, free_port

CHROMIUM = "/usr/bin/chromium"
REDIS_URL = os.environ.get("THADS_TEST_REDIS_URL", "redis://127.0.0.1:6379/{db}").format(
    db=14 - int(WORKER.removeprefix("gw") or 0) % 8)
"""The login limiter's storage: a database of its own per test worker (14, 13, …)."""
USERS = (("chv.vinhyen.1", "enforcer", "CC243"), ("truong.vinhyen", "head", "CC243"),
         ("cuctruong.vinhphuc", "head", "C26"), ("kiemtra.vinhphuc", "auditor", "C26"))
SCREENSHOTS = Path(__file__).parents[2] / "var" / "screenshots"


def _needed(what: str, why: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is needed for the browser tests: {why}", pytrace=False)
    pytest.skip(f"{what}: {why}")


Site = LiveServer  # the running site: its URL and its store


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """``thads run`` over a fresh SQLite store with a few users."""
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as error:
        _needed("Redis", str(error))
    tmp = tmp_path_factory.mktemp("site")
    store_url = f"sqlite:///{tmp / 'thads.sqlite'}"
    app = CaseApplication(store_url, default_directory())
    for username, role, agency in USERS:
        app.users.create(username, PASSWORD, role, agency)
    app.close()
    port = free_port()
    env: dict[str, Any] = {**os.environ, "THADS_DATABASE_URL": store_url, "THADS_SECRET_KEY": "browser",
                           "THADS_VAR_DIR": str(tmp / "var"), "PORT": str(port), "THADS_REDIS_URL": REDIS_URL,
                           "THADS_MONTHLY_REPORTS": "n"}  # no province reports to make meanwhile
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "run", "--workers", "2"], env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/login", timeout=5).ok:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("thads run did not start:\n" + (tmp / "server.log").read_text())
        time.sleep(0.2)
    try:
        yield Site(url, store_url)
    finally:
        os.killpg(process.pid, 15)
        # As long as `thads run` may take to stop its children one after the other on a busy
        # machine (``service.supervise.stop``: up to 5 s, then 10 s, each); the web server's
        # stop is not what these tests check.
        process.wait(timeout=60)
        log.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _needed("Chromium", f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies) at a laptop's size."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def log_in(page: Any, site: Site, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

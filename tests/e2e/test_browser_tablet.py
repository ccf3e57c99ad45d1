"""The pages on a tablet: at 1024×768 (landscape) and 768×1024 (portrait), with touch, the page
itself never scrolls sideways (wide tables scroll inside their own box), and the top bar's
links are on screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.agencies import default_directory
from service.application import CaseApplication
from tests.e2e.browser import Site, log_in, screenshot

pytestmark = pytest.mark.slow

TABLETS = {"landscape": {"width": 1024, "height": 768}, "portrait": {"width": 768, "height": 1024}}


@pytest.fixture(scope="module")
def case_id(site: Site) -> str:
    """A few cases of Vĩnh Yên, so the list, the case page and the dashboard have rows."""
    app = CaseApplication(site.store_url, default_directory(), create_tables=False)
    try:
        head = app.users.get("truong.vinhyen")
        assert head is not None
        ids = []
        for i in range(3):
            on = date(2020, 1, 2) + timedelta(days=i)
            ids.append(app.create_case(head.actor, {
                "agency": "CC243", "received_on": on, "initiation": "on_request",
                "amount_due": 150_000_000 * (i + 1),
                "judgment": {"court": "Tòa án nhân dân thành phố Vĩnh Yên", "number": f"{i + 1}/2019/DS-ST",
                             "date": date(2019, 12, 1), "kind": "civil"},
                "creditor": {"name": "Ngân hàng Nông nghiệp", "kind": "credit_institution"},
                "debtor": {"name": f"Nguyễn Văn Bình {i}", "kind": "individual"}}).case.id)
        return str(ids[0])
    finally:
        app.close()


@pytest.fixture(params=sorted(TABLETS))
def tablet(request: pytest.FixtureRequest, chromium: Any) -> Iterator[tuple[str, Any]]:
    context = chromium.new_context(viewport=TABLETS[request.param], locale="vi-VN", has_touch=True,
                                   is_mobile=False, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield request.param, page
    finally:
        context.close()


def overflow(page: Any) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def sticking_out(page: Any) -> list[str]:
    """The outermost elements that reach past the right edge (to say what to fix)."""
    return list(page.evaluate("""() => {
        const out = [];
        for (const e of document.body.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.right > window.innerWidth + 0.5 && !(e.parentElement
                    && e.parentElement.getBoundingClientRect().right > window.innerWidth + 0.5)) {
                const classes = typeof e.className === 'string' ? e.className.split(' ').join('.') : '';
                out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (classes ? '.' + classes : '')
                         + ' right=' + Math.round(r.right));
            }
        }
        return out.slice(0, 8);
    }"""))


def fits(page: Any, site: Site, name: str, pages: dict[str, str], shots: tuple[str, ...] = ()) -> None:
    """Each page fits the tablet's width, its top bar links on screen."""
    for label, path in pages.items():
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("#logout").is_visible(), (name, label)
        assert overflow(page) <= 0, \
            f"{label} scrolls sideways by {overflow(page)} px on a {name} tablet: {sticking_out(page)}"
        width = page.viewport_size["width"]
        for link in page.locator("header nav a").all():
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, \
                (name, label, link.inner_text())
        if label in shots:
            screenshot(page, f"tablet-{name}-{label}")


def test_the_pages_fit_a_tablet(tablet: tuple[str, Any], site: Site, case_id: str) -> None:
    name, page = tablet
    log_in(page, site, "truong.vinhyen")
    page.wait_for_selector("#logout")
    fits(page, site, name, {"cases": "/cases", "case": f"/cases/{case_id}", "dashboard": "/dashboard",
                            "bottlenecks": "/bottlenecks", "new-case": "/cases/new"},
         shots=("dashboard", "case"))


def test_the_auditors_pages_fit_a_tablet(tablet: tuple[str, Any], site: Site, case_id: str) -> None:
    name, page = tablet
    log_in(page, site, "kiemtra.vinhphuc")
    page.wait_for_selector("#logout")
    fits(page, site, name, {
        "audit": "/audit", "history": f"/audit/cases/{case_id}",
        "at-version": f"/audit/cases/{case_id}/at?version=1", "diff": f"/audit/cases/{case_id}/diff",
        "known-dashboard": "/audit/dashboard?as_known_at="
                           + datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%dT%H:%M"),
        "actions": "/audit/users/truong.vinhyen"}, shots=("history", "known-dashboard"))

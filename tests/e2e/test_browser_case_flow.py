"""Issue 4's browser acceptance: an enforcer creates a case, takes it through every stage to
closed and sees the dashboard's figures change; an auditor sees no action forms and a command
posted as auditor is refused; a command form posted without its CSRF token changes nothing.
Screenshots of the dashboard, the case list and a case page go to var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.browser import Site, log_in, screenshot

pytestmark = pytest.mark.slow
DASHBOARD = "/dashboard?agency=CC243&month=2020-04"
STEPS: list[tuple[str, dict[str, str]]] = [
    ("verify", {"result": "able", "on": "2020-01-10"}),
    ("seize", {"asset.description": "Thửa đất số 12, phường Liên Bảo", "asset.kind": "land",
               "asset.estimated_value": "700.000.000", "on": "2020-01-15"}),
    ("value", {"asset_id": "1", "price": "650.000.000", "on": "2020-01-20"}),
    ("auction", {"asset_id": "1", "outcome": "failed", "on": "2020-02-20"}),
    ("reduce-price", {"asset_id": "1", "price": "600.000.000", "on": "2020-02-25"}),
    ("auction", {"asset_id": "1", "outcome": "sold", "price": "610.000.000", "on": "2020-03-20"}),
    ("deliver", {"asset_id": "1", "on": "2020-04-01"}),
    ("collect", {"amount": "600.000.000", "source": "auction", "on": "2020-04-02"}),
    ("pay-out", {"amount": "600.000.000", "on": "2020-04-06"}),
    ("close", {"on": "2020-04-07"}),
]


def fill(page: Any, scope: str, data: dict[str, str]) -> None:
    for name, value in data.items():
        field = page.locator(f'{scope} [name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def do(page: Any, command: str, data: dict[str, str]) -> None:
    """Open the command's form on the case page, fill it in and send it."""
    form = f'form[action$="/{command}"]'
    page.locator(f"#do-{command} summary").click()
    fill(page, form, data)
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()
    assert page.locator(".flash-success").count() == 1, (command, page.content()[:2000])


def figures(page: Any, site: Site) -> dict[str, str]:
    page.goto(site.url + DASHBOARD)
    page.wait_for_selector("#official-cases")
    return {"to_execute": page.inner_text("#fig-to-execute"), "rate": page.inner_text("#fig-rate"),
            "table": page.inner_text("#official-cases")}


def test_an_enforcer_takes_a_case_from_receipt_to_closed(page: Any, site: Site) -> None:
    log_in(page, site, "chv.vinhyen.1")
    page.wait_for_selector("#logout")
    before = figures(page, site)

    page.goto(f"{site.url}/cases/new")
    fill(page, "form.new-case", {
        "received_on": "2020-01-02", "initiation": "on_request",
        "judgment.court": "Tòa án nhân dân thành phố Vĩnh Yên", "judgment.number": "12/2019/DS-ST",
        "judgment.date": "2019-12-01", "judgment.kind": "civil",
        "creditor.name": "Ngân hàng Nông nghiệp", "creditor.kind": "credit_institution",
        "debtor.name": "Nguyễn Văn An", "debtor.kind": "individual", "amount_due": "600.000.000"})
    with page.expect_navigation():
        page.click("#create")
    case_url = page.url
    assert "/cases/" in case_url and "Nguyễn Văn An" in page.content()

    for command, data in STEPS:
        do(page, command, data)
    status = page.inner_text("#status")
    assert "Kết thúc" in status and "Thi hành xong" in status
    assert page.inner_text("#outstanding") == "0 ₫"
    assert page.locator("#do-note").count() == 1 and page.locator("#do-verify").count() == 0
    screenshot(page, "case-page")

    page.goto(f"{site.url}/cases?q=nguyen+van+an")
    assert "Nguyễn Văn An" in page.inner_text("main")
    screenshot(page, "case-list")

    after = figures(page, site)
    assert after["to_execute"] != before["to_execute"] and after["table"] != before["table"]
    assert after["rate"] != before["rate"]
    screenshot(page, "dashboard")


def test_an_auditor_sees_no_forms_and_is_refused_a_command(page: Any, site: Site) -> None:
    log_in(page, site, "chv.vinhyen.1")
    page.wait_for_selector("#logout")
    page.goto(f"{site.url}/cases?q=nguyen+van+an")
    page.locator("main a[href*='/cases/']").filter(has_text="/").first.click()
    page.wait_for_selector("#status")
    case_path = page.url.removeprefix(site.url)
    page.click("#logout")

    log_in(page, site, "kiemtra.vinhphuc")
    page.wait_for_selector("#logout")
    page.goto(site.url + case_path)
    assert page.locator("form[action*='/cases/'] button[type=submit]").count() == 0
    assert page.locator("#no-actions").count() == 1
    before = site.log_head()
    # The auditor's own session posts a well-formed note command, token included.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(f"{site.url}{case_path}/note", form={"csrf_token": token, "text": "thử",
                                                                    "version": "1"},
                               headers={"Referer": site.url + case_path})
    assert answer.status == 403
    assert site.log_head() == before


def test_a_command_form_without_its_csrf_token_gets_400_and_writes_nothing(page: Any, site: Site) -> None:
    log_in(page, site, "truong.vinhyen")
    page.wait_for_selector("#logout")
    page.goto(f"{site.url}/cases?q=nguyen+van+an")
    page.locator("main a[href*='/cases/']").filter(has_text="/").first.click()
    page.wait_for_selector("#do-note")
    page.locator("#do-note summary").click()
    page.evaluate("document.querySelector('form[action$=\"/note\"] input[name=csrf_token]').remove()")
    page.fill('form[action$="/note"] [name="text"]', "Ghi chú không có mã bảo vệ")
    before = site.log_head()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator('form[action$="/note"] button[type=submit]').click()
    assert answer.value.status == 400
    assert "CSRF" in page.content()
    assert site.log_head() == before


def test_pages_are_served_with_their_security_headers(site: Site) -> None:
    for path in ("/login", "/static/css/app.css"):
        response = requests.get(site.url + path, timeout=10)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"

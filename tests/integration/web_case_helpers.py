"""Helpers of the case page tests: staff in Vĩnh Phúc, cases made through the application (as
the API makes them), and a browser-like driver of the case forms that reads what the page
shows: the case version in its forms, the numbers listed, the message at a field."""

from __future__ import annotations

import html
import re
from typing import Any
from uuid import UUID

from flask import Flask
from werkzeug.test import TestResponse

from domain.access import Actor
from service.api.schemas import COMMAND_SCHEMAS, CaseCreateSchema
from service.services import Services
from tests.conftest import case_body
from tests.integration.web_helpers import Web, user

PEOPLE = {
    "e1": ("enforcer", "CC243"), "e2": ("enforcer", "CC243"), "e9": ("enforcer", "CC244"),
    "h243": ("head", "CC243"), "h26": ("head", "C26"), "kt": ("auditor", "VN"), "root": ("admin", "VN"),
}
"""Vĩnh Yên's enforcers e1, e2 and head h243; Phúc Yên's enforcer e9; Vĩnh Phúc's head h26;
a national auditor and an administrator."""

_VERSION = re.compile(r'name="version" value="(\d+)"')
_NUMBER = re.compile(r'class="case-link"[^>]*>([^<]+)<')
_TAG = re.compile(r"<[^>]+>")


def staff(app: Flask) -> None:
    for name, (role, agency) in PEOPLE.items():
        user(app, name, role, agency)


def services(app: Flask) -> Services:
    return app.extensions["thads"]  # type: ignore[no-any-return]


def actor(app: Flask, username: str) -> Actor:
    found = services(app).cases.users.get(username)
    assert found is not None
    return found.actor


def new_case(app: Flask, by: str, n: int, **overrides: Any) -> UUID:
    """Case ``n``/2020/QĐ-THA accepted by ``by`` (the body of ``case_body`` with overrides)."""
    data = CaseCreateSchema().load(case_body(number=f"{n}/2020/QĐ-THA", **overrides))
    written = services(app).cases.create_case(actor(app, by), data)
    services(app).read_models.after_write()
    return written.case.id


def act(app: Flask, by: str, case_id: UUID, command: str, **body: Any) -> None:
    """A command given through the application, as the API gives it."""
    args = COMMAND_SCHEMAS[command]().load(body)
    services(app).cases.command(actor(app, by), case_id, command, args)
    services(app).read_models.after_write()


def version_on(page: str) -> int:
    found = _VERSION.search(page)
    assert found, "no command form on the page"
    return int(found.group(1))


def listed(page: str) -> list[str]:
    """The case numbers in the list, in order."""
    return [html.unescape(n) for n in _NUMBER.findall(page)]


def field_error(page: str, command: str, field: str) -> str:
    """The text of the message shown at ``field`` of ``command``'s form ('' if none)."""
    element = f"{command}-{field.replace('.', '-').replace('_', '-')}"
    found = re.search(rf'<div class="field-error" id="{re.escape(element)}-error">(.*?)</div>', page, re.S)
    return plain(found.group(1)) if found else ""


def plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


class CaseWeb(Web):
    """A logged-in browser on the case pages."""

    def __init__(self, app: Flask, username: str):
        super().__init__(app)
        response = self.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def command(self, case_id: UUID, command: str, data: dict[str, Any] | None = None, *,
                version: int | None = None) -> TestResponse:
        """Post a command's form as the case page has it (at the version the page shows,
        unless told otherwise)."""
        path = f"/cases/{case_id}"
        if version is None:
            version = version_on(self.text(path))
        return self.post(f"{path}/{command}", {"version": str(version), **(data or {})}, page=path)

    def done(self, case_id: UUID, command: str, data: dict[str, Any] | None = None) -> str:
        """A command that must succeed: redirected to the case page, which is answered."""
        response = self.command(case_id, command, data)
        assert response.status_code == 302, (command, errors_in(response.get_data(as_text=True)))
        assert response.headers["Location"].endswith(f"/cases/{case_id}")
        return self.text(f"/cases/{case_id}")


def errors_in(page: str) -> list[str]:
    found = re.findall(r'class="(?:field-error|error-box)[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [plain(m) for m in found]


NEW_CASE = {
    "agency": "CC243", "received_on": "2020-01-02", "initiation": "on_request",
    "judgment.court": "Tòa án nhân dân thành phố Vĩnh Yên", "judgment.number": "12/2019/DS-ST",
    "judgment.date": "2019-12-01", "judgment.kind": "civil",
    "creditor.name": "Ngân hàng Nông nghiệp", "creditor.kind": "credit_institution",
    "debtor.name": "Nguyễn Văn An", "debtor.kind": "individual", "amount_due": "600.000.000",
}
"""The new-case form as a person fills it in (money typed with dots)."""

"""Issue 7's security acceptance beyond the access matrix (which checks the headers and cookie
flags of every route's answers for every role, tests/integration/test_access_matrix.py): the
error answers no route gives on purpose (405, a missing CSRF token, a throttled login, an
unexpected error on a page and on the API) carry the same headers and no stack trace; and the
password hashes in the users table are scrypt. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from flask import Flask
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD
from tests.integration.web_helpers import Web, user

SCRYPT = re.compile(r"^scrypt:(\d+):(\d+):(\d+)\$[^$]{16,}\$[0-9a-f]{128}$")
ARGON2 = re.compile(r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$")


def hardened(response: TestResponse) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, (response.status_code, csp)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.status_code
    assert response.headers.get("X-Frame-Options") == "DENY", response.status_code


def test_error_answers_carry_the_security_headers(app: Flask) -> None:
    def fails() -> NoReturn:
        raise RuntimeError("secret internals of the failure")

    # Added before the app's first request, as a blueprint's view is: the app's own error
    # handling answers for it.
    app.add_url_rule("/boom", "boom", fails)
    app.add_url_rule("/api/v1/boom", "api_boom", fails)
    user(app, "e1")
    web = Web(app)
    answers: dict[int, list[TestResponse]] = {}
    for response in (
        web.get("/logout"),  # POST only: 405
        web.get("/api/v1/tokens"),
        web.post("/language", {"lang": "en"}, token=False),  # no CSRF token: 400
        web.get("/api/v1/no-such-thing"),
        web.get("/boom"),
        web.get("/api/v1/boom"),
        *[web.login("e1", f"wrong-{n}") for n in range(6)],  # the sixth is throttled: 429
    ):
        answers.setdefault(response.status_code, []).append(response)
    assert sorted(answers) == [200, 400, 404, 405, 429, 500]
    for responses in answers.values():
        for response in responses:
            hardened(response)
    page, api = answers[500]
    for body in (page.get_data(as_text=True), api.get_data(as_text=True)):
        assert "secret internals" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert page.mimetype == "text/html" and "Lỗi hệ thống" in page.get_data(as_text=True)
    assert api.get_json() == {"error": {"code": "internal_error", "details": {},
                                        "message": "an unexpected error occurred; it has been logged"}}
    assert answers[404][0].get_json()["error"]["code"] == "not_found"


def stored_hashes(app: Flask) -> dict[str, str]:
    rows = app.extensions["thads"].cases.db.query("SELECT username, password_hash FROM thads_users")
    return {row["username"]: row["password_hash"] for row in rows}


def test_stored_password_hashes_are_scrypt(app: Flask) -> None:
    user(app, "qtv", "admin", "VN")
    admin = Web(app)
    assert admin.login("qtv").status_code == 302
    account: dict[str, Any] = {"username": "chv.moi", "full_name": "Người Mới", "role": "enforcer",
                               "agency": "T25-KV01", "password": "mat-khau-moi-1",
                               "password2": "mat-khau-moi-1"}
    assert admin.post("/admin/users", account).status_code == 302  # the page people get accounts from
    passwords = {"qtv": PASSWORD, "chv.moi": "mat-khau-moi-1"}
    stored = stored_hashes(app)
    assert set(stored) == set(passwords)
    for username, hashed in stored.items():
        scrypt = SCRYPT.match(hashed)
        assert scrypt or ARGON2.match(hashed), (username, hashed[:40])
        if scrypt:
            n, r, p = (int(part) for part in scrypt.groups())
            assert n >= 2**14 and r >= 8 and p >= 1, hashed[:40]  # at least OWASP's scrypt minimum
        assert passwords[username] not in hashed
        assert check_password_hash(hashed, passwords[username])
        assert not check_password_hash(hashed, passwords[username] + "x")
    assert len(set(stored.values())) == len(stored)  # salted

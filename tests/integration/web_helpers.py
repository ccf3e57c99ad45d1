"""Driving the web pages through Flask's test client as a browser would: over HTTPS (the
session cookie is Secure), with the form's CSRF token read from the page."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD

BASE = "https://localhost"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Web:
    def __init__(self, app: Flask):
        self.app = app
        self.client: FlaskClient = app.test_client()

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, base_url=BASE, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, *, token: bool = True,
             page: str | None = None, **kwargs: Any) -> TestResponse:
        """POST a form; with ``token`` the CSRF token is taken from ``page`` (default: the
        same path, fetched first)."""
        body = dict(data or {})
        if token and "csrf_token" not in body:
            body["csrf_token"] = self.csrf(page or path)
        headers = {"Referer": BASE + (page or path), **kwargs.pop("headers", {})}
        return self.client.post(path, data=body, base_url=BASE, headers=headers, **kwargs)

    def csrf(self, page: str) -> str:
        found = _TOKEN.search(self.get(page).get_data(as_text=True))
        assert found, f"no CSRF token on {page}"
        return found.group(1)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        return self.post("/login", {"username": username, "password": password})

    def text(self, path: str, status: int = 200) -> str:
        response = self.get(path)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
        return response.get_data(as_text=True)


def user(app: Flask, username: str, role: str = "enforcer", agency: str = "CC243") -> str:
    users = app.extensions["thads"].cases.users
    if users.get(username) is None:
        users.create(username, PASSWORD, role, agency)
    return username

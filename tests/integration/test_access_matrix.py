"""The access matrix (SPEC §1, issue 7): every route of the app, API and pages, asked by six
callers: nobody (anonymous), an enforcer of the case's office to whom the case is assigned, an
enforcer of another office, the province's head, the province's auditor and the administrator.
Each must get the status its role gives. A route of the url_map without a policy here fails
the test (so does a policy of a route that no longer exists): a new route needs a decision.

Writes that the role allows are asked with a stale version (``If-Match``, the form's
``version``): the answer is then 409, which only a caller who passed every access check gets,
and nothing is written. Every answer, whatever its status, must also carry the security
headers, and every cookie its flags. Runs on SQLite and PostgreSQL, with a real Redis for the
reports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.app import create_app
from tests.conftest import PASSWORD, case_body
from tests.integration.api_helpers import API, BODIES
from tests.integration.reports.helpers import work
from tests.integration.web_case_helpers import NEW_CASE
from tests.integration.web_helpers import BASE, Web, user

ROLES = ("anonymous", "own", "other", "head", "auditor", "admin")
PEOPLE = {"own": ("e1", "enforcer", "CC243"), "other": ("e9", "enforcer", "CC244"),
          "head": ("h26", "head", "C26"), "auditor": ("kt", "auditor", "C26"),
          "admin": ("root", "admin", "VN")}
"""Vĩnh Yên's enforcer e1 (the case is his), Phúc Yên's enforcer e9, Vĩnh Phúc's head and
auditor, the national administrator. e2 (Vĩnh Yên) is there to be reassigned to."""

Expected = int | tuple[int, str]
"""A status, or a redirect's status and where it leads (the start of its Location)."""
LOGIN: Expected = (302, "/login")


def row(anonymous: Expected, own: Expected, other: Expected, head: Expected, auditor: Expected,
        admin: Expected) -> dict[str, Expected]:
    return dict(zip(ROLES, (anonymous, own, other, head, auditor, admin), strict=True))


@dataclass(frozen=True)
class Probe:
    """How to ask a route (``{case}``, ``{report}`` filled in) and what each role gets."""

    expect: dict[str, Expected]
    path: str
    query: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)


PUBLIC = row(200, 200, 200, 200, 200, 200)
# API v1
CASE_READ = row(401, 200, 404, 200, 200, 403)  # an admin reads no case; another office's is not there
SCOPE_READ = row(401, 200, 200, 200, 200, 403)  # the caller's own scope (another office: its own)
ENFORCER_ACTS = row(401, 409, 404, 409, 403, 403)  # 409: allowed, but the version is stale
HEAD_ACTS = row(401, 403, 404, 409, 403, 403)
AUDIT = row(401, 403, 403, 403, 200, 200)  # auditors, and administrators (chain, reads, export)
REPORT = row(401, 200, 404, 200, 200, 404)  # a report is not probed by id: 404 when not yours
# Pages
PAGE_CASE = row(LOGIN, 200, 404, 200, 200, 403)
PAGE_READERS = row(LOGIN, 200, 200, 200, 200, 403)
PAGE_AUDIT = row(LOGIN, 403, 403, 403, 200, 200)
PAGE_AUDIT_CASE = row(LOGIN, 403, 403, 403, 200, 403)  # administrators read no case, here neither
PAGE_ADMIN = row(LOGIN, 403, 403, 403, 403, 200)

COMMAND_POLICY = {
    "verify": ENFORCER_ACTS, "seize": ENFORCER_ACTS, "value": ENFORCER_ACTS, "auction": ENFORCER_ACTS,
    "reduce-price": ENFORCER_ACTS, "hand-to-creditor": ENFORCER_ACTS, "deliver": ENFORCER_ACTS,
    "collect": ENFORCER_ACTS, "pay-out": ENFORCER_ACTS, "postpone": ENFORCER_ACTS,
    "suspend": ENFORCER_ACTS, "resume": ENFORCER_ACTS, "entrust": ENFORCER_ACTS,
    "terminate": ENFORCER_ACTS, "return-request": ENFORCER_ACTS, "close": ENFORCER_ACTS,
    "note": ENFORCER_ACTS, "correct": ENFORCER_ACTS,
    "reassign": HEAD_ACTS, "mark-difficult": HEAD_ACTS,  # SPEC §1, §3: a head's
}
"""Every command of SPEC §3 by name: a new command fails the test until it is given a policy."""

STALE = {"If-Match": "1"}  # the case is at version 2
REPORT_BODY = {"kind": "statistics", "format": "xlsx", "agency": "CC243", "year": 2020, "through": "2020-03"}

POLICY: dict[tuple[str, str], Probe] = {
    # ---------------------------------------------------------------- public
    ("GET", "/api/v1/agencies"): Probe(PUBLIC, "/api/v1/agencies"),
    ("POST", "/api/v1/tokens"): Probe(row(201, 201, 201, 201, 201, 201), "/api/v1/tokens",
                                      json={"username": "e1", "password": PASSWORD}),
    ("GET", "/api/v1/health"): Probe(PUBLIC, "/api/v1/health"),
    ("GET", "/api/openapi.json"): Probe(PUBLIC, "/api/openapi.json"),
    ("GET", "/api/docs"): Probe(PUBLIC, "/api/docs"),
    ("GET", "/static/<path:filename>"): Probe(PUBLIC, "/static/css/app.css"),
    ("GET", "/login"): Probe(PUBLIC, "/login"),
    # A wrong password: the page again, saying so, for anyone (the limit is raised here).
    ("POST", "/login"): Probe(PUBLIC, "/login", form={"username": "e1", "password": "wrong-password"}),
    ("POST", "/language"): Probe(row(*[(302, "/login")] * 6), "/language",
                                 form={"lang": "vi", "next": "/login"}),
    ("GET", "/"): Probe(row((302, "/cases"), (302, "/cases"), (302, "/cases"), (302, "/cases"),
                            (302, "/audit"), (302, "/admin/users")), "/"),
    # ---------------------------------------------------------------- API v1: cases
    ("GET", "/api/v1/cases"): Probe(SCOPE_READ, "/api/v1/cases", query={"agency": "CC243"}),
    ("POST", "/api/v1/cases"): Probe(row(401, 201, 403, 201, 403, 403), "/api/v1/cases",
                                     json=case_body()),
    ("GET", "/api/v1/cases/<uuid:case_id>"): Probe(CASE_READ, "/api/v1/cases/{case}"),
    ("GET", "/api/v1/cases/<uuid:case_id>/history"): Probe(CASE_READ, "/api/v1/cases/{case}/history"),
    ("GET", "/api/v1/cases/<uuid:case_id>/diff"): Probe(CASE_READ, "/api/v1/cases/{case}/diff",
                                                        query={"from": 1, "to": 2}),
    **{("POST", f"/api/v1/cases/<uuid:case_id>/{name}"): Probe(
        expect, f"/api/v1/cases/{{case}}/{name}", json=BODIES[name], headers=STALE)
       for name, expect in COMMAND_POLICY.items()},
    # ---------------------------------------------------------------- API v1: figures
    ("GET", "/api/v1/stats"): Probe(row(401, 200, 404, 200, 200, 200), "/api/v1/stats",
                                    query={"agency": "CC243", "year": 2020}),
    ("GET", "/api/v1/rankings"): Probe(row(401, 200, 200, 200, 200, 200), "/api/v1/rankings",
                                       query={"level": "office", "parent": "C26", "year": 2020}),
    ("GET", "/api/v1/bottlenecks"): Probe(row(401, 200, 404, 200, 200, 403), "/api/v1/bottlenecks",
                                          query={"agency": "CC243"}),
    # ---------------------------------------------------------------- API v1: audit
    ("GET", "/api/v1/audit/verify"): Probe(AUDIT, "/api/v1/audit/verify"),
    ("GET", "/api/v1/audit/reads"): Probe(AUDIT, "/api/v1/audit/reads"),
    ("GET", "/api/v1/audit/export"): Probe(AUDIT, "/api/v1/audit/export",
                                           query={"format": "xes", "agency": "CC243"}),
    ("GET", "/api/v1/audit/users/<username>/actions"): Probe(AUDIT, "/api/v1/audit/users/e1/actions"),
    # ---------------------------------------------------------------- API v1: reports
    ("POST", "/api/v1/reports"): Probe(row(401, 202, 403, 202, 202, 403), "/api/v1/reports",
                                       json=REPORT_BODY),
    ("GET", "/api/v1/reports"): Probe(SCOPE_READ, "/api/v1/reports"),
    ("GET", "/api/v1/reports/<uuid:report_id>"): Probe(REPORT, "/api/v1/reports/{report}"),
    ("GET", "/api/v1/reports/<uuid:report_id>/file"): Probe(REPORT, "/api/v1/reports/{report}/file"),
    # ---------------------------------------------------------------- pages: cases
    ("GET", "/cases"): Probe(PAGE_READERS, "/cases"),
    ("GET", "/cases/queue"): Probe(PAGE_READERS, "/cases/queue"),
    ("GET", "/cases/<uuid:case_id>"): Probe(PAGE_CASE, "/cases/{case}"),
    ("POST", "/cases/<uuid:case_id>/<command>"): Probe(
        row(LOGIN, 409, 404, 409, 403, 403), "/cases/{case}/note", form={"version": "1", "text": "Ghi chú"}),
    ("GET", "/cases/new"): Probe(row(LOGIN, 200, 200, 200, 403, 403), "/cases/new"),
    ("POST", "/cases/new"): Probe(row(LOGIN, (302, "/cases/"), 403, (302, "/cases/"), 403, 403),
                                  "/cases/new", form=NEW_CASE),
    # ---------------------------------------------------------------- pages: figures and reports
    ("GET", "/dashboard"): Probe(row(LOGIN, 200, 403, 200, 200, 403), "/dashboard",
                                 query={"agency": "CC243"}),
    ("GET", "/bottlenecks"): Probe(row(LOGIN, 200, 403, 200, 200, 403), "/bottlenecks",
                                   query={"agency": "CC243"}),
    ("GET", "/bottlenecks/<kind>"): Probe(row(LOGIN, 200, 403, 200, 200, 403),
                                          "/bottlenecks/large_unfinished", query={"agency": "CC243"}),
    ("GET", "/bottlenecks/<kind>.csv"): Probe(row(LOGIN, 200, 403, 200, 200, 403),
                                              "/bottlenecks/large_unfinished.csv", query={"agency": "CC243"}),
    ("GET", "/bottlenecks/enforcers"): Probe(row(LOGIN, 200, 403, 200, 200, 403), "/bottlenecks/enforcers",
                                             query={"agency": "CC243"}),
    ("GET", "/reports"): Probe(PAGE_READERS, "/reports"),
    ("POST", "/reports"): Probe(row(LOGIN, (302, "/reports"), 403, (302, "/reports"), (302, "/reports"), 403),
                                "/reports", form={k: str(v) for k, v in REPORT_BODY.items() if k != "year"}),
    ("GET", "/reports/<uuid:report_id>.json"): Probe(row(LOGIN, 200, 404, 200, 200, 403),
                                                     "/reports/{report}.json"),
    ("GET", "/reports/<uuid:report_id>/file"): Probe(row(LOGIN, 200, 404, 200, 200, 403),
                                                     "/reports/{report}/file"),
    # ---------------------------------------------------------------- pages: audit and accounts
    ("GET", "/audit"): Probe(PAGE_AUDIT, "/audit"),
    ("GET", "/audit/verify"): Probe(PAGE_AUDIT, "/audit/verify"),
    ("GET", "/audit/dashboard"): Probe(PAGE_AUDIT, "/audit/dashboard"),
    ("GET", "/audit/users"): Probe(PAGE_AUDIT, "/audit/users"),
    ("GET", "/audit/users/<username>"): Probe(PAGE_AUDIT, "/audit/users/e1"),
    ("GET", "/audit/cases/<uuid:case_id>"): Probe(PAGE_AUDIT_CASE, "/audit/cases/{case}"),
    ("GET", "/audit/cases/<uuid:case_id>/at"): Probe(PAGE_AUDIT_CASE, "/audit/cases/{case}/at"),
    ("GET", "/audit/cases/<uuid:case_id>/diff"): Probe(PAGE_AUDIT_CASE, "/audit/cases/{case}/diff"),
    ("GET", "/admin/users"): Probe(PAGE_ADMIN, "/admin/users"),
    ("POST", "/admin/users"): Probe(
        row(LOGIN, 403, 403, 403, 403, (302, "/admin/users")), "/admin/users",
        form={"username": "new.user", "full_name": "Người Mới", "role": "enforcer", "agency": "T01",
              "password": "a-long-password-1", "password2": "a-long-password-1"}),
    ("POST", "/admin/users/<username>/active"): Probe(
        row(LOGIN, 403, 403, 403, 403, (302, "/admin/users")), "/admin/users/e2/active",
        form={"active": "1"}),
    # Last: it ends the session.
    ("POST", "/logout"): Probe(row(*[(302, "/login")] * 6), "/logout"),
}


def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, rule) the app answers (HEAD and OPTIONS are GET's and Flask's own)."""
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}


def unpoliced(app: Flask) -> set[tuple[str, str]]:
    return routes(app) - POLICY.keys()


# ------------------------------------------------------------------ the callers


class Caller:
    """One role's way in: a bearer token for the API, a logged-in session for the pages (both
    none when anonymous); every form carries the session's CSRF token."""

    def __init__(self, app: Flask, username: str | None):
        self.web = Web(app)
        self.api: FlaskClient = app.test_client()
        self.bearer: dict[str, str] = {}
        if username is not None:
            assert self.web.login(username).status_code == 302
            token = self.api.post(f"{API}/tokens", json={"username": username, "password": PASSWORD})
            self.bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
        self.csrf = self.web.csrf("/login")

    def ask(self, method: str, rule: str, probe: Probe, ids: dict[str, str]) -> TestResponse:
        path = probe.path.format(**ids)
        if rule.startswith("/api/"):
            response = self.api.open(path, method=method, query_string=probe.query, json=probe.json,
                                     headers={**self.bearer, **probe.headers})
        else:
            data = None if method == "GET" else {**(probe.form or {}), "csrf_token": self.csrf}
            response = self.web.client.open(path, method=method, base_url=BASE, query_string=probe.query,
                                            data=data, headers={"Referer": BASE + "/login", **probe.headers})
        # Read to the end and closed, as a WSGI server does: a streamed answer (the log export)
        # holds its request's context until then.
        response.get_data()
        response.close()
        return response


def got(response: TestResponse, expected: Expected) -> bool:
    status, where = expected if isinstance(expected, tuple) else (expected, None)
    if response.status_code != status:
        return False
    return where is None or response.headers.get("Location", "").removeprefix(BASE).startswith(where)


def stored_events(app: Flask) -> int:
    """The events in the store (the log head is no count: on PostgreSQL a write retried after
    a generated case number collided leaves a gap)."""
    cases = app.extensions["thads"].cases
    return int(cases.db.query(f"SELECT COUNT(*) AS n FROM {cases.recorder.events_table_name}")[0]["n"])


def unguarded_by(response: TestResponse) -> list[str]:
    """What an answer lacks of issue 7's hardening: CSP (no framing), nosniff and the frame
    header on every answer, pages, errors and redirects alike; every cookie Secure,
    HttpOnly and SameSite."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"Content-Security-Policy {csp!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append("no X-Frame-Options: DENY")
    for cookie in response.headers.getlist("Set-Cookie"):
        flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
        if "secure" not in flags or "httponly" not in flags or flags.get("samesite") not in (
                "SameSite=Lax", "SameSite=Strict"):
            problems.append(f"cookie {cookie.split('=')[0]} flags {sorted(flags.values())}")
    return problems


def outcome(response: TestResponse) -> str:
    text = response.get_data(as_text=True)
    where = response.headers.get("Location")
    return f"{response.status_code}" + (f" → {where}" if where else f": {' '.join(text.split())[:160]}")


# ------------------------------------------------------------------ the tests


@pytest.fixture
def matrix_app(report_env: dict[str, str]) -> Iterator[Flask]:
    # Every caller logs in from the same address, and POST /login is asked with a wrong
    # password six times: the login limit is raised (its own test keeps it at 5 a minute).
    flask_app = create_app({**report_env, "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1",
                            "THADS_LOGIN_LIMIT": "1000 per minute"})
    yield flask_app
    flask_app.extensions["thads"].close()


@pytest.fixture
def ids(matrix_app: Flask, report_env: dict[str, str]) -> dict[str, str]:
    """The people, a case of e1's at version 2, and a finished report of Vĩnh Yên."""
    app = matrix_app
    for name, role, agency in (*PEOPLE.values(), ("e2", "enforcer", "CC243")):
        user(app, name, role, agency)
    e1 = Caller(app, "e1")
    created = e1.api.post(f"{API}/cases", json=case_body(number="1/2020/QĐ-THA"), headers=e1.bearer)
    assert created.status_code == 201, created.get_json()
    case = created.get_json()["id"]
    noted = e1.api.post(f"{API}/cases/{case}/note", json={"text": "Ghi chú"}, headers=e1.bearer)
    assert noted.status_code == 200 and noted.get_json()["version"] == 2, noted.get_json()
    asked = e1.api.post(f"{API}/reports", json={**REPORT_BODY, "format": "csv"}, headers=e1.bearer)
    assert asked.status_code == 202, asked.get_json()
    work(report_env["THADS_REDIS_URL"])
    report = asked.get_json()["id"]
    assert e1.api.get(f"{API}/reports/{report}", headers=e1.bearer).get_json()["status"] == "finished"
    return {"case": case, "report": report}


def test_every_route_has_a_policy(matrix_app: Flask) -> None:
    assert not unpoliced(matrix_app), f"routes without a policy in the access matrix: {unpoliced(matrix_app)}"
    gone = POLICY.keys() - routes(matrix_app)
    assert not gone, f"policies of routes the app no longer has: {gone}"


def test_a_new_route_without_a_policy_is_caught(app: Flask) -> None:
    app.add_url_rule("/api/v1/cases/<uuid:case_id>/shred", "shred", lambda case_id: "", methods=["POST"])
    assert unpoliced(app) == {("POST", "/api/v1/cases/<uuid:case_id>/shred")}


def test_every_route_answers_each_role_as_its_policy_says(matrix_app: Flask, ids: dict[str, str]) -> None:
    app = matrix_app
    callers = {role: Caller(app, PEOPLE[role][0] if role in PEOPLE else None) for role in ROLES}
    before = stored_events(app)
    wrong: list[str] = []
    unguarded: list[str] = []
    for (method, rule), probe in POLICY.items():
        for role in ROLES:
            response = callers[role].ask(method, rule, probe, ids)
            expected = probe.expect[role]
            if not got(response, expected):
                wrong.append(f"{method} {rule} as {role}: expected {expected}, got {outcome(response)}")
            unguarded += [f"{method} {rule} as {role} ({response.status_code}): {problem}"
                          for problem in unguarded_by(response)]
    assert not wrong, "\n".join(wrong)
    assert not unguarded, "\n".join(unguarded)
    # Only the four new cases were written (API and form, by e1 and by the head): every
    # refusal and every stale-version answer wrote nothing.
    assert stored_events(app) == before + 4



"""The staff web UI (server-rendered pages, Vietnamese first): login, cases, dashboard,
bottleneck lists, reports, accounts, the auditor's pages and every action of one user. ``init_web``
wires Flask-Login, Flask-WTF's CSRF, Flask-Babel and Flask-Limiter into the app and registers
one blueprint per area."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_login import current_user

from service.config import Config
from service.web import (
    admin,
    audit_pages,
    audit_users,
    auth,
    bottleneck_pages,
    cases,
    dashboard,
    formatting,
    reports,
    security,
)

NAV: list[tuple[str, Any, tuple[str, ...]]] = []
"""The top bar's links: (endpoint, text, roles that see it). Each area's blueprint adds its own."""


def nav_link(endpoint: str, text: Any, roles: tuple[str, ...] = ("enforcer", "head", "auditor")) -> None:
    if all(e != endpoint for e, _, _ in NAV):
        NAV.append((endpoint, text, roles))


def init_web(app: Flask, config: Config) -> None:
    security.init(app, config)
    formatting.init(app)
    auth.init(app)
    app.register_blueprint(auth.bp)
    cases.init(app)
    dashboard.init(app)
    bottleneck_pages.init(app)
    reports.init(app)
    admin.init(app)
    audit_pages.init(app)
    audit_users.init(app)

    @app.context_processor
    def chrome() -> dict[str, Any]:
        def nav_items() -> list[tuple[str, Any]]:
            role = current_user.user.role if current_user.is_authenticated else None
            return [(endpoint, text) for endpoint, text, roles in NAV
                    if role in roles and endpoint in app.view_functions]

        def agency_name(code: str) -> str:
            directory = app.extensions["thads"].directory
            return directory.get(code).name if code in directory else code

        return {"nav_items": nav_items, "agency_name": agency_name}

"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, redirect, request, url_for
from flask_login import current_user
from flask_smorest import Api

from domain.access import Role
from domain.agencies import default_directory
from service import text_guard
from service.api import audit, bottlenecks, cases, directory, health, reports, stats
from service.api import errors as api_errors
from service.api.schemas import ApiErrorSchema
from service.audit.reads import record as record_read
from service.config import Config
from service.services import Services, services
from service.web import init_web
from service.web.errors import page_for


def create_app(config: Mapping[str, Any] | Config | None = None) -> Flask:
    """Build the web application on the configured store (SPEC §9)."""
    cfg = config if isinstance(config, Config) else Config(config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=cfg.secret_key,
        TESTING=cfg.testing,
        API_TITLE="THADS Case Tracker API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        API_SPEC_OPTIONS={
            "security": [{"bearerAuth": []}],
            "info": {"description": "Civil judgment enforcement cases (thi hành án dân sự). "
                                    "Get a token at POST /api/v1/tokens."},
        },
    )
    app.extensions["thads"] = Services.build(cfg, default_directory())
    app.after_request(_record_auditor_reads)
    api = _Api(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(directory.blp)
    api.register_blueprint(cases.blp)
    api.register_blueprint(stats.blp)
    api.register_blueprint(bottlenecks.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(audit.blp)
    api.register_blueprint(reports.blp)
    api_errors.register(app, pages=page_for)  # after Api(): our JSON contract replaces flask-smorest's
    text_guard.init(app)
    init_web(app, cfg)

    @app.get("/")
    def index() -> Any:
        """The front page: the accounts for an administrator, the auditor's pages for an
        auditor, else the case list (the login page first when not logged in)."""
        role = current_user.user.role if current_user.is_authenticated else None
        if role == Role.ADMIN:
            return redirect(url_for("admin.users"))
        if role == Role.AUDITOR:
            return redirect(url_for("audit_pages.home"))
        return redirect(url_for("cases_web.cases"))

    return app


class _Api(Api):  # type: ignore[misc]
    """flask-smorest's Api, documenting every answer it does not name (its ``default``
    response, 500 among them) with the error envelope the app sends, not its own."""

    ERROR_SCHEMA = ApiErrorSchema


def _record_auditor_reads(response: Response) -> Response:
    """Every page or API answer an auditor reads is recorded (SPEC §6)."""
    if request.method != "GET" or response.status_code >= 400 or request.endpoint in (None, "static"):
        return response
    user = g.get("user")
    if user is None and current_user.is_authenticated:
        user = current_user.user
    if user is not None and user.role == Role.AUDITOR:
        record_read(services().cases.db, user.username, request.full_path.rstrip("?"))
    return response

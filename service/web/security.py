"""What every page gets: CSRF on every form, a rate limit on logging in, session cookies that
are Secure, HttpOnly and SameSite, and CSP, nosniff and frame headers on every answer."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from service.config import Config

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}

# Pages load only their own scripts, styles and images; no framing anywhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
# The vendored Swagger UI starts itself with an inline script.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")


def limiter_storage(redis_url: str | None) -> str:
    """Flask-Limiter's storage: Redis when there is one (the counts then hold across every
    web process), else this process's memory."""
    if not redis_url:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def init(app: Flask, config: Config) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="thads_session",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=config.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=config.session_hours),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below for the pages; the API uses bearer tokens
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        RATELIMIT_STORAGE_URI=limiter_storage(config.redis_url),
        # Redis down or unreachable: give up within a second (and log in unthrottled, below).
        RATELIMIT_STORAGE_OPTIONS=REDIS_TIMEOUTS if config.redis_url else {},
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,  # Redis down: logging in still works, unthrottled
        LOGIN_LIMIT=config.login_limit,
    )
    csrf.init_app(app)
    limiter.init_app(app)

    @app.before_request
    def check_csrf() -> None:
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.path.startswith("/api/"):
            csrf.protect()

    @app.after_request
    def headers(response: Response) -> Response:
        docs = request.path.startswith("/api/docs")
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

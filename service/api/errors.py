"""The one place where errors become HTTP answers: ``{"error": {code, message, details}}``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from domain.access import Forbidden
from domain.errors import CaseError, CaseNotFound
from service.errors import ServiceError, StoreUnavailable, is_store_outage
from service.health import first_line

log = logging.getLogger(__name__)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(status: int, code: str, message: str,
                   details: dict[str, Any] | None = None) -> Response:
    body = json.dumps(error_body(code, message, details))
    return Response(body, status=status, mimetype="application/json")


def response_for(error: Exception) -> Response | None:
    """The API answer for an expected error, or None for an unexpected one."""
    if isinstance(error, CaseError):
        status = 404 if isinstance(error, CaseNotFound) else 403 if isinstance(error, Forbidden) else 422
        details = {"field": error.field} if error.field else {}
        return error_response(status, error.rule, error.message, details)
    if isinstance(error, ServiceError):
        return error_response(error.status, error.code, error.message, error.details)
    if isinstance(error, HTTPException):
        return _http_error(error)
    if is_store_outage(error):
        log.warning("the store did not answer %s %s: %s", request.method, request.path, first_line(error))
        outage = StoreUnavailable()
        response = error_response(outage.status, outage.code, outage.message)
        response.headers["Retry-After"] = "1"
        return response
    return None


def _http_error(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        # webargs: {"json": {"field": ["msg"]}} → "amount: Must be greater than or equal to 1."
        fields = messages
        if isinstance(messages, dict):
            fields = messages.get("json", messages.get("query", messages))
        text = "; ".join(_flatten(fields)) or "the request is not valid"
        return error_response(400, "invalid_request", f"invalid request: {text}", {"fields": fields})
    code = (error.name or "error").lower().replace(" ", "_")
    response = error_response(error.code or 500, code, error.description or error.name or "error")
    for header in ("Allow", "Retry-After"):
        if error.get_response().headers.get(header):
            response.headers[header] = error.get_response().headers[header]
    return response


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        out: list[str] = []
        for key, value in messages.items():
            name = "body" if key == "_schema" else f"{prefix}{key}"
            out.extend(_flatten(value, f"{name}."))
        return out
    if isinstance(messages, list):
        name = prefix.rstrip(".") or "body"
        return [f"{name}: {m}" if isinstance(m, str) else "; ".join(_flatten(m, prefix)) for m in messages]
    return [f"{prefix.rstrip('.')}: {messages}"]


def register(app: Flask, pages: Callable[[Exception], Any] | None = None) -> None:
    """Answer errors on /api/ paths with the JSON contract; elsewhere hand them to ``pages``
    (the web UI's error pages)."""
    def handle(error: Exception) -> Any:
        if not request.path.startswith("/api/"):
            if pages is not None:
                return pages(error)
            if isinstance(error, HTTPException):
                return error
            log.exception("unexpected error on %s %s", request.method, request.path)
            return "Lỗi hệ thống / Internal error", 500
        response = response_for(error)
        if response is None:
            log.exception("unexpected error on %s %s", request.method, request.path)
            return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")
        return response

    app.register_error_handler(CaseError, handle)
    app.register_error_handler(ServiceError, handle)
    app.register_error_handler(HTTPException, handle)
    app.register_error_handler(Exception, handle)

"""Text no store can keep is refused at the door: a NUL character (PostgreSQL's text columns
refuse it, and an event carrying one would stop every read model that copies it) or an
unpaired UTF-16 surrogate (``\\ud800`` in JSON: not Unicode text at all, it cannot be encoded
as UTF-8). Any request with one in its path, query, form or JSON body gets 400 naming where,
before anything is read or written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, request

from service.errors import BadRequest


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_in(pairs: Iterable[tuple[Any, Any]], where: str) -> str | None:
    """The dotted place of the first text among ``pairs`` (names and values, nested) that no
    store can keep; a bad name is reported as the place holding it."""
    for name, value in pairs:
        if isinstance(name, str) and not storable(name):
            return where
        place = f"{where}.{name}" if where else str(name)
        if isinstance(value, str):
            if not storable(value):
                return place
        elif isinstance(value, dict):
            found = unstorable_in(value.items(), place)
            if found:
                return found
        elif isinstance(value, list):
            found = unstorable_in(enumerate(value), place)
            if found:
                return found
    return None


def init(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text() -> None:
        where = unstorable_in([*(request.view_args or {}).items(), *request.args.items(multi=True)], "")
        if where is None and request.method != "GET":
            where = unstorable_in(request.form.items(multi=True), "")
        if where is None and request.is_json:
            where = unstorable_in([("", request.get_json(silent=True))], "")
        if where is not None:
            where = where.strip(".") or "body"
            raise BadRequest(f"{where} must not contain a NUL character or an unpaired surrogate",
                             details={"field": where})

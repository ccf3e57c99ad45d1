"""What every API blueprint shares: the 400-on-bad-shape parser, the services, the caller."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import Response, g, json, request
from webargs.flaskparser import FlaskParser

from domain.access import Actor
from service.api.errors import response_for
from service.errors import BadRequest
from service.idempotency import Answer
from service.services import services
from service.users import User


class Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400  # a request of the wrong shape is malformed (SPEC §8)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()


ERRORS = {400: "Malformed request", 401: "No valid token", 403: "Not allowed for this role",
          404: "Not found (or outside your scope)", 409: "Version conflict or duplicate",
          422: "A business rule refused the command"}


def current_user() -> User:
    if "user" not in g:
        g.user = services().tokens.user_for(request.headers.get("Authorization"))
    return g.user


def current_actor() -> Actor:
    return current_user().actor


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def expected_version() -> int | None:
    """The version named by ``If-Match`` (``3``, ``"3"`` or ``W/"3"``), if any."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or int(value) < 1:
        raise BadRequest(f"If-Match must be a case version number, got {raw!r}",
                         details={"header": "If-Match"})
    return int(value)


def idempotent(run: Callable[[], Response]) -> Response:
    """Run a write at most once per ``Idempotency-Key``: a retry gets the first answer."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return run()
    store = services().idempotency
    username = current_user().username
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.headers.get("If-Match", "")):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data())
    answer = store.claim(username, key, digest.hexdigest())
    if answer is not None:
        replay = Response(answer.body, status=answer.status, mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        return replay
    try:
        response = run()
    except Exception as error:
        answered = response_for(error)
        if answered is None or answered.status_code >= 500:
            # Unexpected, or the store did not answer: the key stays free for a retry (with
            # the store down the release fails too, and the claim lapses after a while).
            with contextlib.suppress(Exception):
                store.release(username, key)
            if answered is None:
                raise
            return answered
        response = answered
    store.finish(username, key, Answer(response.status_code, response.get_data(as_text=True)))
    return response

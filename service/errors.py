"""Errors of the service layer (not business rules): authentication, conflicts, bad requests.
Together with the domain's ``CaseError`` family they are all the errors the API answers."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class BadRequest(ServiceError):
    status = 400
    code = "bad_request"


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class VersionConflict(Conflict):
    """The case changed since the version the client read (a stale ``If-Match``)."""

    code = "version_conflict"


class DuplicateCase(Conflict):
    code = "duplicate"


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"


class IdempotencyKeyReused(ServiceError):
    """The same Idempotency-Key came with a different request."""

    status = 422
    code = "idempotency_key_reused"

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


STORE_UNAVAILABLE = (
    "Không kết nối được kho dữ liệu hồ sơ; hãy thử lại sau giây lát. Thao tác ghi có thể đã hoặc chưa "
    "được ghi nhận: hãy đọc lại hồ sơ trước khi làm lại. / The case store cannot be reached; try "
    "again in a moment. A write may or may not have been recorded: read the case before repeating it.")


class StoreUnavailable(Unavailable):
    """The database did not answer (restarting, unreachable, its connection cut): nothing is
    wrong with the request, and it can be tried again."""

    code = "store_unavailable"

    def __init__(self, message: str = STORE_UNAVAILABLE):
        super().__init__(message)


def is_store_outage(error: BaseException) -> bool:
    """Whether ``error`` is the database failing to answer (a connection refused, cut or timed
    out; SQLite busy), as the eventsourcing library or the driver raise it."""
    import sqlite3

    import psycopg
    from eventsourcing.persistence import InterfaceError, OperationalError

    return isinstance(error, (OperationalError, InterfaceError, psycopg.OperationalError,
                              psycopg.InterfaceError, sqlite3.OperationalError))


class IdempotencyKeyReused(ServiceError):
    """The same Idempotency-Key came with a different request."""

    status = 422
    code = "idempotency_key_reused"

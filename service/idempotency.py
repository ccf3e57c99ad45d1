"""Idempotency keys: a retried write with the same ``Idempotency-Key`` gets the first answer
and writes nothing. The first request claims the key (a row with no answer yet), runs, and
stores its answer; a concurrent twin waits for that answer instead of running again."""

from __future__ import annotations

import time
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError

from service.errors import BadRequest, Conflict, IdempotencyKeyReused
from service.store import Database

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS thads_idempotency (
        username TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status INTEGER,
        body TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (username, key)
    )""",
    "CREATE INDEX IF NOT EXISTS thads_idempotency_created ON thads_idempotency (created_at)",
]

KEEP_FOR = 24 * 3600  # answers are kept a day
ABANDONED_AFTER = 120  # a claim with no answer after this long belongs to a dead process
WAIT_FOR_TWIN = 15.0
MAX_KEY = 200


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


class IdempotencyStore:
    def __init__(self, db: Database):
        self.db = db
        self._last_purge = 0.0

    def claim(self, username: str, key: str, fingerprint: str) -> Answer | None:
        """None when this request now owns the key and must run; else the stored answer."""
        if not key or len(key) > MAX_KEY or not key.isprintable():
            raise BadRequest(f"Idempotency-Key must be 1–{MAX_KEY} printable characters")
        self._purge()
        deadline = time.monotonic() + WAIT_FOR_TWIN
        while True:
            try:
                self.db.execute(
                    "INSERT INTO thads_idempotency (username, key, fingerprint, created_at)"
                    " VALUES (%s, %s, %s, %s)",
                    (username, key, fingerprint, time.time()),
                )
                return None
            except IntegrityError:
                pass
            rows = self.db.query(
                "SELECT fingerprint, status, body, created_at FROM thads_idempotency"
                " WHERE username = %s AND key = %s",
                (username, key),
            )
            if not rows:
                continue  # the earlier request gave the key up; claim it again
            row = rows[0]
            if row["fingerprint"] != fingerprint:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was already used for a different request"
                )
            if row["status"] is not None:
                return Answer(int(row["status"]), row["body"])
            if time.time() - float(row["created_at"]) > ABANDONED_AFTER:
                self.release(username, key)
                continue
            if time.monotonic() > deadline:
                raise Conflict("a request with this Idempotency-Key is still being processed")
            time.sleep(0.02)

    def finish(self, username: str, key: str, answer: Answer) -> None:
        self.db.execute(
            "UPDATE thads_idempotency SET status = %s, body = %s WHERE username = %s AND key = %s",
            (answer.status, answer.body, username, key),
        )

    def release(self, username: str, key: str) -> None:
        """Give a claim up (the request failed unexpectedly) so a retry can run."""
        self.db.execute(
            "DELETE FROM thads_idempotency WHERE username = %s AND key = %s AND status IS NULL",
            (username, key),
        )

    def _purge(self) -> None:
        now = time.time()
        if now - self._last_purge > 3600:
            self._last_purge = now
            self.db.execute("DELETE FROM thads_idempotency WHERE created_at < %s", (now - KEEP_FOR,))

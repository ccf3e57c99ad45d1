"""Auditors' reads are themselves recorded (SPEC §6): who read what, when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from service.store import Database

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS audit_reads (
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        target TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS audit_reads_user ON audit_reads (username, at)",
]


def record(db: Database, username: str, target: str, at: datetime | None = None) -> None:
    db.execute("INSERT INTO audit_reads (at, username, target) VALUES (%s, %s, %s)",
               ((at or datetime.now(tz=UTC)).isoformat(timespec="milliseconds"), username, target[:2000]))


def reads(db: Database, username: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The latest reads, newest first (of one user when ``username`` is given)."""
    where, params = ("WHERE username = %s", (username,)) if username else ("", ())
    return db.query(f"SELECT at, username, target FROM audit_reads {where} ORDER BY at DESC"
                    f" LIMIT {int(limit)}", params)

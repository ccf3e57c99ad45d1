"""Two SHA-256 chains over the stored events (SPEC §6), kept in ``audit_chain`` beside the
events and written in the same transaction as they are (``service.audit.recorders``):

- per case: ``case_hash = SHA-256(previous case_hash of the case ‖ canonical event)``;
- over the whole log, in log order: ``log_hash = SHA-256(previous log_hash ‖ position ‖
  canonical event)``.

The canonical encoding of an event is its topic, case id, version and stored state (the state
holds the recorded time and every field), one per line; the state comes last, so any bytes in
it are unambiguous. ``audit_head`` holds the last position and log hash, so that cutting off
the tail of the log shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
"""The hash before the first event (of the log, and of each case)."""

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS audit_chain (
        position BIGINT PRIMARY KEY,
        case_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        case_hash TEXT NOT NULL,
        log_hash TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS audit_chain_case ON audit_chain (case_id, version)",
    """CREATE TABLE IF NOT EXISTS audit_head (
        id INTEGER PRIMARY KEY,
        position BIGINT NOT NULL,
        log_hash TEXT NOT NULL
    )""",
]


def read_head(db: Any) -> tuple[int, str] | None:
    """The chain's head (last position and log hash) through the application's ``Database``."""
    rows = db.query("SELECT position, log_hash FROM audit_head WHERE id = 1")
    return (int(rows[0]["position"]), str(rows[0]["log_hash"])) if rows else None


class ChainBehind(Exception):
    """Events were stored before the chain existed: ``thads audit migrate`` chains them."""


@dataclass(frozen=True)
class Stored:
    """One stored event as the chain sees it."""

    position: int
    case_id: str
    version: int
    topic: str
    state: bytes


def case_key(originator_id: Any) -> str:
    """A case id in one spelling (the stores keep it as a UUID or as hex)."""
    return str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))


def canonical(event: Stored) -> bytes:
    return b"\n".join([event.topic.encode(), event.case_id.encode(), str(event.version).encode(),
                       bytes(event.state)])


def case_link(previous: str, event: Stored) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + canonical(event)).hexdigest()


def log_link(previous: str, event: Stored) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + event.position.to_bytes(8, "big")
                          + canonical(event)).hexdigest()


@dataclass(frozen=True)
class Link:
    position: int
    case_id: str
    version: int
    case_hash: str
    log_hash: str


def links(events: Iterable[Stored], log_hash: str, case_hashes: dict[str, str]) -> list[Link]:
    """The chain rows of ``events`` (in log order) after ``log_hash``; ``case_hashes`` holds
    each case's latest hash and is updated."""
    out = []
    for event in events:
        case_hash = case_link(case_hashes.get(event.case_id, GENESIS), event)
        log_hash = log_link(log_hash, event)
        case_hashes[event.case_id] = case_hash
        out.append(Link(event.position, event.case_id, event.version, case_hash, log_hash))
    return out


class Chain:
    """The chain tables through a DB-API cursor of either store (``%s`` placeholders are
    rewritten for SQLite), inside the caller's transaction."""

    def __init__(self, cursor: Any, dialect: str):
        self.cursor = cursor
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.dialect == "sqlite" else sql

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as tuples (psycopg gives dicts here, sqlite3 rows or tuples)."""
        self.cursor.execute(self._sql(sql), tuple(params))
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in self.cursor.fetchall()]

    def unchained(self, table: str, id_column: str, before: int | None = None) -> bool:
        """Whether the log holds events (before position ``before``) and the chain has no head
        yet: events stored before the chain existed. One statement, so one snapshot: a first
        write another process commits meanwhile shows with its head or not at all."""
        older = "" if before is None else f" WHERE {id_column} < %s"
        rows = self._rows(f"SELECT CASE WHEN EXISTS (SELECT 1 FROM audit_head WHERE id = 1) THEN 0"
                          f" WHEN EXISTS (SELECT 1 FROM {table}{older}) THEN 1 ELSE 0 END",
                          () if before is None else (before,))
        return bool(rows[0][0])

    def head(self) -> tuple[int, str] | None:
        rows = self._rows("SELECT position, log_hash FROM audit_head WHERE id = 1")
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def previous_case_hashes(self, events: Sequence[Stored]) -> tuple[dict[str, str], tuple[int, str] | None]:
        """The hash of the version before each case's first event among ``events`` (one key
        lookup per case: versions of a case follow each other), and the head, read in the
        same statement (a round trip less on PostgreSQL)."""
        first: dict[str, int] = {}
        for event in events:
            first.setdefault(event.case_id, event.version)
        wanted = [(case_id, version - 1) for case_id, version in first.items() if version > 1]
        chunks = [wanted[start:start + 200] for start in range(0, len(wanted), 200)] or [[]]
        found: dict[str, str] = {}
        head: tuple[int, str] | None = None
        for index, chunk in enumerate(chunks):
            branches = ["SELECT '', position, log_hash FROM audit_head WHERE id = 1"] if index == 0 else []
            if chunk:
                where = " OR ".join(["(case_id = %s AND version = %s)"] * len(chunk))
                branches.append(f"SELECT case_id, version, case_hash FROM audit_chain WHERE {where}")
            for case_id, number, digest in self._rows(" UNION ALL ".join(branches),
                                                      [value for pair in chunk for value in pair]):
                if case_id == "":
                    head = (int(number), str(digest))
                else:
                    found[str(case_id)] = str(digest)
        return found, head

    def append(self, events: Sequence[Stored]) -> None:
        """Chain ``events`` (just stored, in log order) after the head."""
        if not events:
            return
        previous, head = self.previous_case_hashes(events)
        self.insert(links(events, head[1] if head else GENESIS, previous))

    def insert(self, found: Sequence[Link]) -> None:
        """Store chain rows and move the head to the last of them."""
        if not found:
            return
        self.cursor.executemany(self._sql(
            "INSERT INTO audit_chain (position, case_id, version, case_hash, log_hash)"
            " VALUES (%s, %s, %s, %s, %s)"),
            [(k.position, k.case_id, k.version, k.case_hash, k.log_hash) for k in found])
        last = found[-1]
        self.cursor.execute(self._sql(
            "INSERT INTO audit_head (id, position, log_hash) VALUES (1, %s, %s) ON CONFLICT (id)"
            " DO UPDATE SET position = excluded.position, log_hash = excluded.log_hash"),
            (last.position, last.log_hash))

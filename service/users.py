"""Staff accounts: username, scrypt password hash, role and agency (SPEC §1)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from domain.access import Actor, Role
from domain.agencies import Directory
from domain.errors import CaseError, InvalidValue, UnknownAgency
from service.errors import Conflict
from service.store import Database

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 8
HASH_METHOD = "scrypt"  # werkzeug's scrypt: N=2^15, r=8, p=1, 16-byte salt

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS thads_users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        agency TEXT NOT NULL,
        full_name TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )""",
]

# Checked against when the username is unknown, so a miss costs as much time as a hit.
_DUMMY_HASH = generate_password_hash("not a password", method=HASH_METHOD)


@dataclass(frozen=True)
class User:
    username: str
    role: str
    agency: str
    full_name: str = ""
    active: bool = True
    created_at: datetime | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.agency)


_COLUMNS = "username, role, agency, full_name, active, created_at"


def _user(row: Mapping[str, Any]) -> User:
    return User(row["username"], row["role"], row["agency"], row["full_name"], bool(row["active"]),
                datetime.fromisoformat(row["created_at"]))


class UserStore:
    def __init__(self, db: Database, directory: Directory):
        self.db = db
        self.directory = directory

    def create(
        self, username: str, password: str, role: str, agency: str, full_name: str = ""
    ) -> User:
        """Add an account; refuses bad usernames, short passwords, unknown roles and agencies."""
        problems = self.check(username, password, role, agency)
        if problems:
            raise problems[0]
        created = datetime.now(tz=UTC)
        self.db.execute(
            "INSERT INTO thads_users (username, password_hash, role, agency, full_name, active,"
            " created_at) VALUES (%s, %s, %s, %s, %s, 1, %s)",
            (username, generate_password_hash(password, method=HASH_METHOD), role, agency,
             full_name, created.isoformat()),
        )
        return User(username, role, agency, full_name, True, created)

    def check(self, username: str, password: str, role: str, agency: str) -> list[CaseError | Conflict]:
        """What stops ``create`` from adding this account: the bad values, one error per
        field (its ``field`` names it) in the order of the fields, then the ``Conflict`` of a
        username already taken. Empty when it may be created."""
        problems: list[CaseError | Conflict] = []
        if not USERNAME.match(username or ""):
            problems.append(InvalidValue(
                "username must be 2–63 lowercase letters, digits, '.', '_' or '-'", field="username"))
        if len(password or "") < MIN_PASSWORD:
            problems.append(InvalidValue(f"password must be at least {MIN_PASSWORD} characters",
                                         field="password"))
        roles = [r.value for r in Role]
        if role not in roles:
            problems.append(InvalidValue(f"role must be one of {', '.join(roles)}; got {role!r}",
                                         field="role"))
        try:
            self.directory.get(agency)
        except UnknownAgency as unknown:
            problems.append(unknown)
        if USERNAME.match(username or "") and self.get(username) is not None:
            problems.append(Conflict(f"user {username} already exists"))
        return problems

    def get(self, username: str) -> User | None:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM thads_users WHERE username = %s", (username,))
        return _user(rows[0]) if rows else None

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this username and password, else None."""
        rows = self.db.query(
            "SELECT password_hash FROM thads_users WHERE username = %s AND active = 1", (username,)
        )
        stored = rows[0]["password_hash"] if rows else _DUMMY_HASH
        if not check_password_hash(stored, password or "") or not rows:
            return None
        return self.get(username)

    def password_hash(self, username: str) -> str | None:
        rows = self.db.query("SELECT password_hash FROM thads_users WHERE username = %s", (username,))
        return rows[0]["password_hash"] if rows else None

    def all(self) -> list[User]:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM thads_users ORDER BY username")
        return [_user(r) for r in rows]

    def set_active(self, username: str, active: bool) -> None:
        self.db.execute(
            "UPDATE thads_users SET active = %s WHERE username = %s", (1 if active else 0, username)
        )

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM thads_users")[0]["n"])

"""Staff accounts: username, scrypt password hash, role and agency (SPEC §1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from werkzeug.security import check_password_hash, generate_password_hash

from domain.access import Actor, Role
from domain.agencies import Directory
from domain.errors import InvalidValue
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

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.agency)


class UserStore:
    def __init__(self, db: Database, directory: Directory):
        self.db = db
        self.directory = directory

    def create(
        self, username: str, password: str, role: str, agency: str, full_name: str = ""
    ) -> User:
        """Add an account; refuses bad usernames, short passwords, unknown roles and agencies."""
        if not USERNAME.match(username or ""):
            raise InvalidValue(
                "username must be 2–63 lowercase letters, digits, '.', '_' or '-'", field="username"
            )
        if len(password or "") < MIN_PASSWORD:
            raise InvalidValue(f"password must be at least {MIN_PASSWORD} characters", field="password")
        roles = [r.value for r in Role]
        if role not in roles:
            raise InvalidValue(f"role must be one of {', '.join(roles)}; got {role!r}", field="role")
        self.directory.get(agency)
        if self.get(username) is not None:
            raise Conflict(f"user {username} already exists")
        self.db.execute(
            "INSERT INTO thads_users (username, password_hash, role, agency, full_name, active,"
            " created_at) VALUES (%s, %s, %s, %s, %s, 1, %s)",
            (username, generate_password_hash(password, method=HASH_METHOD), role, agency,
             full_name, datetime.now(tz=UTC).isoformat()),
        )
        return User(username, role, agency, full_name)

    def get(self, username: str) -> User | None:
        rows = self.db.query(
            "SELECT username, role, agency, full_name, active FROM thads_users WHERE username = %s",
            (username,),
        )
        if not rows:
            return None
        row = rows[0]
        return User(row["username"], row["role"], row["agency"], row["full_name"], bool(row["active"]))

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
        rows = self.db.query(
            "SELECT username, role, agency, full_name, active FROM thads_users ORDER BY username"
        )
        return [User(r["username"], r["role"], r["agency"], r["full_name"], bool(r["active"]))
                for r in rows]

    def set_active(self, username: str, active: bool) -> None:
        self.db.execute(
            "UPDATE thads_users SET active = %s WHERE username = %s", (1 if active else 0, username)
        )

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM thads_users")[0]["n"])

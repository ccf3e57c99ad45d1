"""The store: how THADS_DATABASE_URL becomes the event store's settings, and a thin
``Database`` over the same connection pool for the few tables that are not events
(users, idempotency keys, case-number sequences)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SQLITE = "sqlite"
POSTGRES = "postgres"


def dialect_of(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return SQLITE
    if scheme in ("postgresql", "postgres"):
        return POSTGRES
    raise ValueError(
        f"THADS_DATABASE_URL must start with sqlite:/// or postgresql://, got {url!r}"
    )


def eventsourcing_env(url: str, *, create_tables: bool = True) -> dict[str, str]:
    """The eventsourcing library's environment for a database URL."""
    parts = urlsplit(url)
    env = {"CREATE_TABLE": "y" if create_tables else "n"}
    if dialect_of(url) == SQLITE:
        path = unquote(parts.path)
        # sqlite:///relative/path and sqlite:////absolute/path, as in SQLAlchemy.
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise ValueError("a sqlite URL needs a file path: sqlite:///var/thads.sqlite")
        # How long a writer waits for another connection's write lock (seconds; ?lock_timeout=).
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        lock_timeout = query.get("lock_timeout", "30")
        if not lock_timeout.isdigit() or int(lock_timeout) < 1:
            raise ValueError(f"lock_timeout in THADS_DATABASE_URL must be a whole number of seconds"
                             f" (1 or more), got {lock_timeout!r}")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=path,
                   APPLICATION_RECORDER_TOPIC="service.audit.recorders:ChainedSQLiteRecorder",
                   SQLITE_LOCK_TIMEOUT=lock_timeout)
        return env
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    env.update(
        PERSISTENCE_MODULE="eventsourcing.postgres",
        APPLICATION_RECORDER_TOPIC="service.audit.recorders:ChainedPostgresRecorder",
        POSTGRES_DBNAME=parts.path.lstrip("/") or "postgres",
        POSTGRES_HOST=parts.hostname or "127.0.0.1",
        POSTGRES_PORT=str(parts.port or 5432),
        POSTGRES_USER=unquote(parts.username or "postgres"),
        POSTGRES_PASSWORD=unquote(parts.password or ""),
        POSTGRES_POOL_SIZE=query.get("pool_size", "4"),
        POSTGRES_MAX_OVERFLOW=query.get("max_overflow", "8"),
        POSTGRES_CONNECT_TIMEOUT=query.get("connect_timeout", "10"),
        POSTGRES_PRE_PING=query.get("pre_ping", "n"),
        # The library's default (5 s) ends a transaction that waits longer between statements;
        # a read-model batch folds thousands of events between its reads and its writes, which
        # on a busy machine can take longer than that.
        POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT=query.get("idle_in_transaction_timeout", "120"),
    )
    return env


class Database:
    """SQL on the event store's own connection pool. Statements use ``%s`` placeholders;
    on SQLite they are rewritten to ``?``. Rows come back as dicts."""

    def __init__(self, datastore: Any, dialect: str):
        self.datastore = datastore
        self.dialect = dialect
        self._cache_kib = 0
        # The column types of the tables rows were copied into (``Transaction._copy``), by
        # table and column list: of this store only (a read model's tables are named by their
        # generation, so a new schema is a new table name).
        self._copy_types: dict[tuple[str, str], list[int]] = {}

    def bulk_cache(self, megabytes: int) -> None:
        """On SQLite, give each connection this process uses a page cache of ``megabytes``
        (SQLite's default is 2 MB): a rebuild upserts millions of rows into indexes far
        larger than that, and each page it misses is read again from the file."""
        if self.dialect == SQLITE:
            self._cache_kib = megabytes * 1024

    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.dialect == SQLITE else sql

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Transaction]:
        with self.datastore.transaction(commit=commit) as cursor:
            tx = Transaction(cursor, self._sql, self.dialect, self._copy_types)
            if self._cache_kib:  # per connection, and whichever the pool hands out: set it each time
                tx.cursor.execute(f"PRAGMA cache_size = -{int(self._cache_kib)}")
            yield tx

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """One read statement. On PostgreSQL it runs in autocommit mode: one round trip
        instead of three (BEGIN, SELECT, ROLLBACK)."""
        if self.dialect == SQLITE:
            with self.transaction(commit=False) as tx:
                return tx.query(sql, params)
        with self.datastore.get_connection() as conn:
            return Transaction(conn.cursor(), self._sql, self.dialect).query(sql, params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.transaction(commit=True) as tx:
            return tx.query(sql, params)

    def analyze(self, table: str) -> None:
        """Fresh planner statistics for ``table``; on PostgreSQL a VACUUM too, which marks the
        pages all-visible so that a count reads an index only (a million rows: 60 ms instead
        of 110) without waiting for autovacuum. VACUUM runs outside a transaction."""
        if self.dialect == SQLITE:
            self.execute(f"ANALYZE {table}")
            return
        with self.datastore.get_connection() as conn:
            conn.execute(f"VACUUM (ANALYZE) {table}")

    def create(self, statements: Sequence[str]) -> None:
        with self.transaction(commit=True) as tx:
            for statement in statements:
                tx.query(statement)


class Transaction:
    def __init__(self, cursor: Any, translate: Any, dialect: str = SQLITE,
                 copy_types: dict[tuple[str, str], list[int]] | None = None):
        # The library wraps sqlite3 cursors; psycopg cursors come as they are.
        self.cursor = getattr(cursor, "sqlite_cursor", cursor)
        self._translate = translate
        self.dialect = dialect
        self._copy_types = {} if copy_types is None else copy_types

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self.cursor.execute(self._translate(sql), tuple(params))
        if self.cursor.description is None:
            return []
        return [dict(row) for row in self.cursor.fetchall()]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; answers the number of rows it changed."""
        self.cursor.execute(self._translate(sql), tuple(params))
        return int(self.cursor.rowcount)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self._translate(sql), [tuple(r) for r in rows])

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def upsert(self, table: str, columns: Sequence[str], key: Sequence[str], updates: str,
               rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows (unique by ``key``), or on conflict apply ``updates`` (the SET list
        of ``ON CONFLICT DO UPDATE``, ``excluded.<column>`` naming the new value; empty: keep the
        row there, ``DO NOTHING``). On PostgreSQL
        the rows are copied into a temporary table and merged by one statement (a round trip
        per row costs more than the work); SQLite is in-process, where one prepared statement
        run per row is fastest."""
        if not rows:
            return
        names = ", ".join(columns)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        conflict = f"ON CONFLICT ({', '.join(key)}) {action}"
        if self.dialect == SQLITE:
            marks = ", ".join(["%s"] * len(columns))
            self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", rows)
            return
        stage = self.stage(table, columns, rows)
        self.cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {conflict}")

    def stage(self, like: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
        """A temporary table with the columns of ``like``, holding only ``rows`` (for a
        statement that joins a set of rows with a table); answers its name. It lasts as long
        as the connection and is emptied at each use."""
        stage = f"{like}_in"
        self.cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} " + (
            f"AS SELECT * FROM {like} WHERE 0" if self.dialect == SQLITE
            else f"(LIKE {like}) ON COMMIT DELETE ROWS"))
        self.cursor.execute(f"DELETE FROM {stage}")
        self.insert(stage, columns, rows)
        return stage

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append many new rows (the caller knows none of them is there yet): on PostgreSQL
        copied straight into the table, on SQLite one prepared statement run per row."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.dialect == SQLITE:
            marks = ", ".join(["%s"] * len(columns))
            self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        self._copy(table, names, rows)

    def _copy(self, table: str, names: str, rows: Sequence[Sequence[Any]]) -> None:
        # In PostgreSQL's binary format: half the client's time of the text format (each value
        # packed as it is, not written out in digits and escaped) and no parsing by the server.
        # That format needs each column's exact type, taken from the table once.
        types = self._copy_types.get((table, names))
        if types is None:
            self.cursor.execute(f"SELECT {names} FROM {table} WHERE false")
            types = self._copy_types[(table, names)] = [c.type_code for c in self.cursor.description]
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database that ``url`` names when it is missing (connecting to the
    server's ``postgres`` database with the same credentials); answers whether it did. A SQLite
    file is made when first opened: nothing to do."""
    if dialect_of(url) != POSTGRES:
        return False
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/")) or "postgres"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True

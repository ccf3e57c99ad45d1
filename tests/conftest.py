"""Fixtures shared by every test: the two stores (SQLite file, real PostgreSQL), the Flask
app and client on a store, users and tokens, the ``thads`` command on the same store, and a
Redis database of the test worker's own.

``store_url`` is parametrised so every test that uses it runs on SQLite and on PostgreSQL.
Under CI (``CI=true``) an unreachable PostgreSQL or Redis fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache

import service.users
from service import cli
from service.app import create_app

pytest_plugins = ["tests.e2e.browser"]  # the browser tests' fixtures (site, chromium, page)

PG_ADMIN_URL = os.environ.get("THADS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
"""The pytest-xdist worker (``gw0``, ``gw1``…) or empty: each worker has its own databases."""
PG_TEST_DB = os.environ.get("THADS_TEST_PG_DB", "thads_test") + (f"_{WORKER}" if WORKER else "")
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_TEST_DB
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("THADS_TEST_REDIS_URL", "redis://127.0.0.1:6379/{db}").format(
    db=8 + int(WORKER.removeprefix("gw") or 0) % 8)
"""The report queue's tests: a database of their own per test worker (8, 9, …, 15)."""
PASSWORD = "correct-horse-1"
SQLITE_ROOT = os.environ.get("THADS_TEST_SQLITE_DIR") or (
    "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None)
"""Where the tests' SQLite stores are made: a folder in RAM where there is one (else the
system's temporary folder). Each commit waits for fdatasync, which on a busy disk took most of
a writing test's time (the demo's seeding: 19 s on disk, 3.5 s in RAM). No test is about
surviving a power cut, and a process killed with SIGKILL loses nothing either way."""
Invoke = Callable[..., Result]


def _unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if IN_CI:
        pytest.fail(f"{message} (CI must run the {what} tests)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def scrypt_once_per_password() -> Iterator[None]:
    """Each scrypt hash or check costs some 0.1 s of CPU, and the tests create and log in
    thousands of users with the same few passwords. Here each (password, method) is hashed
    once by the real function and that real hash is stored for every user who has that
    password, and each (hash, password) is checked once by the real function and its answer
    reused: a wrong password is still refused, a hash is still scrypt. (Users sharing a
    password share a salt: no test compares the hashes of two users with the same password.)"""
    hashes: dict[tuple[str, str], str] = {}
    checked: dict[tuple[str, str], bool] = {}
    real_hash, real_check = service.users.generate_password_hash, service.users.check_password_hash

    def generate(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
        key = (password, method)
        if key not in hashes:
            hashes[key] = real_hash(password, method=method, salt_length=salt_length)
        return hashes[key]

    def check(pwhash: str, password: str) -> bool:
        key = (pwhash, password)
        if key not in checked:
            checked[key] = real_check(pwhash, password)
        return checked[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service.users, "generate_password_hash", generate)
        mp.setattr(service.users, "check_password_hash", check)
        yield


def quick_commits(admin: psycopg.Connection[Any], database: str) -> None:
    """A test database's commits do not wait for the WAL to reach the disk (for its new
    connections; on a busy disk that wait was most of a writing test's time). A transaction
    is visible to every connection once committed either way; only a crash of the server
    could lose the last ones, and no test is about that."""
    admin.execute(f'ALTER DATABASE "{database}" SET synchronous_commit = off')


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A database for the tests, created once per session."""
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_TEST_DB,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{PG_TEST_DB}"')
            quick_commits(conn, PG_TEST_DB)
    except psycopg.OperationalError as error:
        _unavailable("PostgreSQL", error)
    return PG_URL


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test worker's Redis database, empty, and emptied again afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        client.close()
        _unavailable("Redis", error)
    yield REDIS_URL
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def report_env(store_url: str, tmp_path: Path, redis_url: str,
               monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The settings of an app with reports: the report queue on the test worker's Redis
    database, the reports under the test's folder, no retries, no monthly schedule. They are
    also put in the environment, where the jobs that rq runs in this process (or a ``thads
    worker`` started with it) read them, as a worker would."""
    env = {"THADS_DATABASE_URL": store_url, "THADS_VAR_DIR": str(tmp_path / "var"),
           "THADS_SECRET_KEY": "test-secret", "THADS_REDIS_URL": redis_url, "THADS_REPORT_RETRIES": "none",
           "THADS_MONTHLY_REPORTS": "n"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("THADS_TEST_REPORT_DELAY", "THADS_REPORTS_DIR", "THADS_REPORT_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return env


def reset_postgres(url: str) -> None:
    """Empty the store; read-model tables are dropped (their columns change with the code).
    A test leaves a few rows in each other table: DELETE and restarting the tables' sequences
    leave them as TRUNCATE ... RESTART IDENTITY does, in a tenth of the time; a large table
    (the crash test's 100,000 events) is truncated."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        read_models = [t for t in tables if t.startswith("rm_")]
        if read_models:
            conn.execute("DROP TABLE " + ", ".join(f'"{t}"' for t in read_models))
        others = [t for t in tables if not t.startswith("rm_")]
        large = [t for t in others if conn.execute(f'SELECT 1 FROM "{t}" OFFSET 10000 LIMIT 1').fetchone()]
        if large:
            conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in large) + " RESTART IDENTITY CASCADE")
        small = [t for t in others if t not in large]
        sequences = [r[0] for r in conn.execute(
            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid"
            " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " WHERE s.relkind = 'S' AND t.relname = ANY(%s)", (small,)).fetchall()]
        with conn.transaction():
            for table in small:
                conn.execute(f'DELETE FROM "{table}"')
            for sequence in sequences:
                conn.execute(f'ALTER SEQUENCE "{sequence}" RESTART')


@contextmanager
def sqlite_folder() -> Iterator[Path]:
    """A new folder for SQLite stores (under ``SQLITE_ROOT``), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"thads-test-{os.getpid()}-", dir=SQLITE_ROOT))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sqlite_dir() -> Iterator[Path]:
    """A test's folder for SQLite stores (see ``sqlite_folder``)."""
    with sqlite_folder() as folder:
        yield folder


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """An empty store: a SQLite file, or the PostgreSQL test database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{request.getfixturevalue('sqlite_dir')}/events.sqlite"
    url = request.getfixturevalue("postgres_database")
    reset_postgres(url)
    return url


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept for the test process. Each app has a Jinja environment
    of its own, which compiled every template it rendered again: a quarter of a page test's
    time. A template is reused only while its source is unchanged (Jinja checks)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledTemplates()


@pytest.fixture
def app(store_url: str, tmp_path: Any) -> Iterator[Flask]:
    flask_app = create_app({
        "THADS_DATABASE_URL": store_url,
        "THADS_VAR_DIR": str(tmp_path / "var"),
        "THADS_SECRET_KEY": "test-secret",
        "THADS_INLINE_PROJECTIONS": "y",
        "TESTING": "1",
    })
    flask_app.jinja_env.bytecode_cache = TEMPLATES
    yield flask_app
    flask_app.extensions["thads"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    def make(username: str, role: str = "enforcer", agency: str = "CC243") -> Any:
        return app.extensions["thads"].cases.users.create(username, PASSWORD, role, agency)
    return make


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., Any]) -> Callable[..., dict[str, str]]:
    """Create a user (if needed) and answer the headers that authenticate as them."""
    def headers_for(username: str, role: str = "enforcer", agency: str = "CC243") -> dict[str, str]:
        if client.application.extensions["thads"].cases.users.get(username) is None:
            make_user(username, role, agency)
        response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
        body = response.get_json()
        assert response.status_code == 201, body
        return {"Authorization": f"Bearer {body['token']}"}
    return headers_for


@pytest.fixture
def thads(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """Run ``thads ARGS`` with the environment pointing at the test store; the applications the
    commands open are closed afterwards (each holds a connection pool)."""
    opened: list[Any] = []
    original = cli._application

    def tracked(*args: Any, **kwargs: Any) -> Any:
        application = original(*args, **kwargs)
        opened.append(application)
        return application

    monkeypatch.setattr(cli, "_application", tracked)
    env = {"THADS_DATABASE_URL": store_url, "THADS_SECRET_KEY": "test-secret",
           "THADS_VAR_DIR": str(tmp_path / "var")}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli.main, list(args), env=env)

    yield invoke
    for application in opened:
        application.close()


def case_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /cases body (Vĩnh Yên, 2020)."""
    body: dict[str, Any] = {
        "agency": "CC243",
        "received_on": "2020-01-02",
        "initiation": "on_request",
        "judgment": {"court": "Tòa án nhân dân thành phố Vĩnh Yên", "number": "12/2019/DS-ST",
                     "date": "2019-12-01", "kind": "civil"},
        "creditor": {"name": "Ngân hàng Nông nghiệp", "kind": "credit_institution"},
        "debtor": {"name": "Nguyễn Văn An", "kind": "individual"},
        "amount_due": 600_000_000,
    }
    body.update(overrides)
    return body


def event_count(app: Flask) -> int:
    return app.extensions["thads"].cases.log_head()

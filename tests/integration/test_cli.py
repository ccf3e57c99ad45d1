"""The ``thads`` command line (SPEC §9): help, ``init``, ``users create``/``list`` and ``project`` against the
store named by THADS_DATABASE_URL, on SQLite and on PostgreSQL."""

from __future__ import annotations

from itertools import repeat
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask

from domain.agencies import default_directory
from projections import all_projections
from projections.registry import Registry
from projections.statistics import StatisticsProjection
from projections.stats_query import Period, statistics
from service import cli
from service.application import CaseApplication
from tests.conftest import PG_ADMIN_URL, PG_TEST_DB, Invoke
from tests.integration.test_read_models_replay import write_history


def create_args(**options: str) -> list[str]:
    values = {"username": "u1", "password": "correct-horse-1", "role": "enforcer",
              "agency": "CC243"}
    values.update(options)
    return ["users", "create", *(f"--{k}={v}" for k, v in values.items())]


def test_help_lists_the_commands(thads: Invoke) -> None:
    result = thads("--help")
    assert result.exit_code == 0, result.output
    for command in ("serve", "demo", "users", "init"):
        assert command in result.output
    assert "THADS_DATABASE_URL" in result.output
    users_help = thads("users", "--help")
    assert users_help.exit_code == 0
    assert "create" in users_help.output and "list" in users_help.output


def test_init_prepares_the_store(thads: Invoke) -> None:
    result = thads("init")
    assert result.exit_code == 0, result.output
    assert "store ready" in result.output and "log head 0" in result.output


def test_users_create_stores_a_scrypt_hash(thads: Invoke, app: Flask) -> None:
    result = thads(*create_args(name="Nguyễn Văn Một"))
    assert result.exit_code == 0, result.output
    assert "created u1 (enforcer, CC243)" in result.output
    users = app.extensions["thads"].cases.users
    user = users.get("u1")
    assert user is not None and (user.role, user.agency, user.active) == ("enforcer", "CC243", True)
    assert user.full_name == "Nguyễn Văn Một"
    stored = users.password_hash("u1")
    assert stored is not None and stored.startswith("scrypt:") and "correct-horse-1" not in stored
    assert users.authenticate("u1", "correct-horse-1") == user
    listed = thads("users", "list")
    assert listed.exit_code == 0 and "u1" in listed.output and "CC243" in listed.output


def test_users_create_logs_in_through_the_api(thads: Invoke, app: Flask) -> None:
    assert thads(*create_args()).exit_code == 0
    response = app.test_client().post("/api/v1/tokens",
                                      json={"username": "u1", "password": "correct-horse-1"})
    assert response.status_code == 201 and response.get_json()["token"]


@pytest.mark.parametrize(("options", "says"), [
    ({"role": "judge"}, "Invalid value for '--role'"),
    ({"agency": "XX999"}, "unknown agency 'XX999'"),
    ({"password": "short"}, "password must be at least 8 characters"),
    ({"username": "Bad Name!"}, "username must be"),
], ids=["bad-role", "unknown-agency", "short-password", "bad-username"])
def test_users_create_refuses_bad_input(thads: Invoke, app: Flask, options: dict[str, str],
                                        says: str) -> None:
    result = thads(*create_args(**options))
    assert result.exit_code != 0
    assert says in result.output
    assert app.extensions["thads"].cases.users.count() == 0


def test_users_create_refuses_a_duplicate_username(thads: Invoke, app: Flask) -> None:
    assert thads(*create_args()).exit_code == 0
    users = app.extensions["thads"].cases.users
    first_hash = users.password_hash("u1")
    result = thads(*create_args(password="another-pass-2", role="head", agency="CC244"))
    assert result.exit_code == 1
    assert "user u1 already exists" in result.output
    assert users.count() == 1
    assert users.get("u1").role == "enforcer" and users.password_hash("u1") == first_hash  # type: ignore[union-attr]


def test_worker_needs_redis(thads: Invoke) -> None:
    result = thads("worker", "--burst")
    assert result.exit_code != 0 and "THADS_REDIS_URL" in result.output


def test_project_refuses_an_unknown_read_model(thads: Invoke) -> None:
    for args in (["--once", "--only", "nonsense"], ["--rebuild", "nonsense"]):
        result = thads("project", *args)
        assert result.exit_code == 2
        assert "unknown read model 'nonsense'; one of cases, statistics, bottlenecks" in result.output


def test_project_rebuilds_a_read_model_another_version_built(thads: Invoke, store_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A release that changes a read model's version (the statistics' 5, say): ``thads project``
    rebuilds it into a new generation before following the log, with the same figures."""
    app = CaseApplication(store_url, default_directory())
    try:
        head = app.users.create("truong", "password-1", "head", "C26").actor
        cases = [("CC243", "ex_officio", "civil", 1000, 0), ("CC244", "on_request", "business", 50, 9)]
        steps = [(0, ("verify", {"result": "able"}), 1),
                 (0, ("collect", {"amount": 300, "source": "voluntary"}), 2),
                 (1, ("terminate", {"reason": "dc.50.1.c"}), 3)]
        write_history(app, cases, steps, repeat(head))  # the commands in statistical year 2021
        assert thads("project", "--once").exit_code == 0
        registry = Registry(app.db, all_projections())
        old = registry.active("statistics")
        assert old is not None and old.position == app.log_head()

        def figures() -> dict[str, Any]:
            names = registry.active_names("statistics", max_age=0)
            return statistics(app.db, names, app.directory, "C26", Period(2021, 202109))

        before = figures()
        assert before["cases"]["terminated"] == 1 and before["money"]["completed"] == 300
        monkeypatch.setattr(StatisticsProjection, "version", old.version + 1)
        result = thads("project", "--once")
        assert result.exit_code == 0, result.output
        assert ("read models statistics were built by another version of the code: rebuilding them"
                in result.output)
        new = registry.active("statistics")
        assert new is not None
        assert (new.generation, new.version) == (old.generation + 1, old.version + 1)
        assert new.position == app.log_head()
        assert figures() == before
    finally:
        app.close()


def test_init_creates_a_missing_postgresql_database(postgres_database: str, tmp_path: Path) -> None:
    name = f"{PG_TEST_DB}_created"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    # A missing database is retried until the connect timeout (10 s by default) before init gives up.
    env = {"THADS_DATABASE_URL": postgres_database.rsplit("/", 1)[0] + "/" + name + "?connect_timeout=2",
           "THADS_SECRET_KEY": "test-secret", "THADS_VAR_DIR": str(tmp_path / "var")}
    try:
        refused = CliRunner().invoke(cli.main, ["init"], env=env)
        assert refused.exit_code != 0  # without the option: the database must exist
        first = CliRunner().invoke(cli.main, ["init", "--create-database"], env=env)
        assert first.exit_code == 0, first.output
        assert "created the database" in first.output and "log head 0" in first.output
        again = CliRunner().invoke(cli.main, ["init", "--create-database"], env=env)
        assert again.exit_code == 0 and "store ready" in again.output
        assert "created the database" not in again.output
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

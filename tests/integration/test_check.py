"""``thads check``: a line per part and exit status 0 when every part is healthy — the store,
the audit chain, each read model, Redis, the report queue with a live ``thads worker``, the
reports directory, the secret key — and 1, naming the part, when Redis does not answer, a
read model is behind, the store does not answer or PostgreSQL runs on a generated key.
On SQLite and on PostgreSQL, with a real Redis and a real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner, Result
from rq import Queue, Worker

from domain.agencies import default_directory
from service import cli
from service.application import CaseApplication
from service.reports.queue import QUEUE
from tests.integration.test_runner import receive
from tests.redis_server import free_port

PARTS = ["store", "audit chain", "read model cases", "read model statistics", "read model bottlenecks",
         "read model actions", "redis", "report queue", "report workers", "reports directory", "secret key"]


@pytest.fixture
def env(store_url: str, redis_url: str, tmp_path: Path) -> dict[str, str]:
    return {"THADS_DATABASE_URL": store_url, "THADS_REDIS_URL": redis_url, "THADS_SECRET_KEY": "test-secret",
            "THADS_VAR_DIR": str(tmp_path / "var"), "THADS_MONTHLY_REPORTS": "n"}


def check(env: dict[str, str], *args: str) -> tuple[Result, dict[str, str]]:
    """Run ``thads check``; answers the result and each part's line by the part's name."""
    result = CliRunner().invoke(cli.main, ["check", *args], env=env)
    lines = {}
    for line in result.output.splitlines():
        verdict, rest = line.split(" ", 1)
        name = next((p for p in sorted(PARTS, key=len, reverse=True) if rest.strip().startswith(p)), rest)
        lines[name] = line
        assert verdict in ("ok", "FAIL"), line
    return result, lines


@pytest.fixture
def worker(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``thads worker`` on the test's Redis database, once rq lists it as live."""
    assert CliRunner().invoke(cli.main, ["init"], env=env).exit_code == 0
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env={**os.environ, **env},
                               stdout=log, stderr=subprocess.STDOUT)
    connection = redis.Redis.from_url(env["THADS_REDIS_URL"])
    try:
        deadline = time.monotonic() + 60
        while not Worker.all(connection=connection, queue=Queue(QUEUE, connection=connection)):
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker did not register"
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        connection.close()
        log.close()


def test_every_part_healthy(env: dict[str, str], worker: subprocess.Popen[bytes]) -> None:
    app = CaseApplication(env["THADS_DATABASE_URL"], default_directory(), create_tables=False)
    receive(app, 3)
    app.close()
    result, lines = check(env)
    assert result.exit_code == 0, result.output
    assert list(lines) == PARTS
    assert all(line.startswith("ok ") for line in lines.values()), result.output
    assert "log head 6" in lines["store"] and "chained to position 6" in lines["audit chain"]
    assert "lag 6" in lines["read model cases"]  # behind, but within the default 1,000
    assert "1 live" in lines["report workers"] and "0 queued" in lines["report queue"]
    assert "THADS_SECRET_KEY is set" in lines["secret key"]


def test_redis_down(env: dict[str, str]) -> None:
    assert CliRunner().invoke(cli.main, ["init"], env=env).exit_code == 0
    result, lines = check({**env, "THADS_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    assert result.exit_code == 1, result.output
    assert lines["redis"].startswith("FAIL") and "no answer" in lines["redis"]
    assert "report workers" not in lines  # nothing to ask
    assert all(line.startswith("ok ") for name, line in lines.items() if name != "redis"), result.output


def test_projection_behind(env: dict[str, str], worker: subprocess.Popen[bytes]) -> None:
    app = CaseApplication(env["THADS_DATABASE_URL"], default_directory(), create_tables=False)
    receive(app, 10)  # 20 events, and no runner
    app.close()
    result, lines = check(env, "--max-lag", "5")
    assert result.exit_code == 1, result.output
    for name in ("cases", "statistics", "bottlenecks", "actions"):
        line = lines[f"read model {name}"]
        assert line.startswith("FAIL") and "position 0, lag 20" in line and "thads project" in line, line
    caught = CliRunner().invoke(cli.main, ["project", "--once", "--only", "cases"], env=env)
    assert caught.exit_code == 0, caught.output
    result, lines = check(env, "--max-lag", "5")
    assert result.exit_code == 1
    assert lines["read model cases"].startswith("ok") and "position 20, lag 0" in lines["read model cases"]
    assert lines["read model statistics"].startswith("FAIL")
    assert CliRunner().invoke(cli.main, ["project", "--once"], env=env).exit_code == 0
    result, _ = check(env, "--max-lag", "5")
    assert result.exit_code == 0, result.output


def test_the_store_does_not_answer(tmp_path: Path) -> None:
    # Nothing listens there: the pool gives up after the connect timeout (10 s by default).
    env = {"THADS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/thads?connect_timeout=2",
           "THADS_SECRET_KEY": "test-secret", "THADS_VAR_DIR": str(tmp_path / "var")}
    result, lines = check(env)
    assert result.exit_code == 1
    assert list(lines) == ["store"] and lines["store"].startswith("FAIL"), result.output


def test_a_generated_secret_key_is_wrong_on_postgresql(env: dict[str, str], store_url: str) -> None:
    del env["THADS_SECRET_KEY"]
    assert CliRunner().invoke(cli.main, ["init"], env=env).exit_code == 0
    result, lines = check(env)
    if store_url.startswith("postgresql"):
        assert result.exit_code == 1
        assert lines["secret key"].startswith("FAIL") and "same value on every process" in lines["secret key"]
    else:
        assert lines["secret key"].startswith("ok") and "right for one machine" in lines["secret key"]

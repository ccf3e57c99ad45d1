"""``thads run`` as the supervisor of its processes (SPEC §9): the web server, two report
workers and a projection runner per read model start together; the runner and a worker
killed with SIGKILL are started again (a write is then read back through ``min_position``,
so the new runner follows the log); SIGINT (Ctrl-C) stops every process it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from domain.agencies import default_directory
from service.application import CaseApplication
from tests.conftest import PASSWORD, case_body
from tests.e2e.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)]


def children(pid: int) -> dict[str, list[int]]:
    """The supervisor's children by role: web, worker, project (a per-read-model runner's key is
    ``project <name>``)."""
    found: dict[str, list[int]] = {}
    for child in psutil.Process(pid).children():
        try:
            args = child.cmdline()
        except psutil.Error:  # ended (a zombie until the supervisor notices)
            continue
        role = args[args.index("service.cli") + 1] if "service.cli" in args else "?"
        if role == "project" and "--only" in args:
            role += " " + args[args.index("--only") + 1]
        found.setdefault(role, []).append(child.pid)
    return found


def started(roles: dict[str, list[int]], without: Sequence[int] = ()) -> dict[str, list[int]] | None:
    """``roles`` once both workers and the four runners run (none of them one of ``without``)."""
    pids = [pid for pids in roles.values() for pid in pids]
    complete = len(roles.get("worker", [])) == 2 and sum(r.startswith("project") for r in roles) == 4
    return roles if complete and not set(pids) & set(without) else None


def wait_for(what: str, condition: Callable[[], Any], log: Path, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
            if value:
                return value
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"{what}; the log:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def test_run_restarts_what_dies_and_stops_everything_on_ctrl_c(store_url: str, redis_url: str,
                                                              tmp_path: Path) -> None:
    app = CaseApplication(store_url, default_directory())
    app.users.create("chv.vinhyen", PASSWORD, "enforcer", "CC243")
    app.close()
    port, log = free_port(), tmp_path / "run.log"
    env = {**os.environ, "THADS_DATABASE_URL": store_url, "THADS_REDIS_URL": redis_url,
           "THADS_SECRET_KEY": "e2e", "THADS_VAR_DIR": str(tmp_path / "var"), "THADS_MONTHLY_REPORTS": "n"}
    with log.open("wb") as out:
        run = subprocess.Popen([sys.executable, "-m", "service.cli", "run", "--port", str(port),
                                "--report-workers", "2", "--runner-per-projection"],
                               env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    everyone: set[int] = set()
    try:
        wait_for("the server did not answer", lambda: requests.get(f"{base}/health", timeout=5).ok, log)
        roles = wait_for("not every process started", lambda: started(children(run.pid)), log)
        assert sorted(roles) == ["project actions", "project bottlenecks", "project cases",
                                 "project statistics", "serve", "worker"]
        everyone.update(pid for pids in roles.values() for pid in pids)
        killed = [roles["project cases"][0], roles["worker"][0]]
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        again = wait_for("the killed processes were not started again",
                         lambda: started(children(run.pid), without=killed), log)
        everyone.update(pid for pids in again.values() for pid in pids)
        assert "projection runner cases (pid" in log.read_text()

        token = requests.post(f"{base}/tokens", json={"username": "chv.vinhyen", "password": PASSWORD},
                              timeout=10).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        created = requests.post(f"{base}/cases", json=case_body(), headers=auth, timeout=10)
        assert created.status_code == 201, created.text
        listed = requests.get(f"{base}/cases", params={"min_position": created.json()["position"]},
                              headers=auth, timeout=10)
        assert listed.status_code == 200 and listed.json()["total"] == 1, listed.text

        everyone.update(p.pid for p in psutil.Process(run.pid).children(recursive=True))
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0
        alive = [pid for pid in everyone if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        assert not alive, f"still running after Ctrl-C: {alive}"
    finally:
        if run.poll() is None:
            run.kill()
        for pid in everyone:
            if psutil.pid_exists(pid):
                os.kill(pid, signal.SIGKILL)

"""What the soak runs its load against: a store seeded with the demo (copied from a template
seeded once), a private Redis it may stop, and ``thads run`` supervising the web server, the
report workers and the projection runner, whose processes it finds to kill them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg
import requests

from bench.common import PG_ADMIN, PG_BASE, ROOT, free_port, python

WORK = ROOT / "var" / "soak"
SECRET = "soak-secret-key-not-for-production"


@dataclass
class Store:
    kind: str  # sqlite or postgres
    url: str


def thads(env: dict[str, str], *args: str, log: Path | None = None) -> None:
    """Run ``thads ARGS`` to its end (its output to ``log``)."""
    with (log or WORK / "setup.log").open("ab") as out:
        subprocess.run([python(), "-m", "service.cli", *args], env={**os.environ, **env}, cwd=ROOT,
                       stdout=out, stderr=subprocess.STDOUT, check=True)


def demo_store(kind: str, name: str, scale: float, echo: Callable[[str], Any] = print) -> Store:
    """A fresh copy of a store seeded with the demo at ``scale``, its read models built; the
    template is seeded on first use and kept (``var/soak/`` or database ``thads_soak_template_*``)."""
    WORK.mkdir(parents=True, exist_ok=True)
    tag = f"{scale:g}".replace(".", "_")
    if kind == "sqlite":
        template = Store(kind, f"sqlite:///{WORK / f'template_{tag}.sqlite'}")
        path = Path(template.url.removeprefix("sqlite:///"))
        if not path.exists():
            _seed(template, scale, echo)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy = WORK / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(path, copy)
        return Store(kind, f"sqlite:///{copy}")
    template_name = f"thads_soak_template_{tag}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template_name,)).fetchone()
    if not exists:
        _seed(Store(kind, f"{PG_BASE}/{template_name}"), scale, echo)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    return Store(kind, f"{PG_BASE}/{name}")


def _seed(store: Store, scale: float, echo: Callable[[str], Any]) -> None:
    echo(f"[soak] seeding the demo at scale {scale:g} into {store.url} (once; kept as a template)")
    env = {"THADS_DATABASE_URL": store.url, "THADS_SECRET_KEY": SECRET, "THADS_VAR_DIR": str(WORK / "var")}
    try:
        thads(env, "init", "--create-database")
        thads(env, "demo", "--scale", str(scale))
        thads(env, "project", "--once")
    except BaseException:
        if store.kind == "sqlite":
            Path(store.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{store.url.rsplit("/", 1)[1]}" WITH (FORCE)')
        raise


@dataclass
class Stack:
    """``thads run`` and how to reach and hurt its processes."""

    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]

    def roles(self) -> dict[str, list[psutil.Process]]:
        """The supervisor's processes by role: ``web`` (gunicorn's workers), ``web master``,
        ``worker`` (rq workers), ``project`` (runners)."""
        found: dict[str, list[psutil.Process]] = {}
        for child in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.Error):
                args = child.cmdline()
                role = args[args.index("service.cli") + 1] if "service.cli" in args else "?"
                if role == "serve":
                    found.setdefault("web master", []).append(child)
                    found.setdefault("web", []).extend(child.children())
                else:
                    found.setdefault(role, []).append(child)
        return found

    def kill(self, role: str) -> int:
        """SIGKILL the first process of ``role``; answers its pid."""
        victim = self.roles()[role][0]
        os.kill(victim.pid, signal.SIGKILL)
        return victim.pid

    def health(self) -> dict[str, Any]:
        body: dict[str, Any] = requests.get(f"{self.url}/api/v1/health", timeout=5).json()
        return body


@contextmanager
def running(store: Store, var: Path, *, redis_url: str | None, report_workers: int,
            log: Path) -> Iterator[Stack]:
    """``thads run`` on the store (with no ``redis_url``: its embedded Redis), until the read
    models have caught up; stopped with SIGINT, as Ctrl-C would, at the end."""
    port = free_port()
    env = {"THADS_DATABASE_URL": store.url, "THADS_SECRET_KEY": SECRET, "THADS_VAR_DIR": str(var),
           "THADS_MONTHLY_REPORTS": "n", "THADS_LOGIN_LIMIT": "1000 per minute", "WEB_CONCURRENCY": "2",
           "THADS_SECURE_COOKIES": "n"}
    if redis_url:
        env["THADS_REDIS_URL"] = redis_url
    child_env = {k: v for k, v in os.environ.items() if k != "THADS_REDIS_URL"}
    with log.open("ab") as out:
        process = subprocess.Popen([python(), "-m", "service.cli", "run", "--port", str(port),
                                    "--report-workers", str(report_workers)],
                                   env={**child_env, **env}, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    stack = Stack(process, f"http://127.0.0.1:{port}", env)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                body = stack.health()
                if body["status"] == "ok" and all(p["lag"] == 0 for p in body["projections"].values()):
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("thads run did not start: " + log.read_text()[-3000:])
            time.sleep(0.5)
        yield stack
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def restart_postgres() -> float:
    """Restart the machine's PostgreSQL cluster; answers how long it took (s)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    began = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True)
    return time.monotonic() - began

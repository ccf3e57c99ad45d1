"""Shared pieces of the benchmarks: fresh stores, servers, wrk, and BENCHMARKS.md sections."""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
PG_ADMIN = os.environ.get("THADS_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, eventsourcing {version('eventsourcing')}, "
            f"Flask {version('flask')}, gunicorn {version('gunicorn')}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------ stores


@dataclass
class Store:
    kind: str  # "sqlite" or "postgres"
    url: str


def fresh_store(kind: str, name: str) -> Store:
    if kind == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Store(kind, f"sqlite:///{path}")
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return Store(kind, f"{PG_BASE}/{name}")


def copy_store(template: Store, name: str) -> Store:
    """A copy of a seeded store, so each run starts from the same data."""
    if template.kind == "sqlite":
        src = Path(template.url.removeprefix("sqlite:///"))
        import sqlite3

        with sqlite3.connect(src) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dst = WORK / f"{name}.sqlite"
        for suffix in ("-wal", "-shm"):
            Path(f"{dst}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(src, dst)
        return Store("sqlite", f"sqlite:///{dst}")
    source = template.url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return Store("postgres", f"{PG_BASE}/{name}")


# ------------------------------------------------------------------ servers


@contextmanager
def server(command: Sequence[str], env: dict[str, str], probe: str | None) -> Iterator[str]:
    """Start a server process on a free port; yield its base URL once ``probe`` answers (or,
    for a process that serves nothing, once it has run for a second)."""
    port = free_port()
    WORK.mkdir(parents=True, exist_ok=True)
    log = open(WORK / "server.log", "a")  # noqa: SIM115
    full_env = {**os.environ, **env, "PORT": str(port)}
    args = [a.replace("{port}", str(port)) for a in command]
    process = subprocess.Popen(args, env=full_env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while probe is None:
            time.sleep(1.0)
            if process.poll() is not None:
                raise RuntimeError("process ended: " + (WORK / "server.log").read_text()[-2000:])
            break
        while probe is not None:
            try:
                if requests.get(url + probe, timeout=5).status_code < 500:
                    break
            except requests.RequestException:  # not listening yet, or busy starting up
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start: " + (WORK / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def python() -> str:
    return sys.executable


# ------------------------------------------------------------------ wrk


@dataclass
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    total: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"cannot read a latency from {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, script: Path, *, connections: int, seconds: int, threads: int = 1) -> LoadResult:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the HTTP benchmarks: apt-get install -y wrk")
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(errors_match.group(1)) if errors_match else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return LoadResult(rps, p50, p99, errors, total)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# ------------------------------------------------------------------ BENCHMARKS.md


def percentile(values: Sequence[float], q: float) -> float:
    """The value at quantile ``q`` (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def update_section(name: str, body: str) -> None:
    """Replace (or append) the section between ``<!-- bench:name -->`` markers."""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nRun with `make bench`.\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def stamp() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")

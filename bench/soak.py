"""``make soak``: the load test with faults (issue 7), a benchmark and not a test.

For each set-up in turn — the embedded default (``thads run``: SQLite, embedded Redis, one
report worker) and the scaled one (``thads run --report-workers 2`` as ``make run-scaled``
runs it: PostgreSQL, a Redis of the soak's own, 2 gunicorn workers, 2 report workers, the
projection runner) — on a fresh copy of a demo store: 70% reads and 30% commands from locust
(``bench.soak_load``) for ``--seconds``, the read models' lag sampled every second from
``GET /health``. During the scaled run: SIGKILL to one gunicorn worker, one report worker and
the projection runner (``thads run`` starts them again, as a service manager would), Redis
stopped for 30 s, PostgreSQL restarted. Then, with the load over: the time until every read
model has caught up, ``thads check``, and the acceptance (``bench.soak_verify``): every 2xx
command's event in the store, every read model equal to a rebuild, no 5xx that is a stack
trace. Figures go to BENCHMARKS.md (``--no-write``: only printed).

    .venv/bin/python -m bench.soak --seconds 10        # a quick one while developing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import soak_report
from bench.common import python, stamp
from bench.soak_stack import WORK, Stack, Store, demo_store, restart_postgres, running
from bench.soak_verify import verify
from domain.agencies import default_directory
from service.application import CaseApplication
from service.demo.staff import DEMO_PASSWORD
from tests.redis_server import PrivateRedis

FAULTS = ("web", "worker", "runner", "redis", "postgres")
Echo = Callable[[str], Any]


def logins(store: Store, users: int) -> dict[str, Any]:
    """Demo enforcers of different offices (one each, as many as there are users) and the head
    of Vĩnh Phúc's department."""
    app = CaseApplication(store.url, default_directory(), create_tables=False)
    try:
        rows = app.db.query("SELECT username, agency FROM thads_users WHERE role = 'enforcer' AND active = 1"
                            " AND username LIKE %s ORDER BY agency, username", ("chv.%",))
        head = app.users.get("cuctruong.vinhphuc")
        assert head is not None, "the demo's head of Vĩnh Phúc is missing"
        by_office: dict[str, dict[str, str]] = {}
        for row in rows:
            by_office.setdefault(row["agency"], {"username": row["username"], "agency": row["agency"]})
        staff = sorted(by_office.values(), key=lambda r: (not r["agency"].startswith("CC2"), r["agency"]))
        return {"password": DEMO_PASSWORD, "staff": staff[:users],
                "head": {"username": head.username, "agency": head.agency}, "log_head": app.log_head()}
    finally:
        app.close()


class Sampler(threading.Thread):
    """``GET /health`` every second: the log head and each read model's lag."""

    def __init__(self, stack: Stack):
        super().__init__(daemon=True)
        self.stack, self.began = stack, time.monotonic()
        self.samples: list[dict[str, Any]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            at = round(time.monotonic() - self.began, 1)
            try:
                body = self.stack.health()
                lags = {name: p.get("lag") for name, p in body["projections"].items()}
                self.samples.append({"at": at, "status": body["status"], "lags": lags,
                                     "head": body["store"].get("log_head")})
            except Exception as error:
                self.samples.append({"at": at, "status": f"no answer ({type(error).__name__})", "lags": {}})


def inflict(stack: Stack, redis: PrivateRedis | None, faults: list[str], seconds: float, started: Path,
            log: list[dict[str, Any]], echo: Echo) -> None:
    """The scaled run's faults, spread over the load (at 10%, 20%, 30%, 35% and 90% of it, from
    the moment its users have started)."""
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    outage = min(30.0, seconds * 0.5)

    def at(fraction: float) -> None:
        time.sleep(max(0.0, began + fraction * seconds - time.monotonic()))

    def note(what: str, **detail: Any) -> None:
        entry = {"at": round(time.monotonic() - began, 1), "wall": time.time(), "what": what, **detail}
        log.append(entry)
        echo(f"[soak] {entry['at']:>5} s  {what} {detail or ''}")

    for fraction, fault in ((0.10, "web"), (0.20, "worker"), (0.30, "runner")):
        if fault in faults:
            at(fraction)
            role = {"web": "web", "worker": "worker", "runner": "project"}[fault]
            pid = stack.kill(role)
            note(f"kill -9 {fault}", pid=pid)
            if fault == "runner":
                _wait_replaced(stack, "project", pid)
                note("runner started again by thads run")
    if "redis" in faults and redis is not None:
        at(0.35)
        redis.stop()
        note("redis stopped", seconds=outage)
        time.sleep(outage)
        redis.start()
        note("redis started")
    if "postgres" in faults:
        at(0.90)
        note("postgres restart begins")
        took = restart_postgres()
        note("postgres restarted", seconds=round(took, 1))


def _wait_replaced(stack: Stack, role: str, pid: int, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(p.pid != pid for p in stack.roles().get(role, [])):
            return
        time.sleep(0.1)


def caught_up(stack: Stack, limit: float = 300) -> float | None:
    """Seconds until every read model has the log head (None: not within ``limit``)."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        try:
            body = stack.health()
            if all(p["lag"] == 0 for p in body["projections"].values()):
                return time.monotonic() - began
        except Exception:  # a moment without an answer while things recover
            pass
        time.sleep(0.2)
    return None


def soak(setup: str, args: argparse.Namespace, echo: Echo) -> dict[str, Any]:
    kind = "sqlite" if setup == "embedded" else "postgres"
    store = demo_store(kind, f"thads_soak_{setup}" if kind == "postgres" else setup, args.scale, echo)
    folder = WORK / setup
    folder.mkdir(parents=True, exist_ok=True)
    people = logins(store, args.users)
    (folder / "logins.json").write_text(json.dumps(people))
    redis = PrivateRedis(folder / "redis", persist=True) if setup == "scaled" else None
    faults = [f for f in args.faults if setup == "scaled"]
    fault_log: list[dict[str, Any]] = []
    (folder / "started").unlink(missing_ok=True)
    if redis is not None:
        redis.start()
    try:
        with running(store, folder / "var", redis_url=redis.url if redis else None,
                     report_workers=2 if setup == "scaled" else 1, log=folder / "thads.log") as stack:
            echo(f"[soak] {setup}: {store.url}, {args.users} users for {args.seconds:g} s; faults: "
                 f"{', '.join(faults) or 'none'}")
            sampler = Sampler(stack)
            sampler.start()
            load = subprocess.Popen([python(), "-m", "bench.soak_load", "--host", stack.url, "--logins",
                                     str(folder / "logins.json"), "--users", str(args.users), "--seconds",
                                     str(args.seconds), "--out", str(folder / "load.json"),
                                     "--started", str(folder / "started")],
                                    stdout=(folder / "locust.log").open("wb"), stderr=subprocess.STDOUT)
            if faults:
                inflict(stack, redis, faults, args.seconds, folder / "started", fault_log, echo)
            if load.wait(timeout=args.seconds + 120) != 0:
                raise RuntimeError("the load failed: " + (folder / "locust.log").read_text()[-3000:])
            recovered = caught_up(stack)
            sampler.done.set()
            sampler.join()
            checked = subprocess.run([python(), "-m", "service.cli", "check"], capture_output=True, text=True,
                                     env={**_environ(), **stack.env, **_embedded_redis(folder / "thads.log")})
    finally:
        if redis is not None:
            redis.stop()
    recorded = json.loads((folder / "load.json").read_text())
    echo(f"[soak] {setup}: load over; checking {len(recorded['acks']):,} acknowledged commands and the "
         "read models against a rebuild")
    verdict = verify(store.url, people["log_head"], recorded["acks"])
    return {"setup": setup, "store": kind, "load": recorded, "faults": fault_log, "lag": sampler.samples,
            "recovered": recovered, "check": checked.stdout.strip().splitlines(),
            "check_status": checked.returncode, "verdict": verdict, "reports": _reports(store)}


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("THADS_")}


def _embedded_redis(log: Path) -> dict[str, str]:
    """The address of the embedded Redis that ``thads run`` started, as its log says."""
    found = re.findall(r"embedded Redis on (\S+)", log.read_text())
    return {"THADS_REDIS_URL": found[-1]} if found else {}


def _reports(store: Store) -> dict[str, int]:
    app = CaseApplication(store.url, default_directory(), create_tables=False)
    try:
        rows = app.db.query("SELECT status, COUNT(*) AS n FROM thads_reports GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=16, help="concurrent staff users (plus one head)")
    parser.add_argument("--scale", type=float, default=0.05, help="the demo's scale for the seeded store")
    parser.add_argument("--setups", default="embedded,scaled")
    parser.add_argument("--faults", default=",".join(FAULTS),
                        help=f"faults of the scaled run, comma-separated, of {', '.join(FAULTS)} (or none)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave BENCHMARKS.md")
    args = parser.parse_args()
    args.faults = [] if args.faults == "none" else args.faults.split(",")
    unknown = set(args.faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {', '.join(sorted(unknown))}")
    started = stamp()
    results = [soak(setup, args, print) for setup in args.setups.split(",")]
    text = soak_report.section(results, args, f"{started} to {stamp()}")
    print(text)
    if not args.no_write:
        soak_report.write(text)
    if not all(soak_report.accepted(r) for r in results):
        raise SystemExit("the soak's acceptance failed (above)")


if __name__ == "__main__":
    main()

"""Staff pages at national scale (issue 4): the case list, a case page and the dashboard,
served by `thads serve` over the national store of the projections benchmark, timed one
request at a time from a logged-in browser session on loopback."""

from __future__ import annotations

import random
import re
import time
from datetime import date
from typing import Any

import requests

from bench.common import WORK, machine, percentile, python, server, stamp, update_section
from bench.projections import SECRET, YEAR, national
from domain.agencies import default_directory
from projections import all_projections
from projections.processes import rebuild_with_progress
from projections.registry import Registry
from projections.runner import Runner
from service.application import CaseApplication

USER, PASSWORD = "bench.head", "bench-password"
REPEAT = 100
BUDGET_S = 60
TARGET_MS = 150


def ready(store: Any, echo: Any) -> list[str]:
    """Read models caught up with the log (rebuilt if another version of the code built them);
    answers a sample of case ids for the case pages."""
    app = CaseApplication(store.url, default_directory(), create_tables=False)
    try:
        registry = Registry(app.db, all_projections())
        registry.create_tables()
        runner = Runner(app, registry)
        outdated = runner.outdated()
        if outdated:
            rebuild_with_progress(runner, outdated, fresh=True)
        echo(f"[web] read models caught up ({runner.catch_up():,} events applied now)")
        summary = registry.active_names("cases")["summary"]
        ids = [r["case_id"] for r in app.db.query(f"SELECT case_id FROM {summary} WHERE case_id LIKE %s"
                                                   " LIMIT 200", ("a%",))]
        return random.Random(1).sample(ids, min(len(ids), REPEAT))
    finally:
        app.close()


def log_in(base: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    answer = http.post(f"{base}/login", data={"username": USER, "password": PASSWORD,
                                              "csrf_token": token.group(1)}, timeout=60)
    answer.raise_for_status()
    assert "/login" not in answer.url, "login failed"
    return http


def timed(http: requests.Session, urls: list[str]) -> dict[str, float]:
    """Each URL once to warm up, then ``REPEAT`` requests in turn over the URLs — or, for a
    page slower than a second, as many as ``BUDGET_S`` seconds allow (at least 10)."""
    for url in urls:
        http.get(url, timeout=120).raise_for_status()
    times: list[float] = []
    began = time.perf_counter()
    for i in range(REPEAT):
        if len(times) >= 10 and time.perf_counter() - began > BUDGET_S:
            break
        t0 = time.perf_counter()
        answer = http.get(urls[i % len(urls)], timeout=120)
        times.append((time.perf_counter() - t0) * 1000)
        answer.raise_for_status()
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "max": max(times),
            "n": len(times)}


def pages(case_ids: list[str]) -> list[tuple[str, list[str]]]:
    directory = default_directory()
    on = date(YEAR, 1, 1)
    province = max(directory.provinces(on), key=lambda p: len(directory.children(p.code))).code
    office = directory.offices(on, province)[0].code
    month = f"{YEAR}-09"
    return [
        ("case list, nation (newest first)", ["/cases"]),
        ("case list, nation, waiting longest first", ["/cases?sort=-days_waiting"]),
        (f"case list, province {province}, waiting longest first",
         [f"/cases?agency={province}&sort=-days_waiting"]),
        (f"case list, office {office}", [f"/cases?agency={office}"]),
        ("case list, nation, search “nguyen van an”", ["/cases?q=nguyen+van+an"]),
        ("case list, nation, overdue, page 5", ["/cases?overdue=true&page=5"]),
        (f"case page ({len(case_ids)} cases in turn)", [f"/cases/{i}" for i in case_ids]),
        ("dashboard, nation", [f"/dashboard?month={month}"]),
        (f"dashboard, province {province}", [f"/dashboard?agency={province}&month={month}"]),
        (f"dashboard, office {office}", [f"/dashboard?agency={office}&month={month}"]),
    ]


def run(stores: list[str], cases: int = 1_000_000, echo: Any = print, **_: Any) -> None:
    results: list[tuple[str, str, dict[str, float]]] = []
    started = stamp()
    for kind in stores:
        store = national(kind, cases, echo)
        case_ids = ready(store, echo)
        env = {"THADS_DATABASE_URL": store.url, "THADS_SECRET_KEY": SECRET, "THADS_VAR_DIR": str(WORK),
               "THADS_LOGIN_LIMIT": "1000 per minute",
               "THADS_SECURE_COOKIES": "false"}  # plain HTTP on loopback: no TLS to carry them
        command = [python(), "-m", "service.cli", "serve", "--workers", "2", "--port", "{port}"]
        with server(command, env, "/api/v1/health") as base:
            http = log_in(base)
            for name, paths in pages(case_ids):
                figures = timed(http, [base + p for p in paths])
                echo(f"[web] {kind}: {name}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms")
                results.append((kind, name, figures))
    write(results, cases, f"{started} to {stamp()}")


def write(results: list[tuple[str, str, dict[str, float]]], cases: int, span: str) -> None:
    lines = ["## Staff pages at national scale (issue 4)", "",
             f"Measured on {machine()} ({span}).", "",
             f"`make bench` (or `.venv/bin/python -m bench.run --only web`): the national store of the "
             f"read-model benchmark ({cases:,} cases, 34 provinces, 355 offices), `thads serve` with 2 "
             f"gunicorn workers; a national head logged in through the login form; each page asked "
             f"{REPEAT} times in turn by one client on loopback (after one warm-up request per URL), "
             "so a time is the server's time plus well under a millisecond of transport. Whole "
             "pages: the queries, the template, the Vietnamese formatting.", "",
             f"A page slower than a second is asked only as often as {BUDGET_S} s allow (at least "
             "10 times; column n).", "",
             "| store | page | n | p50 (ms) | p95 (ms) | max (ms) | p95 < 150 ms |",
             "|---|---|---|---|---|---|---|"]
    for kind, name, f in results:
        lines.append(f"| {kind} | {name} | {int(f['n'])} | {f['p50']:.1f} | {f['p95']:.1f} | "
                     f"{f['max']:.0f} | {'yes' if f['p95'] < TARGET_MS else 'no'} |")
    lines += ["", f"Target: p95 < {TARGET_MS} ms for the case list, a case page and the dashboard."]
    update_section("web", "\n".join(lines))

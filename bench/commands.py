"""Commands per second through the product's HTTP API, against (a) the same commands applied
in-process and (b) a bare Flask load-change-save endpoint on the same store (issue 2)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import (
    WORK,
    LoadResult,
    Store,
    copy_store,
    fresh_store,
    machine,
    median,
    python,
    server,
    stamp,
    update_section,
    wrk,
)
from domain.agencies import default_directory
from service.application import CaseApplication
from service.auth import Tokens

CASES = 2000
CLIENTS = 16
SECRET = "bench-secret"
PASSWORD = "bench-password"


def seed(store: Store) -> list[str]:
    app = CaseApplication(store.url, default_directory())
    app.users.create("chv.bench", PASSWORD, "enforcer", "CC243")
    actor = app.users.get("chv.bench").actor  # type: ignore[union-attr]
    ids = []
    for i in range(CASES):
        written = app.create_case(actor, {
            "agency": "CC243", "received_on": date(2020, 1, 2), "initiation": "ex_officio",
            "judgment": {"court": "TAND TP Vĩnh Yên", "number": f"{i}/2019/HS-ST",
                         "date": date(2019, 12, 1), "kind": "criminal"},
            "creditor": {"name": "Nhà nước", "kind": "state"},
            "debtor": {"name": f"Nguyễn Văn {i}", "kind": "individual"}, "amount_due": 5_000_000})
        app.command(actor, written.case.id, "verify", {"result": "able", "on": date(2020, 1, 3)})
        ids.append(str(written.case.id))
    app.close()
    return ids


def token(store: Store) -> str:
    app = CaseApplication(store.url, default_directory(), create_tables=False)
    try:
        return Tokens(SECRET, 3600, app.users).issue(app.users.get("chv.bench"))  # type: ignore[arg-type]
    finally:
        app.close()


def lua(ids: list[str], path_template: str, headers: dict[str, str]) -> Path:
    script = WORK / "load.lua"
    header_lua = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
    script.write_text(
        "local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n"
        "local n = 0\n"
        "local headers = {" + header_lua + "}\n"
        "local body = '{\"text\": \"bench\"}'\n"
        "request = function()\n"
        "  n = n + 1\n"
        f"  local path = string.gsub('{path_template}', 'ID', ids[(n % #ids) + 1])\n"
        "  return wrk.format('POST', path, headers, body)\n"
        "end\n"
    )
    return script


def over_http(template: Store, ids: list[str], target: str, seconds: int) -> LoadResult:
    store = copy_store(template, f"thads_bench_{target}")
    env = {"THADS_DATABASE_URL": store.url, "THADS_SECRET_KEY": SECRET, "THADS_VAR_DIR": str(WORK)}
    if target == "product":
        command = [python(), "-m", "service.cli", "serve", "--workers", "2", "--port", "{port}"]
        script = lua(ids, "/api/v1/cases/ID/note", {"Content-Type": "application/json",
                                                    "Authorization": f"Bearer {token(store)}"})
        probe = "/api/v1/agencies?level=national"
    else:
        command = [python(), "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", "127.0.0.1:{port}",
                   "bench.bare_app:create()"]
        script = lua(ids, "/bare/ID", {"Content-Type": "application/json"})
        probe = "/ping"
    with server(command, env, probe) as url:
        wrk(url, script, connections=CLIENTS, seconds=2)  # warm-up
        return wrk(url, script, connections=CLIENTS, seconds=seconds)


def in_process(template: Store, ids: list[str], seconds: int) -> LoadResult:
    store = copy_store(template, "thads_bench_inprocess")
    app = CaseApplication(store.url, default_directory(), create_tables=False)
    actor = app.users.get("chv.bench").actor  # type: ignore[union-attr]
    from uuid import UUID

    uuids = [UUID(i) for i in ids]
    latencies: list[float] = []
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        app.command(actor, uuids[n % len(uuids)], "note", {"text": "bench"})
        latencies.append((time.perf_counter() - t0) * 1000)
        n += 1
    elapsed = time.perf_counter() - started
    app.close()
    latencies.sort()
    return LoadResult(n / elapsed, latencies[len(latencies) // 2],
                      latencies[int(len(latencies) * 0.99)], 0, n)


def run(stores: list[str], rounds: int = 3, seconds: int = 10, echo: Any = print,
        **_: Any) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for kind in stores:
        echo(f"[commands] seeding {CASES} cases on {kind}…")
        template = fresh_store(kind, "thads_bench_template")
        ids = seed(template)
        runs: dict[str, list[LoadResult]] = {"product": [], "bare": [], "in_process": []}
        for r in range(rounds):
            order = ["product", "bare"] if r % 2 == 0 else ["bare", "product"]
            for target in order:
                result = over_http(template, ids, target, seconds)
                runs[target].append(result)
                echo(f"[commands] {kind} round {r + 1} {target}: {result.requests_per_s:.0f}/s "
                     f"p50 {result.p50_ms:.1f} ms p99 {result.p99_ms:.1f} ms errors {result.errors}")
            result = in_process(template, ids, seconds)
            runs["in_process"].append(result)
            echo(f"[commands] {kind} round {r + 1} in-process: {result.requests_per_s:.0f}/s")
        results[kind] = runs
    write(results, rounds, seconds)
    return results


def write(results: dict[str, Any], rounds: int, seconds: int) -> None:
    lines = [
        "## Commands per second (issue 2)",
        "",
        f"Measured {stamp()} on {machine()}.",
        "",
        "`make bench` (or `.venv/bin/python -m bench.run --only commands`): "
        f"{CASES} cases seeded, each run on a",
        f"fresh copy of that store; `note` commands round-robin over the cases; {CLIENTS} connections from",
        f"`wrk -t1 -c{CLIENTS}` on loopback against gunicorn with 2 sync workers; {rounds} rounds of",
        f"{seconds} s, product and bare alternating; medians of the rounds.",
        "",
        "| store | product API (req/s) | p50 / p99 (ms) | (b) bare load-change-save (req/s) | p50 / p99 (ms) "
        "| product / bare | (a) in-process, 1 thread (cmd/s) | product / (a) | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, runs in results.items():
        product, bare, inproc = runs["product"], runs["bare"], runs["in_process"]
        p_rps = median([r.requests_per_s for r in product])
        b_rps = median([r.requests_per_s for r in bare])
        a_rps = median([r.requests_per_s for r in inproc])
        lines.append(
            f"| {kind} | {p_rps:.0f} | {median([r.p50_ms for r in product]):.1f} / "
            f"{median([r.p99_ms for r in product]):.1f} | {b_rps:.0f} | "
            f"{median([r.p50_ms for r in bare]):.1f} / {median([r.p99_ms for r in bare]):.1f} | "
            f"{p_rps / b_rps:.0%} | {a_rps:.0f} | {p_rps / a_rps:.0%} | "
            f"{sum(r.errors for r in product + bare)} |"
        )
    lines += ["", "Targets: product ≥ 60% of (b), p99 < 50 ms."]
    update_section("commands", "\n".join(lines))

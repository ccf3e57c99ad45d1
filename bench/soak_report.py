"""The soak's figures as a BENCHMARKS.md section, and whether each run met the acceptance."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from bench.common import machine, percentile, update_section


def server_error_kind(error: dict[str, Any]) -> str:
    """``connection`` (no answer), ``trace`` (a 5xx body that shows a stack trace), ``json
    <code>`` (a 5xx with the API's JSON error) or ``other`` (any other 5xx body)."""
    if error["status"] == 0:
        return "connection"
    body = error["body"]
    if "Traceback" in body or 'File "' in body:
        return "trace"
    try:
        return f"json {json.loads(body)['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return "other"


def accepted(result: dict[str, Any]) -> bool:
    verdict = result["verdict"]
    traces = [e for e in result["load"]["server_errors"] if server_error_kind(e) in ("trace", "other")]
    return not verdict.missing and not verdict.differs and not traces and result["recovered"] is not None


def figures(result: dict[str, Any]) -> dict[str, Any]:
    load = result["load"]
    rows = load["requests"]
    answered = [r for r in rows if r[3] != 0]

    def times(kind: str) -> list[float]:
        return [r[4] for r in answered if r[1] == kind] or [0.0]

    reads, commands = times("read"), times("command")
    lags = [max(s["lags"].values(), default=0) or 0 for s in result["lag"] if s["lags"]]
    return {"requests": len(rows), "per_s": len(rows) / load["seconds"], "seconds": load["seconds"],
            "reads": len([r for r in rows if r[1] == "read"]),
            "commands": len([r for r in rows if r[1] == "command"]),
            "read_p50": percentile(reads, 0.5), "read_p99": percentile(reads, 0.99),
            "command_p50": percentile(commands, 0.5), "command_p99": percentile(commands, 0.99),
            "all_p50": percentile([r[4] for r in answered] or [0.0], 0.5),
            "all_p99": percentile([r[4] for r in answered] or [0.0], 0.99),
            "statuses": Counter(r[3] for r in rows),
            "errors": Counter(server_error_kind(e) for e in load["server_errors"]),
            "max_lag": max(lags, default=0), "mean_lag": sum(lags) / len(lags) if lags else 0}


def windows(result: dict[str, Any]) -> list[tuple[str, float, Counter[str]]]:
    """What clients saw after each fault (until the next one): errors by kind, and every
    status other than 2xx, 401 and 404."""
    load, faults = result["load"], result["faults"]
    began = load["began"]
    marks = [("before any fault", 0.0)] + [(f["what"], f["wall"] - began) for f in faults]
    seen: list[tuple[str, float, Counter[str]]] = [(what, at, Counter()) for what, at in marks]

    def window(at: float) -> Counter[str]:
        return [c for what, start, c in seen if start <= at][-1]

    for error in load["server_errors"]:
        window(error["at"])[f"{error['status'] or 'no answer'} {server_error_kind(error)}"] += 1
    for at, _kind, _name, status, _ms in load["requests"]:
        if 400 <= status < 500 and status not in (401, 404):
            window(at)[f"{status}"] += 1
    return seen


def section(results: list[dict[str, Any]], args: argparse.Namespace, span: str) -> str:
    lines = ["## Soak: 70% reads, 30% commands, with faults (issue 7)", "",
             f"Measured on {machine()}, {servers()} ({span}); the machine was shared with other "
             "sessions' work (benchmark stores being generated, test suites), so compare the two "
             "set-ups only with each other.", "",
             f"`make soak` (`.venv/bin/python -m bench.soak --seconds {args.seconds:g}`): each set-up on a "
             f"fresh copy of the demo store (scale {args.scale:g}); {args.users} locust users (each a demo "
             "enforcer of their own office, no pause between requests) plus one head asking for the "
             "province's statistics report every 4 s, on loopback. Reads: the office's case list, a "
             "case, the list at the user's last write (`min_position`), `/stats`, `/bottlenecks`; "
             "commands: create a case, note and verify the user's cases. Embedded: `thads run` (SQLite, "
             "embedded Redis, 2 gunicorn workers, 1 report worker, the runner). Scaled: `thads run "
             "--report-workers 2` on PostgreSQL and a Redis of the soak's own, as `make run-scaled`, "
             "with these faults during the load: " + _fault_list(results), "",
             "| set-up | requests | req/s | reads p50 / p99 (ms) | commands p50 / p99 (ms) | all p50 / p99 "
             "(ms) | no answer | 5xx (JSON) | 5xx stack traces | max lag (events) | caught up after |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        f = figures(result)
        json_5xx = sum(n for k, n in f["errors"].items() if k.startswith("json"))
        traces = f["errors"]["trace"] + f["errors"]["other"]
        recovered = "never" if result["recovered"] is None else f"{result['recovered']:.1f} s"
        lines.append(f"| {result['setup']} ({result['store']}) | {f['requests']:,} | {f['per_s']:.0f} | "
                     f"{f['read_p50']:.0f} / {f['read_p99']:.0f} | {f['command_p50']:.0f} / "
                     f"{f['command_p99']:.0f} | {f['all_p50']:.0f} / {f['all_p99']:.0f} | "
                     f"{f['errors']['connection']} | {json_5xx} | {traces} | {f['max_lag']:,} | "
                     f"{recovered} |")
    lines += ["", "Requests are counted from the start of the load to its end; \"no answer\": the "
              "connection closed without one (a killed web worker). p50 / p99 are of answered requests, "
              "5xx included.", "",
              "Acceptance, checked on the store after the run. \"Events written\" beyond the 2xx "
              "commands are commands whose answer never reached the client (cut by a fault, or in flight "
              "when the load stopped): stored, but never acknowledged.", "",
              "| set-up | 2xx commands | their event in the store | events written | read models equal a "
              "rebuild | reports (final status) | `thads check` |", "|---|---|---|---|---|---|---|"]
    for result in results:
        v = result["verdict"]
        same = "all 4" if not v.differs else "NOT " + ", ".join(v.differs)
        reports = ", ".join(f"{n} {s}" for s, n in sorted(result["reports"].items())) or "none"
        lines.append(f"| {result['setup']} | {v.acks:,} | {v.acks - len(v.missing):,} "
                     f"({len(v.missing)} missing) | {v.events:,} | {same} | {reports} | "
                     f"{'healthy' if result['check_status'] == 0 else 'UNHEALTHY'} |")
    for result in results:
        if result["faults"]:
            lines += ["", f"What clients saw during the {result['setup']} run, from each fault to the next "
                      "(statuses other than 2xx, 401, 404; \"no answer\": the connection closed):", "",
                      "| from (s) | fault | seen |", "|---|---|---|"]
            for what, at, seen in windows(result):
                text = ", ".join(f"{n} × {k}" for k, n in seen.most_common()) or "nothing"
                lines.append(f"| {at:.1f} | {what} | {text} |")
    return "\n".join(lines)


def _fault_list(results: list[dict[str, Any]]) -> str:
    faults = [f for r in results for f in r["faults"]]
    return "; ".join(f"{f['what']} at {f['at']:.0f} s" for f in faults) + "." if faults else "none."


def servers() -> str:
    """PostgreSQL's, Redis's and locust's versions."""
    import subprocess
    from importlib.metadata import version

    import psycopg

    from bench.common import PG_ADMIN

    with psycopg.connect(PG_ADMIN) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0].split()[0]  # type: ignore[index]
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()
    found = next((w.removeprefix("v=") for w in redis if w.startswith("v=")), "?")
    return f"PostgreSQL {postgres}, Redis {found}, locust {version('locust')}"


def write(text: str) -> None:
    update_section("soak", text)

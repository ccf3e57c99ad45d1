"""The audit chain at national scale (issue 5): `thads audit verify` over the national store
of the read-model benchmark, recomputing both SHA-256 chains from every stored event."""

from __future__ import annotations

import time
from typing import Any

import click

from bench.common import machine, stamp, update_section
from bench.projections import national
from domain.agencies import default_directory
from service.application import CaseApplication
from service.audit.verify import migrate, verify

TARGET_S = 120


def run(stores: list[str], cases: int = 1_000_000, echo: Any = print, **_: Any) -> None:
    rows = []
    started = stamp()
    for kind in stores:
        store = national(kind, cases, echo)
        app = CaseApplication(store.url, default_directory())
        try:
            head = int(app.log_head())
            with click.progressbar(length=head, label=f"Chaining the {kind} store (once)") as bar:
                migrate(app, progress=bar.update)  # a store generated before the chain existed
            t0 = time.perf_counter()
            with click.progressbar(length=head, label=f"Verifying the {kind} store") as bar:
                verdict = verify(app, progress=bar.update)
            seconds = time.perf_counter() - t0
        finally:
            app.close()
        assert verdict.ok, str(verdict.problem)
        echo(f"[audit] {kind}: verified {verdict.events:,} events in {seconds:.1f} s")
        rows.append((kind, verdict.events, seconds))
    lines = ["## Audit chain verification (issue 5)", "",
             f"Measured on {machine()} ({started} to {stamp()}).", "",
             "`make bench` (or `.venv/bin/python -m bench.run --only audit`): `service.audit.verify.verify`, "
             "as `thads audit verify` runs it, over the national store of the read-model benchmark "
             f"({cases:,} cases): every stored event read in log order with its chain entry, both SHA-256 "
             "chains (per case and over the log) recomputed and compared, then the head.", "",
             "| store | events | seconds | events/s | seconds per million events | < 120 s per million |",
             "|---|---|---|---|---|---|"]
    for kind, events, seconds in rows:
        per_million = seconds * 1_000_000 / events
        lines.append(f"| {kind} | {events:,} | {seconds:.1f} | {events / seconds:,.0f} | {per_million:.1f} | "
                     f"{'yes' if per_million < TARGET_S else 'no'} |")
    lines += ["", f"Target: verifying 1 million events takes < {TARGET_S} s."]
    update_section("audit", "\n".join(lines))

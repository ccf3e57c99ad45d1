"""The national statistics report (issue 6): the file a report worker writes for the nation
(34 provinces, 355 offices, a million cases), timed as the worker makes it (``workers.render``
on the read models of the read-model benchmark's national store), in each format."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import machine, stamp, update_section
from bench.projections import YEAR, national
from domain.agencies import default_directory
from service.config import Config
from service.services import Services
from workers.render import ReportRequest, render

TARGET_S = 30
FORMATS = ("xlsx", "csv", "html", "pdf")
THROUGH = f"{YEAR}-09"


def timed(services: Services, request: ReportRequest, rounds: int) -> tuple[list[float], int, int]:
    """Seconds of each round, the file's size and the log position it was computed at."""
    times, size, position = [], 0, 0
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / f"report.{request.format}"
        for _ in range(rounds):
            started = time.perf_counter()
            position = render(services, request, out, lambda _: None)
            times.append(time.perf_counter() - started)
            size = out.stat().st_size
    return times, size, position


def run(stores: list[str], cases: int = 1_000_000, echo: Any = print, rounds: int = 3, **_: Any) -> None:
    rows = []
    started = stamp()
    for kind in stores:
        store = national(kind, cases, echo)
        services = Services.build(Config({"THADS_DATABASE_URL": store.url, "THADS_CREATE_TABLES": "n",
                                          "THADS_SECRET_KEY": "bench"}), default_directory())
        try:
            if not services.read_models.positions().get("statistics"):
                raise SystemExit(f"the {kind} store's statistics are not built: run the projections "
                                 "benchmark first (`python -m bench.run --only projections`)")
            for agency in ("VN", "T38"):
                for fmt in FORMATS:
                    request = ReportRequest("statistics", fmt, agency, YEAR, THROUGH)
                    times, size, position = timed(services, request, rounds)
                    echo(f"[reports] {kind} {agency} {fmt}: median {statistics.median(times):.2f} s "
                         f"over {rounds} ({size:,} bytes)")
                    rows.append((kind, agency, fmt, times, size, position))
        finally:
            services.close()
    lines = ["## The national statistics report (issue 6)", "",
             f"Measured on {machine()} ({started} to {stamp()}).", "",
             "`make bench` (or `.venv/bin/python -m bench.run --only reports`, after the projections "
             "benchmark has built the read models): the statistics report of statistical year "
             f"{YEAR} through {THROUGH} as a report worker writes it (`workers.render.render`: the "
             "sums of every agency under the one asked for, read from the statistics read model, "
             "laid out as the official form and written), over the national store of the read-model "
             f"benchmark ({cases:,} cases; the nation's report has a row for each of the 34 provinces "
             f"and 355 offices, the province's for its offices); {rounds} rounds each.", "",
             "| store | agency | format | median (s) | max (s) | bytes | log position | < 30 s |",
             "|---|---|---|---|---|---|---|---|"]
    for kind, agency, fmt, times, size, position in rows:
        median = statistics.median(times)
        lines.append(f"| {kind} | {agency} | {fmt} | {median:.2f} | {max(times):.2f} | {size:,} | "
                     f"{position:,} | {'yes' if max(times) < TARGET_S else 'no'} |")
    lines += ["", f"Target: the national XLSX statistics report in < {TARGET_S} s."]
    update_section("reports", "\n".join(lines))

"""Report renderers (SPEC §7): plain functions that compute a report from the read models and
write the whole file. The queue's jobs (rq) wrap them; nothing here knows of a queue.

``render`` writes to the path it is given (the caller passes a temporary name and renames it
when the call returns) and answers the log position the figures were computed at;
``position_of`` answers the position a report would be computed at if rendered now, so a
stored report of the same ``params()`` at that position can be handed out instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from projections import stats_known
from projections.stats_query import Cut
from service.audit.exports import FORMATS as LOG_FORMATS
from workers.document import Document, Percent, Progress
from workers.request import FORMATS, ReportRequest, check

__all__ = ["FORMATS", "ReportRequest", "check", "content_type", "file_name", "position_of", "render"]


def builders() -> dict[str, Callable[[Any, ReportRequest, Cut | None, Progress], Document]]:
    """The report builders and writers, imported when a report is made: they use the web UI's
    labels and formatting, and the web package imports the report desk, which imports this."""
    from workers import bottleneck_report, rankings_report, statistics_report

    return {"statistics": statistics_report.build, "rankings": rankings_report.build,
            "bottlenecks": bottleneck_report.build}


def writers() -> dict[str, Callable[[Document, Path, Progress], None]]:
    from workers import csv_file, html, pdf, xlsx

    return {"xlsx": xlsx.write, "csv": csv_file.write, "html": html.write, "pdf": pdf.write}

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    **{fmt: f"{kind}; charset=utf-8" for fmt, (kind, _) in LOG_FORMATS.items()},
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "html": "html", "pdf": "pdf",
              **{fmt: extension for fmt, (_, extension) in LOG_FORMATS.items()}}
SLUGS = {"statistics": "thong-ke", "bottlenecks": "vuong-mac", "rankings": "xep-hang",
         "process_mining": "nhat-ky"}
PROJECTIONS = {"statistics": "statistics", "rankings": "statistics", "bottlenecks": "bottlenecks"}
"""The read model each kind is computed from (process mining reads the log itself)."""


def position_of(services: Any, request: ReportRequest) -> int:
    """The log position ``request`` would be computed at if rendered now: the read model's
    for live figures, the end of the prefix of the log recorded by ``as_known_at``, the log
    head for the event log."""
    if request.as_known_at is not None:
        return stats_known.position_at(services.cases, request.as_known_at)
    if request.kind == "process_mining":
        return int(services.cases.log_head())
    return int(services.read_models.positions().get(PROJECTIONS[request.kind], 0))


def render(services: Any, request: ReportRequest, out: Path, progress: Callable[[int], None]) -> int:
    """Write the report of ``request`` to ``out``, telling ``progress`` the percent done;
    answers the log position its figures were computed at. Raises InvalidValue (or
    UnknownAgency) naming the field of a bad request, before any work."""
    check(services.directory, request)
    percent = Percent(progress)
    percent(0)
    if request.kind == "process_mining":
        from workers import process_mining

        position = process_mining.write(services, request, out, percent.step(0, 100))
    else:
        cut = None
        if request.as_known_at is not None:
            cut = stats_known.known_cut(services.cases, services.directory, services.read_models,
                                        request.as_known_at)
        percent(5)
        document = builders()[request.kind](services, request, cut, percent.step(5, 40))
        writers()[request.format](document, out, percent.step(40, 100))
        position = document.position
    percent(100)
    return position


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[fmt]


def file_name(request: ReportRequest) -> str:
    """E.g. ``thong-ke-T38-2026-09.xlsx``; as known at a time, that time (UTC) too."""
    known = "" if request.as_known_at is None else \
        "-ghi-nhan-" + request.as_known_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{SLUGS[request.kind]}-{request.agency}-{request.through}{known}.{EXTENSIONS[request.format]}"

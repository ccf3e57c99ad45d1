"""The process-mining report: the event log of an agency's cases (with the agencies below it)
recorded in the period, as XES or OCEL 2.0 — the auditors' export (``service.audit.exports``),
streamed to the report's file. Its position is the log head the export was read at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.audit.exports import LogExport
from service.audit.traces import scope_of
from workers.document import Progress
from workers.request import ReportRequest


def write(services: Any, request: ReportRequest, out: Path, progress: Progress) -> int:
    period = request.period
    export = LogExport(services.cases, scope_of(services.directory, request.agency, period.start, period.end))
    covered = 0

    def read(positions: int) -> None:
        nonlocal covered
        covered += positions
        progress(covered / max(export.high, 1))

    export.save(request.format, out, read)
    progress(1.0)
    return export.head

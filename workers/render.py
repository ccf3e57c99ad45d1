"""PROVISIONAL report renderer: the statistics table as CSV only.

This file stands in for part A of issue 6 (the XLSX/CSV/HTML/PDF/XES/OCEL renderers), which
replaces it whole at merge. It implements exactly the contract the report queue codes
against — ``ReportRequest``, ``FORMATS``, ``check``, ``position_of``, ``render``,
``content_type`` and ``file_name`` — so that the queue, the jobs, the API and the pages can be
built and tested before the real renderers exist. Nothing outside this file may depend on
more than that contract.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import InvalidValue
from projections import stats_known
from projections.stats_query import COLUMNS, Period, statistics

FORMATS: dict[str, tuple[str, ...]] = {"statistics": ("csv",)}
"""The formats each kind of report comes in (provisional: the statistics as CSV only)."""

PROJECTION = "statistics"
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
                 "pdf": "application/pdf", "xes": "application/xml", "ocel": "application/json"}


@dataclass(frozen=True)
class ReportRequest:
    """What a report is of: the kind, the file format, the agency, the statistical year and
    its last month, and optionally the moment the log is taken as known at."""

    kind: str
    format: str
    agency: str
    year: int
    through: str
    as_known_at: datetime | None = None

    def params(self) -> dict[str, Any]:
        """The canonical JSON-able form: with the log position, the key a finished report is
        reused by."""
        known = None if self.as_known_at is None else self.as_known_at.astimezone(UTC).isoformat()
        return {"kind": self.kind, "format": self.format, "agency": self.agency, "year": self.year,
                "through": self.through, "as_known_at": known}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ReportRequest:
        known = params.get("as_known_at")
        return cls(kind=params["kind"], format=params["format"], agency=params["agency"],
                   year=int(params["year"]), through=params["through"],
                   as_known_at=None if known is None else datetime.fromisoformat(known))

    @property
    def period(self) -> Period:
        return Period(self.year, int(self.through[:4]) * 100 + int(self.through[5:7]))


def check(directory: Any, request: ReportRequest) -> None:
    """Raise ``InvalidValue`` naming the field when the request cannot be made."""
    if request.kind not in FORMATS:
        raise InvalidValue(f"kind {request.kind!r} is not one of {', '.join(FORMATS)}", field="kind")
    if request.format not in FORMATS[request.kind]:
        raise InvalidValue(f"a {request.kind} report comes as {', '.join(FORMATS[request.kind])}, "
                           f"not {request.format!r}", field="format")
    if request.agency not in directory:
        raise InvalidValue(f"no agency {request.agency!r}", field="agency")
    through = request.through
    if len(through) != 7 or through[4] != "-" or not (through[:4] + through[5:]).isdigit() \
            or not 1 <= int(through[5:]) <= 12:
        raise InvalidValue(f"through must be a month YYYY-MM, got {through!r}", field="through")
    month, year = int(through[:4]) * 100 + int(through[5:]), request.year
    if not (year - 1) * 100 + 10 <= month <= year * 100 + 9:
        raise InvalidValue(f"through {through} is outside statistical year {year} "
                           f"({year - 1}-10 to {year}-09)", field="through")
    if request.as_known_at is not None and request.as_known_at.tzinfo is None:
        raise InvalidValue("as_known_at needs a time zone", field="as_known_at")


def position_of(services: Any, request: ReportRequest) -> int:
    """The log position the report would be computed at now: the statistics read model's,
    or the cut of the log as known at ``as_known_at``."""
    if request.as_known_at is not None:
        return int(stats_known.position_at(services.cases, request.as_known_at))
    return int(services.read_models.positions().get(PROJECTION, 0))


def render(services: Any, request: ReportRequest, out: Path, progress: Callable[[int], None]) -> int:
    """Write the report, complete, to ``out``; answer the log position it was computed at."""
    check(services.directory, request)
    progress(0)
    cut = None
    if request.as_known_at is not None:
        position = position_of(services, request)
        services.read_models.wait_for(position, [PROJECTION])
        cut = stats_known.cut_at(services.cases, services.directory, position)
    answer = statistics(services.cases.db, services.read_models.names(PROJECTION), services.directory,
                        request.agency, request.period, cut)
    with out.open("w", encoding="utf-8", newline="") as file:
        file.write("\ufeff")  # Excel reads UTF-8 with a byte-order mark
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(["agency", "year", "through", "position"])
        writer.writerow([request.agency, request.year, request.through, answer["position"]])
        writer.writerow(["column", "cases", "money"])
        file.flush()
        progress(50)
        for column in (*COLUMNS, "rate"):
            writer.writerow([column, answer["cases"][column], answer["money"][column]])
    progress(100)
    return int(answer["position"])


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[fmt]


def file_name(request: ReportRequest) -> str:
    known = "" if request.as_known_at is None else \
        "_known_" + request.as_known_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{request.kind}_{request.agency}_{request.through}{known}.{request.format}"

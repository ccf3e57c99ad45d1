"""What a report is of: its kind, format, agency, statistical year, last month and, for
statistics as recorded by a past time, that time — and the checks that refuse a bad request
naming the field, before any work is queued."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.agencies import Directory
from domain.errors import InvalidValue
from projections.stats_query import Period, outside_year

FORMATS: dict[str, tuple[str, ...]] = {
    "statistics": ("xlsx", "csv", "html", "pdf"),
    "bottlenecks": ("xlsx", "csv", "html"),
    "rankings": ("xlsx", "csv", "html"),
    "process_mining": ("xes", "ocel"),
}
"""Kind → the formats it is produced in. PDF is the printable statistics table only (the other
tables print from HTML); process mining is the event log, in the two formats its tools read."""
KNOWN_AT_KINDS = ("statistics", "rankings")
"""The kinds that can be computed as recorded by a past time (the statistics read model keeps
its history; the bottleneck read model and the log export read the present)."""
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEARS = (2000, 2100)


@dataclass(frozen=True)
class ReportRequest:
    kind: str  # "statistics" | "bottlenecks" | "rankings" | "process_mining"
    format: str  # "xlsx" | "csv" | "html" | "pdf" | "xes" | "ocel"
    agency: str  # agency code, e.g. "VN", "T38", "CC243"
    year: int  # statistical year (2020 = Oct 2019 – Sep 2020)
    through: str  # "YYYY-MM", the period's last month
    as_known_at: datetime | None = None  # timezone-aware; statistics as recorded by then

    @property
    def period(self) -> Period:
        """The period (call ``check`` first: ``through`` must be a month)."""
        return Period(self.year, int(self.through[:4]) * 100 + int(self.through[5:7]))

    def params(self) -> dict[str, Any]:
        """The request as JSON values, in one canonical form: with the log position, the key
        under which a finished report is found again (``as_known_at`` in UTC)."""
        known = None if self.as_known_at is None else self.as_known_at.astimezone(UTC).isoformat()
        return {"kind": self.kind, "format": self.format, "agency": self.agency, "year": self.year,
                "through": self.through, "as_known_at": known}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ReportRequest:
        """A request from JSON values (``params()``, or a POST body); InvalidValue naming the
        field when one is missing or of the wrong type. ``check`` judges the values."""
        text = {name: _text(params, name) for name in ("kind", "format", "agency", "through")}
        return cls(**text, year=_year(params.get("year")), as_known_at=_moment(params.get("as_known_at")))


def check(directory: Directory, request: ReportRequest) -> None:
    """Raise InvalidValue (UnknownAgency for an unknown code) naming the field that makes the
    request impossible: the kind, a format the kind lacks, the agency, the year, the month,
    or an ``as_known_at`` in the future or for a kind computed only from the present."""
    if request.kind not in FORMATS:
        raise InvalidValue(f"unknown report kind {request.kind!r}; one of {', '.join(FORMATS)}", field="kind")
    if request.format not in FORMATS[request.kind]:
        raise InvalidValue(f"a {request.kind} report is made as {', '.join(FORMATS[request.kind])},"
                           f" not {request.format!r}", field="format")
    agency = directory.get(request.agency)
    if not YEARS[0] <= request.year <= YEARS[1]:
        raise InvalidValue(f"year {request.year} is not a statistical year from {YEARS[0]} to {YEARS[1]}",
                           field="year")
    if not MONTH.match(request.through):
        raise InvalidValue(f"through {request.through!r} must be a month YYYY-MM", field="through")
    period = request.period
    if not period.within_year:
        raise InvalidValue(outside_year(request.through, request.year), field="through")
    if not agency.valid_during(period.start, period.end):
        raise InvalidValue(f"agency {agency.code} did not exist from {period.start} to {period.end}",
                           field="agency")
    known = request.as_known_at
    if known is not None:
        if request.kind not in KNOWN_AT_KINDS:
            raise InvalidValue(f"as_known_at applies to {' and '.join(KNOWN_AT_KINDS)} reports only",
                               field="as_known_at")
        if known.tzinfo is None:
            raise InvalidValue("as_known_at must carry a time zone", field="as_known_at")
        if known > datetime.now(tz=UTC):
            raise InvalidValue(f"as_known_at {known.isoformat()} is in the future", field="as_known_at")


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidValue(f"{name} is required (a string)", field=name)
    return value


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidValue("year is required (a statistical year, e.g. 2020)", field="year")
    try:
        return int(value)
    except ValueError:
        raise InvalidValue(f"year {value!r} is not a number", field="year") from None


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise InvalidValue("as_known_at must be an ISO time with its zone", field="as_known_at")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"as_known_at {value!r} is not an ISO time", field="as_known_at") from None

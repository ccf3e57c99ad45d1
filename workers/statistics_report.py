"""The statistics report (SPEC §4) laid out like the official form: one sheet in cases, one in
money; the agency's own table as the total row, then one row per agency below it — for the
nation each province followed by its offices, for a province its offices.

Every node's sums come from one statement over the statistics read model
(``dash_stats.node_sums``) and become tables with the arithmetic of GET /api/v1/stats
(``stats_query.table``), so the total row is the agency's answer there and each row that of
its agency. An agency's cases of its own (a province department's, an entrusted case sent to
the province) are the agency's sums less its children's: they get a row of their own where
there are any, so that the rows below each total add up to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.agencies import Agency, Directory
from projections.dash_stats import node_sums
from projections.stats_query import SUMS, Cut, Period, Sums, table
from service.web.dash_labels import COLUMN_LABELS
from workers.document import Column, Document, Progress, Row, Sheet
from workers.heading import agency_line, closing_lines, period_line
from workers.request import ReportRequest

TITLE = "BÁO CÁO THỐNG KÊ KẾT QUẢ THI HÀNH ÁN DÂN SỰ"
UNITS = (("cases", "Theo việc", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG VIỆC", "Đơn vị tính: việc"),
         ("money", "Theo tiền", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG TIỀN", "Đơn vị tính: đồng (₫)"))
RESULTS = "Kết quả (trong số có điều kiện)"
FIGURES: tuple[tuple[str, str | None, str, str | None], ...] = (
    # (column, group, number on the form, label when not the column's own name)
    ("total_accepted", "total_accepted", "(1)=(2)+(3)", "Tổng"),
    ("carried_over", "total_accepted", "(2)", None),
    ("newly_accepted", "total_accepted", "(3)", None),
    ("entrusted", None, "(4)", None),
    ("to_execute", "to_execute", "(5)=(1)−(4)", "Tổng"),
    ("without_conditions", "to_execute", "(6)", None),
    ("with_conditions", "to_execute", "(7)=(5)−(6)", None),
    ("completed", RESULTS, "(8)", None),
    ("terminated", RESULTS, "(9)", None),
    ("returned", RESULTS, "(10)", None),
    ("postponed", RESULTS, "(11)", None),
    ("suspended", RESULTS, "(12)", None),
    ("in_progress", RESULTS, "(13)", None),
    ("carried_forward", None, "(14)=(5)−(8)−(9)−(10)", None),
)
"""The §4 columns in the order and grouping of the official form (as the dashboard shows it)."""
LEAD = (Column("no", "STT", "text", width=6), Column("agency", "Mã đơn vị", "text", width=11),
        Column("name", "Đơn vị", "text", width=44))
OWN = "việc do đơn vị trực tiếp thi hành"


def columns() -> tuple[Column, ...]:
    """STT, code, name, the fourteen figures and the rate, with the form's groups and numbers
    (amounts as plain numbers under the sheet's unit, as the dashboard's table shows them)."""
    figures = tuple(
        Column(key, str(label or COLUMN_LABELS[key]), "int",
               group=None if group is None else str(COLUMN_LABELS.get(group, group)), number=number)
        for key, group, number, label in FIGURES)
    rate = Column("rate", "Tỷ lệ hoàn thành (%)", "rate", number="(15)=((8)+(9))/(7)", width=11)
    return (*LEAD, *figures, rate)


@dataclass(frozen=True)
class Line:
    """One row before it is split by unit: its number, agency, name, style, depth and table."""

    no: str
    code: str
    name: str
    style: str
    depth: int
    table: dict[str, dict[str, Any]]

    def row(self, unit: str) -> Row:
        figures = self.table[unit]
        return Row((self.no, self.code, self.name, *(figures[key] for key, *_ in FIGURES), figures["rate"]),
                   self.style, self.depth)


def build(services: Any, request: ReportRequest, cut: Cut | None, progress: Progress) -> Document:
    """The statistics document of ``request``, now or as known at ``cut``."""
    directory: Directory = services.directory
    nodes = [request.agency, *(a.code for a in directory.descendants(request.agency))]
    names = services.read_models.names("statistics")
    position, sums = node_sums(services.cases.db, names, request.period, nodes, cut)
    progress(0.8)
    found = document(directory, request, sums, position)
    progress(1.0)
    return found


def document(directory: Directory, request: ReportRequest, sums: Mapping[str, Sums],
             position: int) -> Document:
    """The document of the sums of the agency and of those below it (``node_sums``)."""
    agency, period = directory.get(request.agency), request.period
    lines = [Line("", agency.code, agency.name, "total", 0, table(sums.get(agency.code))),
             *below(directory, agency, period, sums, depth=1, prefix="")]
    sheets = [Sheet(name, title, columns(), [line.row(unit) for line in lines], unit=caption,
                    numbered=True) for unit, name, title, caption in UNITS]
    return Document(TITLE, [agency_line(agency), period_line(period),
                            *closing_lines(position, request.as_known_at)], sheets, position)


def below(directory: Directory, agency: Agency, period: Period, sums: Mapping[str, Sums], *, depth: int,
          prefix: str) -> list[Line]:
    """The rows under ``agency``: its own cases (when it has any), then each agency below it
    that existed in the period or has figures, followed by the rows under that one."""
    children = directory.children(agency.code)
    shown = [a for a in children
             if a.valid_during(period.start, period.end) or any(sums.get(a.code, {}).values())]
    if not shown:
        return []
    own = remainder(sums.get(agency.code), [sums.get(a.code) for a in children])
    out: list[Line] = []
    numbers = (f"{prefix}{n}" for n in range(1, len(shown) + 2))
    if any(own.values()):
        out.append(Line(next(numbers), "", f"{agency.name} ({OWN})", "", depth, table(own)))
    for child in shown:
        no = next(numbers)
        rows = below(directory, child, period, sums, depth=depth + 1, prefix=f"{no}.")
        style = "group" if rows else ""
        out.append(Line(no, child.code, child.name, style, depth, table(sums.get(child.code))))
        out.extend(rows)
    return out


def remainder(whole: Sums | None, parts: list[Sums | None]) -> Sums:
    """``whole`` less each of ``parts``: every sum is a sum over cases, so what is left is
    the sum over the cases of the agency itself."""
    left = dict(whole or dict.fromkeys(SUMS, 0))
    for part in parts:
        for name, value in (part or {}).items():
            left[name] -= value
    return left

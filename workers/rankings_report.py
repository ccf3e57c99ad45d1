"""The rankings report: the provinces (for the nation), or the offices of a province (for the
province, or for one of its offices, whose row is marked), ranked by completion rate in cases
and in money — the answer of GET /api/v1/rankings (``stats_query.rankings``), in its order."""

from __future__ import annotations

from typing import Any

from domain.agencies import Directory, Level
from projections.stats_query import Cut, peers_below, rankings
from workers.document import Column, Document, Progress, Row, Sheet
from workers.heading import agency_line, closing_lines, period_line
from workers.request import ReportRequest

TITLE = "BẢNG XẾP HẠNG KẾT QUẢ THI HÀNH ÁN DÂN SỰ"
BY_CASES, BY_MONEY = "Về việc", "Về tiền"
COLUMNS = (
    Column("agency", "Mã đơn vị", "text", width=11),
    Column("name", "Đơn vị", "text", width=48),
    Column("rate_cases", "Tỷ lệ hoàn thành (%)", "rate", group=BY_CASES),
    Column("rank_cases", "Xếp hạng", "int", group=BY_CASES, width=10),
    Column("rate_money", "Tỷ lệ hoàn thành (%)", "rate", group=BY_MONEY),
    Column("rank_money", "Xếp hạng", "int", group=BY_MONEY, width=10),
)


def peers(directory: Directory, agency: str, request: ReportRequest) -> tuple[str, list[str]]:
    """What is ranked and the codes: the agencies just below ``agency``, or for an office
    the offices of its province."""
    found = directory.get(agency)
    if found.level == Level.OFFICE and found.parent is not None:
        found = directory.get(found.parent)
    codes = peers_below(directory, found.code, request.period.end)
    if found.level == Level.NATIONAL:
        return "Các tỉnh, thành phố", codes
    return f"Các đơn vị thuộc {found.name}", codes


def build(services: Any, request: ReportRequest, cut: Cut | None, progress: Progress) -> Document:
    directory: Directory = services.directory
    agency = directory.get(request.agency)
    what, codes = peers(directory, agency.code, request)
    position, items = rankings(services.cases.db, services.read_models.names("statistics"), directory, codes,
                               request.period, cut)
    progress(1.0)
    rows = [Row((i["agency"], i["name"], i["rate"]["cases"], i["rank"]["cases"], i["rate"]["money"],
                 i["rank"]["money"]), "mark" if i["agency"] == agency.code else "") for i in items]
    title = f"{what} ({len(codes)}), xếp theo tỷ lệ hoàn thành về việc"
    return Document(TITLE, [agency_line(agency), period_line(request.period),
                            *closing_lines(position, request.as_known_at)],
                    [Sheet("Xếp hạng", title, COLUMNS, rows)], position, orientation="portrait")

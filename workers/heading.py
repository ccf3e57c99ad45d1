"""The lines every report opens with, in Vietnamese as on official forms: the agency, the
period, the log position the figures were computed at, when the file was made and, for
statistics as recorded by a past time, that time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.agencies import Agency
from projections.dash_stats import period_months
from projections.stats_query import Period
from service.web.formatting import day, moment


def agency_line(agency: Agency) -> tuple[str, str]:
    return ("Đơn vị", f"{agency.name} ({agency.code})")


def period_line(period: Period) -> tuple[str, str]:
    months = len(period_months(period))
    return ("Kỳ báo cáo", f"từ {day(period.start)} đến {day(period.end)}"
                          f" (năm thống kê {period.year}, {months} tháng)")


def as_of_line(as_of: date) -> tuple[str, str]:
    return ("Tính đến ngày", day(as_of))


def closing_lines(position: int, as_known_at: datetime | None) -> list[tuple[str, str]]:
    """Where in the log the figures stand, as recorded by when, and when the file was made."""
    lines = [("Số liệu tại vị trí nhật ký", str(position))]
    if as_known_at is not None:
        lines.append(("Theo số liệu đã ghi nhận đến", moment(as_known_at, seconds=True)))
    lines.append(("Lập lúc", moment(datetime.now(tz=UTC), seconds=True)))
    return lines

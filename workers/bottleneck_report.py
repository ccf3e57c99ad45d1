"""The bottleneck report (SPEC §5) of an agency as of the end of the period (today while the
period runs): what GET /api/v1/bottlenecks answers for each kind, computed by the same
functions (``bottleneck_query.Reports``, ``bottleneck_lists.case_list``) — the summary, the
clocks, the time spent in each stage, every case of each named list and of the overdue and
soon-due lists (the whole list, longest waiting first), and the enforcers."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import clock
from domain.time_limits import CLOCKS
from projections.bottleneck_lists import CLOCK_LISTS, NAMED_LISTS, case_list
from projections.bottleneck_query import AGING, OPEN_STAGES, Reports, scope_of
from projections.stats_query import Cut
from service.web.dash_csv import columns as list_columns
from service.web.dash_labels import (
    AGING_LABELS,
    CLOCK_LABELS,
    DAYS_LABELS,
    ENFORCER_LABELS,
    ITEM_LABELS,
    LIST_LABELS,
)
from service.web.formatting import label
from workers.document import Column, Document, Progress, Row, Sheet
from workers.heading import agency_line, as_of_line, closing_lines, period_line
from workers.request import ReportRequest

TITLE = "BÁO CÁO VƯỚNG MẮC VÀ THỜI HẠN THI HÀNH ÁN"
PROJECTION = "bottlenecks"
EVERY = 10**9
"""A page size no list reaches: each list is read whole, in one statement."""
SHEET_NAMES = {"sold_not_delivered": "Đã bán chưa giao", "able_not_seized": "Có điều kiện chưa kê biên",
               "large_unfinished": "Việc lớn chưa xong", "difficult": "Việc khó thi hành",
               "overdue": "Quá hạn", "due_soon": "Sắp đến hạn"}
ITEM_KINDS = {"amount_due": "money", "outstanding": "money", "received_on": "date", "since": "date",
              "due_on": "date", "days": "int", "assets": "int", "clocks": "int"}
ITEM_SHOWN = {"state": lambda v: label(v, "state"), "creditor_kind": lambda v: label(v, "party_kind"),
              "clock": lambda v: str(CLOCK_LABELS.get(v, v))}
SUMMARY = (Column("group", "Nhóm", "text", width=28), Column("name", "Chỉ tiêu", "text", width=56),
           Column("count", "Số việc", "int"))
CLOCK_COLUMNS = (Column("name", "Thời hạn", "text", width=40),
                 Column("open", "Việc có thời hạn đang mở"), Column("overdue", "Đã quá hạn"),
                 Column("due_soon", "Đến hạn trong 7 ngày"),
                 Column("satisfied_late", "Hoàn thành trễ hạn (12 tháng qua)"))
STAGE_TIMES = (("count", "Số việc", "int"), ("median", "Trung vị (ngày)", "decimal"),
               ("p90", "90% (ngày)", "decimal"), ("max", "Dài nhất (ngày)", "int"))
DWELL_GROUPS = (("finished", "Đã qua giai đoạn"), ("open", "Đang ở giai đoạn"))
WIDE = {"debtor": 32, "creditor": 32, "case_id": 38}
ENFORCER_KINDS = {"average_days": "decimal", "collected": "money", "agency": "text", "enforcer": "text"}


def as_of(request: ReportRequest) -> date:
    """The period's last day, or today while the period runs."""
    return min(request.period.end, clock.today())


def build(services: Any, request: ReportRequest, cut: Cut | None, progress: Progress) -> Document:
    directory = services.directory
    agency = directory.get(request.agency)
    scope = scope_of(directory, agency.code, as_of(request))
    reports = Reports(services.cases.db, services.read_models.names(PROJECTION), scope)
    summary = reports.summary()
    progress(0.1)
    sheets = [summary_sheet(summary), clocks_sheet(summary["clocks"]), dwell_sheet(reports.dwell())]
    progress(0.2)
    for i, kind in enumerate((*NAMED_LISTS, *CLOCK_LISTS)):
        items, _ = case_list(services.cases.db, reports.names, scope, kind, page=1, per_page=EVERY)
        sheets.append(list_sheet(kind, items))
        progress(0.2 + 0.1 * (i + 1))
    sheets.append(enforcers_sheet(reports.enforcers()))
    position = int(services.read_models.positions().get(PROJECTION, 0))
    progress(1.0)
    return Document(TITLE, [agency_line(agency), period_line(request.period), as_of_line(scope.as_of),
                            *closing_lines(position, None)], sheets, position)


def summary_sheet(summary: dict[str, Any]) -> Sheet:
    rows = [Row(("", "Việc đang thi hành", summary["open_cases"]), "total")]
    rows += [Row(("Theo giai đoạn đã đạt", label(stage, "stage"), summary["stages"][stage]))
             for stage in OPEN_STAGES]
    rows += [Row(("Theo thời gian kể từ ngày thụ lý", str(AGING_LABELS[bucket]), summary["aging"][bucket]))
             for bucket, _ in AGING]
    rows += [Row(("Danh sách vướng mắc", str(LIST_LABELS[name]), summary["lists"][name]))
             for name in NAMED_LISTS]
    return Sheet("Tổng hợp", "VIỆC ĐANG THI HÀNH", SUMMARY, rows, unit="Đơn vị tính: việc")


def clocks_sheet(clocks: dict[str, dict[str, int]]) -> Sheet:
    rows = [Row((str(CLOCK_LABELS[name]), *(clocks[name][c.key] for c in CLOCK_COLUMNS[1:])))
            for name in CLOCKS]
    return Sheet("Thời hạn", "THỜI HẠN THEO LUẬT THI HÀNH ÁN DÂN SỰ", CLOCK_COLUMNS, rows,
                 unit="Đơn vị tính: việc")


def dwell_sheet(dwell: dict[str, dict[str, dict[str, Any]]]) -> Sheet:
    columns = [Column("name", "Giai đoạn", "text", width=24)]
    columns += [Column(f"{part}_{key}", text, kind, group=group) for part, group in DWELL_GROUPS
                for key, text, kind in STAGE_TIMES]
    rows = [Row((label(stage, "stage"), *(dwell[stage][part][key] for part, _ in DWELL_GROUPS
                                         for key, *_ in STAGE_TIMES))) for stage in OPEN_STAGES]
    return Sheet("Thời gian từng giai đoạn", "THỜI GIAN Ở TỪNG GIAI ĐOẠN", columns, rows)


def list_sheet(kind: str, items: list[dict[str, Any]]) -> Sheet:
    keys = (*list_columns(kind), "case_id")
    names = {**ITEM_LABELS, "days": DAYS_LABELS.get(kind, ITEM_LABELS["days"])}
    columns = [Column(key, str(names[key]), ITEM_KINDS.get(key, "text"), width=WIDE.get(key, 14))
               for key in keys]
    rows = [Row(tuple(ITEM_SHOWN[key](item[key]) if key in ITEM_SHOWN else item.get(key) for key in keys))
            for item in items]
    return Sheet(SHEET_NAMES[kind], str(LIST_LABELS[kind]).upper(), columns, rows)


def enforcers_sheet(people: list[dict[str, Any]]) -> Sheet:
    columns = [Column(key, str(text), ENFORCER_KINDS.get(key, "int"), width=16)
               for key, text in ENFORCER_LABELS.items()]
    rows = [Row(tuple(person[c.key] for c in columns)) for person in people]
    return Sheet("Chấp hành viên", "KẾT QUẢ THEO CHẤP HÀNH VIÊN", columns, rows)

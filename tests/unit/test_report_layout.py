"""The report files' layout without a store: the statistics document built from sums (rows
per province and office, the department's own row, numbering), the XLSX written from it
(merged heading cells, number formats, panes, printing), the CSV and PDF writers, the request's
canonical form and its refusals, names and content types."""

from __future__ import annotations

import csv
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from domain.agencies import Directory, default_directory
from domain.errors import CaseError
from projections.stats_query import SUMS, Sums
from workers import csv_file, pdf, xlsx
from workers.document import Column, Document, Percent, Row, Sheet
from workers.render import FORMATS, ReportRequest, check, content_type, file_name
from workers.statistics_report import document

DIRECTORY = default_directory()
PERIOD: dict[str, Any] = {"year": 2020, "through": "2020-03"}


def sums(received: int, completed: int = 0, money: int = 100) -> Sums:
    """Sums of ``received`` cases of ``money`` VND each in the period, ``completed`` of them done."""
    found = dict.fromkeys(SUMS, 0)
    found.update(n_received=received, m_received=received * money, n_completed=completed,
                 m_collected=completed * money, n_progress=received - completed,
                 m_progress=(received - completed) * money)
    return found


def added(*parts: Sums) -> Sums:
    return {name: sum(p[name] for p in parts) for name in SUMS}


def national(directory: Directory = DIRECTORY) -> Document:
    """Two cases in Vĩnh Yên (one done), one in Phúc Yên, one in Vĩnh Phúc's department itself
    and one in Hà Nội's."""
    offices = {"CC243": sums(2, 1), "CC244": sums(1)}
    c26 = added(*offices.values(), sums(1))
    c01 = sums(1, 1)
    found = {**offices, "C26": c26, "C01": c01, "VN": added(c26, c01)}
    return document(directory, ReportRequest("statistics", "xlsx", "VN", **PERIOD), found, 42)


# ------------------------------------------------------------------ the statistics document


def test_the_nation_has_a_row_per_province_then_its_offices_and_the_departments_own_cases() -> None:
    cases = national().sheets[0]
    total, *rows = cases.rows
    assert total.style == "total" and total.values[:3] == ("", "VN", "Cục Quản lý thi hành án dân sự")
    assert total.values[3] == 5 and total.values[-1] == 40.0  # 2 of 5 completed
    provinces = [r for r in rows if r.indent == 1]
    assert len(provinces) == 63 and provinces[0].values[:2] == ("1", "C01")
    c26 = next(r for r in rows if r.values[1] == "C26")
    assert c26.style == "group" and c26.values[0] == "17"
    under = [r for r in rows if r.values[0].startswith("17.")]
    assert [r.values[1] for r in under] == ["", "CC243", "CC244", "CC246", "CC247", "CC248", "CC249",
                                            "CC251", "CC252", "CC253"]
    assert under[0].values[2].endswith("(việc do đơn vị trực tiếp thi hành)") and under[0].values[3] == 1
    for column in range(3, 17):
        assert sum(r.values[column] for r in under) == c26.values[column]
        assert sum(r.values[column] for r in provinces) == total.values[column]


def test_agencies_that_did_not_exist_in_the_period_are_left_out_unless_they_have_figures() -> None:
    provinces = [r.values[1] for r in national().sheets[0].rows if r.indent == 1]
    assert not [code for code in provinces if code.startswith("T")]  # the provinces of 2025 on
    request = ReportRequest("statistics", "xlsx", "VN", 2026, "2026-03")
    later = document(DIRECTORY, request, {"VN": sums(3), "C26": sums(3), "CC243": sums(3)}, 7)
    codes = [r.values[1] for r in later.sheets[0].rows]
    assert "C26" in codes and "CC243" in codes and "C01" not in codes and "T38" in codes
    assert len([c for c in codes if c.startswith("T") and "-" not in c]) == 34


def test_the_money_sheet_holds_the_amounts_and_the_heading_says_what_the_figures_are() -> None:
    doc = national()
    assert [s.name for s in doc.sheets] == ["Theo việc", "Theo tiền"]
    assert doc.sheets[1].rows[0].values[3] == 500 and doc.sheets[1].unit == "Đơn vị tính: đồng (₫)"
    about = dict(doc.about)
    assert about["Kỳ báo cáo"] == "từ 01/10/2019 đến 31/03/2020 (năm thống kê 2020, 6 tháng)"
    assert about["Số liệu tại vị trí nhật ký"] == "42" and "Lập lúc" in about


# ------------------------------------------------------------------ the XLSX


@pytest.fixture
def workbook(tmp_path: Path) -> Any:
    out = tmp_path / "thong-ke.xlsx"
    seen: list[float] = []
    xlsx.write(national(), out, seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    return load_workbook(out)


def test_the_xlsx_headings_are_merged_as_on_the_official_form(workbook: Any) -> None:
    ws = workbook["Theo việc"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:R1", "A2:R2"} <= merged  # the title and the sheet's title across the table
    top = next(r for r in range(1, 20) if ws.cell(r, 1).value == "STT")
    assert {f"A{top}:A{top + 1}", f"G{top}:G{top + 1}", f"Q{top}:Q{top + 1}", f"R{top}:R{top + 1}"} <= merged
    assert {f"D{top}:F{top}", f"H{top}:J{top}", f"K{top}:P{top}"} <= merged
    assert [ws.cell(top, c).value for c in (4, 7, 8, 11)] == [
        "Tổng số thụ lý", "Ủy thác", "Tổng số phải thi hành", "Kết quả (trong số có điều kiện)"]
    assert [ws.cell(top + 1, c).value for c in (4, 5, 6)] == ["Tổng", "Năm trước chuyển sang", "Thụ lý mới"]
    assert ws.cell(top + 2, 4).value == "(1)=(2)+(3)" and ws.cell(top + 2, 18).value == "(15)=((8)+(9))/(7)"
    assert ws.freeze_panes == f"D{top + 3}" and ws.print_title_rows == f"${top}:${top + 2}"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_the_xlsx_figures_are_numbers_with_vnd_and_percent_formats(workbook: Any) -> None:
    ws = workbook["Theo tiền"]
    first = int(ws.freeze_panes[1:])
    total = [c for c in ws[first]]
    assert total[1].value == "VN" and total[3].value == 500 and total[3].number_format == "#,##0"
    assert total[17].value == pytest.approx(0.4) and total[17].number_format == "0.0%"
    assert total[3].font.b and ws.cell(first + 1, 4).number_format == "#,##0"
    assert ws.cell(first - 4, 1).value == "Đơn vị tính: đồng (₫)"


def test_a_national_sized_table_is_written_in_well_under_a_second_or_two(tmp_path: Path) -> None:
    rows = [Row((str(i), f"T{i}", "Phòng Thi hành án dân sự khu vực", *range(14), 69.0), "", 2)
            for i in range(34 + 355)]
    sheet = Sheet("Theo việc", "KẾT QUẢ", national().sheets[0].columns, rows, unit="việc", numbered=True)
    started = time.perf_counter()
    xlsx.write(Document("T", [("a", "b")], [sheet, sheet], 1), tmp_path / "n.xlsx", lambda _: None)
    assert time.perf_counter() - started < 5


# ------------------------------------------------------------------ CSV and PDF


def test_the_csv_is_utf8_with_a_bom_and_a_heading_per_column(tmp_path: Path) -> None:
    out = tmp_path / "thong-ke.csv"
    csv_file.write(national(), out, lambda _: None)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    heading = next(line for line in lines if line and line[0] == "STT")
    assert heading[3] == "Tổng số thụ lý – Tổng" and heading[-1] == "Tỷ lệ hoàn thành (%)"
    assert lines[lines.index(heading) + 1][:4] == ["", "VN", "Cục Quản lý thi hành án dân sự", "5"]


def test_the_pdf_embeds_a_unicode_font_for_vietnamese(tmp_path: Path) -> None:
    if not pdf.available():
        if os.environ.get("CI"):
            pytest.fail("CI must have DejaVu Sans (fonts-dejavu-core) for the PDF reports")
        pytest.skip("no DejaVu Sans font")
    out = tmp_path / "thong-ke.pdf"
    pdf.write(national(), out, lambda _: None)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"DejaVu" in data


# ------------------------------------------------------------------ requests


def request(**change: Any) -> ReportRequest:
    return ReportRequest(**{"kind": "statistics", "format": "xlsx", "agency": "C26", **PERIOD, **change})


def test_params_are_a_canonical_json_form_and_read_back() -> None:
    asked = request(as_known_at=datetime(2020, 4, 1, 16, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    params = asked.params()
    assert params == {"kind": "statistics", "format": "xlsx", "agency": "C26", "year": 2020,
                      "through": "2020-03", "as_known_at": "2020-04-01T09:30:00+00:00"}
    assert ReportRequest.from_params(params) == asked and ReportRequest.from_params(params).params() == params
    assert request().params()["as_known_at"] is None


@pytest.mark.parametrize(("params", "field"), [
    ({"format": "xlsx", "agency": "C26", "year": 2020, "through": "2020-03"}, "kind"),
    ({"kind": "statistics", "format": "xlsx", "agency": "C26", "year": "twenty", "through": "2020-03"},
     "year"),
    ({"kind": "statistics", "format": "xlsx", "agency": "C26", "year": 2020, "through": 202003}, "through"),
    ({"kind": "statistics", "format": "xlsx", "agency": "C26", "year": 2020, "through": "2020-03",
      "as_known_at": "yesterday"}, "as_known_at"),
])
def test_malformed_params_name_the_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(CaseError) as refused:
        ReportRequest.from_params(params)
    assert refused.value.field == field and field in refused.value.message


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"kind": "payroll"}, "kind", "unknown report kind"),
    ({"kind": "rankings", "format": "pdf"}, "format", "xlsx, csv, html"),
    ({"kind": "process_mining", "format": "xlsx"}, "format", "xes, ocel"),
    ({"agency": "XX99"}, "agency", "XX99"),
    ({"agency": "T38"}, "agency", "did not exist"),
    ({"year": 1999, "through": "1999-03"}, "year", "1999"),
    ({"through": "March"}, "through", "YYYY-MM"),
    ({"through": "2020-10"}, "through", "outside statistical year 2020"),
    ({"as_known_at": datetime.now(tz=UTC) + timedelta(days=1)}, "as_known_at", "future"),
    ({"as_known_at": datetime(2020, 1, 1)}, "as_known_at", "time zone"),
    ({"kind": "bottlenecks", "as_known_at": datetime(2020, 1, 1, tzinfo=UTC)}, "as_known_at", "statistics"),
])
def test_an_impossible_request_is_refused_naming_the_field(change: dict[str, Any], field: str,
                                                            says: str) -> None:
    with pytest.raises(CaseError) as refused:
        check(DIRECTORY, request(**change))
    assert refused.value.field == field and says in refused.value.message


def test_every_kind_and_format_is_checked_valid_and_named() -> None:
    for kind, formats in FORMATS.items():
        for fmt in formats:
            asked = request(kind=kind, format=fmt, agency="VN")
            check(DIRECTORY, asked)
            assert file_name(asked).startswith({"statistics": "thong-ke", "bottlenecks": "vuong-mac",
                                                "rankings": "xep-hang", "process_mining": "nhat-ky"}[kind])
            assert content_type(fmt)
    assert file_name(request(agency="T38", year=2026, through="2026-09")) == "thong-ke-T38-2026-09.xlsx"
    assert file_name(request(format="ocel", kind="process_mining")) == "nhat-ky-C26-2020-03.ocel.json"
    known = request(as_known_at=datetime(2020, 4, 1, 2, 3, 4, tzinfo=UTC))
    assert file_name(known) == "thong-ke-C26-2020-03-ghi-nhan-20200401T020304Z.xlsx"
    assert content_type("xlsx") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_progress_is_told_whole_percents_once_and_never_backwards() -> None:
    told: list[int] = []
    percent = Percent(told.append)
    step = percent.step(40, 100)
    for fraction in (0.0, 0.001, 0.5, 0.4, 0.51, 1.0, 1.0):
        step(fraction)
    assert told == [40, 70, 100]


def test_a_column_group_spans_its_neighbours_only() -> None:
    columns = [Column("a", "A", "text"), Column("b", "B", group="G"), Column("c", "C", group="G"),
               Column("d", "D"), Column("e", "E", group="G")]
    assert Sheet("s", "t", columns, []).spans() == [(None, 0, 0), ("G", 1, 2), (None, 3, 3), ("G", 4, 4)]

"""Report files (workers.render) against the API answers they stand for, on SQLite and
PostgreSQL: the statistics XLSX read back with openpyxl equals GET /stats row by row (now and
as known at a past time), its CSV the XLSX, the rankings and bottleneck files GET /rankings
and GET /bottlenecks, the process-mining files the auditors' export; bad requests are refused
naming the field."""

from __future__ import annotations

import csv
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from domain import clock
from domain.errors import CaseError
from domain.time_limits import CLOCKS
from projections.bottleneck_lists import CLOCK_LISTS, NAMED_LISTS
from projections.bottleneck_query import AGING, OPEN_STAGES
from service.api.stats import statistical_year
from service.web.dash_csv import columns as list_columns
from service.web.dash_labels import CLOCK_LABELS
from service.web.formatting import label, number
from tests.integration.stats_helpers import Books, token_headers
from workers.render import ReportRequest, file_name, position_of, render
from workers.statistics_report import FIGURES

PERIOD: dict[str, Any] = {"year": 2020, "through": "2020-03"}
ORDER = [key for key, *_ in FIGURES]


@pytest.fixture
def books(app: Flask) -> Books:
    return Books(app)


def scenario(books: Books) -> None:
    """Cases in two offices of Vĩnh Phúc, in its department itself and in Hà Nội: carried over,
    completed, unable, entrusted, terminated, a large one and one sold but not delivered."""
    old = books.receive("CC243", "2018-11-02", 200, initiation="ex_officio")
    books.complete(old, 200, "2019-12-01")
    big = books.receive("CC243", "2019-10-02", 700_000_000, kind="business")
    books.collect(big, 1_000_000, "2019-11-01")
    books.do(books.receive("CC243", "2019-10-05", 90), "verify", "2019-10-20", result="unable")
    books.do(books.receive("CC244", "2019-10-03", 300), "entrust", "2020-01-10", to_agency="CC243")
    sold = books.receive("CC244", "2019-10-04", 80_000_000)
    books.do(sold, "verify", "2019-10-10", result="able")
    books.do(sold, "seize", "2019-10-15",
             asset={"description": "Xe", "kind": "vehicle", "estimated_value": 60_000_000})
    books.do(sold, "value", "2019-10-18", asset_id=1, price=50_000_000)
    books.do(sold, "auction", "2019-12-20", asset_id=1, outcome="sold", price=50_000_000)
    books.receive("C26", "2019-11-04", 400)
    books.do(books.receive("C01", "2019-10-06", 60), "terminate", "2020-03-02", reason="dc.50.1.c")


def render_file(app: Flask, tmp_path: Path, kind: str, fmt: str, agency: str,
                **more: Any) -> tuple[Path, int]:
    request = ReportRequest(kind, fmt, agency, **{**PERIOD, **more})
    out = tmp_path / file_name(request)
    seen: list[int] = []
    position = render(app.extensions["thads"], request, out, seen.append)
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(set(seen)), seen
    return out, position


def data_rows(path: Path, sheet: str) -> list[list[Any]]:
    """The rows under the headings (the frozen pane starts there)."""
    ws = load_workbook(path)[sheet]
    first = int(re.sub(r"[A-Z]", "", ws.freeze_panes))
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def figures(row: list[Any]) -> list[Any]:
    """A statistics row's figures as GET /stats gives them (the rate cell holds the fraction)."""
    return [*row[3:17], round(row[17] * 100, 1)]


def expected(answer: dict[str, Any], unit: str) -> list[Any]:
    return [*(answer[unit][c] for c in ORDER), answer[unit]["rate"]]


# ------------------------------------------------------------------ statistics


def test_the_statistics_xlsx_equals_get_stats_for_every_row(app: Flask, books: Books, tmp_path: Path) -> None:
    scenario(books)
    out, position = render_file(app, tmp_path, "statistics", "xlsx", "VN")
    request = ReportRequest("statistics", "xlsx", "VN", **PERIOD)
    assert position == position_of(app.extensions["thads"], request)
    for unit, sheet in (("cases", "Theo việc"), ("money", "Theo tiền")):
        rows = data_rows(out, sheet)
        total, *below = rows
        national = books.stats(agency="VN", **PERIOD)
        assert total[1] == "VN" and figures(total) == expected(national, unit)
        assert national["position"] == position
        coded = {r[1]: r for r in below if r[1]}
        assert len(coded) == 63 + 9  # the provinces of 2020, and Vĩnh Phúc's offices
        for code in ("C01", "C26", "C02", "CC243", "CC244", "CC246"):
            assert figures(coded[code]) == expected(books.stats(agency=code, **PERIOD), unit), (unit, code)
        own = [r for r in below if not r[1]]  # the department's own case, under it
        assert [r[0] for r in own] == ["17.1"] and own[0][2].startswith(coded["C26"][2])
        c26 = below.index(coded["C26"])
        under = [r for r in below[c26 + 1:] if r[0].startswith("17.")]
        for column in range(3, 17):  # the rows under a province add up to it
            assert sum(r[column] for r in under) == coded["C26"][column]
        assert sum(r[3] for r in below if "." not in r[0]) == total[3]  # and the provinces to the nation


def test_the_csv_holds_the_rows_and_columns_of_the_xlsx(app: Flask, books: Books, tmp_path: Path) -> None:
    scenario(books)
    xlsx, _ = render_file(app, tmp_path, "statistics", "xlsx", "C26")
    text, _ = render_file(app, tmp_path, "statistics", "csv", "C26")
    raw = text.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    blocks = sections(text)
    for sheet, block in zip(("Theo việc", "Theo tiền"), blocks[1:], strict=True):
        heading, *rows = block[1:]
        assert heading[:3] == ["STT", "Mã đơn vị", "Đơn vị"] and len(heading) == 18
        assert rows == [[cell_text(v) for v in row[:-1]] + [str(round(float(row[-1]) * 100, 1))]
                        for row in data_rows(xlsx, sheet)]  # the rate cell holds the fraction
    offices = [f"CC{n}" for n in (243, 244, 246, 247, 248, 249, 251, 252, 253)]
    assert [r[1] for r in blocks[1][2:]] == ["C26", "", *offices]  # the department's own case second


def sections(path: Path) -> list[list[list[str]]]:
    """The CSV's blocks, split at blank lines (the heading block first)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        blocks: list[list[list[str]]] = [[]]
        for row in csv.reader(f):
            if row:
                blocks[-1].append(row)
            else:
                blocks.append([])
    return blocks


def cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def test_a_report_as_known_at_a_past_time_equals_get_stats_then(app: Flask, books: Books,
                                                                tmp_path: Path) -> None:
    first = books.receive("CC243", "2019-10-02", 1000)
    books.collect(first, 40, "2019-11-01")
    time.sleep(0.01)
    cut = datetime.now(tz=UTC)
    time.sleep(0.01)
    books.complete(books.receive("CC244", "2019-12-03", 30), 30, "2020-01-20")
    books.do(first, "verify", "2020-01-16", result="unable")
    out, position = render_file(app, tmp_path, "statistics", "xlsx", "C26", as_known_at=cut)
    request = ReportRequest("statistics", "xlsx", "C26", **PERIOD, as_known_at=cut)
    svc = app.extensions["thads"]
    assert position == position_of(svc, request) < svc.cases.log_head()
    for unit, sheet in (("cases", "Theo việc"), ("money", "Theo tiền")):
        rows = {r[1]: r for r in data_rows(out, sheet) if r[1]}
        for code in ("C26", "CC243", "CC244"):
            then = books.stats(agency=code, **PERIOD, as_known_at=cut.isoformat())
            assert then["position"] == position
            assert figures(rows[code]) == expected(then, unit), (unit, code)
        assert rows["CC244"][4] == 0  # its case came after the cut
    ranked, _ = render_file(app, tmp_path, "rankings", "xlsx", "C26", as_known_at=cut)
    then = api_rankings(books, level="office", parent="C26", as_known_at=cut.isoformat())
    assert ranking_rows(ranked) == then


# ------------------------------------------------------------------ rankings and bottlenecks


def ranking_rows(path: Path) -> list[tuple[Any, ...]]:
    return [(r[0], round(r[2] * 100, 1), r[3], round(r[4] * 100, 1), r[5])
            for r in data_rows(path, "Xếp hạng")]


def api_rankings(books: Books, **query: Any) -> list[tuple[Any, ...]]:
    answer = books.get("rankings", **PERIOD, **query).get_json()
    return [(i["agency"], i["rate"]["cases"], i["rank"]["cases"], i["rate"]["money"], i["rank"]["money"])
            for i in answer["items"]]


def test_the_rankings_files_equal_get_rankings(app: Flask, books: Books, tmp_path: Path) -> None:
    scenario(books)
    provinces, _ = render_file(app, tmp_path, "rankings", "xlsx", "VN")
    assert ranking_rows(provinces) == api_rankings(books, level="province")
    offices, _ = render_file(app, tmp_path, "rankings", "xlsx", "CC244")  # an office: its province's offices
    assert ranking_rows(offices) == api_rankings(books, level="office", parent="C26")
    ws = load_workbook(offices)["Xếp hạng"]
    bold = {r[0].value: r[0].font.b for r in ws.iter_rows() if r[0].value in ("CC243", "CC244")}
    assert bold == {"CC244": True, "CC243": False}  # the office asked about is marked


def test_the_bottleneck_file_equals_get_bottlenecks_at_the_end_of_the_period(
        app: Flask, books: Books, tmp_path: Path) -> None:
    scenario(books)
    out, position = render_file(app, tmp_path, "bottlenecks", "xlsx", "C26")

    def api(kind: str, **query: Any) -> dict[str, Any]:
        return dict(books.get("bottlenecks", agency="C26", as_of="2020-03-31", kind=kind, **query).get_json())

    summary = api("summary")
    assert position == summary["position"]
    counts = [r[2] for r in data_rows(out, "Tổng hợp")]
    assert counts == [summary["open_cases"], *(summary["stages"][s] for s in OPEN_STAGES),
                      *(summary["aging"][b] for b, _ in AGING), *(summary["lists"][n] for n in NAMED_LISTS)]
    assert [r[1:] for r in data_rows(out, "Thời hạn")] == [
        [summary["clocks"][c][k] for k in ("open", "overdue", "due_soon", "satisfied_late")] for c in CLOCKS]
    dwell = api("dwell")["dwell"]
    assert [r[1:] for r in data_rows(out, "Thời gian từng giai đoạn")] == [
        [dwell[s][part][k] for part in ("finished", "open") for k in ("count", "median", "p90", "max")]
        for s in OPEN_STAGES]
    sheets = {"sold_not_delivered": "Đã bán chưa giao", "able_not_seized": "Có điều kiện chưa kê biên",
              "large_unfinished": "Việc lớn chưa xong", "difficult": "Việc khó thi hành",
              "overdue": "Quá hạn", "due_soon": "Sắp đến hạn"}
    for kind in (*NAMED_LISTS, *CLOCK_LISTS):
        items = api(kind, per_page=200)["items"]
        rows = data_rows(out, sheets[kind])
        assert [r[-1] for r in rows] == [i["case_id"] for i in items], kind
        keys = list_columns(kind)
        for row, item in zip(rows, items, strict=True):
            for key, value in zip(keys, row, strict=False):
                assert value == shown(key, item[key]), (kind, key)
    assert data_rows(out, "Đã bán chưa giao") and data_rows(out, "Việc lớn chưa xong")
    people = api("enforcers")["enforcers"]
    assert [r[:3] for r in data_rows(out, "Chấp hành viên")] == [
        [p["agency"], p["enforcer"], p["open_cases"]] for p in people]


def shown(key: str, value: Any) -> Any:
    """An item's value as the list sheet shows it (dates read back as datetimes)."""
    if key == "state":
        return label(value, "state")
    if key == "creditor_kind":
        return label(value, "party_kind")
    if key == "clock":
        return str(CLOCK_LABELS[value])
    if key in ("received_on", "since", "due_on"):
        return datetime.fromisoformat(value)
    return value


# ------------------------------------------------------------------ the other formats


def test_html_and_pdf_are_made_from_the_same_rows(app: Flask, books: Books, tmp_path: Path) -> None:
    scenario(books)
    page, _ = render_file(app, tmp_path, "statistics", "html", "C26")
    text = page.read_text(encoding="utf-8")
    assert "Thi hành xong" in text and "Chi cục Thi hành án dân sự thành phố Vĩnh Yên" in text
    accepted = books.stats(agency="C26", **PERIOD)["money"]["newly_accepted"]
    assert f"<td class=\"int\">{number(accepted)}</td>" in text and number(accepted).count(".") >= 2
    assert "@page" in text and "landscape" in text
    from workers import pdf
    if not pdf.available():
        pytest.skip("no DejaVu Sans font (fonts-dejavu-core) for the PDF")
    document, _ = render_file(app, tmp_path, "statistics", "pdf", "C26")
    assert document.read_bytes().startswith(b"%PDF-") and document.stat().st_size > 10_000


def test_the_process_mining_files_are_the_auditors_export(app: Flask, books: Books, tmp_path: Path) -> None:
    scenario(books)
    today = clock.today()
    this = ReportRequest("process_mining", "xes", "VN", statistical_year(today), f"{today:%Y-%m}").period
    auditor = token_headers(app, "kiemtra", "auditor", "VN")
    for fmt in ("xes", "ocel"):
        out, position = render_file(app, tmp_path, "process_mining", fmt, "VN", year=this.year,
                                    through=this.label)
        answer = books.client.get("/api/v1/audit/export", headers=auditor, query_string={
            "format": fmt, "agency": "VN", "from": this.start.isoformat(), "to": this.end.isoformat()})
        assert answer.status_code == 200
        assert out.read_bytes() == answer.get_data() and b"CC244" in answer.get_data()
        assert position == app.extensions["thads"].cases.log_head()


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "payroll"}, "kind"),
    ({"format": "pdf", "kind": "rankings"}, "format"),
    ({"agency": "XX99"}, "agency"),
    ({"through": "2020-10"}, "through"),
    ({"as_known_at": datetime(2999, 1, 1, tzinfo=UTC)}, "as_known_at"),
])
def test_a_bad_request_is_refused_before_any_file(app: Flask, tmp_path: Path, change: dict[str, Any],
                                                  field: str) -> None:
    request = ReportRequest(**{"kind": "statistics", "format": "xlsx", "agency": "C26", **PERIOD, **change})
    out = tmp_path / "never.xlsx"
    with pytest.raises(CaseError) as refused:
        render(app.extensions["thads"], request, out, lambda _: None)
    assert refused.value.field == field
    assert not out.exists()

"""A document as an XLSX workbook, a sheet per sheet, laid out like an official form: the
title and what the figures are of above the table, the headings with their groups in merged
cells over the columns they head (a column without a group spans both heading rows), the
form's column numbers, then the rows; counts and amounts as ``#,##0`` (Excel shows the
separators of the reader's language: 1.234.567 in Vietnamese), rates as ``0.0%``, dates as
dd/mm/yyyy. Printed landscape, one page wide, the headings repeated on every page.

Written in openpyxl's write-only mode: rows stream to the file as they come, so a list of a
hundred thousand cases costs no more memory than a page of it. Merged ranges are declared on
the sheet (``merged_cells``, which the write-only sheet writes out like the normal one)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from workers.document import Column, Document, Progress, Row, Sheet, rows_done

FORMATS = {"int": "#,##0", "money": "#,##0", "rate": "0.0%", "decimal": "#,##0.0", "date": "DD/MM/YYYY",
           "text": "@"}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING = Font(name="Times New Roman", bold=True, size=10)
BODY = Font(name="Times New Roman", size=10)
BOLD = Font(name="Times New Roman", bold=True, size=10)
TITLE = Font(name="Times New Roman", bold=True, size=14)
SHADE = PatternFill("solid", fgColor="E8EEF4")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write(document: Document, out: Path, progress: Progress) -> None:
    """Write the workbook to ``out``; ``progress`` is told the share of rows written."""
    workbook = Workbook(write_only=True)
    total = sum(len(s.rows) for s in document.sheets) or 1
    done = 0
    for sheet in document.sheets:
        ws = workbook.create_sheet(sheet.name[:31])
        count = rows_done(total, progress)
        for index in _write_sheet(ws, document, sheet):
            count(done + index)
        done += len(sheet.rows)
    workbook.save(out)
    progress(1.0)


def _write_sheet(ws: WriteOnlyWorksheet, document: Document, sheet: Sheet) -> Iterator[int]:
    """Rows to ``ws``; yields the number of data rows written so far. What the write-only
    sheet writes before its rows (column widths, panes, fit to page) is set first."""
    width = len(sheet.columns)
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    banners = 2 + len(document.about) + (1 if sheet.unit else 0)
    first_heading = banners + 1
    first_row = first_heading + (2 if sheet.grouped else 1) + (1 if sheet.numbered else 0)
    ws.freeze_panes = f"{get_column_letter(min(3, width) + 1)}{first_row}"
    ws.print_title_rows = f"{first_heading}:{first_row - 1}"
    ws.page_setup.orientation = document.orientation
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    line = 0

    def banner(text: str, font: Font, align: str = "center") -> None:
        nonlocal line
        line += 1
        ws.append([_cell(ws, text, font=font, alignment=Alignment(horizontal=align, wrap_text=False))])
        ws.merged_cells.add(f"A{line}:{get_column_letter(width)}{line}")

    banner(document.title, TITLE)
    banner(sheet.title, BOLD)
    for label, value in document.about:
        banner(f"{label}: {value}", BODY)
    if sheet.unit:
        banner(sheet.unit, Font(name="Times New Roman", italic=True, size=10), align="right")
    _headings(ws, sheet, first_heading)
    if sheet.numbered:
        ws.append([_cell(ws, c.number or "", font=Font(name="Times New Roman", italic=True, size=9),
                         alignment=CENTRED, border=BOX) for c in sheet.columns])
    formats = [FORMATS[c.kind] for c in sheet.columns]
    for index, row in enumerate(sheet.rows, start=1):
        ws.append(_row(ws, sheet.columns, formats, row))
        yield index


def _headings(ws: WriteOnlyWorksheet, sheet: Sheet, top: int) -> None:
    """The heading rows from row ``top``: two when columns are grouped, the group over its
    columns and an ungrouped column's heading down both rows."""
    if not sheet.grouped:
        ws.append([_cell(ws, c.label, font=HEADING, alignment=CENTRED, border=BOX, fill=SHADE)
                   for c in sheet.columns])
        return
    upper: list[Any] = []
    lower: list[Any] = []
    for group, first, last in sheet.spans():
        a, b = get_column_letter(first + 1), get_column_letter(last + 1)
        if group is None:
            upper.append(_cell(ws, sheet.columns[first].label, font=HEADING, alignment=CENTRED, border=BOX,
                               fill=SHADE))
            lower.append(_cell(ws, None, border=BOX, fill=SHADE))
            ws.merged_cells.add(f"{a}{top}:{a}{top + 1}")
            continue
        upper.append(_cell(ws, group, font=HEADING, alignment=CENTRED, border=BOX, fill=SHADE))
        upper.extend(_cell(ws, None, border=BOX, fill=SHADE) for _ in range(last - first))
        lower.extend(_cell(ws, c.label, font=HEADING, alignment=CENTRED, border=BOX, fill=SHADE)
                     for c in sheet.columns[first:last + 1])
        if last > first:
            ws.merged_cells.add(f"{a}{top}:{b}{top}")
    ws.append(upper)
    ws.append(lower)


def _row(ws: WriteOnlyWorksheet, columns: Sequence[Column], formats: list[str], row: Row) -> list[Any]:
    font = BOLD if row.style in ("total", "group", "mark") else BODY
    fill = SHADE if row.style in ("total", "mark") else None
    cells = []
    for column, number_format, value in zip(columns, formats, row.values, strict=True):
        if column.kind == "rate" and value is not None:
            value = value / 100  # a percentage cell holds the fraction
        cell = _cell(ws, value, font=font, border=BOX, fill=fill,
                     alignment=_align(row.indent if column.key == "name" else 0, column.kind == "text"))
        if value is not None:
            cell.number_format = number_format
        cells.append(cell)
    return cells


@functools.cache
def _align(indent: int, wrap: bool) -> Alignment:
    return Alignment(indent=indent, vertical="top", wrap_text=wrap)


def _cell(ws: WriteOnlyWorksheet, value: Any, *, font: Font | None = None, alignment: Alignment | None = None,
          border: Border | None = None, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell

"""A document as a printable PDF (fpdf2, pure Python): A4 landscape, each sheet from a new
page with its title, the headings grouped as on the official form and repeated on every page,
figures formatted as the pages format them (1.234.567; 69,0%).

Vietnamese needs a Unicode font embedded: DejaVu Sans, from the Debian package
fonts-dejavu-core (or wherever ``THADS_REPORT_FONT_DIR`` points). Without it no PDF is made:
``available()`` is false and the request is refused naming ``format``. The text shrinks to
fit the widest figure of each column on the page's width (never below ``SMALLEST`` points)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workers.document import Column, Document, Progress, Sheet, rows_done
from workers.html import show

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
             "/usr/local/share/fonts", "/Library/Fonts")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
SIZE, SMALLEST = 7.0, 4.5  # points
NAME_SHARE = 0.17  # of the width, for a column of names (it wraps)
PADDING = 1.2  # mm either side of a cell
SHADE = (232, 238, 244)


@functools.cache
def font_dir() -> Path | None:
    """The directory holding both DejaVu Sans files, or None."""
    chosen = os.environ.get("THADS_REPORT_FONT_DIR")
    for folder in ((chosen,) if chosen else FONT_DIRS):
        if all((Path(folder) / name).is_file() for name in FONT_FILES.values()):
            return Path(folder)
    return None


def available() -> bool:
    return font_dir() is not None


def write(document: Document, out: Path, progress: Progress) -> None:
    from fpdf import FPDF  # only a PDF report needs it

    folder = font_dir()
    if folder is None:
        raise RuntimeError("no DejaVu Sans font for the PDF (install fonts-dejavu-core)")

    class Pages(FPDF):  # type: ignore[misc]
        def footer(self) -> None:
            self.set_y(-8)
            self.set_font("DejaVu", size=6)
            self.cell(0, 4, f"{document.title} — trang {self.page_no()}/{{nb}}", align="C")

    pdf = Pages(orientation=document.orientation, unit="mm", format="A4")
    pdf.set_margins(8, 8, 8)
    pdf.set_auto_page_break(True, margin=10)
    for style, name in FONT_FILES.items():
        pdf.add_font("DejaVu", style=style, fname=str(folder / name))
    pdf.set_title(document.title)
    count = rows_done(sum(len(s.rows) for s in document.sheets), progress)
    done = 0
    for number, sheet in enumerate(document.sheets):
        pdf.add_page()
        if number == 0:
            _heading(pdf, document)
        done = _sheet(pdf, sheet, count, done)
    pdf.output(str(out))
    progress(1.0)


def _heading(pdf: Any, document: Document) -> None:
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 6, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    for label, value in document.about:
        pdf.multi_cell(0, 4, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")


def _sheet(p: Any, sheet: Sheet, count: Callable[[int], None], done: int) -> int:
    from fpdf.fonts import FontFace

    p.set_font("DejaVu", "B", 10)
    p.multi_cell(0, 5, sheet.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if sheet.unit:
        p.set_font("DejaVu", size=7)
        p.multi_cell(0, 4, sheet.unit, align="R", new_x="LMARGIN", new_y="NEXT")
    texts = [[show(c, v) for c, v in zip(sheet.columns, row.values, strict=True)] for row in sheet.rows]
    size, widths = _fit(p, sheet.columns, texts)
    heading = FontFace(emphasis="BOLD", fill_color=SHADE, size_pt=size)
    bold = FontFace(emphasis="BOLD", size_pt=size)
    shaded = FontFace(emphasis="BOLD", fill_color=SHADE, size_pt=size)
    numbered = 1 if sheet.numbered else 0
    levels = 2 if sheet.grouped else 1
    p.set_font("DejaVu", size=size)
    with p.table(col_widths=widths, width=sum(widths), headings_style=heading, line_height=size * 0.5,
                 num_heading_rows=levels + numbered, text_align="LEFT", v_align="MIDDLE",
                 padding=(0.4, PADDING)) as table:
        _headings(table, sheet, levels, heading)
        if numbered:
            row, small = table.row(), FontFace(size_pt=size * 0.85)
            for column in sheet.columns:
                row.cell(column.number or "", align="C", style=small)
        for values, row_of in zip(texts, sheet.rows, strict=True):
            style = {"total": shaded, "mark": shaded, "group": bold}.get(row_of.style)
            row = table.row()
            for column, text in zip(sheet.columns, values, strict=True):
                indent = "  " * max(0, row_of.indent - 1) if column.key == "name" else ""
                row.cell(indent + text, align="L" if column.kind == "text" else "R", style=style)
            done += 1
            count(done)
    return done


def _headings(table: Any, sheet: Sheet, levels: int, style: Any) -> None:
    upper = table.row()
    if levels == 1:
        for column in sheet.columns:
            upper.cell(column.label, align="C", style=style)
        return
    lower = table.row()
    for group, first, last in sheet.spans():
        if group is None:
            upper.cell(sheet.columns[first].label, align="C", rowspan=2, style=style)
            continue
        upper.cell(group, align="C", colspan=last - first + 1, style=style)
        for column in sheet.columns[first:last + 1]:
            lower.cell(column.label, align="C", style=style)


def _fit(p: Any, columns: Sequence[Column], texts: list[list[str]]) -> tuple[float, list[float]]:
    """The font size and column widths (mm) across the page's width: at ``SIZE``, each column
    as wide as its widest text and heading word (names get a fixed share and wrap, as do the
    column numbers); then all widened or narrowed together to the page, the text shrunk with
    them when narrowed so that every figure stays on one line."""
    p.set_font("DejaVu", "B", SIZE)
    page = p.epw
    widths = []
    for i, column in enumerate(columns):
        if column.key == "name":
            widths.append(page * NAME_SHARE)
            continue
        widest = max((p.get_string_width(t[i]) for t in texts), default=0.0)
        words = max((p.get_string_width(w) for w in column.label.split()), default=0.0)
        widths.append(max(widest, words) + 2 * PADDING + 0.5)
    factor = page / sum(widths) * 0.9999  # rounding must not take the table past the page
    return max(SMALLEST, SIZE * min(1.0, factor)), [w * factor for w in widths]

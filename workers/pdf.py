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
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workers.document import Column, Document, Progress, Row, Sheet, rows_done
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
    pdf.set_auto_page_break(True, margin=10)  # the tables break their pages themselves
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
    p.set_font("DejaVu", "B", 10)
    p.multi_cell(0, 5, sheet.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if sheet.unit:
        p.set_font("DejaVu", size=7)
        p.multi_cell(0, 4, sheet.unit, align="R", new_x="LMARGIN", new_y="NEXT")
    texts = [[show(c, v) for c, v in zip(sheet.columns, row.values, strict=True)] for row in sheet.rows]
    size, widths = _fit(p, sheet.columns, texts)
    grid = Grid(p, sheet, size, widths)
    grid.headings()
    for values, row in zip(texts, sheet.rows, strict=True):
        grid.row(values, row)
        done += 1
        count(done)
    return done


class Grid:
    """A table drawn cell by cell (fpdf2's own table lays out each cell twice, about a
    millisecond a cell: half a minute for the nation's offices): boxes with their text centred
    vertically, names wrapped, the headings again at the top of every page."""

    def __init__(self, pdf: Any, sheet: Sheet, size: float, widths: list[float]):
        self.p, self.sheet, self.size, self.widths = pdf, sheet, size, widths
        self.line = size * 0.42  # mm a line of text takes
        self.lefts = [pdf.l_margin + sum(widths[:i]) for i in range(len(widths))]
        pdf.c_margin = PADDING
        pdf.set_auto_page_break(False, margin=12)  # above the footer

    def headings(self) -> None:
        p, sheet = self.p, self.sheet
        p.set_font("DejaVu", "B", self.size)
        top = p.get_y()
        if not sheet.grouped:
            height = self._height([(c.label, i, i) for i, c in enumerate(sheet.columns)])
            for i, column in enumerate(sheet.columns):
                self._box(i, i, top, height, column.label, "C", fill=True)
            p.set_y(top + height)
        else:
            spans = sheet.spans()
            upper = self._height([(g, a, b) for g, a, b in spans if g is not None])
            lower = self._height([(c.label, i, i) for g, a, b in spans if g is not None
                                  for i, c in enumerate(sheet.columns) if a <= i <= b])
            alone = [(sheet.columns[a].label, a, a) for g, a, _ in spans if g is None]
            lower = max(lower, self._height(alone) - upper)
            for group, first, last in spans:
                if group is None:
                    self._box(first, first, top, upper + lower, sheet.columns[first].label, "C", fill=True)
                    continue
                self._box(first, last, top, upper, group, "C", fill=True)
                for i in range(first, last + 1):
                    self._box(i, i, top + upper, lower, sheet.columns[i].label, "C", fill=True)
            p.set_y(top + upper + lower)
        if sheet.numbered:
            p.set_font("DejaVu", size=self.size * 0.85)
            numbers = [(c.number or "", i, i) for i, c in enumerate(sheet.columns)]
            height, top = self._height(numbers), p.get_y()
            for text, i, _ in numbers:
                self._box(i, i, top, height, text, "C")
            p.set_y(top + height)

    def row(self, values: list[str], row: Row) -> None:
        p = self.p
        p.set_font("DejaVu", "B" if row.style in ("total", "group", "mark") else "", self.size)
        texts = ["  " * max(0, row.indent - 1) + v if c.key == "name" else v
                 for c, v in zip(self.sheet.columns, values, strict=True)]
        wrapping = [(t, i, i) for i, t in enumerate(texts) if self.sheet.columns[i].kind == "text"]
        height = self._height(wrapping)
        if p.get_y() + height > p.h - p.b_margin:
            p.add_page()
            self.headings()
            p.set_font("DejaVu", "B" if row.style in ("total", "group", "mark") else "", self.size)
        top = p.get_y()
        for i, (column, text) in enumerate(zip(self.sheet.columns, texts, strict=True)):
            text_column = column.kind == "text"
            self._box(i, i, top, height, text, "L" if text_column else "R", wrap=text_column,
                      fill=row.style in ("total", "mark"))
        p.set_y(top + height)

    def _lines(self, text: str, first: int, last: int) -> list[str]:
        """``text`` broken into lines to fit its box: at spaces, and a formula such as
        ``(14)=(5)−(8)−(9)−(10)`` after its operators (fpdf2's own wrapping costs some
        milliseconds a cell)."""
        room = sum(self.widths[first:last + 1]) - 2 * PADDING
        width = self.p.get_string_width
        if width(text) <= room:
            return [text]
        formula = " " not in text
        lines: list[str] = []
        for word in re.split(r"(?<=[=+−/])", text) if formula else text.split(" "):
            joined = lines and lines[-1] + ("" if formula else " ") + word
            if joined and width(joined) <= room:
                lines[-1] = joined
            else:
                lines.append(word)
        return lines

    def _height(self, cells: list[tuple[str, int, int]]) -> float:
        lines = max((len(self._lines(text, a, b)) for text, a, b in cells), default=1)
        return max(1, lines) * self.line + 1.0

    def _box(self, first: int, last: int, top: float, height: float, text: str, align: str, *,
             fill: bool = False, wrap: bool = True) -> None:
        """A box with ``text`` centred vertically (figures are not wrapped: ``_fit`` made room)."""
        p, width = self.p, sum(self.widths[first:last + 1])
        if fill:
            p.set_fill_color(*SHADE)
        p.rect(self.lefts[first], top, width, height, style="DF" if fill else "D")
        lines = self._lines(text, first, last) if wrap else [text]
        y = top + (height - len(lines) * self.line) / 2
        for n, line in enumerate(lines):
            p.set_xy(self.lefts[first], y + n * self.line)
            p.cell(width, self.line, line, align=align)


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
        widest = p.get_string_width(max((t[i] for t in texts), key=len, default=""))  # digits: one width
        words = max((p.get_string_width(w) for w in column.label.split()), default=0.0)
        widths.append(max(widest, words) + 2 * PADDING + 0.5)
    factor = page / sum(widths) * 0.9999  # rounding must not take the table past the page
    return max(SMALLEST, SIZE * min(1.0, factor)), [w * factor for w in widths]

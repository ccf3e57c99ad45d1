"""A document as a printable HTML page (``service/templates/reports/report.html``), formatted
as the web pages format: counts 1.234.567, money ``1.234.567 ₫``, rates 69,0%, dates
dd/mm/yyyy (``service.web.formatting``). Rendered by a Jinja environment of its own: a worker
has no Flask application, and the page needs nothing of the site's."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.web import formatting
from workers.document import Column, Document, Progress, Row, Sheet, rows_done

TEMPLATES = Path(formatting.__file__).parents[1] / "templates"
SHOW: dict[str, Callable[[Any], str]] = {
    "int": formatting.number, "money": formatting.money, "rate": formatting.percent,
    "decimal": formatting.number, "date": formatting.day, "text": str}


@functools.cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(show=show, pairs=lambda a, b: zip(a, b, strict=True))
    return env


def show(column: Column, value: Any) -> str:
    """A cell as the pages show it ("—" for a missing rate or median)."""
    if value is None:
        return "—" if column.kind != "text" else ""
    return str(SHOW[column.kind](value))


def write(document: Document, out: Path, progress: Progress) -> None:
    template = environment().get_template("reports/report.html")
    count = rows_done(sum(len(s.rows) for s in document.sheets), progress)
    done = 0

    def rows(sheet: Sheet) -> Iterator[Row]:
        nonlocal done
        for row in sheet.rows:
            yield row
            done += 1
            count(done)

    with out.open("w", encoding="utf-8") as f:
        for piece in template.generate(document=document, rows=rows):
            f.write(piece)
    progress(1.0)

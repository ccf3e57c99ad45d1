"""A document as CSV: UTF-8 with a byte-order mark (so Excel reads the Vietnamese right),
the title and what the figures are of first, then each sheet as a block — its title, one
heading line (a grouped column as "group – column"), its rows — with a blank line between.
The same rows and columns as the XLSX; numbers are plain (1234567, a rate 69.0) so that they
add up in a spreadsheet, dates dd/mm/yyyy as the pages show them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from service.web.formatting import day
from workers.document import Column, Document, Progress, Sheet, rows_done


def write(document: Document, out: Path, progress: Progress) -> None:
    total = sum(len(s.rows) for s in document.sheets)
    count = rows_done(total, progress)
    done = 0
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([document.title])
        writer.writerows([label, value] for label, value in document.about)
        for sheet in document.sheets:
            writer.writerow([])
            writer.writerow([sheet.title] + ([sheet.unit] if sheet.unit else []))
            writer.writerow(headings(sheet))
            for row in sheet.rows:
                writer.writerow([plain(c, v) for c, v in zip(sheet.columns, row.values, strict=True)])
                done += 1
                count(done)
    progress(1.0)


def headings(sheet: Sheet) -> list[str]:
    return [c.label if c.group is None else f"{c.group} – {c.label}" for c in sheet.columns]


def plain(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return day(value)
    return value

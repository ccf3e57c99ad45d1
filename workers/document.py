"""A report as the file writers see it: a title, what the figures are of, and sheets of typed
columns and rows. Each report kind builds one ``Document`` from the read models; each format
(``workers.xlsx``, ``workers.csv_file``, ``workers.html``, ``workers.pdf``) writes any document,
so a kind never formats its figures itself and every format shows the same rows and columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("text", "int", "money", "rate", "decimal", "date")
"""What a column holds: text; a count; an amount of VND; a percentage with one decimal
(69.0 for 69.0%); a number with one decimal (days); a ``date``."""


@dataclass(frozen=True)
class Column:
    """One column: ``group`` is the heading it shares with its neighbours (merged above them),
    ``number`` the official form's column number, e.g. ``(5)=(1)−(4)``."""

    key: str
    label: str
    kind: str = "int"
    group: str | None = None
    number: str | None = None
    width: float = 13

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Row:
    """One row: ``style`` ``total`` (the agency's own figures), ``group`` (a subtotal, e.g. a
    province among the nation's offices), ``mark`` (the row of the agency asked about) or
    plain; ``indent`` how deep the row sits below the total."""

    values: Sequence[Any]
    style: str = ""
    indent: int = 0


@dataclass
class Sheet:
    name: str  # the XLSX sheet's name (at most 31 characters)
    title: str
    columns: Sequence[Column]
    rows: list[Row]
    unit: str | None = None  # "Đơn vị tính: việc"
    numbered: bool = False  # a row of the official column numbers under the headings

    @property
    def grouped(self) -> bool:
        return any(c.group for c in self.columns)

    def spans(self) -> list[tuple[str | None, int, int]]:
        """The heading groups as (group or None, first column, last column), 0-based."""
        out: list[tuple[str | None, int, int]] = []
        for i, column in enumerate(self.columns):
            if column.group is not None and out and out[-1][0] == column.group:
                out[-1] = (column.group, out[-1][1], i)
            else:
                out.append((column.group, i, i))
        return out


@dataclass
class Document:
    """``about`` holds (label, value) lines: the agency, the period, the log position, when the
    file was made and, for a report as known at a past time, that time."""

    title: str
    about: list[tuple[str, str]]
    sheets: list[Sheet]
    position: int
    orientation: str = "landscape"
    meta: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[float], None]
"""Told the fraction (0..1) of a step that is done."""


class Percent:
    """The caller's progress callback told whole percents, each once and never backwards,
    however often the steps report."""

    def __init__(self, report: Callable[[int], None]):
        self.report, self.last = report, -1

    def __call__(self, percent: float) -> None:
        value = max(0, min(100, int(percent)))
        if value > self.last:
            self.last = value
            self.report(value)

    def step(self, start: float, end: float) -> Progress:
        """A callback for a step covering ``start``..``end`` percent, told fractions."""
        return lambda fraction: self(start + (end - start) * max(0.0, min(1.0, fraction)))


def rows_done(total: int, progress: Progress) -> Callable[[int], None]:
    """Told each row index written, reports every 1% of ``total`` rows."""
    every = max(1, total // 100)

    def done(index: int) -> None:
        if index % every == 0 or index == total:
            progress(index / max(total, 1))
    return done

"""CSV exports of the bottleneck pages (written by ``service.downloads``): a header in the
page's language, every row, amounts as plain integers (to add up in a spreadsheet) and dates
as dd/mm/yyyy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from projections.bottleneck_lists import CLOCK_LISTS
from service.services import services
from service.web.dash_labels import CLOCK_LABELS, DAYS_LABELS, ENFORCER_LABELS, ITEM_LABELS
from service.web.formatting import day, label

COMMON = ("number", "agency", "enforcer", "debtor", "creditor", "creditor_kind", "amount_due", "outstanding",
          "state", "received_on")


def columns(kind: str) -> tuple[str, ...]:
    """The item fields a list shows, in order."""
    if kind in CLOCK_LISTS:
        return (*COMMON, "clock", "due_on", "days", "clocks")
    return (*COMMON, "since", "days", *(("assets",) if kind == "sold_not_delivered" else ()))


def cell(item: dict[str, Any], column: str, agency_name: Any) -> Any:
    value = item.get(column)
    if column in ("received_on", "since", "due_on"):
        return day(value)
    if column == "agency":
        return agency_name(value)
    if column == "state":
        return label(value, "state")
    if column == "creditor_kind":
        return label(value, "party_kind")
    if column == "clock":
        return str(CLOCK_LABELS.get(str(value), value))
    return "" if value is None else value


def list_rows(kind: str, items: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    directory = services().directory

    def agency_name(code: str) -> str:
        return directory.get(code).name if code in directory else code

    shown = columns(kind)
    yield [str(DAYS_LABELS.get(kind, ITEM_LABELS["days"])) if c == "days" else str(ITEM_LABELS[c])
           for c in shown] + [str(ITEM_LABELS["case_id"])]
    for item in items:
        yield [cell(item, c, agency_name) for c in shown] + [item["case_id"]]


def enforcer_rows(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    yield [str(ENFORCER_LABELS[c]) for c in ENFORCER_LABELS]
    for r in rows:
        average = "" if r["average_days"] is None else r["average_days"]
        yield [r["agency"], r["name"], r["open_cases"], average, r["overdue_clocks"], r["completed"],
               r["collected"]]

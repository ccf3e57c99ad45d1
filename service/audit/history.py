"""A case's history as an auditor reads it (SPEC §6): each event with who, the business date,
the recorded time, its log position and the case's audit-chain hash after it, and what it
changed. One builder serves the API's JSON, the CSV export and the pages; how a case is shown
(``dump``) is the caller's, so this module knows nothing of the API's schemas."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.access import Actor
from service.audit.diff import changes

ROUTINE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "on", "by"})
"""Event attributes every event has: shown in their own columns, not among its data."""

CSV_COLUMNS = ("position", "version", "type", "on", "by", "recorded_at", "hash", "changes", "data")


def jsonable(value: Any) -> Any:
    """Event attributes as JSON values (dates as ISO strings, ids as text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return jsonable(vars(value))
    return value


def event_data(event: Any) -> dict[str, Any]:
    """What an event says beyond the attributes every event has, as JSON values."""
    data: dict[str, Any] = jsonable({k: v for k, v in vars(event).items() if k not in ROUTINE})
    return data


def case_links(db: Any, case_id: UUID | str, versions: tuple[int, int] | None = None
               ) -> dict[int, dict[str, Any]]:
    """The case's audit-chain rows by version (those ``versions`` from, to): its events' log
    positions and hashes."""
    where, params = ("", (str(case_id),)) if versions is None else \
        (" AND version BETWEEN %s AND %s", (str(case_id), *versions))
    rows = db.query(f"SELECT version, position, case_hash FROM audit_chain WHERE case_id = %s{where}",
                    params)
    return {int(r["version"]): r for r in rows}


def history(app: Any, actor: Actor, case_id: UUID, dump: Callable[[Any], dict[str, Any]], *,
            states: bool = False) -> list[dict[str, Any]]:
    """Every event of the case, oldest first (404 outside the actor's scope); with ``states``
    the whole case before and after each event too."""
    events = app.history(actor, case_id)
    links = case_links(app.db, case_id)
    out, case, before = [], None, None
    for event in events:
        case = event.mutate(case)
        after = dump(case)
        link = links.get(event.originator_version)
        entry = {
            "version": event.originator_version,
            "type": type(event).__name__,
            "on": getattr(event, "on", None),
            "by": getattr(event, "by", None),
            "recorded_at": event.timestamp,
            "data": event_data(event),
            "position": None if link is None else int(link["position"]),
            "hash": None if link is None else link["case_hash"],
            "changes": jsonable(changes(before, after)),
        }
        if states:
            entry.update(before=jsonable(before), after=jsonable(after))
        out.append(entry)
        before = after
    return out


def _text(value: Any) -> str:
    """A changed value in a CSV cell: text as it is, anything else as JSON (``null``, ``true``)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def change_text(change: dict[str, Any]) -> str:
    return f"{change['field']}: {_text(change['before'])} → {_text(change['after'])}"


def csv_rows(entries: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """The history as CSV rows, a header first: one row per event, its changes in one cell
    (``field: before → after``, one per line) and its data as JSON."""
    yield list(CSV_COLUMNS)
    for e in entries:
        yield [e["position"], e["version"], e["type"], jsonable(e["on"]) or "", e["by"] or "",
               jsonable(e["recorded_at"]), e["hash"] or "", "\n".join(map(change_text, e["changes"])),
               json.dumps(e["data"], ensure_ascii=False, sort_keys=True)]

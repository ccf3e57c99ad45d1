"""The event log as OCEL 2.0 JSON (object-centric event logs, ocel-standard.org).

The object model, each object id prefixed by its type so that ids never collide:

- ``case`` (``case:<id>``): ``number``, ``agency``, ``initiation``, ``judgment_kind``,
  ``creditor_kind``, ``amount_due`` and, for an entrusted case, ``entrusted_from``, as the
  reception recorded them; related to its agency (``handled by``);
- ``asset`` (``asset:<case id>/<n>``): ``kind``, ``description``, ``estimated_value`` as
  seized; related to its case (``seized in``);
- ``agency`` (``agency:<code>``): ``name`` and ``level`` from the directory;
- ``user`` (``user:<username>``): who recorded events.

Each event (``id`` its log position, ``type`` the event type, ``time`` the recorded time)
has ``business_date``, ``version``, ``position`` and its own scalar fields as attributes, and
is related to its case (``case``), the case's agency (``agency``), who recorded it (``by``),
the asset it acts on (``asset``) and, for an entrustment, the receiving agency (``entrusted
to``). The objects are those the events relate to.

Events are written as they come; the objects go to a temporary file meanwhile and follow
them (JSON does not order an object's keys), so memory holds only the sets of agencies and
users and the attribute types of each event type.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from domain.agencies import Directory
from service.audit.traces import LogEvent, Trace

EPOCH = "1970-01-01T00:00:00Z"
"""The time of an attribute that never changes (the standard's convention)."""
CASE_FIELDS = {"number": "string", "agency": "string", "initiation": "string", "judgment_kind": "string",
               "creditor_kind": "string", "amount_due": "integer", "entrusted_from": "string"}
ASSET_FIELDS = {"kind": "string", "description": "string", "estimated_value": "integer"}
AGENCY_FIELDS = {"name": "string", "level": "string"}
OBJECT_FIELDS = {"case": CASE_FIELDS, "asset": ASSET_FIELDS, "agency": AGENCY_FIELDS, "user": {}}
OBJECT_TYPES = [{"name": name, "attributes": [{"name": k, "type": v} for k, v in fields.items()]}
                for name, fields in OBJECT_FIELDS.items()]
COMMON = {"business_date": "string", "version": "integer", "position": "integer"}


def kind_of(value: Any) -> str | None:
    """The OCEL attribute type of a scalar; None for a value not exported as an attribute."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return None


def asset_id(case_id: str, n: Any) -> str:
    return f"asset:{case_id}/{n}"


def event(t: Trace, e: LogEvent, types: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One event in OCEL; ``types`` gathers each event type's attributes and their types."""
    values = {"business_date": e.on and e.on.isoformat(), "version": e.version, "position": e.position}
    values.update((k, v) for k, v in e.data.items() if k not in values and kind_of(v) is not None)
    declared = types.setdefault(e.type, {})
    for key, value in values.items():
        if value is not None:
            declared.setdefault(key, COMMON.get(key) or str(kind_of(value)))
    related = [("case:" + t.case_id, "case"), ("agency:" + t.agency, "agency")]
    if e.by:
        related.append(("user:" + e.by, "by"))
    if "asset_id" in e.data:
        related.append((asset_id(t.case_id, e.data["asset_id"]), "asset"))
    if e.type == "Entrusted":
        related.append(("agency:" + e.data["to_agency"], "entrusted to"))
    return {"id": str(e.position), "type": e.type, "time": e.recorded_at.isoformat(),
            "attributes": [{"name": k, "value": v} for k, v in values.items() if v is not None],
            "relationships": [{"objectId": o, "qualifier": q} for o, q in related]}


def _attributes(values: dict[str, Any], fields: dict[str, str], time: str) -> list[dict[str, Any]]:
    return [{"name": k, "time": time, "value": values[k]} for k in fields if values.get(k) is not None]


def case_objects(t: Trace) -> Iterator[dict[str, Any]]:
    """The case and the assets its exported events act on."""
    received = t.received
    values = {**received, "judgment_kind": received["judgment"]["kind"],
              "creditor_kind": received["creditor"]["kind"]}
    yield {"id": "case:" + t.case_id, "type": "case",
           "attributes": _attributes(values, CASE_FIELDS, t.received_at.isoformat()),
           "relationships": [{"objectId": "agency:" + t.agency, "qualifier": "handled by"}]}
    for n in sorted({e.data["asset_id"] for e in t.events if "asset_id" in e.data}):
        seized = t.assets.get(n, {})
        time = seized["recorded_at"].isoformat() if seized else EPOCH
        yield {"id": asset_id(t.case_id, n), "type": "asset",
               "attributes": _attributes(seized, ASSET_FIELDS, time),
               "relationships": [{"objectId": "case:" + t.case_id, "qualifier": "seized in"}]}


def other_objects(directory: Directory, agencies: Iterable[str],
                  users: Iterable[str]) -> Iterator[dict[str, Any]]:
    for code in sorted(agencies):
        known = directory.get(code) if code in directory else None
        values = {} if known is None else {"name": known.name, "level": str(known.level)}
        yield {"id": "agency:" + code, "type": "agency",
               "attributes": _attributes(values, AGENCY_FIELDS, EPOCH), "relationships": []}
    for username in sorted(users):
        yield {"id": "user:" + username, "type": "user", "attributes": [], "relationships": []}


def _items(objects: Iterable[dict[str, Any]], first: bool) -> Iterator[str]:
    for item in objects:
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False


def encode(traces: Iterable[Trace], directory: Directory) -> Iterator[str]:
    """The OCEL 2.0 JSON file of ``traces``, as text pieces."""
    types: dict[str, dict[str, str]] = {}
    agencies: set[str] = set()
    users: set[str] = set()
    objects: TextIO = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed below)
    try:
        yield '{"events": ['
        first_event = first_object = True
        for t in traces:
            yield from _items((event(t, e, types) for e in t.events), first_event)
            first_event = False
            for piece in _items(case_objects(t), first_object):
                objects.write(piece)
            first_object = False
            agencies.add(t.agency)
            agencies.update(e.data["to_agency"] for e in t.events if e.type == "Entrusted")
            users.update(e.by for e in t.events if e.by)
        yield '\n],\n"objects": ['
        objects.seek(0)
        while piece := objects.read(1 << 16):
            yield piece
        yield from _items(other_objects(directory, agencies, users), first_object)
        event_types = [{"name": name, "attributes": [{"name": k, "type": v} for k, v in found.items()]}
                       for name, found in sorted(types.items())]
        yield (f'\n],\n"objectTypes": {json.dumps(OBJECT_TYPES)},\n'
               f'"eventTypes": {json.dumps(event_types)}}}\n')
    finally:
        objects.close()

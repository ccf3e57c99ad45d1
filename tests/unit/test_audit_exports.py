"""The pure parts of the exports (SPEC §6), without a store: how a history becomes CSV cells,
how a period of Vietnamese days bounds recorded times, and how cases become XES and OCEL 2.0."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.agencies import default_directory
from domain.errors import InvalidValue, UnknownAgency
from service.audit import exports, ocel, xes
from service.audit.history import CSV_COLUMNS, change_text, csv_rows
from service.audit.traces import LogEvent, Scope, Trace, scope_of

NS = {"x": "http://www.xes-standard.org/"}
AT = datetime(2020, 1, 10, 3, tzinfo=UTC)


def trace(case_id: str, agency: str, *events: tuple[str, dict[str, Any]], after: int = 0) -> Trace:
    """A case read from the log: its events at positions ``after`` + 10, + 20…"""
    received = {"number": f"{case_id}/2020", "agency": agency, "initiation": "on_request", "amount_due": 500,
                "judgment": {"kind": "civil"}, "creditor": {"kind": "state"}, "entrusted_from": None}
    found = Trace(case_id, f"{case_id}/2020", agency, AT, received)
    for n, (kind, data) in enumerate(events, start=1):
        found.events.append(LogEvent(after + 10 * n, n, kind, AT, date(2020, 1, n), "h26", data))
        if kind == "AssetSeized":
            found.assets[data["asset_id"]] = {**data, "recorded_at": AT}
    return found


SEIZED = ("AssetSeized", {"asset_id": 1, "description": "Nhà <số 5>", "kind": "house", "estimated_value": 9})
TRACES = [
    trace("c1", "CC243", ("Received", {"judgment": {"kind": "civil"}}), SEIZED,
          ("AssetValued", {"asset_id": 1, "price": 12})),
    trace("c2", "C26", ("Entrusted", {"to_agency": "C01", "new_case": "c3", "outstanding": 5}), after=30),
]


def test_a_change_reads_field_before_after() -> None:
    assert change_text({"field": "stage", "before": "received", "after": "verified"}) == (
        "stage: received → verified")
    assert change_text({"field": "able", "before": None, "after": True}) == "able: null → true"
    entry = {"position": 7, "version": 2, "type": "Verified", "on": date(2020, 1, 3), "by": "e1",
             "recorded_at": AT, "hash": "ab", "data": {"result": "able", "findings": "Có nhà"},
             "changes": [{"field": "able", "before": None, "after": True},
                         {"field": "stage", "before": "received", "after": "verified"}]}
    header, row = csv_rows([entry])
    assert header == list(CSV_COLUMNS)
    assert row == [7, 2, "Verified", "2020-01-03", "e1", AT.isoformat(), "ab",
                   "able: null → true\nstage: received → verified",
                   '{"findings": "Có nhà", "result": "able"}']


def test_a_period_is_whole_days_in_vietnam() -> None:
    scope = Scope(None, date(2020, 1, 10), date(2020, 1, 31))
    assert not scope.holds(datetime(2020, 1, 9, 16, 59, 59, tzinfo=UTC))  # 23:59:59 on the 9th in Hà Nội
    assert scope.holds(datetime(2020, 1, 9, 17, tzinfo=UTC))
    assert scope.holds(datetime(2020, 1, 31, 16, 59, 59, tzinfo=UTC))
    assert not scope.holds(datetime(2020, 1, 31, 17, tzinfo=UTC))
    assert Scope().holds(AT)


def test_a_scope_names_its_bad_parameter() -> None:
    directory = default_directory()
    assert scope_of(directory, "VN", None, None) == Scope()  # the national agency: the whole log
    assert scope_of(directory, "C26", date(2020, 1, 1), date(2020, 1, 1)).agency == "C26"
    with pytest.raises(UnknownAgency) as unknown:
        scope_of(directory, "XX999", None, None)
    assert unknown.value.field == "agency"
    with pytest.raises(InvalidValue) as backwards:
        scope_of(directory, None, date(2020, 2, 1), date(2020, 1, 31))
    assert backwards.value.field == "to"


def test_xes_has_a_trace_per_case_and_typed_attributes() -> None:
    text = "".join(xes.encode(TRACES, {"position": 30, "agency": "*", "from": None}))
    log = ET.fromstring(text.encode())
    assert log.get("xes.version") == "1849-2016"
    assert log.find("x:int[@key='position']", NS).get("value") == "30"  # type: ignore[union-attr]
    assert log.find("x:string[@key='from']", NS) is None
    traces = log.findall("x:trace", NS)
    assert [t.find("x:string[@key='concept:name']", NS).get("value") for t in traces] == ["c1", "c2"]  # type: ignore[union-attr]
    seized = traces[0].findall("x:event", NS)[1]
    values = {a.get("key"): (a.tag.split("}")[1], a.get("value")) for a in seized}
    assert values["concept:name"] == ("string", "AssetSeized")
    assert values["time:timestamp"] == ("date", "2020-01-10T03:00:00.000+00:00")
    assert values["org:resource"] == ("string", "h26") and values["lifecycle:transition"][1] == "complete"
    assert values["business_date"] == ("string", "2020-01-02") and values["position"] == ("int", "20")
    assert values["description"] == ("string", "Nhà <số 5>") and values["estimated_value"] == ("int", "9")
    assert "judgment" not in {a.get("key") for a in traces[0].findall("x:event", NS)[0]}  # nested: left out


def test_xes_attributes_are_escaped_and_typed() -> None:
    note = ET.fromstring(xes.attribute("note", 'a "b" <c> &\x01d'))  # a control character XML cannot hold
    assert (note.tag, note.get("key"), note.get("value")) == ("string", "note", 'a "b" <c> &d')
    assert xes.attribute("ok", True) == '<boolean key="ok" value="true"/>'
    assert xes.attribute("rate", 0.5) == '<float key="rate" value="0.5"/>'
    assert xes.attribute("gone", None) == ""


def test_ocel_relates_events_to_their_objects() -> None:
    found = json.loads("".join(ocel.encode(TRACES, default_directory())))
    assert set(found) == {"events", "objects", "objectTypes", "eventTypes"}
    assert [(e["id"], e["type"]) for e in found["events"]] == [
        ("10", "Received"), ("20", "AssetSeized"), ("30", "AssetValued"), ("40", "Entrusted")]
    valued = found["events"][2]
    assert {(r["objectId"], r["qualifier"]) for r in valued["relationships"]} == {
        ("case:c1", "case"), ("agency:CC243", "agency"), ("user:h26", "by"), ("asset:c1/1", "asset")}
    entrusted = found["events"][3]
    related = {(r["objectId"], r["qualifier"]) for r in entrusted["relationships"]}
    assert ("agency:C01", "entrusted to") in related
    assert {"name": "outstanding", "value": 5} in entrusted["attributes"]
    objects = {o["id"]: o for o in found["objects"]}
    assert sorted(objects) == ["agency:C01", "agency:C26", "agency:CC243", "asset:c1/1", "case:c1", "case:c2",
                               "user:h26"]
    assert {"name": "kind", "time": AT.isoformat(), "value": "house"} in objects["asset:c1/1"]["attributes"]
    assert objects["asset:c1/1"]["relationships"] == [{"objectId": "case:c1", "qualifier": "seized in"}]
    case = objects["case:c1"]
    assert {"name": "judgment_kind", "time": AT.isoformat(), "value": "civil"} in case["attributes"]
    assert "entrusted_from" not in {a["name"] for a in case["attributes"]}  # none: left out
    assert {a["name"] for a in objects["agency:C26"]["attributes"]} == {"name", "level"}
    types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]} for t in found["eventTypes"]}
    assert types["AssetValued"] == {"business_date": "string", "version": "integer", "position": "integer",
                                    "asset_id": "integer", "price": "integer"}
    assert [t["name"] for t in found["objectTypes"]] == ["case", "asset", "agency", "user"]


def test_an_empty_export_is_still_a_file() -> None:
    assert json.loads("".join(ocel.encode([], default_directory())))["events"] == []
    assert ET.fromstring("".join(xes.encode([], {})).encode()).findall("x:trace", NS) == []


def test_small_pieces_are_written_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK", 5)
    assert list(exports._buffered(["ab", "cd", "ef", "g"])) == ["abcdef", "g"]
    assert list(exports._buffered([])) == []

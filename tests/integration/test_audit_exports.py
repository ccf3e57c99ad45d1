"""Exports for auditors and process-mining tools (SPEC §6): a case's history as CSV; the event
log, whole or of one agency and a period of recorded time, as XES and OCEL 2.0, read back by
an independent reader (pm4py) with the right numbers of cases, events and objects, over the
API (auditors and administrators, streamed) and by ``thads audit export``. Both stores."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import eventsourcing.domain
import pm4py
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.audit.history import CSV_COLUMNS
from tests.conftest import Invoke
from tests.integration.api_helpers import API, Api, Login, refused

DAY = {1: datetime(2020, 1, 10, 3, tzinfo=UTC), 2: datetime(2020, 2, 10, 3, tzinfo=UTC),
       3: datetime(2020, 3, 10, 3, tzinfo=UTC)}
"""Three days of recorded time (10:00 in Vietnam)."""
ASSET = {"description": "Thửa đất số 12", "kind": "land", "estimated_value": 100}


@pytest.fixture
def log(client: FlaskClient, login: Login, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Five cases, twelve events, recorded on three days:
    a (CC243): received, verified, asset seized (day 1), valued (2), money collected (3);
    b (CC244): received (2), note (3);
    c (C26, the province department itself): received (1), entrusted to C01 (3), where it
    is received again as c2 (3);
    d (C01, Hà Nội): received, verified unable (1).
    Vĩnh Phúc's events are recorded by h26, Hà Nội's by h01."""
    clock = {"now": DAY[1]}
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: clock["now"])

    def day(n: int) -> str:
        clock["now"] = DAY[n]
        return DAY[n].date().isoformat()

    h26, h01 = Api(client, login("h26", "head", "C26")), Api(client, login("h01", "head", "C01"))
    on = day(1)
    a = h26.create(agency="CC243", received_on=on)["id"]
    h26.do(a, "verify", result="able", on=on)
    h26.do(a, "seize", asset=ASSET, on=on)
    c = h26.create(agency="C26", received_on=on)["id"]
    d = h01.create(agency="C01", received_on=on)["id"]
    h01.do(d, "verify", result="unable", on=on)
    on = day(2)
    h26.do(a, "value", asset_id=1, price=150, on=on)
    b = h26.create(agency="CC244", received_on=on)["id"]
    on = day(3)
    h26.do(a, "collect", amount=1000, source="voluntary", on=on)
    h26.do(b, "note", text="Đã làm việc với người phải thi hành án", on=on)
    c2 = h26.do(c, "entrust", to_agency="C01", on=on)["entrusted_case"]
    return {"a": a, "b": b, "c": c, "c2": c2, "d": d}


def xes_counts(data: bytes, tmp_path: Path) -> tuple[dict[str, list[str]], int]:
    """pm4py's reading of an XES file: each trace's events by name, and the number of events."""
    path = tmp_path / "log.xes"
    path.write_bytes(data)
    found = pm4py.read_xes(str(path), return_legacy_log_object=True)
    traces = {t.attributes["concept:name"]: [e["concept:name"] for e in t] for t in found}
    assert len(traces) == len(found)  # one trace per case
    return traces, sum(len(t) for t in found)


def ocel_counts(data: bytes, tmp_path: Path) -> tuple[int, dict[str, int], Any]:
    """pm4py's reading of an OCEL 2.0 JSON file: events, objects by type, and the log."""
    path = tmp_path / "log.ocel.json"
    path.write_bytes(data)
    found = pm4py.read_ocel2_json(str(path))
    return len(found.events), found.objects["ocel:type"].value_counts().to_dict(), found


def export(client: FlaskClient, headers: dict[str, str], **query: str) -> TestResponse:
    answer = client.get(f"{API}/audit/export", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer


# ------------------------------------------------------------------ a case's history as CSV


def test_a_case_history_as_csv_has_a_row_per_event(client: FlaskClient, login: Login) -> None:
    api = Api(client, login("e1"))
    cid = api.create()["id"]
    api.do(cid, "verify", result="able", on="2020-01-10")
    api.do(cid, "seize", asset=ASSET, on="2020-01-11")
    api.do(cid, "collect", amount=100_000_000, source="voluntary", on="2020-01-20")
    api.do(cid, "note", text="Đương sự nộp tiền", on="2020-01-21")
    answer = client.get(f"{API}/cases/{cid}/history", headers=api.headers, query_string={"format": "csv"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="history-{cid}.csv"'
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header == list(CSV_COLUMNS)
    history = api.get(f"/cases/{cid}/history")
    assert [r[:7] for r in rows] == [[str(e["position"]), str(e["version"]), e["type"], e["on"], e["by"],
                                      e["recorded_at"], e["hash"]] for e in history]
    assert [r[2] for r in rows] == ["Received", "Verified", "AssetSeized", "MoneyCollected", "NoteAdded"]
    assert "collected: 0 → 100000000" in rows[3][7].split("\n")
    assert "stage: received → verified" in rows[1][7].split("\n")
    assert json.loads(rows[4][8]) == {"text": "Đương sự nộp tiền"}
    assert json.loads(rows[2][8])["asset_id"] == 1


def test_history_csv_keeps_the_history_rules(app: Flask, client: FlaskClient, login: Login) -> None:
    cid = Api(client, login("e1")).create()["id"]
    other = login("e244", "enforcer", "CC244")
    refused(app, lambda: client.get(f"{API}/cases/{cid}/history", headers=other,
                                    query_string={"format": "csv"}), 404, "not_found")
    refused(app, lambda: client.get(f"{API}/cases/{cid}/history", headers=login("e1"),
                                    query_string={"format": "xml"}), 400, field="format")


# ------------------------------------------------------------------ the log as XES and OCEL


def test_the_whole_log_as_xes_and_ocel(client: FlaskClient, login: Login, log: dict[str, str],
                                       tmp_path: Path) -> None:
    national = login("kt", "auditor", "VN")
    xes = export(client, national, format="xes")
    assert xes.mimetype == "application/xml"
    assert xes.headers["Content-Disposition"] == 'attachment; filename="thads-log.xes"'
    traces, events = xes_counts(xes.get_data(), tmp_path)
    assert set(traces) == set(log.values()) and events == 12
    assert traces[log["a"]] == ["Received", "Verified", "AssetSeized", "AssetValued", "MoneyCollected"]
    assert traces[log["c"]] == ["Received", "Entrusted"] and traces[log["c2"]] == ["Received"]

    ocel = export(client, national, format="ocel")
    assert ocel.mimetype == "application/json"
    assert ocel.headers["Content-Disposition"] == 'attachment; filename="thads-log.ocel.json"'
    events, objects, found = ocel_counts(ocel.get_data(), tmp_path)
    assert events == 12
    assert objects == {"case": 5, "asset": 1, "agency": 4, "user": 2}
    cases = found.relations[found.relations["ocel:qualifier"] == "case"]
    assert len(cases) == 12 and set(cases["ocel:oid"]) == {f"case:{i}" for i in log.values()}
    assert set(found.objects["ocel:oid"][found.objects["ocel:type"] == "user"]) == {"user:h26", "user:h01"}


def test_one_agency_and_period_leaves_the_others_out(client: FlaskClient, login: Login,
                                                     log: dict[str, str], tmp_path: Path) -> None:
    auditor = login("kt26", "auditor", "C26")
    query = {"agency": "C26", "from": "2020-02-10", "to": "2020-03-10"}
    xes = export(client, auditor, format="xes", **query)
    assert xes.headers["Content-Disposition"] == (
        'attachment; filename="thads-log-C26-2020-02-10-2020-03-10.xes"')
    traces, events = xes_counts(xes.get_data(), tmp_path)
    assert traces == {log["a"]: ["AssetValued", "MoneyCollected"], log["b"]: ["Received", "NoteAdded"],
                      log["c"]: ["Entrusted"]}
    assert events == 5
    events, objects, _ = ocel_counts(export(client, auditor, format="ocel", **query).get_data(), tmp_path)
    # the three cases, the asset valued, the three agencies and C01 (entrusted to), h26
    assert events == 5 and objects == {"case": 3, "asset": 1, "agency": 4, "user": 1}

    first_day, _ = xes_counts(export(client, auditor, format="xes", to="2020-01-10").get_data(), tmp_path)
    assert first_day == {log["a"]: ["Received", "Verified", "AssetSeized"], log["c"]: ["Received"]}
    hanoi, events = xes_counts(export(client, login("root", "admin", "VN"), format="xes",
                                      agency="C01").get_data(), tmp_path)
    assert hanoi == {log["d"]: ["Received", "Verified"], log["c2"]: ["Received"]} and events == 3


def test_bad_export_parameters_are_refused(app: Flask, client: FlaskClient, login: Login,
                                          log: dict[str, str]) -> None:
    auditor = login("kt26", "auditor", "C26")

    def send(**query: str) -> Any:
        return lambda: client.get(f"{API}/audit/export", headers=auditor, query_string=query)

    refused(app, send(agency="C26"), 400, field="format")
    refused(app, send(format="csv"), 400, field="format")
    refused(app, send(format="xes", **{"from": "2020-02-30"}), 400, field="from")
    refused(app, send(format="xes", agencies="C26"), 400, field="agencies")
    refused(app, send(format="xes", **{"from": "2020-03-01", "to": "2020-02-01"}), 422, field="to",
            says="before")
    refused(app, send(format="ocel", agency="XX999"), 422, "unknown_agency", field="agency")
    refused(app, send(format="xes", agency="C01"), 404, field="agency", says="outside your scope")
    head = login("h1", "head", "CC243")
    refused(app, lambda: client.get(f"{API}/audit/export", headers=head, query_string={"format": "xes"}),
            403, "forbidden", says="export")


def test_the_command_writes_the_same_file(thads: Invoke, client: FlaskClient, login: Login,
                                          log: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "exports" / "c26.ocel.json"
    out.parent.mkdir()
    args = ["--agency", "C26", "--from", "2020-02-10", "--to", "2020-03-10"]
    result = thads("audit", "export", "--format", "ocel", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 cases, 5 events" in result.output
    query = {"agency": "C26", "from": "2020-02-10", "to": "2020-03-10"}
    assert out.read_bytes() == export(client, login("kt", "auditor", "VN"), format="ocel", **query).get_data()
    assert [p.name for p in out.parent.iterdir()] == ["c26.ocel.json"]  # no temporary file left

    whole = tmp_path / "exports" / "all.xes"
    assert thads("audit", "export", "--format", "xes", "--out", str(whole)).exit_code == 0
    traces, events = xes_counts(whole.read_bytes(), tmp_path)
    assert len(traces) == 5 and events == 12


@pytest.mark.parametrize(("options", "says"), [
    (["--agency", "XX999"], "Invalid value for --agency: unknown agency 'XX999'"),
    (["--from", "2020-02-30"], "Invalid value for '--from'"),
    (["--from", "2020-03-01", "--to", "2020-02-01"], "Invalid value for --to"),
    (["--format", "csv"], "Invalid value for '--format'"),
])
def test_the_command_refuses_bad_options_and_writes_nothing(thads: Invoke, tmp_path: Path,
                                                            options: list[str], says: str) -> None:
    out = tmp_path / "out.xes"
    result = thads("audit", "export", "--format", "xes", *options, "--out", str(out))
    assert result.exit_code == 2 and says in result.output, result.output
    assert list(tmp_path.glob("out.xes*")) == [] and list(tmp_path.glob(".out.xes*")) == []
    missing = thads("audit", "export", "--format", "xes", "--out", str(tmp_path / "nowhere" / "x.xes"))
    assert missing.exit_code == 2 and "Invalid value for --out" in missing.output

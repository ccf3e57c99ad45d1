"""API v1 cases end to end (SPEC §3, §8): create, read now / at a version / as of a time,
history, every command of the lifecycle, the list with its filters, and the OpenAPI document.
Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.application import COMMANDS
from tests.integration.api_helpers import API, Api, Login, js

ENVELOPE = ("position", "asset_id")


@pytest.fixture
def api(client: FlaskClient, login: Login) -> Api:
    return Api(client, login("e1"))


def state(answer: dict[str, Any]) -> dict[str, Any]:
    """A write's answer without the write's envelope: the case as it then stood."""
    return {k: v for k, v in answer.items() if k not in ENVELOPE}


# ------------------------------------------------------------------ create and read


def test_create_answers_the_case(api: Api) -> None:
    first = api.create()
    assert first["number"] == "1/2020/QĐ-THA"
    assert (first["agency"], first["enforcer"], first["version"]) == ("CC243", "e1", 1)
    assert (first["stage"], first["state"], first["outcome"], first["able"]) == (
        "received", "active", None, None)
    assert (first["amount_due"], first["collected"], first["paid_out"], first["outstanding"]) == (
        600_000_000, 0, 0, 600_000_000)
    assert first["flags"] == ["large", "credit_institution"] and first["assets"] == []
    assert first["received_on"] == "2020-01-02" and first["position"] > 0
    second = api.create(amount_due=0, obligation="Buộc tháo dỡ công trình")
    assert second["number"] == "2/2020/QĐ-THA" and second["flags"] == ["credit_institution"]
    assert second["position"] > first["position"]
    third = api.create(received_on="2021-02-01")
    assert third["number"] == "1/2021/QĐ-THA" and third["position"] > second["position"]
    got = api.client.get(f"{API}/cases/{first['id']}", headers=api.headers)
    assert got.status_code == 200 and js(got) == state(first) and got.headers["ETag"] == '"1"'


def test_generated_number_skips_numbers_typed_by_hand(api: Api) -> None:
    assert api.create(number="1/2020/QĐ-THA")["number"] == "1/2020/QĐ-THA"
    assert api.create(number=" 3/2020/QĐ-THA ")["number"] == "3/2020/QĐ-THA"  # stripped
    assert [api.create()["number"] for _ in range(3)] == [
        "2/2020/QĐ-THA", "4/2020/QĐ-THA", "5/2020/QĐ-THA"]


def test_reads_at_a_version_and_as_of_a_time(api: Api) -> None:
    answers = [api.create()]
    cid = answers[0]["id"]
    answers.append(api.do(cid, "verify", result="able", on="2020-01-10"))
    answers.append(api.do(cid, "collect", amount=1000, source="voluntary", on="2020-01-20"))
    answers.append(api.do(cid, "note", text="Đã thu một phần", on="2020-01-21"))
    positions = [a["position"] for a in answers]
    assert positions == sorted(set(positions))
    for version, answer in enumerate(answers, start=1):
        assert api.get(f"/cases/{cid}", version=version) == state(answer)
    assert api.status(f"/cases/{cid}", version=9) == 404

    times = [datetime.fromisoformat(e["recorded_at"]) for e in api.get(f"/cases/{cid}/history")]
    between = times[1] + (times[2] - times[1]) / 2
    assert api.get(f"/cases/{cid}", as_of=between.isoformat()) == state(answers[1])
    assert api.get(f"/cases/{cid}", as_of=times[-1].isoformat()) == state(answers[-1])
    before = times[0] - timedelta(seconds=1)
    assert api.status(f"/cases/{cid}", as_of=before.isoformat()) == 404
    assert api.status(f"/cases/{cid}", as_of="2020-01-01T00:00:00") == 400  # naive: ambiguous


def test_history_lists_every_event_in_order(api: Api, login: Login) -> None:
    cid = api.create()["id"]
    api.do(cid, "verify", result="unable", findings="Không có tài sản", on="2020-01-10")
    Api(api.client, login("h1", "head", "CC243")).do(cid, "note", text="Đã xem", on="2020-01-11")
    history = api.get(f"/cases/{cid}/history")
    assert [e["type"] for e in history] == ["Received", "Verified", "NoteAdded"]
    assert [e["version"] for e in history] == [1, 2, 3]
    assert [e["by"] for e in history] == ["e1", "e1", "h1"]
    assert [e["on"] for e in history] == ["2020-01-02", "2020-01-10", "2020-01-11"]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in history]
    assert recorded == sorted(recorded) and all(t.tzinfo is not None for t in recorded)
    assert history[1]["data"]["result"] == "unable"
    assert history[1]["data"]["findings"] == "Không có tài sản"


# ------------------------------------------------------------------ the lifecycle


def test_sale_at_auction_to_completion(api: Api) -> None:
    cid = api.create(amount_due=300_000_000)["id"]
    assert api.do(cid, "verify", result="unable", on="2020-01-10")["able"] is False
    verified = api.do(cid, "verify", result="able", on="2020-03-01")
    assert (verified["able"], verified["stage"], verified["verified_on"]) == (
        True, "verified", "2020-03-01")
    land = {"description": "Thửa đất 120 m²", "kind": "land", "estimated_value": 400_000_000}
    seized = api.do(cid, "seize", on="2020-03-05", asset=land)
    assert seized["asset_id"] == 1 and seized["stage"] == "seized"
    assert seized["assets"][0]["id"] == 1 and seized["assets"][0]["status"] == "seized"
    valued = api.do(cid, "value", asset_id=1, price=350_000_000, on="2020-04-01")
    assert valued["assets"][0]["starting_price"] == 350_000_000
    failed = api.do(cid, "auction", asset_id=1, outcome="failed", on="2020-05-01")
    assert failed["stage"] == "seized" and failed["assets"][0]["status"] == "unsold"
    reduced = api.do(cid, "reduce-price", asset_id=1, price=300_000_000, on="2020-05-10")
    assert reduced["assets"][0]["starting_price"] == 300_000_000
    sold = api.do(cid, "auction", asset_id=1, outcome="sold", price=310_000_000, on="2020-06-01")
    assert sold["stage"] == "auctioned" and sold["assets"][0]["sold_price"] == 310_000_000
    collected = api.do(cid, "collect", amount=300_000_000, source="auction", on="2020-06-05")
    assert (collected["collected"], collected["outstanding"]) == (300_000_000, 0)
    assert api.do(cid, "deliver", asset_id=1, on="2020-06-10")["stage"] == "delivered"
    assert api.do(cid, "pay-out", amount=300_000_000, on="2020-06-15")["paid_out"] == 300_000_000
    closed = api.do(cid, "close", on="2020-06-20")
    assert (closed["state"], closed["stage"], closed["outcome"], closed["closed_on"]) == (
        "closed", "closed", "completed", "2020-06-20")
    assert api.do(cid, "note", text="Lưu trữ hồ sơ", on="2020-07-01")["version"] == 13


def test_creditor_takes_the_asset_after_failed_auctions(api: Api) -> None:
    cid = api.create()["id"]
    api.do(cid, "verify", result="able")
    api.do(cid, "seize",
           asset={"description": "Căn hộ", "kind": "house", "estimated_value": 200_000_000})
    api.do(cid, "value", asset_id=1, price=200_000_000)
    api.do(cid, "auction", asset_id=1, outcome="failed")
    api.do(cid, "reduce-price", asset_id=1, price=150_000_000)
    api.do(cid, "auction", asset_id=1, outcome="failed")
    taken = api.do(cid, "hand-to-creditor", asset_id=1, price=150_000_000)
    assert (taken["stage"], taken["collected"], taken["paid_out"]) == (
        "auctioned", 150_000_000, 150_000_000)
    assert taken["assets"][0]["status"] == "taken" and taken["outstanding"] == 450_000_000


@pytest.mark.parametrize(("hold", "state_name"),
                         [("postpone", "postponed"), ("suspend", "suspended")])
def test_hold_and_resume(api: Api, hold: str, state_name: str) -> None:
    cid = api.create()["id"]
    held = api.do(cid, hold, reason="Người phải thi hành án ốm nặng", on="2020-02-01")
    assert held["state"] == state_name
    assert held["hold"] == {"kind": state_name, "reason": "Người phải thi hành án ốm nặng",
                            "since": "2020-02-01"}
    resumed = api.do(cid, "resume", on="2020-03-01")
    assert (resumed["state"], resumed["hold"]) == ("active", None)


@pytest.mark.parametrize(("command", "outcome"), [("terminate", "terminated"),
                                                  ("return-request", "returned")])
def test_closing_without_completion(api: Api, command: str, outcome: str) -> None:
    cid = api.create()["id"]
    closed = api.do(cid, command, reason="Căn cứ pháp luật")
    assert (closed["state"], closed["stage"], closed["outcome"]) == ("closed", "closed", outcome)


def test_entrust_creates_the_receiving_agencys_case(api: Api, login: Login) -> None:
    original = api.create()
    cid = original["id"]
    api.do(cid, "collect", amount=100_000_000, source="voluntary", on="2020-02-01")
    entrusted = api.do(cid, "entrust", to_agency="CC244", on="2020-03-01")
    assert (entrusted["state"], entrusted["entrusted_to"]) == ("entrusted", "CC244")
    receiver = Api(api.client, login("h244", "head", "CC244"))
    new = receiver.get(f"/cases/{entrusted['entrusted_case']}")
    assert (new["agency"], new["enforcer"], new["entrusted_from"]) == ("CC244", None, cid)
    assert (new["amount_due"], new["received_on"], new["state"]) == (
        500_000_000, "2020-03-01", "active")
    assert new["number"] == "1/2020/QĐ-THA" and new["debtor"] == original["debtor"]
    assert receiver.status(f"/cases/{cid}") == 404  # the original stays in CC243's scope
    assert receiver.do(new["id"], "reassign", enforcer="h244")["enforcer"] == "h244"


def test_head_reassigns_marks_difficult_and_corrects(api: Api, login: Login) -> None:
    login("e2")
    head = Api(api.client, login("h1", "head", "CC243"))
    cid = api.create()["id"]
    assert head.do(cid, "reassign", enforcer="e2")["enforcer"] == "e2"
    marked = head.do(cid, "mark-difficult", difficult=True, reason="Hội đồng CHV họp ngày 1/10")
    assert "difficult" in marked["flags"]
    assert marked["difficult_reason"] == "Hội đồng CHV họp ngày 1/10"
    unmarked = head.do(cid, "mark-difficult", difficult=False, reason="Đã có điều kiện")
    assert "difficult" not in unmarked["flags"] and unmarked["difficult_reason"] is None
    corrected = head.do(cid, "correct", corrects=1, field="amount_due", value=400_000_000,
                        reason="Nhập nhầm số tiền")
    assert (corrected["amount_due"], corrected["outstanding"]) == (400_000_000, 400_000_000)
    assert "large" not in corrected["flags"]
    assert head.get(f"/cases/{cid}/history")[-1]["type"] == "Corrected"


# ------------------------------------------------------------------ the list


def test_list_filters_and_pages(api: Api, login: Login) -> None:
    login("e2")
    head = Api(api.client, login("h1", "head", "CC243"))
    a = api.create(number="10/2020/QĐ-THA")
    api.do(a["id"], "verify", result="able")
    b = head.create(number="11/2020/QĐ-THA", enforcer="e2", amount_due=100_000_000,
                    creditor={"name": "Trần Văn Cường", "kind": "individual"},
                    debtor={"name": "Lê Thị Bình", "kind": "individual"})
    head.do(b["id"], "mark-difficult", difficult=True, reason="Hội đồng CHV")
    Api(api.client, login("e9", "enforcer", "CC244")).create(
        agency="CC244", number="12/2020/QĐ-THA", received_on="2020-02-01")
    province = Api(api.client, login("h26", "head", "C26"))

    def numbers(**query: Any) -> list[str]:
        listed = province.get("/cases", sort="number", **query)
        assert listed["total"] == len(listed["items"])
        return [c["number"][:2] for c in listed["items"]]

    assert numbers() == ["10", "11", "12"]
    assert numbers(agency="CC243") == ["10", "11"] and numbers(agency="CC244") == ["12"]
    assert numbers(stage="verified") == ["10"] and numbers(stage="received") == ["11", "12"]
    assert numbers(enforcer="e2") == ["11"] and numbers(enforcer="e1") == ["10"]
    assert numbers(flag="large") == ["10", "12"] and numbers(flag="difficult") == ["11"]
    assert numbers(flag="credit_institution") == ["10", "12"]
    assert numbers(q="11/2020") == ["11"] and numbers(q="lê thị BÌNH") == ["11"]
    assert numbers(q="nguyễn văn an") == ["10", "12"] and numbers(q="cường") == ["11"]
    page = province.get("/cases", sort="number", per_page=2, page=2)
    assert (page["total"], page["page"], page["per_page"]) == (3, 2, 2)
    assert [c["number"][:2] for c in page["items"]] == ["12"]
    assert province.get("/cases", per_page=2)["items"][0]["number"][:2] == "12"  # newest first
    assert province.status("/cases", per_page=500) == 400


# ------------------------------------------------------------------ OpenAPI


def test_openapi_document_and_docs(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    paths = js(response)["paths"]
    for name in COMMANDS:
        assert "post" in paths[f"/api/v1/cases/{{case_id}}/{name}"], name
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/history",
            "/api/v1/agencies", "/api/v1/tokens"} <= set(paths)
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and docs.mimetype == "text/html"
    assert b"swagger-ui" in docs.data


HEALTH_DOWN = ("/api/v1/health", "503")  # the health report itself, saying what is down


def test_openapi_documents_every_error_with_the_error_envelope(client: FlaskClient) -> None:
    """Every 4xx, 5xx and ``default`` answer of the document is ``{"error": {...}}``, as the
    app sends them (the default was flask-smorest's own shape: found by schemathesis)."""
    doc = js(client.get("/api/openapi.json"))
    envelope = {"$ref": "#/components/schemas/ApiError"}
    named = doc["components"]["responses"]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":  # the path's own, not an operation
                continue
            for status, answer in operation["responses"].items():
                if (status == "default" or status[0] in "45") and (path, status) != HEALTH_DOWN:
                    answer = named[answer["$ref"].rsplit("/", 1)[1]] if "$ref" in answer else answer
                    assert answer["content"]["application/json"]["schema"] == envelope, (method, path, status)


def test_history_carries_the_chain_the_changes_and_the_states(api: Api) -> None:
    cid = api.create()["id"]
    api.do(cid, "verify", result="able", on="2020-01-10")
    api.do(cid, "collect", amount=100_000_000, source="voluntary", on="2020-01-20")
    history = api.get(f"/cases/{cid}/history")
    positions = [e["position"] for e in history]
    assert positions == sorted(positions) and len({e["hash"] for e in history}) == 3
    assert all(len(e["hash"]) == 64 for e in history)
    assert {"field": "collected", "before": 0, "after": 100_000_000} in history[2]["changes"]
    assert all("before" not in e for e in history)
    full = api.get(f"/cases/{cid}/history", states="true")
    assert full[0]["before"] is None and full[0]["after"] == api.get(f"/cases/{cid}", version=1)
    assert [e["after"] for e in full[:-1]] == [e["before"] for e in full[1:]]
    assert full[-1]["after"] == api.get(f"/cases/{cid}")


def test_diff_of_two_versions(api: Api) -> None:
    cid = api.create()["id"]
    api.do(cid, "verify", result="able", on="2020-01-10")
    api.do(cid, "collect", amount=100_000_000, source="voluntary", on="2020-01-20")
    found = api.get(f"/cases/{cid}/diff", **{"from": 1, "to": 3})
    fields = {c["field"]: (c["before"], c["after"]) for c in found["changes"]}
    assert found["from"] == 1 and found["to"] == 3 and fields["collected"] == (0, 100_000_000)
    assert fields["version"] == (1, 3)
    assert api.get(f"/cases/{cid}/diff", **{"from": 2, "to": 2})["changes"] == []
    assert api.status(f"/cases/{cid}/diff", **{"from": 1, "to": 9}) == 404
    assert api.status(f"/cases/{cid}/diff", **{"from": 0, "to": 2}) == 400
    assert api.status(f"/cases/{cid}/diff", to=2) == 400

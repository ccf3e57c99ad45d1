"""GET /api/v1/audit/verify: auditors and administrators verify the chain over HTTP; it names
the first bad position of a tampered store; other roles get 403."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import case_body
from tests.integration.api_helpers import API, Login


def test_auditors_verify_the_chain_and_see_the_first_bad_position(app: Flask, client: FlaskClient,
                                                                  login: Login) -> None:
    head = login("h26", "head", "C26")
    for n in range(3):
        created = client.post(f"{API}/cases", json=case_body(number=f"{n}/2020/QĐ-THA"), headers=head)
        assert created.status_code == 201, created.json
    auditor = login("kt", "auditor", "C26")
    good = client.get(f"{API}/audit/verify", headers=auditor)
    assert good.status_code == 200, good.json
    assert good.json["ok"] is True and good.json["events"] == 3 and good.json["problem"] is None
    cases = app.extensions["thads"].cases
    column = "rowid" if cases.db.dialect == "sqlite" else "notification_id"
    with cases.db.transaction() as tx:
        tx.execute(f"UPDATE {cases.recorder.events_table_name} SET state = %s WHERE {column} = 2", (b"{}",))
    bad = client.get(f"{API}/audit/verify", headers=login("root", "admin", "VN"))
    assert bad.status_code == 200
    assert bad.json["ok"] is False and bad.json["events"] == 1
    assert bad.json["problem"]["position"] == 2 and "altered" in bad.json["problem"]["reason"]


def test_other_roles_may_not_verify(client: FlaskClient, login: Login) -> None:
    for username, role in (("e1", "enforcer"), ("h1", "head")):
        answer = client.get(f"{API}/audit/verify", headers=login(username, role, "CC243"))
        assert answer.status_code == 403 and "audit" in answer.json["error"]["message"]
    assert client.get(f"{API}/audit/verify").status_code == 401


def test_what_auditors_read_is_recorded(client: FlaskClient, login: Login) -> None:
    head = login("h26", "head", "C26")
    cid = client.post(f"{API}/cases", json=case_body(), headers=head).json["id"]
    client.get(f"{API}/cases/{cid}", headers=head)  # a head's read is not an auditor's
    auditor = login("kt", "auditor", "C26")
    assert client.get(f"{API}/cases/{cid}/history", headers=auditor).status_code == 200
    assert client.get(f"{API}/cases/{cid}", headers=auditor, query_string={"version": 1}).status_code == 200
    assert client.get(f"{API}/cases/nope", headers=auditor).status_code == 404  # nothing read
    found = client.get(f"{API}/audit/reads", headers=login("root", "admin", "VN"))
    assert found.status_code == 200
    assert [(r["username"], r["target"]) for r in found.json] == [
        ("kt", f"/api/v1/cases/{cid}?version=1"), ("kt", f"/api/v1/cases/{cid}/history")]
    mine = client.get(f"{API}/audit/reads", headers=auditor, query_string={"user": "h26"})
    assert mine.status_code == 200 and mine.json == []
    assert client.get(f"{API}/audit/reads", headers=head).status_code == 403
    assert client.get(f"{API}/audit/reads", headers=auditor, query_string={"limit": 0}).status_code == 400

"""The audit chain (SPEC §6): every stored event is chained per case and over the whole log in
the transaction that stores it; ``verify`` recomputes both from the stored events and names the
first position where a changed byte, a deleted event, two swapped events or a cut-off tail
shows; a log stored before the chain existed is chained by ``migrate`` to the same hashes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from domain.agencies import default_directory
from domain.case import EnforcementCase
from service.application import CaseApplication
from service.audit.chain import ChainBehind
from service.audit.verify import migrate, verify
from service.cli import main


def received(i: int) -> EnforcementCase:
    case = EnforcementCase.receive(
        number=f"{i}/2020", agency="CC243", on=date(2020, 1, 2), initiation="ex_officio",
        judgment={"court": "TAND", "number": f"{i}/HS", "date": date(2019, 12, 1), "kind": "criminal"},
        creditor={"name": "Nhà nước", "kind": "state"}, debtor={"name": f"Bị án {i}", "kind": "individual"},
        amount_due=1000 * (i + 1), by="test")
    case.verify("able", by="test", on=date(2020, 1, 3))
    return case


@pytest.fixture
def app(store_url: str) -> Iterator[CaseApplication]:
    """Six cases in three saves, then a second act on two of them (14 events)."""
    application = CaseApplication(store_url, default_directory())
    cases = [received(i) for i in range(6)]
    application.save(*cases[:2])
    application.save(*cases[2:5])
    application.save(cases[5])
    for case in (cases[1], cases[4]):
        case.collect(500, source="voluntary", by="test", on=date(2020, 2, 1))
        application.save(case)
    yield application
    application.close()


def table(app: CaseApplication) -> str:
    return str(app.recorder.events_table_name)


def id_column(app: CaseApplication) -> str:
    return "rowid" if app.db.dialect == "sqlite" else "notification_id"


def tamper(app: CaseApplication, sql: str, params: tuple[Any, ...] = ()) -> None:
    with app.db.transaction() as tx:
        tx.execute(sql.format(events=table(app), id=id_column(app)), params)


def state_at(app: CaseApplication, position: int) -> bytes:
    rows = app.db.query(f"SELECT state FROM {table(app)} WHERE {id_column(app)} = %s", (position,))
    return bytes(rows[0]["state"])


def problem(app: CaseApplication) -> tuple[int, str]:
    verdict = verify(app)
    assert verdict.problem is not None, "verify passed a tampered store"
    return verdict.problem.position, verdict.problem.reason


def test_an_untouched_store_passes(app: CaseApplication) -> None:
    verdict = verify(app)
    assert verdict.ok and verdict.events == 14 and verdict.position == app.log_head()
    head = app.db.query("SELECT position, log_hash FROM audit_head")
    assert [(int(head[0]["position"]), head[0]["log_hash"])] == [(verdict.position, verdict.log_hash)]


def test_one_changed_byte_is_found_at_its_position(app: CaseApplication) -> None:
    state = bytearray(state_at(app, 5))
    state[len(state) // 2] ^= 0x01
    tamper(app, "UPDATE {events} SET state = %s WHERE {id} = %s", (bytes(state), 5))
    position, reason = problem(app)
    assert position == 5 and "altered" in reason


def test_a_deleted_event_is_found(app: CaseApplication) -> None:
    tamper(app, "DELETE FROM {events} WHERE {id} = %s", (7,))
    position, reason = problem(app)
    assert position == 7 and "missing" in reason


def test_a_deleted_event_and_its_link_are_found_at_the_next_event(app: CaseApplication) -> None:
    tamper(app, "DELETE FROM {events} WHERE {id} = %s", (7,))  # case 3's first event; 8 is its second
    tamper(app, "DELETE FROM audit_chain WHERE position = %s", (7,))
    position, reason = problem(app)
    assert position == 8 and "version 1 of this case is missing" in reason


def test_a_case_s_last_event_deleted_with_its_link_breaks_the_log_chain(app: CaseApplication) -> None:
    tamper(app, "DELETE FROM {events} WHERE {id} = %s", (13,))  # case 1's last event
    tamper(app, "DELETE FROM audit_chain WHERE position = %s", (13,))
    position, reason = problem(app)
    assert position == 14 and "breaks" in reason


def test_two_swapped_events_are_found_at_the_first(app: CaseApplication) -> None:
    tamper(app, "UPDATE {events} SET {id} = %s WHERE {id} = %s", (-3, 3))
    tamper(app, "UPDATE {events} SET {id} = %s WHERE {id} = %s", (3, 9))
    tamper(app, "UPDATE {events} SET {id} = %s WHERE {id} = %s", (9, -3))
    position, reason = problem(app)
    assert position == 3 and "swapped" in reason


def test_a_cut_off_tail_is_found(app: CaseApplication) -> None:
    head = app.log_head()
    tamper(app, "DELETE FROM {events} WHERE {id} > %s", (head - 2,))
    tamper(app, "DELETE FROM audit_chain WHERE position > %s", (head - 2,))
    position, reason = problem(app)
    assert position == head and "cut off" in reason


def test_a_log_stored_before_the_chain_is_chained_to_the_same_hashes(app: CaseApplication) -> None:
    chained = app.db.query("SELECT * FROM audit_chain ORDER BY position")
    tamper(app, "DELETE FROM audit_chain")
    tamper(app, "DELETE FROM audit_head")
    with pytest.raises(ChainBehind, match="thads audit migrate"):
        app.save(received(99))  # no write around an unchained log
    assert app.log_head() == 14
    assert migrate(app) == 14
    assert app.db.query("SELECT * FROM audit_chain ORDER BY position") == chained
    app.save(received(100))
    assert verify(app).ok and verify(app).events == 16


def test_the_command_names_the_first_bad_position(app: CaseApplication, monkeypatch: Any) -> None:
    monkeypatch.setenv("THADS_DATABASE_URL", app.database_url)
    runner = CliRunner()
    good = runner.invoke(main, ["audit", "verify"])
    assert good.exit_code == 0 and "holds: 14 events" in good.output
    tamper(app, "UPDATE {events} SET state = %s WHERE {id} = %s", (b"{}", 11))
    bad = runner.invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and "position 11" in bad.output


def test_a_checkpoint_is_extended_by_later_writes_but_not_by_a_rewritten_log(
        app: CaseApplication, monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.setenv("THADS_DATABASE_URL", app.database_url)
    monkeypatch.setenv("THADS_AUDIT_KEY", "audit-key-1")
    runner = CliRunner()
    taken = runner.invoke(main, ["audit", "checkpoint", "--out", str(tmp_path / "cp.json")])
    assert taken.exit_code == 0, taken.output
    checkpoint = json.loads((tmp_path / "cp.json").read_text())
    assert checkpoint["position"] == 14 and len(checkpoint["signature"]) == 64
    app.save(received(50))  # the log goes on: it still extends the checkpoint
    held = runner.invoke(main, ["audit", "verify", "--checkpoint", str(tmp_path / "cp.json")])
    assert held.exit_code == 0 and "extends the checkpoint" in held.output, held.output

    # Rewrite one old event and chain the whole log again from scratch: verify alone passes...
    state = bytearray(state_at(app, 3))
    state[len(state) // 2] ^= 0x01
    tamper(app, "UPDATE {events} SET state = %s WHERE {id} = %s", (bytes(state), 3))
    tamper(app, "DELETE FROM audit_chain")
    tamper(app, "DELETE FROM audit_head")
    migrate(app)
    assert verify(app).ok
    # ... the checkpoint does not.
    broken = runner.invoke(main, ["audit", "verify", "--checkpoint", str(tmp_path / "cp.json")])
    assert broken.exit_code == 1 and "position 14" in broken.output and "rewritten" in broken.output


def test_a_checkpoint_with_another_key_or_edited_is_refused(app: CaseApplication, monkeypatch: Any,
                                                           tmp_path: Any) -> None:
    monkeypatch.setenv("THADS_DATABASE_URL", app.database_url)
    runner = CliRunner()
    unsigned = runner.invoke(main, ["audit", "checkpoint"])
    assert unsigned.exit_code == 1 and "THADS_AUDIT_KEY" in unsigned.output
    monkeypatch.setenv("THADS_AUDIT_KEY", "audit-key-1")
    path = tmp_path / "cp.json"
    assert runner.invoke(main, ["audit", "checkpoint", "--out", str(path)]).exit_code == 0
    monkeypatch.setenv("THADS_AUDIT_KEY", "another-key")
    other = runner.invoke(main, ["audit", "verify", "--checkpoint", str(path)])
    assert other.exit_code == 1 and "signature does not match" in other.output
    monkeypatch.setenv("THADS_AUDIT_KEY", "audit-key-1")
    edited = json.loads(path.read_text())
    edited["position"] = 12
    path.write_text(json.dumps(edited))
    moved = runner.invoke(main, ["audit", "verify", "--checkpoint", str(path)])
    assert moved.exit_code == 1 and "signature does not match" in moved.output
    path.write_text("not json")
    garbled = runner.invoke(main, ["audit", "verify", "--checkpoint", str(path)])
    assert garbled.exit_code == 1 and "not JSON" in garbled.output

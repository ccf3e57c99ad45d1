"""Postponement and suspension, entrusting, and the ways a case ends."""

from __future__ import annotations

from typing import Any

import pytest

from domain.case import EnforcementCase
from domain.errors import IllegalTransition, InvalidValue
from domain.values import CaseState
from tests.unit.case_factory import (
    BY,
    HELD_CASE_ACCEPTS,
    START,
    act,
    case_with_asset,
    every_command,
    next_day,
    received_case,
    refused,
    verified_case,
)

ALL_BUT_NOTE = [name for name in every_command(received_case(), START) if name != "note"]


@pytest.mark.parametrize(("hold", "state"), [("postpone", "postponed"), ("suspend", "suspended")])
def test_hold_records_its_kind_reason_and_date(hold: str, state: str) -> None:
    case = verified_case()
    on = next_day(case)
    getattr(case, hold)(" hoan.48.1.b ", by=BY, on=on)
    assert case.state == state
    assert case.hold == {"kind": state, "reason": "hoan.48.1.b", "since": on}
    assert not case.is_finished


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_hold_needs_a_reason(hold: str) -> None:
    case = verified_case()
    refused(case, act(getattr(case, hold), "  "), InvalidValue, field="reason")


@pytest.mark.parametrize("state", ["postponed", "suspended"])
@pytest.mark.parametrize(
    "command", [c for c in every_command(received_case(), START) if c not in HELD_CASE_ACCEPTS]
)
def test_postponed_case_accepts_only_resume_terminate_note(state: str, command: str) -> None:
    case = case_with_asset("reduced")
    case.collect(10, "voluntary", by=BY, on=next_day(case))
    (case.postpone if state == "postponed" else case.suspend)("lý do", by=BY, on=next_day(case))
    on = next_day(case)
    refused(case, every_command(case, on)[command], IllegalTransition, rule=f"case_{state}")


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_held_case_accepts_resume_and_note(hold: str) -> None:
    case = verified_case()
    getattr(case, hold)("lý do", by=BY, on=next_day(case))
    case.note("Đương sự xin hoãn", by=BY, on=next_day(case))
    case.resume(by=BY, on=next_day(case))
    assert (case.state, case.hold, case.notes) == ("active", None, 1)
    case.collect(10, "voluntary", by=BY, on=next_day(case))


def test_resume_requires_a_hold() -> None:
    case = verified_case()
    refused(case, act(case.resume), IllegalTransition, rule="not_on_hold")


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_terminate_closes_a_held_case(hold: str) -> None:
    case = verified_case()
    getattr(case, hold)("lý do", by=BY, on=next_day(case))
    on = next_day(case)
    case.terminate("dc.50.1.a", by=BY, on=on)
    assert (case.state, case.outcome, case.stage, case.closed_on, case.hold) == (
        "closed",
        "terminated",
        "closed",
        on,
        None,
    )


def test_terminate_needs_a_reason() -> None:
    case = verified_case()
    refused(case, act(case.terminate, ""), InvalidValue, field="reason")


def test_return_request_only_for_on_request_cases() -> None:
    case = verified_case(initiation="ex_officio")
    refused(case, act(case.return_request, "td.51.1.a"), IllegalTransition, rule="not_on_request")


def test_return_request_closes_with_outcome_returned() -> None:
    case = verified_case(initiation="on_request")
    case.return_request("td.51.1.a", by=BY, on=next_day(case))
    assert (case.state, case.outcome, case.stage) == ("closed", "returned", "closed")


def test_voluntary_payment_goes_from_verified_straight_to_closed() -> None:
    case = verified_case()
    case.collect(100_000_000, "voluntary", by=BY, on=next_day(case))
    case.pay_out(100_000_000, by=BY, on=next_day(case))
    on = next_day(case)
    case.close(by=BY, on=on)
    assert (case.state, case.outcome, case.stage, case.closed_on) == ("closed", "completed", "closed", on)
    assert case.is_finished


def test_non_monetary_case_may_close_with_nothing_collected() -> None:
    case = received_case(amount_due=0, obligation="Giao nhà")
    case.close(by=BY, on=next_day(case))
    assert case.outcome == "completed"


def test_close_requires_everything_due_collected() -> None:
    case = verified_case()
    case.collect(99_999_999, "voluntary", by=BY, on=next_day(case))
    case.pay_out(99_999_999, by=BY, on=next_day(case))
    refused(case, act(case.close), IllegalTransition, rule="money_outstanding")


def test_close_requires_everything_collected_paid_out() -> None:
    case = verified_case()
    case.collect(100_000_000, "voluntary", by=BY, on=next_day(case))
    case.pay_out(99_999_999, by=BY, on=next_day(case))
    refused(case, act(case.close), IllegalTransition, rule="money_not_paid_out")


def test_close_requires_every_sold_asset_delivered() -> None:
    case = case_with_asset("sold", price=100_000_000)
    case.collect(100_000_000, "auction", by=BY, on=next_day(case))
    case.pay_out(100_000_000, by=BY, on=next_day(case))
    refused(case, act(case.close), IllegalTransition, rule="asset_not_delivered")
    case.deliver(1, by=BY, on=next_day(case))
    case.close(by=BY, on=next_day(case))
    assert case.outcome == "completed"


def test_asset_taken_by_creditor_settles_the_debt() -> None:
    case = case_with_asset("reduced", price=100_000_000, amount_due=90_000_000)
    case.hand_to_creditor(1, 90_000_000, by=BY, on=next_day(case))
    case.close(by=BY, on=next_day(case))
    assert case.outcome == "completed"


def test_entrust_hands_the_case_to_another_agency() -> None:
    case = verified_case()
    case.collect(30_000_000, "voluntary", by=BY, on=next_day(case))
    on = next_day(case)
    case.entrust(" HCM-Q1 ", "456/QĐ-CCTHADS", by=BY, on=on)
    assert (case.state, case.entrusted_to, case.entrusted_case, case.closed_on) == (
        "entrusted",
        "HCM-Q1",
        "456/QĐ-CCTHADS",
        on,
    )
    assert case.outcome is None and case.is_finished
    assert case.pending_events[-1].outstanding == 70_000_000  # type: ignore[attr-defined]


def test_case_cannot_be_entrusted_to_its_own_agency() -> None:
    case = verified_case()
    refused(case, act(case.entrust, "HN-BADINH", "1"), InvalidValue, field="to_agency")


@pytest.mark.parametrize("new_case", [None, "  ", 42])
def test_entrust_requires_a_reference_to_the_new_case(new_case: Any) -> None:
    case = verified_case()
    refused(case, act(case.entrust, "HCM-Q1", new_case), InvalidValue)


def _finished(how: str) -> EnforcementCase:
    case = verified_case()
    on = next_day(case)
    if how == "entrusted":
        case.entrust("HCM-Q1", "456/QĐ-CCTHADS", by=BY, on=on)
    elif how == "terminated":
        case.terminate("dc.50.1.d", by=BY, on=on)
    elif how == "returned":
        case.return_request("td.51.1.c", by=BY, on=on)
    else:
        case.collect(100_000_000, "voluntary", by=BY, on=on)
        case.pay_out(100_000_000, by=BY, on=on)
        case.close(by=BY, on=on)
    return case


@pytest.mark.parametrize("how", ["completed", "terminated", "returned"])
@pytest.mark.parametrize("command", ALL_BUT_NOTE)
def test_closed_case_accepts_only_notes(how: str, command: str) -> None:
    case = _finished(how)
    assert case.state == CaseState.CLOSED and case.outcome == how
    refused(case, every_command(case, next_day(case))[command], IllegalTransition, rule="case_closed")


@pytest.mark.parametrize("command", ALL_BUT_NOTE)
def test_entrusted_case_accepts_only_notes(command: str) -> None:
    case = _finished("entrusted")
    refused(case, every_command(case, next_day(case))[command], IllegalTransition, rule="case_entrusted")


@pytest.mark.parametrize("how", ["completed", "terminated", "returned", "entrusted"])
def test_finished_case_still_accepts_notes(how: str) -> None:
    case = _finished(how)
    state = case.state
    case.note("Lưu hồ sơ", by=BY, on=next_day(case))
    assert (case.notes, case.state) == (1, state)

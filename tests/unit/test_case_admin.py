"""Administrative commands: reassign, note, mark difficult, correct; and the derived flags."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.errors import AmountExceedsDue, DateOutOfOrder, IllegalTransition, InvalidValue
from domain.values import LARGE_CASE_THRESHOLD
from tests.unit.case_factory import (
    BY,
    START,
    act,
    judgment,
    next_day,
    party,
    received_case,
    refused,
    verified_case,
)


def test_reassign_changes_the_enforcer() -> None:
    case = received_case(enforcer=None)
    case.reassign(" cv.tran ", by="truong.phong", on=START)
    assert case.enforcer == "cv.tran"
    assert case.pending_events[-1].previous is None  # type: ignore[attr-defined]
    case.reassign("cv.le", by="truong.phong", on=next_day(case))
    assert case.pending_events[-1].previous == "cv.tran"  # type: ignore[attr-defined]


@pytest.mark.parametrize("enforcer", ["cv.nguyen", " cv.nguyen ", "", None, "x" * 101])
def test_reassign_refuses_same_or_invalid_enforcer(enforcer: Any) -> None:
    case = received_case(enforcer="cv.nguyen")
    refused(case, act(case.reassign, enforcer), InvalidValue, field="enforcer")


def test_note_is_counted_and_dated() -> None:
    case = received_case()
    on = next_day(case, 3)
    case.note(" Đương sự vắng nhà ", by=BY, on=on)
    assert (case.notes, case.last_on) == (1, on)
    assert case.pending_events[-1].text == "Đương sự vắng nhà"  # type: ignore[attr-defined]


def test_note_needs_text() -> None:
    case = received_case()
    refused(case, act(case.note, "   "), InvalidValue, field="text")


def test_note_cannot_precede_the_previous_act() -> None:
    case = received_case()
    case.note("a", by=BY, on=next_day(case, 5))
    refused(case, lambda: case.note("b", by=BY, on=START), DateOutOfOrder, field="on")


def test_mark_difficult_sets_and_unsets_the_flag_with_a_reason() -> None:
    case = received_case()
    case.mark_difficult(True, "Hội đồng CHV họp ngày 1/10", by="truong.phong", on=START)
    assert (case.difficult, case.difficult_reason) == (True, "Hội đồng CHV họp ngày 1/10")
    assert "difficult" in case.flags
    case.mark_difficult(False, "Đã có điều kiện", by="truong.phong", on=next_day(case))
    assert (case.difficult, case.difficult_reason) == (False, None)
    assert "difficult" not in case.flags


def test_mark_difficult_refuses_the_current_value() -> None:
    case = received_case()
    refused(case, act(case.mark_difficult, False, "r"), IllegalTransition, field="difficult")
    case.mark_difficult(True, "r", by=BY, on=START)
    refused(case, act(case.mark_difficult, True, "r"), IllegalTransition, field="difficult")


@pytest.mark.parametrize(
    ("difficult", "reason", "field"),
    [(1, "r", "difficult"), ("yes", "r", "difficult"), (True, " ", "reason"), (True, None, "reason")],
)
def test_mark_difficult_refuses_invalid_input(difficult: Any, reason: Any, field: str) -> None:
    case = received_case()
    refused(case, act(case.mark_difficult, difficult, reason), InvalidValue, field=field)


# -------------------------------------------------------------- corrections


def test_correct_amount_due_records_a_correction() -> None:
    case = received_case()
    case.correct(1, "amount_due", 120_000_000, "Nhập sai số tiền", by=BY, on=START)
    assert (case.amount_due, case.corrections, case.version) == (120_000_000, 1, 2)
    event = case.pending_events[-1]
    assert type(event).__name__ == "Corrected"
    assert (event.corrects, event.field, event.value) == (1, "amount_due", 120_000_000)  # type: ignore[attr-defined]


def test_amount_due_cannot_drop_below_collected() -> None:
    case = verified_case()
    case.collect(40_000_000, "voluntary", by=BY, on=next_day(case))
    refused(case, act(case.correct, 1, "amount_due", 39_999_999, "sai"), AmountExceedsDue, field="value")
    case.correct(1, "amount_due", 40_000_000, "sai", by=BY, on=next_day(case))
    assert case.outstanding == 0


def test_amount_due_corrected_to_zero_needs_an_obligation() -> None:
    case = received_case()
    refused(case, act(case.correct, 1, "amount_due", 0, "sai"), InvalidValue, field="value")
    case.correct(1, "obligation", "Giao nhà", "bổ sung", by=BY, on=START)
    case.correct(1, "amount_due", 0, "sai", by=BY, on=START)
    assert (case.amount_due, case.obligation) == (0, "Giao nhà")
    refused(case, act(case.correct, 1, "obligation", " ", "sai"), InvalidValue, field="value")


def test_obligation_may_be_cleared_while_money_is_due() -> None:
    case = received_case(obligation="Giao nhà")
    case.correct(1, "obligation", None, "không có", by=BY, on=START)
    assert case.obligation is None


@pytest.mark.parametrize("field", ["collected", "stage", "judgment", "creditor.address", "number"])
def test_correct_refuses_an_unknown_field(field: str) -> None:
    case = received_case()
    refused(case, act(case.correct, 1, field, "x", "sai"), InvalidValue, field="field")


@pytest.mark.parametrize("corrects", [0, 2, -1, True, "1", None])
def test_correct_must_name_an_event_of_the_case(corrects: Any) -> None:
    case = received_case()
    refused(case, act(case.correct, corrects, "debtor.name", "A", "sai"), InvalidValue, field="corrects")


def test_correct_accepts_judgment_date_as_iso_string() -> None:
    case = received_case()
    case.correct(1, "judgment.date", "2019-07-01", "sai ngày", by=BY, on=START)
    assert case.judgment["date"] == date(2019, 7, 1)
    assert case.pending_events[-1].value == date(2019, 7, 1)  # type: ignore[attr-defined]
    case.correct(1, "judgment.date", date(2019, 7, 2), "sai ngày", by=BY, on=START)
    assert case.judgment["date"] == date(2019, 7, 2)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("01/07/2019", InvalidValue),
        (20190701, InvalidValue),
        ("2019-10-02", DateOutOfOrder),
        (START + timedelta(days=1), DateOutOfOrder),
    ],
)
def test_correct_refuses_a_bad_judgment_date(value: Any, error: type) -> None:
    case = received_case()
    refused(case, act(case.correct, 1, "judgment.date", value, "sai"), error, field="value")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("judgment.kind", "criminal", ("judgment", "kind", "criminal")),
        ("judgment.court", " TAND TP Hà Nội ", ("judgment", "court", "TAND TP Hà Nội")),
        ("judgment.number", "16/2019/DS-PT", ("judgment", "number", "16/2019/DS-PT")),
        ("creditor.name", "Trần Thị Bích", ("creditor", "name", "Trần Thị Bích")),
        ("debtor.kind", "organisation", ("debtor", "kind", "organisation")),
    ],
)
def test_correct_changes_one_particular(field: str, value: str, expected: tuple[str, str, str]) -> None:
    case = received_case()
    case.correct(1, field, value, "sai", by=BY, on=START)
    part, key, new = expected
    assert getattr(case, part)[key] == new


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("judgment.kind", "tax"),
        ("creditor.kind", "bank"),
        ("debtor.name", " "),
        ("amount_due", -1),
        ("amount_due", "5"),
    ],
)
def test_correct_refuses_an_invalid_value(field: str, value: Any) -> None:
    case = received_case()
    refused(case, act(case.correct, 1, field, value, "sai"), InvalidValue, field="value")


def test_correct_needs_a_reason() -> None:
    case = received_case()
    refused(case, act(case.correct, 1, "debtor.name", "A", " "), InvalidValue, field="reason")


def test_correction_applies_the_limits_of_receive() -> None:
    case = received_case()
    refused(case, act(case.correct, 1, "judgment.number", "x" * 101, "sai"), InvalidValue)


def test_correction_leaves_the_corrected_event_unchanged() -> None:
    case = received_case()
    case.correct(1, "creditor.name", "Trần Thị Bích", "sai tên", by=BY, on=START)
    received = case.pending_events[0]
    assert received.creditor["name"] == "Trần Thị Bình"  # type: ignore[attr-defined]


# -------------------------------------------------------------- flags


def test_large_flag_above_500_million() -> None:
    assert LARGE_CASE_THRESHOLD == 500_000_000
    assert "large" not in received_case(amount_due=500_000_000).flags
    assert "large" in received_case(amount_due=500_000_001).flags


def test_large_flag_follows_a_corrected_amount() -> None:
    case = received_case(amount_due=600_000_000)
    case.correct(1, "amount_due", 500_000_000, "sai", by=BY, on=START)
    assert case.flags == []


@pytest.mark.parametrize("kind", ["individual", "organisation", "state"])
def test_credit_institution_flag(kind: str) -> None:
    assert received_case(creditor=party("Ngân hàng A", "credit_institution")).flags == ["credit_institution"]
    assert received_case(creditor=party("A", kind)).flags == []
    assert received_case(debtor=party("Ngân hàng B", "credit_institution")).flags == []


def test_credit_institution_flag_follows_a_corrected_creditor_kind() -> None:
    case = received_case(amount_due=900_000_000, judgment=judgment(kind="business"))
    case.correct(1, "creditor.kind", "credit_institution", "sai loại", by=BY, on=START)
    case.mark_difficult(True, "Hội đồng CHV", by=BY, on=START)
    assert case.flags == ["large", "credit_institution", "difficult"]

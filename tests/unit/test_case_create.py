"""Accepting a case (Received): the judgment, the parties, the amount due, the business date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain import clock
from domain.case import case_id
from domain.errors import DateOutOfOrder, InvalidValue
from domain.values import MAX_AMOUNT, JudgmentKind, PartyKind
from tests.unit.case_factory import BY, START, judgment, party, received_case, refused


def test_receive_records_one_received_event_and_an_empty_active_case() -> None:
    case = received_case()
    assert [type(e).__name__ for e in case.pending_events] == ["Received"]
    assert case.version == 1
    assert case.stage == "received"
    assert case.state == "active"
    assert case.received_on == case.last_on == START
    assert (case.collected, case.paid_out, case.outstanding) == (0, 0, 100_000_000)
    assert case.assets == [] and case.hold is None and case.outcome is None
    assert case.able is None and case.verifications == 0
    assert case.judgment == judgment()
    assert case.creditor == party("Trần Thị Bình")
    assert not case.is_finished


def test_case_id_is_derived_from_agency_number_and_year() -> None:
    case = received_case()
    assert case.id == case_id("HN-BADINH", "123/QĐ-CCTHADS", 2019)
    assert received_case().id == case.id  # the store refuses the duplicate by its id
    assert received_case(agency="HN-HOANKIEM").id != case.id
    assert received_case(number="124/QĐ-CCTHADS").id != case.id
    next_year = received_case(on=date(2020, 1, 2))
    assert next_year.id == case_id("HN-BADINH", "123/QĐ-CCTHADS", 2020) != case.id


def test_receive_strips_texts_and_keeps_plain_strings() -> None:
    case = received_case(
        number="  7/QĐ  ",
        judgment=judgment(court=" TAND Hà Nội ", kind=JudgmentKind.LABOUR),
        creditor=party(" Công ty A ", PartyKind.ORGANISATION),
        obligation="  trả lại xe máy  ",
    )
    assert case.number == "7/QĐ"
    assert case.judgment["court"] == "TAND Hà Nội"
    assert case.judgment["kind"] == "labour" and type(case.judgment["kind"]) is str
    assert case.creditor == {"name": "Công ty A", "kind": "organisation"}
    assert case.obligation == "trả lại xe máy"


@pytest.mark.parametrize("kind", [k.value for k in JudgmentKind])
def test_every_judgment_kind_is_accepted(kind: str) -> None:
    assert received_case(judgment=judgment(kind=kind)).judgment["kind"] == kind


@pytest.mark.parametrize("kind", [k.value for k in PartyKind])
def test_every_party_kind_is_accepted(kind: str) -> None:
    case = received_case(creditor=party("A", kind), debtor=party("B", kind))
    assert case.creditor["kind"] == case.debtor["kind"] == kind


@pytest.mark.parametrize("initiation", ["ex_officio", "on_request"])
def test_both_initiations_are_accepted(initiation: str) -> None:
    assert received_case(initiation=initiation).initiation == initiation


def test_business_date_cannot_be_in_future() -> None:
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(DateOutOfOrder) as caught:
        received_case(on=tomorrow)
    assert caught.value.field == "on"
    assert caught.value.rule == "date_out_of_order"


def test_business_date_defaults_to_today() -> None:
    assert received_case(on=None, judgment=judgment(date=START)).received_on == clock.today()


def test_business_date_of_today_is_accepted() -> None:
    assert received_case(on=clock.today()).received_on == clock.today()


@pytest.mark.parametrize("on", [datetime(2019, 10, 1, 8, 0), "2019-10-01", 20191001])
def test_business_date_must_be_a_date(on: Any) -> None:
    with pytest.raises(InvalidValue) as caught:
        received_case(on=on)
    assert caught.value.field == "on"


def test_judgment_date_cannot_follow_the_date_of_receipt() -> None:
    with pytest.raises(DateOutOfOrder) as caught:
        received_case(judgment=judgment(date=START + timedelta(days=1)))
    assert caught.value.field == "judgment.date"


def test_judgment_on_the_day_of_receipt_is_accepted() -> None:
    assert received_case(judgment=judgment(date=START)).judgment["date"] == START


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": "  "}, "number"),
        ({"number": "x" * 51}, "number"),
        ({"agency": ""}, "agency"),
        ({"agency": None}, "agency"),
        ({"initiation": "voluntary"}, "initiation"),
        ({"judgment": "15/2019/DS-ST"}, "judgment"),
        ({"judgment": judgment(court=" ")}, "judgment.court"),
        ({"judgment": judgment(number=None)}, "judgment.number"),
        ({"judgment": judgment(date="2019-08-20")}, "judgment.date"),
        ({"judgment": judgment(kind="tax")}, "judgment.kind"),
        ({"creditor": ["Trần Thị Bình", "individual"]}, "creditor"),
        ({"creditor": party("", "individual")}, "creditor.name"),
        ({"creditor": party("A", "bank")}, "creditor.kind"),
        ({"debtor": {"kind": "individual"}}, "debtor.name"),
        ({"debtor": party("B", "INDIVIDUAL")}, "debtor.kind"),
        ({"amount_due": -1}, "amount_due"),
        ({"amount_due": 1.5}, "amount_due"),
        ({"amount_due": "100"}, "amount_due"),
        ({"amount_due": True}, "amount_due"),
        ({"amount_due": MAX_AMOUNT + 1}, "amount_due"),
        ({"obligation": 5}, "obligation"),
        ({"obligation": "x" * 2001}, "obligation"),
        ({"enforcer": " "}, "enforcer"),
    ],
)
def test_receive_refuses_invalid_input(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        received_case(**overrides)
    assert caught.value.field == field


def test_amount_due_may_reach_the_maximum() -> None:
    assert received_case(amount_due=MAX_AMOUNT).amount_due == MAX_AMOUNT


@pytest.mark.parametrize("obligation", [None, "", "   "])
def test_case_with_nothing_due_needs_an_obligation(obligation: str | None) -> None:
    with pytest.raises(InvalidValue) as caught:
        received_case(amount_due=0, obligation=obligation)
    assert caught.value.field == "obligation"
    assert caught.value.rule == "nothing_to_execute"


def test_case_may_carry_only_a_non_monetary_obligation() -> None:
    case = received_case(amount_due=0, obligation="Giao trả quyền sử dụng đất")
    assert case.amount_due == 0
    assert case.obligation == "Giao trả quyền sử dụng đất"


def test_blank_obligation_is_stored_as_none() -> None:
    assert received_case(obligation="  ").obligation is None


def test_enforcer_may_be_assigned_later() -> None:
    assert received_case(enforcer=None).enforcer is None


def test_entrusted_case_remembers_the_agency_it_came_from() -> None:
    case = received_case(entrusted_from="HCM-Q1")
    assert case.entrusted_from == "HCM-Q1"


# -------------------------------------------------------------- verification


@pytest.mark.parametrize(("result", "able"), [("able", True), ("unable", False)])
def test_verify_records_the_result_and_reaches_stage_verified(result: str, able: bool) -> None:
    case = received_case()
    on = START + timedelta(days=3)
    case.verify(result, by=BY, on=on, findings="Có nhà ở")
    assert (case.able, case.verified_on, case.verifications) == (able, on, 1)
    assert case.stage == "verified"
    assert type(case.pending_events[-1]).__name__ == "Verified"


def test_verification_may_be_repeated() -> None:
    case = received_case()
    case.verify("unable", by=BY, on=START + timedelta(days=1))
    case.verify("able", by=BY, on=START + timedelta(days=200))
    assert (case.able, case.verifications, case.verified_on) == (True, 2, START + timedelta(days=200))
    assert case.stage == "verified"


@pytest.mark.parametrize(
    ("result", "findings", "field"),
    [
        ("maybe", None, "result"),
        (None, None, "result"),
        ("able", 42, "findings"),
        ("able", "x" * 2001, "findings"),
    ],
)
def test_verify_refuses_invalid_input(result: Any, findings: Any, field: str) -> None:
    case = received_case()
    refused(case, lambda: case.verify(result, by=BY, on=START, findings=findings), InvalidValue, field=field)

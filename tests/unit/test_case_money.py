"""Money collected and paid out, and the business-date rules every command shares."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain import clock
from domain.errors import (
    AmountExceedsDue,
    DateOutOfOrder,
    IllegalTransition,
    InvalidValue,
    PaidOutExceedsCollected,
)
from domain.values import MAX_AMOUNT, CollectionSource
from tests.unit.case_factory import (
    BY,
    START,
    act,
    case_with_asset,
    next_day,
    received_case,
    refused,
    verified_case,
)


@pytest.mark.parametrize("source", ["voluntary", "deduction", "other"])
def test_collect_records_money_from_any_source(source: str) -> None:
    case = verified_case()
    case.collect(30_000_000, source, by=BY, on=next_day(case))
    assert case.collected == 30_000_000
    assert case.outstanding == 70_000_000
    assert case.last_on == START + timedelta(days=2)
    assert type(case.pending_events[-1]).__name__ == "MoneyCollected"


def test_collect_does_not_need_verification() -> None:
    case = received_case()
    case.collect(1, "voluntary", by=BY, on=START)
    assert case.collected == 1
    assert case.stage == "received"


def test_collect_up_to_exactly_the_amount_due() -> None:
    case = verified_case()
    case.collect(60_000_000, "voluntary", by=BY, on=next_day(case))
    case.collect(40_000_000, "deduction", by=BY, on=next_day(case))
    assert case.collected == case.amount_due
    assert case.outstanding == 0


def test_collect_cannot_exceed_amount_due() -> None:
    case = verified_case()
    case.collect(60_000_000, "voluntary", by=BY, on=next_day(case))
    refused(
        case,
        act(case.collect, 40_000_001, "voluntary"),
        AmountExceedsDue,
        field="amount",
        rule="amount_exceeds_due",
    )


def test_nothing_can_be_collected_on_a_non_monetary_case() -> None:
    case = received_case(amount_due=0, obligation="Giao nhà")
    refused(case, act(case.collect, 1, "voluntary"), AmountExceedsDue)


@pytest.mark.parametrize("amount", [0, -5, 1.5, "100", True, None, MAX_AMOUNT + 1])
def test_collect_amount_must_be_a_positive_whole_number(amount: Any) -> None:
    case = verified_case()
    refused(case, act(case.collect, amount, "voluntary"), InvalidValue, field="amount", rule="invalid_value")


@pytest.mark.parametrize("source", ["cash", "", None, "AUCTION"])
def test_collect_source_must_be_known(source: Any) -> None:
    case = verified_case()
    refused(case, act(case.collect, 1, source), InvalidValue, field="source")


@pytest.mark.parametrize("status", ["seized", "valued", "unsold", "reduced"])
def test_auction_proceeds_need_an_asset_sold_at_auction(status: str) -> None:
    case = case_with_asset(status)
    refused(case, act(case.collect, 1, "auction"), IllegalTransition, field="source", rule="nothing_sold")


@pytest.mark.parametrize("status", ["sold", "delivered"])
def test_auction_proceeds_collected_once_an_asset_is_sold(status: str) -> None:
    case = case_with_asset(status)
    case.collect(80_000_000, CollectionSource.AUCTION, by=BY, on=next_day(case))
    assert case.collected == 80_000_000


def test_pay_out_records_money_paid_to_the_creditor() -> None:
    case = verified_case()
    case.collect(50_000_000, "voluntary", by=BY, on=next_day(case))
    case.pay_out(20_000_000, by=BY, on=next_day(case))
    case.pay_out(30_000_000, by=BY, on=next_day(case))
    assert (case.collected, case.paid_out) == (50_000_000, 50_000_000)
    assert type(case.pending_events[-1]).__name__ == "MoneyPaidOut"


def test_pay_out_cannot_exceed_collected() -> None:
    case = verified_case()
    case.collect(50_000_000, "voluntary", by=BY, on=next_day(case))
    case.pay_out(20_000_000, by=BY, on=next_day(case))
    refused(
        case,
        act(case.pay_out, 30_000_001),
        PaidOutExceedsCollected,
        field="amount",
        rule="paid_out_exceeds_collected",
    )


def test_nothing_can_be_paid_out_before_money_is_collected() -> None:
    case = verified_case()
    refused(case, act(case.pay_out, 1), PaidOutExceedsCollected)


@pytest.mark.parametrize("amount", [0, -1, 2.0, True])
def test_pay_out_amount_must_be_positive(amount: Any) -> None:
    case = verified_case()
    case.collect(50_000_000, "voluntary", by=BY, on=next_day(case))
    refused(case, act(case.pay_out, amount), InvalidValue, field="amount")


# -------------------------------------------------------------- business dates


def test_business_date_cannot_be_in_future() -> None:
    case = verified_case()
    tomorrow = clock.today() + timedelta(days=1)
    refused(
        case,
        lambda: case.collect(1, "voluntary", by=BY, on=tomorrow),
        DateOutOfOrder,
        field="on",
        rule="date_out_of_order",
    )


def test_business_date_cannot_precede_previous_act() -> None:
    case = verified_case()
    case.collect(1, "voluntary", by=BY, on=START + timedelta(days=10))
    refused(case, lambda: case.pay_out(1, by=BY, on=START + timedelta(days=9)), DateOutOfOrder, field="on")


def test_business_date_cannot_precede_receipt() -> None:
    case = received_case()
    refused(
        case, lambda: case.verify("able", by=BY, on=START - timedelta(days=1)), DateOutOfOrder, field="on"
    )


def test_several_acts_on_the_same_day_are_accepted() -> None:
    case = verified_case()
    on = next_day(case)
    case.collect(10, "voluntary", by=BY, on=on)
    case.pay_out(10, by=BY, on=on)
    case.collect(10, "voluntary", by=BY, on=on)
    assert case.last_on == on


def test_business_date_of_a_command_defaults_to_today() -> None:
    case = verified_case()
    case.collect(10, "voluntary", by=BY)
    assert case.last_on == clock.today()


def test_business_date_must_be_a_date() -> None:
    case = verified_case()
    iso: Any = "2019-10-05"
    refused(case, lambda: case.collect(10, "voluntary", by=BY, on=iso), InvalidValue, field="on")

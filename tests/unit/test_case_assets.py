"""Assets: seizure, valuation, auction, price reduction, taking by the creditor, delivery."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import AmountExceedsDue, IllegalTransition, InvalidValue, UnknownAsset
from domain.values import AuctionRecord, Stage
from tests.unit.case_factory import BY, act, case_with_asset, next_day, received_case, refused, verified_case


@pytest.mark.parametrize("verified", ["not yet", "unable"])
def test_seize_requires_case_verified_able(verified: str) -> None:
    case = received_case() if verified == "not yet" else verified_case(able=False)
    refused(case, act(case.seize, "Xe ô tô", "vehicle", 1), IllegalTransition, rule="not_verified_able")


def test_seize_refused_once_re_verified_unable() -> None:
    case = case_with_asset("seized")
    case.verify("unable", by=BY, on=next_day(case))
    refused(case, act(case.seize, "Xe ô tô", "vehicle", 1), IllegalTransition, rule="not_verified_able")


def test_seize_adds_numbered_assets_and_reaches_stage_seized() -> None:
    case = verified_case()
    on = next_day(case)
    assert case.seize(" Xe máy ", "vehicle", 0, by=BY, on=on) == 1
    assert case.seize("Sổ tiết kiệm", "deposit", 5_000_000, by=BY, on=on) == 2
    assert case.stage == "seized"
    first, second = case.assets
    assert (first.id, first.description, first.kind, first.status) == (1, "Xe máy", "vehicle", "seized")
    assert first.seized_on == on and first.estimated_value == 0
    assert second.id == 2 and second.starting_price is None


@pytest.mark.parametrize(
    ("description", "kind", "value", "field"),
    [
        ("  ", "land", 1, "asset.description"),
        ("x" * 501, "land", 1, "asset.description"),
        ("Đất", "boat", 1, "asset.kind"),
        ("Đất", "land", -1, "asset.estimated_value"),
        ("Đất", "land", 1.0, "asset.estimated_value"),
    ],
)
def test_seize_refuses_invalid_asset(description: str, kind: str, value: Any, field: str) -> None:
    case = verified_case()
    refused(case, act(case.seize, description, kind, value), InvalidValue, field=field)


def test_value_sets_the_starting_price() -> None:
    case = case_with_asset("valued", price=70_000_000)
    asset = case.assets[0]
    assert (asset.status, asset.valuation, asset.starting_price) == ("valued", 70_000_000, 70_000_000)
    assert asset.valued_on == case.last_on
    assert case.stage == "seized"


@pytest.mark.parametrize(
    ("asset_id", "error"),
    [
        (0, UnknownAsset),
        (2, UnknownAsset),
        (-1, UnknownAsset),
        ("1", InvalidValue),
        (True, InvalidValue),
        (1.0, InvalidValue),
    ],
)
def test_commands_refuse_asset_ids_the_case_does_not_hold(asset_id: Any, error: type) -> None:
    case = case_with_asset("seized")
    refused(case, act(case.value, asset_id, 1), error, field="asset_id")


@pytest.mark.parametrize("price", [0, -1, 1.5, None])
def test_value_price_must_be_positive(price: Any) -> None:
    case = case_with_asset("seized")
    refused(case, act(case.value, 1, price), InvalidValue, field="price")


@pytest.mark.parametrize("status", ["valued", "unsold", "reduced"])
def test_asset_may_be_valued_again_before_it_is_sold(status: str) -> None:
    case = case_with_asset(status)
    case.value(1, 60_000_000, by=BY, on=next_day(case))
    assert (case.assets[0].status, case.assets[0].starting_price) == ("valued", 60_000_000)


@pytest.mark.parametrize("status", ["sold", "delivered"])
def test_sold_asset_cannot_be_valued(status: str) -> None:
    case = case_with_asset(status)
    refused(case, act(case.value, 1, 1), IllegalTransition, field="asset_id", rule=f"asset_{status}")


@pytest.mark.parametrize("status", ["seized", "unsold", "sold", "delivered"])
def test_auction_requires_valued_asset(status: str) -> None:
    case = case_with_asset(status)
    refused(case, act(case.auction, 1, "failed"), IllegalTransition, field="asset_id", rule=f"asset_{status}")


def test_sold_auction_records_the_sale_and_reaches_stage_auctioned() -> None:
    case = case_with_asset("valued", price=70_000_000)
    on = next_day(case)
    case.auction(1, "sold", by=BY, on=on, price=75_000_000)
    asset = case.assets[0]
    assert (asset.status, asset.sold_price, asset.sold_on) == ("sold", 75_000_000, on)
    assert asset.auctions == [AuctionRecord(on, 70_000_000, "sold", 75_000_000)]
    assert case.stage == "auctioned"


def test_failed_auction_leaves_the_case_seized() -> None:
    case = case_with_asset("unsold", price=70_000_000)
    asset = case.assets[0]
    assert asset.status == "unsold"
    assert asset.auctions == [AuctionRecord(case.last_on, 70_000_000, "failed", None)]
    assert case.stage == "seized"


def test_sale_price_cannot_be_below_starting_price() -> None:
    case = case_with_asset("valued", price=70_000_000)
    refused(
        case,
        act(case.auction, 1, "sold", price=69_999_999),
        InvalidValue,
        field="price",
        rule="price_below_start",
    )


@pytest.mark.parametrize(
    ("outcome", "price", "field"),
    [
        ("sold", None, "price"),
        ("sold", 0, "price"),
        ("failed", 70_000_000, "price"),
        ("withdrawn", None, "outcome"),
    ],
)
def test_auction_refuses_inconsistent_outcome_and_price(outcome: str, price: Any, field: str) -> None:
    case = case_with_asset("valued", price=70_000_000)
    refused(case, act(case.auction, 1, outcome, price=price), InvalidValue, field=field)


def test_reduce_price_requires_a_failed_auction() -> None:
    case = case_with_asset("valued")
    refused(case, act(case.reduce_price, 1, 1), IllegalTransition, field="asset_id", rule="asset_valued")


@pytest.mark.parametrize("price", [80_000_000, 80_000_001])
def test_reduced_price_must_be_lower(price: int) -> None:
    case = case_with_asset("unsold", price=80_000_000)
    refused(case, act(case.reduce_price, 1, price), InvalidValue, field="price", rule="price_not_lower")


def test_reduced_price_opens_a_new_auction() -> None:
    case = case_with_asset("unsold", price=80_000_000)
    case.reduce_price(1, 72_000_000, by=BY, on=next_day(case))
    asset = case.assets[0]
    assert (asset.status, asset.starting_price, asset.price_reductions) == ("valued", 72_000_000, 1)
    assert asset.valuation == 80_000_000
    case.auction(1, "sold", by=BY, on=next_day(case), price=72_000_000)
    assert case.stage == "auctioned"


def test_hand_to_creditor_needs_failed_auction_at_reduced_price() -> None:
    case = case_with_asset("unsold")
    refused(
        case, act(case.hand_to_creditor, 1, 1), IllegalTransition, field="asset_id", rule="price_not_reduced"
    )
    case.reduce_price(1, 70_000_000, by=BY, on=next_day(case))
    refused(  # reduced but not yet offered again at that price
        case, act(case.hand_to_creditor, 1, 1), IllegalTransition, field="asset_id", rule="asset_valued"
    )


def test_hand_to_creditor_counts_as_collected_and_paid_out() -> None:
    case = case_with_asset("reduced", price=80_000_000)
    on = next_day(case)
    case.hand_to_creditor(1, 72_000_000, by=BY, on=on)
    asset = case.assets[0]
    assert (asset.status, asset.taken_price, asset.taken_on) == ("taken", 72_000_000, on)
    assert (case.collected, case.paid_out, case.outstanding) == (72_000_000, 72_000_000, 28_000_000)
    assert case.stage == "auctioned"
    assert type(case.pending_events[-1]).__name__ == "AssetTakenByCreditor"


def test_creditor_takes_the_asset_at_most_at_its_last_starting_price() -> None:
    case = case_with_asset("reduced", price=80_000_000)
    refused(case, act(case.hand_to_creditor, 1, 72_000_001), InvalidValue, field="price")


def test_hand_to_creditor_cannot_exceed_amount_due() -> None:
    case = case_with_asset("reduced", price=80_000_000, amount_due=50_000_000)
    refused(case, act(case.hand_to_creditor, 1, 50_000_001), AmountExceedsDue, field="price")
    case.hand_to_creditor(1, 50_000_000, by=BY, on=next_day(case))
    assert case.outstanding == 0


def test_hand_to_creditor_refused_after_a_failed_auction_at_a_new_valuation() -> None:
    case = case_with_asset("reduced", price=80_000_000)
    case.value(1, 90_000_000, by=BY, on=next_day(case))
    case.auction(1, "failed", by=BY, on=next_day(case))
    refused(case, act(case.hand_to_creditor, 1, 50_000_000), IllegalTransition)


def test_deliver_hands_a_sold_asset_to_its_buyer() -> None:
    case = case_with_asset("sold")
    on = next_day(case)
    case.deliver(1, by=BY, on=on)
    assert (case.assets[0].status, case.assets[0].delivered_on) == ("delivered", on)
    assert case.stage == "delivered"


@pytest.mark.parametrize("status", ["seized", "valued", "unsold", "delivered"])
def test_deliver_requires_a_sold_asset(status: str) -> None:
    case = case_with_asset(status)
    refused(case, act(case.deliver, 1), IllegalTransition, field="asset_id", rule=f"asset_{status}")


def test_stage_never_goes_back() -> None:
    case = case_with_asset("seized")
    case.verify("able", by=BY, on=next_day(case))  # re-verification after seizure
    assert case.stage == "seized"
    case.value(1, 10, by=BY, on=next_day(case))
    case.auction(1, "sold", by=BY, on=next_day(case), price=10)
    case.deliver(1, by=BY, on=next_day(case))
    case.seize("Đất", "land", 1, by=BY, on=next_day(case))
    case.value(2, 10, by=BY, on=next_day(case))
    case.auction(2, "failed", by=BY, on=next_day(case))
    case.verify("unable", by=BY, on=next_day(case))
    assert case.stage == Stage.DELIVERED
    assert case.verifications == 3 and case.able is False

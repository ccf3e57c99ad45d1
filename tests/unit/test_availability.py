"""The commands a case page offers are exactly those the aggregate accepts now."""

from __future__ import annotations

import contextlib
import copy
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.access import Actor
from domain.availability import ALL, available, available_to
from domain.case import EnforcementCase
from domain.errors import CaseError

ON = date(2020, 1, 2)


def new_case(initiation: str = "on_request", amount: int = 1000) -> EnforcementCase:
    return EnforcementCase.receive(
        number="1/2020", agency="CC243", on=ON, initiation=initiation,
        judgment={"court": "TAND", "number": "1/DS", "date": date(2019, 12, 1), "kind": "civil"},
        creditor={"name": "A", "kind": "individual"}, debtor={"name": "B", "kind": "individual"},
        amount_due=amount, enforcer="e1", by="e1")


def test_a_new_case_can_be_verified_but_not_seized_or_closed() -> None:
    now = available(new_case())
    assert now["verify"] is ALL and now["note"] is ALL and now["return_request"] is ALL
    assert "seize" not in now and "close" not in now and "resume" not in now and "pay_out" not in now
    assert "return_request" not in available(new_case("ex_officio"))


def test_assets_are_offered_by_status() -> None:
    case = new_case()
    case.verify("able", by="e1", on=ON)
    first = case.seize("Nhà", "house", 500, by="e1", on=ON)
    second = case.seize("Xe", "vehicle", 100, by="e1", on=ON)
    case.value(first, 600, by="e1", on=ON)
    now = available(case)
    assert now["value"] == [first, second] and now["auction"] == [first]
    assert "deliver" not in now and "reduce_price" not in now
    case.auction(first, "failed", by="e1", on=ON)
    assert available(case)["reduce_price"] == [first]
    assert "hand_to_creditor" not in available(case)  # only after a reduced price failed too


def test_a_held_case_can_only_resume_terminate_or_take_notes() -> None:
    case = new_case()
    case.postpone("hoan.48.1.c", by="e1", on=ON)
    assert set(available(case)) == {"note", "terminate", "resume"}


def test_roles_narrow_the_offer() -> None:
    case = new_case()
    assert "reassign" not in available_to(Actor("e1", "enforcer", "CC243"), case)
    assert "reassign" in available_to(Actor("h1", "head", "CC243"), case)
    assert available_to(Actor("e2", "enforcer", "CC243"), case) == {}  # not their case
    assert available_to(Actor("k1", "auditor", "CC243"), case) == {}


ARGS: dict[str, dict[str, Any]] = {
    "verify": {"result": "able"}, "seize": {"description": "Đất", "kind": "land", "estimated_value": 10},
    "value": {"price": 100}, "auction": {"outcome": "failed"}, "reduce_price": {"price": 50},
    "hand_to_creditor": {"price": 40}, "deliver": {}, "collect": {"amount": 10, "source": "voluntary"},
    "pay_out": {"amount": 10}, "postpone": {"reason": "x"}, "suspend": {"reason": "x"}, "resume": {},
    "terminate": {"reason": "x"}, "return_request": {"reason": "x"}, "close": {}, "note": {"text": "x"},
    "mark_difficult": {"difficult": True, "reason": "x"},
}
ASSET_COMMANDS = {"value", "auction", "reduce_price", "hand_to_creditor", "deliver"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(ARGS)), max_size=25), st.sampled_from([1000, 10]))
def test_what_is_offered_is_accepted_and_what_is_not_is_refused(steps: list[str], amount: int) -> None:
    """After any sequence of commands, every command with plain arguments is offered if and
    only if the aggregate accepts it (asset commands: for the offered asset ids)."""
    case = new_case(amount=amount)
    for step in steps:
        _try(case, step, 1)
        offered = available(case)
        for name in ARGS:
            if name in ("seize", "collect", "pay_out", "hand_to_creditor", "close", "reduce_price",
                        "mark_difficult"):
                continue  # their acceptance also depends on the amounts and values chosen
            targets = [1] if name in ASSET_COMMANDS else [None]
            for asset in targets:
                accepted = _accepts(case, name, asset)
                assert accepted == (name in offered), (name, steps)


def _call(case: EnforcementCase, name: str, asset: int | None) -> None:
    args = dict(ARGS[name])
    if asset is not None:
        args["asset_id"] = asset
    getattr(case, name)(**args, by="e1", on=ON)


def _try(case: EnforcementCase, name: str, asset: int) -> None:
    with contextlib.suppress(CaseError):
        _call(case, name, asset if name in ASSET_COMMANDS else None)


def _accepts(case: EnforcementCase, name: str, asset: int | None) -> bool:
    trial = copy.deepcopy(case)
    try:
        _call(trial, name, asset)
    except CaseError:
        return False
    return True

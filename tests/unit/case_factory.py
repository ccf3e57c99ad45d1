"""Build enforcement cases in a known state for the unit tests, and check refusals."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from domain.case import EnforcementCase
from domain.errors import CaseError

START = date(2019, 10, 1)
"""The date every test case is received on; later acts follow it day by day."""

BY = "cv.nguyen"


def judgment(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "court": "TAND quận Ba Đình",
        "number": "15/2019/DS-ST",
        "date": date(2019, 8, 20),
        "kind": "civil",
    }
    values.update(overrides)
    return values


def party(name: str, kind: str = "individual") -> dict[str, Any]:
    return {"name": name, "kind": kind}


def received_case(**overrides: Any) -> EnforcementCase:
    """A case accepted on START, opened on request, 100 million VND due, pending events kept."""
    kwargs: dict[str, Any] = {
        "number": "123/QĐ-CCTHADS",
        "agency": "HN-BADINH",
        "on": START,
        "initiation": "on_request",
        "judgment": judgment(),
        "creditor": party("Trần Thị Bình"),
        "debtor": party("Lê Văn Cường"),
        "amount_due": 100_000_000,
        "enforcer": "cv.nguyen",
        "by": BY,
    }
    kwargs.update(overrides)
    return EnforcementCase.receive(**kwargs)


def next_day(case: EnforcementCase, days: int = 1) -> date:
    """A business date ``days`` after the case's last act."""
    return case.last_on + timedelta(days=days)


def act(command: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[], object]:
    """A case's command as a thunk, run by BY on the day after the case's last act."""
    case = command.__self__  # type: ignore[attr-defined]
    return lambda: command(*args, by=BY, on=next_day(case), **kwargs)


def verified_case(able: bool = True, **overrides: Any) -> EnforcementCase:
    case = received_case(**overrides)
    case.verify("able" if able else "unable", by=BY, on=next_day(case))
    return case


def case_with_asset(status: str = "seized", price: int = 80_000_000, **overrides: Any) -> EnforcementCase:
    """A verified-able case holding asset 1 in ``status``: seized, valued, unsold (after one
    failed auction), reduced (unsold after a failed auction at a reduced price), sold or
    delivered. Sold assets fetch ``price``."""
    case = verified_case(**overrides)
    case.seize("Nhà số 5 phố Huế", "house", 90_000_000, by=BY, on=next_day(case))
    if status == "seized":
        return case
    case.value(1, price, by=BY, on=next_day(case))
    if status == "valued":
        return case
    if status in ("sold", "delivered"):
        case.auction(1, "sold", by=BY, on=next_day(case), price=price)
        if status == "delivered":
            case.deliver(1, by=BY, on=next_day(case))
        return case
    case.auction(1, "failed", by=BY, on=next_day(case))
    if status == "reduced":
        case.reduce_price(1, price * 9 // 10, by=BY, on=next_day(case))
        case.auction(1, "failed", by=BY, on=next_day(case))
    return case


def refused(
    case: EnforcementCase,
    command: Callable[[], object],
    error: type[CaseError],
    *,
    field: str | None = None,
    rule: str | None = None,
) -> CaseError:
    """Run ``command``, expect ``error`` (with ``field``/``rule`` when given), and check that
    it changed nothing: no new event, same version, same state."""
    before = copy.deepcopy(case.__dict__)
    version = case.version
    pending = len(case.pending_events)
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    if field is not None:
        assert caught.value.field == field
    if rule is not None:
        assert caught.value.rule == rule
    assert case.version == version
    assert len(case.pending_events) == pending
    assert case.__dict__ == before
    return caught.value


def every_command(case: EnforcementCase, on: date) -> dict[str, Callable[[], object]]:
    """Each command of the case with plausible arguments, by name, for checks of the form
    "in this state every command but X is refused"."""
    return {
        "verify": lambda: case.verify("able", by=BY, on=on),
        "seize": lambda: case.seize("Xe máy", "vehicle", 1, by=BY, on=on),
        "value": lambda: case.value(1, 1_000_000, by=BY, on=on),
        "auction": lambda: case.auction(1, "failed", by=BY, on=on),
        "reduce_price": lambda: case.reduce_price(1, 1, by=BY, on=on),
        "hand_to_creditor": lambda: case.hand_to_creditor(1, 1, by=BY, on=on),
        "deliver": lambda: case.deliver(1, by=BY, on=on),
        "collect": lambda: case.collect(1, "voluntary", by=BY, on=on),
        "pay_out": lambda: case.pay_out(1, by=BY, on=on),
        "postpone": lambda: case.postpone("hoan.48.1.c", by=BY, on=on),
        "suspend": lambda: case.suspend("tdc.49.2", by=BY, on=on),
        "resume": lambda: case.resume(by=BY, on=on),
        "entrust": lambda: case.entrust("HCM-Q1", "456/QĐ-CCTHADS", by=BY, on=on),
        "terminate": lambda: case.terminate("dc.50.1.c", by=BY, on=on),
        "return_request": lambda: case.return_request("td.51.1.c", by=BY, on=on),
        "close": lambda: case.close(by=BY, on=on),
        "reassign": lambda: case.reassign("cv.someone.else", by=BY, on=on),
        "mark_difficult": lambda: case.mark_difficult(not case.difficult, "Hội đồng CHV", by=BY, on=on),
        "correct": lambda: case.correct(1, "debtor.name", "Lê Văn Cường", "sai tên", by=BY, on=on),
        "note": lambda: case.note("Đã gọi điện cho đương sự", by=BY, on=on),
    }


HELD_CASE_ACCEPTS = ("resume", "terminate", "note")
"""A postponed or suspended case refuses every other command (SPEC §3)."""

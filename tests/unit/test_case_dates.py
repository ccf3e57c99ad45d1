"""The dates that start time limits: when the request reached the agency (``requested_on``) and
when the ground of a postponement or suspension is expected to end (``until``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.case import EnforcementCase
from domain.errors import DateOutOfOrder, InvalidValue
from service.application import project_case
from tests.unit.case_factory import BY, START, judgment, next_day, received_case, verified_case


def test_requested_on_defaults_to_the_day_received() -> None:
    case = received_case()
    assert case.requested_on == START
    assert case.pending_events[0].requested_on is None  # type: ignore[attr-defined]


def test_requested_on_is_kept_on_the_received_event() -> None:
    case = received_case(requested_on=START - timedelta(days=9))
    assert case.requested_on == date(2019, 9, 22)
    assert case.pending_events[0].requested_on == date(2019, 9, 22)  # type: ignore[attr-defined]


def test_requested_on_may_be_the_day_received() -> None:
    assert received_case(requested_on=START).requested_on == START


def test_requested_on_never_after_the_day_received() -> None:
    with pytest.raises(DateOutOfOrder) as caught:
        received_case(requested_on=START + timedelta(days=1))
    assert caught.value.field == "requested_on"


def test_requested_on_never_before_the_judgment() -> None:
    with pytest.raises(DateOutOfOrder) as caught:
        received_case(judgment=judgment(date=date(2019, 8, 20)), requested_on=date(2019, 8, 19))
    assert caught.value.field == "requested_on"


def test_requested_on_must_be_a_date() -> None:
    with pytest.raises(InvalidValue) as caught:
        received_case(requested_on="2019-09-30")
    assert caught.value.field == "requested_on"


def test_a_received_event_stored_without_requested_on_still_replays() -> None:
    """Events recorded before ``requested_on`` existed carry no such attribute."""
    event = received_case().pending_events[0]
    old_state: dict[str, Any] = {k: v for k, v in event.__dict__.items() if k != "requested_on"}
    old = object.__new__(type(event))
    object.__setattr__(old, "__dict__", old_state)
    case = project_case(None, [old])
    assert isinstance(case, EnforcementCase)
    assert case.requested_on == START and case.received_on == START


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_hold_records_until(hold: str) -> None:
    case = verified_case()
    on = next_day(case)
    getattr(case, hold)("hoan.48.1.a", by=BY, on=on, until=on + timedelta(days=30))
    assert case.hold is not None and case.hold["until"] == on + timedelta(days=30)
    assert case.pending_events[-1].until == on + timedelta(days=30)  # type: ignore[attr-defined]


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_hold_until_may_be_the_same_day_but_not_before(hold: str) -> None:
    case = verified_case()
    on = next_day(case)
    with pytest.raises(DateOutOfOrder) as caught:
        getattr(case, hold)("hoan.48.1.a", by=BY, on=on, until=on - timedelta(days=1))
    assert caught.value.field == "until" and case.state == "active"
    getattr(case, hold)("hoan.48.1.a", by=BY, on=on, until=on)
    assert case.hold is not None and case.hold["until"] == on


def test_hold_without_until_has_none() -> None:
    case = verified_case()
    case.postpone("hoan.48.1.c", by=BY, on=next_day(case))
    assert case.hold is not None and "until" not in case.hold
    assert case.pending_events[-1].until is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("hold", ["postpone", "suspend"])
def test_a_hold_event_stored_without_until_still_replays(hold: str) -> None:
    case = verified_case()
    on = next_day(case)
    getattr(case, hold)("hoan.48.1.c", by=BY, on=on, until=on + timedelta(days=3))
    events = list(case.pending_events)
    last = events[-1]
    old_state = {k: v for k, v in last.__dict__.items() if k != "until"}
    old = object.__new__(type(last))
    object.__setattr__(old, "__dict__", old_state)
    replayed = project_case(None, [*events[:-1], old])
    assert replayed.state == case.state
    assert replayed.hold == {"kind": case.state, "reason": "hoan.48.1.c", "since": on}
    replayed.resume(by=BY, on=next_day(replayed))
    assert replayed.state == "active"


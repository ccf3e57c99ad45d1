"""The statistics' arithmetic (projections/stats_model.py and the pure parts of stats_query):
per-event deltas against a case's whole contribution and against a direct reading of the
case at each month's end, for random lives of real cases."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.case import EnforcementCase
from domain.errors import CaseError
from projections.stats_model import (
    STATES,
    CaseStat,
    Vector,
    add,
    case_stat,
    correction_deltas,
    full_contribution,
    is_correction,
    month_of,
    step,
)
from projections.stats_query import Period, competition_ranks, rate
from tests.unit.case_factory import BY, received_case

Key = tuple[tuple[str, str, str], int]


def take_in_kind(case: EnforcementCase, price: int, on: date) -> None:
    """Seize, value, two failed auctions (the second at a reduced price), hand to creditor."""
    asset = case.seize("Xe ô tô", "vehicle", 10 * price, by=BY, on=on)
    case.value(asset, 10 * price, by=BY, on=on)
    case.auction(asset, "failed", by=BY, on=on)
    case.reduce_price(asset, 9 * price, by=BY, on=on)
    case.auction(asset, "failed", by=BY, on=on)
    case.hand_to_creditor(asset, price, by=BY, on=on)


def settle(case: EnforcementCase, on: date) -> None:
    if case.outstanding:
        case.collect(case.outstanding, "voluntary", by=BY, on=on)
    if case.collected > case.paid_out:
        case.pay_out(case.collected - case.paid_out, by=BY, on=on)
    case.close(by=BY, on=on)


COMMANDS: dict[str, Callable[[EnforcementCase, date, int], object]] = {
    "able": lambda c, on, n: c.verify("able", by=BY, on=on),
    "unable": lambda c, on, n: c.verify("unable", by=BY, on=on),
    "collect": lambda c, on, n: c.collect(1 + n % max(1, c.outstanding), "voluntary", by=BY, on=on),
    "take": lambda c, on, n: take_in_kind(c, 1 + n % max(1, c.outstanding), on),
    "postpone": lambda c, on, n: c.postpone("hoan.48.1.c", by=BY, on=on),
    "suspend": lambda c, on, n: c.suspend("tdc.49.2", by=BY, on=on),
    "resume": lambda c, on, n: c.resume(by=BY, on=on),
    "entrust": lambda c, on, n: c.entrust("CC244", "x", by=BY, on=on),
    "terminate": lambda c, on, n: c.terminate("dc.50.1.c", by=BY, on=on),
    "return": lambda c, on, n: c.return_request("td.51.1.c", by=BY, on=on),
    "close": lambda c, on, n: settle(c, on),
    "amount": lambda c, on, n: c.correct(1, "amount_due", c.collected + n, "nhầm", by=BY, on=on),
    "kind": lambda c, on, n: c.correct(1, "judgment.kind", ("civil", "criminal", "labour")[n % 3],
                                       "nhầm", by=BY, on=on),
    "note": lambda c, on, n: c.note("ghi chú", by=BY, on=on),
}
# Finishing commands are drawn less often than the others, so that lives last.
DRAWN = [*sorted(COMMANDS), "able", "able", "collect", "collect", "take", "take", "take", "amount"]
LIVES = st.lists(st.tuples(st.sampled_from(DRAWN), st.integers(0, 45), st.integers(0, 500)),
                 max_size=16)
START = date(2019, 8, 20)


def live(amount: int, initiation: str,
         steps: list[tuple[str, int, int]]) -> tuple[EnforcementCase, list[Any]]:
    """A case received on START, then the commands that its rules allow, in order."""
    case = received_case(agency="CC243", on=START, amount_due=amount, initiation=initiation,
                         obligation=None if amount else "Trả giấy tờ")
    for command, gap, n in steps:
        with contextlib.suppress(CaseError):
            COMMANDS[command](case, case.last_on + timedelta(days=gap), n)
    return case, list(case.collect_events())


def incremental(events: list[Any]) -> tuple[CaseStat | None, dict[Key, Vector], list[CaseStat | None]]:
    """What the projection does, event by event; answers also the state after each event."""
    stat: CaseStat | None = None
    total: dict[Key, Vector] = {}
    states = []
    for i, event in enumerate(events):
        stat, found = step(stat, event)
        if is_correction(event):
            found = correction_deltas(events[: i + 1])
        for where, month, vector in found:
            add(total.setdefault((where, month), {}), vector)
        states.append(stat)
    return stat, total, states


def nonzero(sums: dict[Key, Vector]) -> dict[Key, Vector]:
    out = {key: {k: v for k, v in vector.items() if v} for key, vector in sums.items()}
    return {key: vector for key, vector in out.items() if vector}


CASE = {"amount": st.sampled_from([0, 1, 100, 7_000_000]), "initiation": st.sampled_from(
    ["on_request", "ex_officio"]), "steps": LIVES}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(**CASE)
def test_incremental_deltas_add_up_to_the_whole_contribution(amount: int, initiation: str,
                                                            steps: list[Any]) -> None:
    case, events = live(amount, initiation, steps)
    stat, total, _ = incremental(events)
    whole_stat, whole = full_contribution(events)
    assert nonzero(total) == nonzero(whole)
    assert stat == whole_stat == case_stat(case)


@SETTINGS
@given(**CASE)
def test_the_state_after_each_event_is_the_aggregates(amount: int, initiation: str,
                                                      steps: list[Any]) -> None:
    _, events = live(amount, initiation, steps)
    _, _, states = incremental(events)
    case: Any = None
    for event, stat in zip(events, states, strict=True):
        case = event.mutate(case)
        assert stat == case_stat(case)


def month_ends(first: date, last: date) -> list[date]:
    ends, day = [], first
    while day <= last + timedelta(days=31):
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        ends.append(following - timedelta(days=1))
        day = following
    return ends


@SETTINGS
@given(**CASE)
def test_sums_to_each_month_end_read_the_case_as_it_stood(amount: int, initiation: str,
                                                         steps: list[Any]) -> None:
    """Open category and outstanding at each month's end, read straight from the events,
    with the final amount due (a correction holds from the start)."""
    case, events = live(amount, initiation, steps)
    _, whole = full_contribution(events)
    for end in month_ends(START, case.last_on):
        upto = {s: 0 for s in STATES}
        for (_, month), vector in whole.items():
            if month <= month_of(end):
                for name in STATES:
                    upto[name] += vector.get(name, 0)
        before = [e for e in events if e.on <= end]
        names = [type(e).__name__ for e in before]
        expected = dict.fromkeys(STATES, 0)
        if not {"Closed", "Terminated", "RequestReturned", "Entrusted"} & set(names):
            results = [e.result for e in before if type(e).__name__ == "Verified"]
            holds = [n for n in names if n in ("Postponed", "Suspended", "Resumed")]
            category = ("unable" if results and results[-1] == "unable"
                        else holds[-1].lower() if holds and holds[-1] != "Resumed" else "progress")
            collected = sum(getattr(e, "amount", 0) if type(e).__name__ == "MoneyCollected"
                            else getattr(e, "price", 0) if type(e).__name__ == "AssetTakenByCreditor"
                            else 0 for e in before)
            expected[f"n_{category}"] = 1
            expected[f"m_{category}"] = case.amount_due - collected
        assert upto == expected, end


@SETTINGS
@given(**CASE)
def test_flows_fall_in_the_month_of_the_act(amount: int, initiation: str, steps: list[Any]) -> None:
    case, events = live(amount, initiation, steps)
    _, whole = full_contribution(events)
    flows: dict[str, dict[int, int]] = {}
    for (_, month), vector in whole.items():
        for name, value in vector.items():
            if name not in STATES and value:
                flows.setdefault(name, {})[month] = flows.setdefault(name, {}).get(month, 0) + value
    expected: dict[str, dict[int, int]] = {"n_received": {month_of(START): 1}}
    if case.amount_due:
        expected["m_received"] = {month_of(START): case.amount_due}
    for e in events:
        name, month = type(e).__name__, month_of(e.on)
        found = {"MoneyCollected": [("m_collected", getattr(e, "amount", 0))],
                 "AssetTakenByCreditor": [("m_collected", getattr(e, "price", 0))],
                 "Closed": [("n_completed", 1)],
                 "Terminated": [("n_terminated", 1), ("m_terminated", getattr(e, "outstanding", 0))],
                 "RequestReturned": [("n_returned", 1), ("m_returned", getattr(e, "outstanding", 0))],
                 "Entrusted": [("n_entrusted", 1), ("m_entrusted", getattr(e, "outstanding", 0))],
                 }.get(name, [])
        for column, value in found:
            if value:
                expected.setdefault(column, {})[month] = expected.get(column, {}).get(month, 0) + value
    assert flows == expected


def test_unable_wins_over_a_hold_and_a_hold_over_progress() -> None:
    stat = CaseStat("CC243", "on_request", "civil", 201910, 100, 0, None, None, None)
    assert stat.category == "progress"
    assert stat._replace(hold="postponed").category == "postponed"
    assert stat._replace(able=False, hold="suspended").category == "unable"
    assert stat._replace(able=True, hold="suspended").category == "suspended"
    assert stat._replace(finished="completed").category is None


def test_a_kind_correction_moves_the_whole_contribution() -> None:
    case = received_case(agency="CC243", on=START, amount_due=100)
    case.collect(30, "voluntary", by=BY, on=date(2019, 11, 2))
    case.correct(1, "judgment.kind", "criminal", "nhầm", by=BY, on=date(2019, 12, 5))
    events = case.collect_events()
    moved = {(where[2], month): vector for where, month, vector in correction_deltas(events)}
    assert moved == {
        ("civil", 201908): {"n_received": -1, "m_received": -100, "n_progress": -1, "m_progress": -100},
        ("criminal", 201908): {"n_received": 1, "m_received": 100, "n_progress": 1, "m_progress": 100},
        ("civil", 201911): {"m_collected": -30, "m_progress": 30},
        ("criminal", 201911): {"m_collected": 30, "m_progress": -30},
    }


@pytest.mark.parametrize(("done", "base", "expected"), [
    (6, 7, 85.7), (640, 700, 91.4), (0, 0, 0.0), (5, 0, 0.0), (69, 80, 86.3), (1, 8, 12.5),
    (1, 16, 6.3), (2, 3, 66.7), (7, 7, 100.0), (1, 3, 33.3)])
def test_rates_have_one_decimal_rounded_half_up(done: int, base: int, expected: float) -> None:
    assert rate(done, base) == expected


def test_equal_rates_share_a_rank_and_the_next_is_skipped() -> None:
    assert competition_ranks({"a": 90.0, "b": 85.5, "c": 85.5, "d": 12.0, "e": 0.0}) == \
        {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5}


def test_a_period_runs_from_october_to_the_end_of_a_month() -> None:
    assert (Period(2020, 202003).start, Period(2020, 202003).end) == (date(2019, 10, 1), date(2020, 3, 31))
    assert Period(2020, 201912).end == date(2019, 12, 31)
    assert Period(2020, 202002).end == date(2020, 2, 29)
    assert 201910 in Period(2020, 202009) and 202010 not in Period(2020, 202009)

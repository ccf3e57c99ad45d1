"""Folding a case's events into its bottleneck rows: each clock starts, ends, pauses and moves
as SPEC §5 says, with hand-checked due dates (2019–2020, Tết and holidays included)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.case import EnforcementCase
from domain.time_limits import default_rules
from projections.bottleneck_fold import Folder
from projections.bottleneck_rows import CLOCK_COLUMNS, TIMELINE_COLUMNS, Clock, Timeline
from tests.unit.case_factory import BY, received_case

D = date.fromordinal


def fold(case: EnforcementCase, folder: Folder | None = None, line: Timeline | None = None,
         events: list[Any] | None = None) -> tuple[Timeline, Folder]:
    folder = folder or Folder(default_rules())
    event: Any
    for event in case.pending_events if events is None else events:
        on = event.on.toordinal()
        if type(event).__name__ == "Received":
            line = folder.received(event, str(case.id), on)
        else:
            assert line is not None
            folder.apply(line, event, on)
    assert line is not None
    return line, folder


def clocks(folder: Folder) -> dict[tuple[str, str], tuple[date, date, date | None, int | None]]:
    """(clock, key) -> (started, due, ended, satisfied) of every clock row written."""
    return {(c.clock, c.key): (D(c.started_on), D(c.due_on), D(c.ended_on) if c.ended_on else None,
                               c.satisfied) for c in folder.clocks.values()}


def test_decision_clock_only_when_the_request_came_earlier() -> None:
    _, folder = fold(received_case())
    assert set(clocks(folder)) == {("first_verification", "1")}
    # Request on Fri 20 Sep 2019: decision due Fri 27 Sep; taken on 1 Oct, late.
    _, folder = fold(received_case(requested_on=date(2019, 9, 20)))
    assert clocks(folder)[("decision", "1")] == (date(2019, 9, 20), date(2019, 9, 27), date(2019, 10, 1), 1)


def test_first_verification_is_due_20_days_after_receipt() -> None:
    case = received_case()
    case.verify("able", by=BY, on=date(2019, 10, 25))
    line, folder = fold(case)
    assert clocks(folder)[("first_verification", "1")] == (
        date(2019, 10, 1), date(2019, 10, 21), date(2019, 10, 25), 1)
    assert (D(line.verified_on or 0), line.able, D(line.able_since or 0)) == (
        date(2019, 10, 25), 1, date(2019, 10, 25))


def test_an_unable_case_is_reverified_every_six_months() -> None:
    case = received_case()
    case.verify("unable", by=BY, on=date(2019, 10, 2))
    case.verify("unable", by=BY, on=date(2020, 3, 1))
    case.verify("able", by=BY, on=date(2020, 3, 20))
    case.verify("able", by=BY, on=date(2020, 3, 25))
    line, folder = fold(case)
    found = clocks(folder)
    # 2 April 2020 is Hung Kings' day: the period ends on Friday 3 April.
    assert found[("reverification", "1")] == (date(2019, 10, 2), date(2020, 4, 3), date(2020, 3, 1), 1)
    assert found[("reverification", "2")] == (date(2020, 3, 1), date(2020, 9, 1), date(2020, 3, 20), 1)
    assert len([k for k in found if k[0] == "reverification"]) == 2
    assert D(line.verified_on or 0) == date(2019, 10, 2)  # the first verification
    assert D(line.able_since or 0) == date(2020, 3, 20)  # a repeated `able` does not restart it


def sold_land(price: int = 80_000_000) -> EnforcementCase:
    case = received_case()
    case.verify("able", by=BY, on=date(2019, 10, 2))
    case.seize("Thửa đất số 7", "land", 90_000_000, by=BY, on=date(2019, 10, 3))
    case.value(1, price, by=BY, on=date(2019, 10, 15))
    case.auction(1, "failed", by=BY, on=date(2019, 11, 20))
    case.reduce_price(1, price - 8_000_000, by=BY, on=date(2019, 11, 25))
    case.auction(1, "sold", by=BY, on=date(2020, 1, 10), price=price)
    return case


def test_valuation_auction_and_delivery_clocks_of_a_land_plot() -> None:
    case = sold_land()
    line, folder = fold(case)
    found = clocks(folder)
    assert found[("valuation", "1")] == (date(2019, 10, 3), date(2019, 10, 10), date(2019, 10, 15), 1)
    assert found[("auction", "1.1")] == (date(2019, 10, 15), date(2019, 12, 9), date(2019, 11, 20), 1)
    # After the price reduction: 55 days -> Sunday 19 January 2020 -> Monday 20.
    assert found[("auction", "1.2")] == (date(2019, 11, 25), date(2020, 1, 20), date(2020, 1, 10), 1)
    assert found[("delivery", "1")] == (date(2020, 1, 10), date(2020, 3, 10), None, None)
    assert D(line.sold_undelivered_since or 0) == date(2020, 1, 10)
    assert D(line.auctioned_on or 0) == date(2020, 1, 10)
    # The buyer pays on 3 February: delivery due 30 days later; the money is due out in 10.
    case.collect(80_000_000, "auction", by=BY, on=date(2020, 2, 3))
    case.deliver(1, by=BY, on=date(2020, 3, 6))
    line, folder = fold(case)
    found = clocks(folder)
    assert found[("delivery", "1")] == (date(2020, 1, 10), date(2020, 3, 4), date(2020, 3, 6), 1)
    assert found[("payout", "1")] == (date(2020, 2, 3), date(2020, 2, 13), None, None)
    assert line.sold_undelivered_since is None and D(line.delivered_on or 0) == date(2020, 3, 6)


def test_a_difficult_case_has_60_days_to_deliver() -> None:
    case = sold_land()
    case.mark_difficult(True, "Hội đồng CHV", by=BY, on=date(2020, 1, 15))
    _, folder = fold(case)
    # Sale 10 Jan + 90 days = Thu 9 April.
    assert clocks(folder)[("delivery", "1")][1] == date(2020, 4, 9)
    case.collect(80_000_000, "auction", by=BY, on=date(2020, 2, 3))
    _, folder = fold(case)
    assert clocks(folder)[("delivery", "1")][1] == date(2020, 4, 3)  # payment + 60 days
    case.mark_difficult(False, "Hội đồng CHV", by=BY, on=date(2020, 2, 4))
    _, folder = fold(case)
    assert clocks(folder)[("delivery", "1")][1] == date(2020, 3, 4)  # payment + 30 days


def test_a_revaluation_supersedes_the_auction_clock() -> None:
    case = received_case()
    case.verify("able", by=BY, on=date(2019, 10, 2))
    case.seize("Xe ô tô", "vehicle", 300_000_000, by=BY, on=date(2019, 10, 3))
    case.value(1, 300_000_000, by=BY, on=date(2019, 10, 8))
    case.value(1, 280_000_000, by=BY, on=date(2019, 10, 20))
    found = clocks(fold(case)[1])
    assert found[("auction", "1.1")] == (date(2019, 10, 8), date(2019, 11, 18), date(2019, 10, 20), 0)
    assert found[("auction", "1.2")] == (date(2019, 10, 20), date(2019, 11, 29), None, None)


def test_pay_outs_settle_the_oldest_collections_first() -> None:
    case = received_case()
    case.verify("able", by=BY, on=date(2019, 10, 2))
    case.collect(10_000_000, "voluntary", by=BY, on=date(2019, 10, 3))
    case.collect(20_000_000, "deduction", by=BY, on=date(2019, 10, 4))
    case.pay_out(15_000_000, by=BY, on=date(2019, 10, 20))
    line, folder = fold(case)
    found = clocks(folder)
    assert found[("payout", "1")] == (date(2019, 10, 3), date(2019, 10, 14), date(2019, 10, 20), 1)
    assert found[("payout", "2")] == (date(2019, 10, 4), date(2019, 10, 14), None, None)
    assert line.unpaid == [[2, 15_000_000]]
    assert folder.collections == [(str(case.id), 1, "HN-BADINH", date(2019, 10, 3).toordinal(), 10_000_000),
                                  (str(case.id), 2, "HN-BADINH", date(2019, 10, 4).toordinal(), 20_000_000)]
    case.pay_out(15_000_000, by=BY, on=date(2019, 10, 21))
    assert clocks(fold(case)[1])[("payout", "2")][2:] == (date(2019, 10, 21), 1)


def test_a_hold_pauses_the_clocks_and_resuming_pushes_them_back() -> None:
    case = received_case()
    case.verify("unable", by=BY, on=date(2019, 10, 2))
    case.postpone("hoan.48.1.a", by=BY, on=date(2019, 11, 1), until=date(2019, 12, 2))
    line, folder = fold(case)
    row = line.clocks[("reverification", "1")]
    assert (D(row.due_on), D(row.paused_on or 0)) == (date(2020, 4, 3), date(2019, 11, 1))
    # The ground ends Mon 2 December: resume due 5 working days later, Mon 9 December.
    assert clocks(folder)[("resume", "1")] == (date(2019, 12, 2), date(2019, 12, 9), None, None)
    case.resume(by=BY, on=date(2019, 12, 20))
    line, folder = fold(case)
    assert clocks(folder)[("resume", "1")][2:] == (date(2019, 12, 20), 1)
    row = line.clocks[("reverification", "1")]
    assert (D(row.due_on), row.paused_on) == (date(2020, 5, 22), None)  # 49 days held


def test_closing_stops_every_clock() -> None:
    case = sold_land()
    case.terminate("dc.50.1.c", by=BY, on=date(2020, 2, 1))
    line, folder = fold(case)
    assert clocks(folder)[("delivery", "1")][2:] == (date(2020, 2, 1), 0)
    assert line.clocks == {} and line.sold_undelivered_since is None
    assert (line.state, line.outcome, D(line.closed_on or 0)) == ("closed", "terminated", date(2020, 2, 1))


def test_an_entrusted_case_leaves_the_books() -> None:
    case = received_case()
    case.entrust("CC244", "new-case", by=BY, on=date(2019, 10, 5))
    line, folder = fold(case)
    assert (line.state, D(line.closed_on or 0)) == ("entrusted", date(2019, 10, 5))
    assert clocks(folder)[("first_verification", "1")][2:] == (date(2019, 10, 5), 0)


def test_a_row_read_back_from_the_table_folds_on_like_a_cached_one() -> None:
    case = sold_land()
    case.collect(30_000_000, "auction", by=BY, on=date(2020, 2, 3))
    events = list(case.pending_events)
    whole, _ = fold(case)
    half, folder = fold(case, events=events[:5])
    half.encode_memo()
    stored = Timeline(**{c: getattr(half, c) for c in TIMELINE_COLUMNS})
    stored.decode_memo()
    for row in half.clocks.values():
        copy = Clock(**{f: getattr(row, f) for f in CLOCK_COLUMNS})
        stored.clocks[(copy.clock, copy.key)] = copy
    resumed, _ = fold(case, folder, stored, events[5:])
    whole.encode_memo()
    resumed.encode_memo()
    assert columns(resumed) == columns(whole)
    assert open_clocks(resumed) == open_clocks(whole)


def columns(line: Timeline) -> dict[str, Any]:
    return {c: getattr(line, c) for c in TIMELINE_COLUMNS}


def open_clocks(line: Timeline) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {key: tuple(getattr(row, f) for f in CLOCK_COLUMNS) for key, row in line.clocks.items()}

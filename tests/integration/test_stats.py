"""GET /api/v1/stats: SPEC §4's table through the API, one hand-checked column or behaviour per
test, on SQLite and PostgreSQL. Statistical year 2020 runs from 1 Oct 2019 to 30 Sep 2020."""

from __future__ import annotations

import pytest
from flask import Flask

from projections.stats_query import COLUMNS
from tests.integration.stats_helpers import Books, cases, check_identities, money, zero_table


@pytest.fixture
def books(app: Flask) -> Books:
    return Books(app)


def test_the_worked_example_of_spec_4(books: Books) -> None:
    """SPEC §4: 10 cases of 100 VND received in the period; 1 entrusted out, 2 unable,
    5 completed, 1 terminated with 100 outstanding, 1 in progress with 40 collected."""
    ids = [books.receive("C01", f"2019-10-{1 + i:02d}") for i in range(10)]
    on = "2019-11-15"
    books.do(ids[0], "entrust", on, to_agency="C02")
    books.do(ids[1], "verify", on, result="unable")
    books.do(ids[2], "verify", on, result="unable")
    for case in ids[3:8]:
        books.complete(case, 100, on)
    books.do(ids[8], "terminate", on, reason="dc.50.1.c")
    books.collect(ids[9], 40, on)

    answer = books.stats(agency="C01", year=2020, through="2020-03")
    assert cases(answer, "to_execute", "without_conditions", "with_conditions", "completed",
                 "terminated", "rate") == (9, 2, 7, 5, 1, 85.7)
    assert money(answer, "to_execute", "without_conditions", "with_conditions", "completed",
                 "terminated", "rate") == (900, 200, 700, 540, 100, 91.4)
    assert cases(answer, "carried_over", "newly_accepted", "total_accepted", "entrusted",
                 "returned", "postponed", "suspended", "in_progress", "carried_forward") == \
        (0, 10, 10, 1, 0, 0, 0, 1, 3)
    assert money(answer, "carried_over", "newly_accepted", "total_accepted", "entrusted",
                 "returned", "postponed", "suspended", "in_progress", "carried_forward") == \
        (0, 1000, 1000, 100, 0, 0, 0, 60, 260)
    check_identities(answer)
    assert set(answer["cases"]) == {*COLUMNS, "rate"}
    assert answer["agency"] == "C01" and answer["year"] == 2020 and answer["through"] == "2020-03"
    assert answer["period"] == {"start": "2019-10-01", "end": "2020-03-31"}
    assert answer["rank"] == {"cases": 1, "money": 1, "of": 63, "level": "province"}
    assert answer["position"] > 0
    assert books.stats(agency="C01", year=2020, through="2020-03", min_position=answer["position"]) == answer
    # The receiving province accepted the entrusted case with the outstanding money.
    receiver = books.stats(agency="C02", year=2020, through="2020-03")
    assert cases(receiver, "newly_accepted", "in_progress") == (1, 1)
    assert money(receiver, "newly_accepted", "in_progress") == (100, 100)


# ------------------------------------------------------------------ one column at a time


def test_a_case_open_at_the_year_end_is_carried_over_with_what_it_still_owes(books: Books) -> None:
    owing = books.receive("CC243", "2018-05-10", 100)
    books.collect(owing, 30, "2019-03-01")
    paid = books.receive("CC243", "2018-06-01", 50)
    books.complete(paid, 50, "2019-09-15")
    books.collect(owing, 20, "2019-10-05")
    y2020 = books.stats(agency="CC243", year=2020, through="2020-03")
    assert cases(y2020, "carried_over", "newly_accepted", "completed", "in_progress",
                 "carried_forward") == (1, 0, 0, 1, 1)
    assert money(y2020, "carried_over", "newly_accepted", "completed", "in_progress",
                 "carried_forward") == (70, 0, 20, 50, 50)
    y2019 = books.stats(agency="CC243", year=2019, through="2019-09")
    assert cases(y2019, "carried_over", "completed", "carried_forward") == (2, 1, 1)
    assert money(y2019, "carried_over", "completed", "carried_forward") == (150, 80, 70)
    check_identities(y2019)
    check_identities(y2020)


def test_an_entrusted_case_leaves_the_sender_and_is_newly_accepted_by_the_receiver(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 500)
    books.collect(case, 200, "2019-11-01")
    books.do(case, "entrust", "2019-12-01", to_agency="CC244")
    sender = books.stats(agency="CC243", year=2020, through="2020-03")
    assert cases(sender, "newly_accepted", "entrusted", "to_execute", "completed",
                 "carried_forward", "rate") == (1, 1, 0, 0, 0, 0.0)
    assert money(sender, "newly_accepted", "entrusted", "to_execute", "completed",
                 "carried_forward", "rate") == (500, 300, 200, 200, 0, 100.0)
    receiver = books.stats(agency="CC244", year=2020, through="2020-03")
    assert cases(receiver, "newly_accepted", "to_execute", "in_progress") == (1, 1, 1)
    assert money(receiver, "newly_accepted", "to_execute", "in_progress") == (300, 300, 300)
    province = books.stats(agency="C26", year=2020, through="2020-03")
    assert cases(province, "newly_accepted", "entrusted", "to_execute", "in_progress") == (2, 1, 1, 1)
    assert money(province, "newly_accepted", "entrusted", "to_execute", "completed",
                 "in_progress") == (800, 300, 500, 200, 300)
    for answer in (sender, receiver, province):
        check_identities(answer)


def test_a_re_verified_case_moves_from_without_to_with_conditions_on_that_date(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 100)
    books.do(case, "verify", "2019-11-05", result="unable")
    books.do(case, "verify", "2020-01-10", result="able")
    october = books.stats(agency="CC243", year=2020, through="2019-10")
    december = books.stats(agency="CC243", year=2020, through="2019-12")
    january = books.stats(agency="CC243", year=2020, through="2020-01")
    assert cases(october, "without_conditions", "with_conditions", "in_progress") == (0, 1, 1)
    assert money(december, "without_conditions", "with_conditions", "in_progress") == (100, 0, 0)
    assert cases(december, "rate") == (0.0,)
    assert money(january, "without_conditions", "with_conditions", "in_progress") == (0, 100, 100)


def test_a_hold_counts_where_it_stands_at_the_period_end(books: Books) -> None:
    postponed = books.receive("CC243", "2019-10-02", 100)
    books.do(postponed, "postpone", "2020-03-10", reason="hoan.48.1.c")
    resumed = books.receive("CC243", "2019-10-03", 200)
    books.do(resumed, "suspend", "2020-02-01", reason="tdc.49.2")
    books.do(resumed, "resume", "2020-03-01")
    unable = books.receive("CC243", "2019-10-04", 400)
    books.do(unable, "verify", "2019-10-20", result="unable")
    books.do(unable, "postpone", "2019-11-20", reason="hoan.48.1.c")
    march = books.stats(agency="CC243", year=2020, through="2020-03")
    assert money(march, "postponed", "suspended", "in_progress", "without_conditions") == (100, 0, 200, 400)
    february = books.stats(agency="CC243", year=2020, through="2020-02")
    assert cases(february, "postponed", "suspended", "in_progress", "without_conditions") == (0, 1, 1, 1)
    assert money(february, "postponed", "suspended", "in_progress") == (0, 200, 100)
    check_identities(march)


def test_money_collected_on_a_case_still_open_counts_as_completed_money(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 100)
    books.collect(case, 30, "2019-11-02")
    books.collect(case, 25, "2020-02-02")
    november = books.stats(agency="CC243", year=2020, through="2019-11")
    march = books.stats(agency="CC243", year=2020, through="2020-03")
    assert cases(march, "completed", "in_progress", "rate") == (0, 1, 0.0)
    assert money(november, "completed", "in_progress", "carried_forward", "rate") == (30, 70, 70, 30.0)
    assert money(march, "completed", "in_progress", "carried_forward", "rate") == (55, 45, 45, 55.0)


def test_a_returned_request_counts_returned_with_what_it_still_owed(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 100)
    books.collect(case, 10, "2019-10-20")
    books.do(case, "return-request", "2019-12-01", reason="td.51.1.c")
    answer = books.stats(agency="CC243", year=2020, through="2020-03")
    assert cases(answer, "to_execute", "returned", "carried_forward", "rate") == (1, 1, 0, 0.0)
    assert money(answer, "to_execute", "completed", "returned", "carried_forward", "rate") == \
        (100, 10, 90, 0, 10.0)


def test_a_terminated_case_counts_with_what_it_still_owed(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 100)
    books.collect(case, 25, "2019-10-20")
    books.do(case, "postpone", "2019-11-01", reason="hoan.48.1.c")
    books.do(case, "terminate", "2019-12-01", reason="dc.50.1.c")
    answer = books.stats(agency="CC243", year=2020, through="2020-03")
    assert cases(answer, "terminated", "postponed", "carried_forward", "rate") == (1, 0, 0, 100.0)
    assert money(answer, "completed", "terminated", "carried_forward", "rate") == (25, 75, 0, 100.0)


def test_a_corrected_amount_due_holds_from_the_start(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 1000)
    books.collect(case, 40, "2019-11-01")
    books.do(case, "correct", "2020-01-15", corrects=1, field="amount_due", value=100, reason="nhầm")
    for through in ("2019-10", "2019-12", "2020-03"):
        answer = books.stats(agency="CC243", year=2020, through=through)
        assert money(answer, "newly_accepted", "to_execute") == (100, 100)
    december = books.stats(agency="CC243", year=2020, through="2019-12")
    assert money(december, "completed", "in_progress", "carried_forward", "rate") == (40, 60, 60, 40.0)


def test_a_corrected_judgment_kind_moves_the_case_to_the_other_split(books: Books) -> None:
    case = books.receive("CC243", "2019-10-02", 100, kind="civil")
    books.collect(case, 30, "2019-11-01")
    before = books.stats(agency="CC243", year=2020, through="2019-11")
    assert money(before["by_judgment_kind"]["civil"], "newly_accepted", "completed") == (100, 30)
    books.do(case, "correct", "2020-01-15", corrects=1, field="judgment.kind", value="criminal",
             reason="nhầm")
    after = books.stats(agency="CC243", year=2020, through="2019-11")
    assert after["by_judgment_kind"]["civil"] == zero_table()
    assert money(after["by_judgment_kind"]["criminal"], "newly_accepted", "completed", "in_progress") == \
        (100, 30, 70)
    assert after["cases"] == before["cases"] and after["money"] == before["money"]

"""Working days in Vietnam: weekends, public holidays (Tết from the ``holidays`` package) and the
Saturdays worked in lieu of a bridge day."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import (
    add_working_days,
    holidays_of,
    is_working_day,
    next_working_day,
    working_days_between,
)


def test_tet_2020_is_23_to_29_january() -> None:
    tet = holidays_of(2020)
    assert tet[date(2020, 1, 25)] == "Lunar New Year"  # Mùng 1 Tết Canh Tý, a Saturday
    days_off = [d for d in tet if date(2020, 1, 20) <= d <= date(2020, 2, 5)]
    assert days_off == [date(2020, 1, d) for d in range(23, 30)]
    assert is_working_day(date(2020, 1, 22))  # Wednesday before Tết
    assert not any(is_working_day(date(2020, 1, d)) for d in range(23, 30))
    assert is_working_day(date(2020, 1, 30))  # Thursday after Tết


@pytest.mark.parametrize(("day", "working"), [
    (date(2020, 2, 1), False),  # Saturday
    (date(2020, 2, 2), False),  # Sunday
    (date(2020, 2, 3), True),  # Monday
    (date(2020, 2, 7), True),  # Friday
])
def test_weekends_are_not_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize("day", [date(2019, 9, 2), date(2020, 9, 2), date(2020, 4, 30), date(2020, 5, 1),
                                 date(2020, 4, 2), date(2020, 1, 1)])
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5 and not is_working_day(day)


def test_a_saturday_worked_in_lieu_is_a_working_day() -> None:
    # 31 December 2018 was given off and made up on Saturday 5 January 2019.
    assert not is_working_day(date(2018, 12, 31))
    assert is_working_day(date(2019, 1, 5))
    assert add_working_days(date(2019, 1, 4), 1) == date(2019, 1, 5)


def test_five_working_days_across_tet() -> None:
    # Tue 21 (1), Wed 22 (2), 23–29 Tết, Thu 30 (3), Fri 31 (4), weekend, Mon 3 Feb (5).
    assert add_working_days(date(2020, 1, 20), 5) == date(2020, 2, 3)
    assert working_days_between(date(2020, 1, 20), date(2020, 2, 3)) == 5


def test_five_working_days_across_national_day() -> None:
    # Tue 1 Sep (1), Wed 2 Sep holiday, Thu 3 (2), Fri 4 (3), weekend, Mon 7 (4), Tue 8 (5).
    assert add_working_days(date(2020, 8, 31), 5) == date(2020, 9, 8)


def test_the_starting_day_is_not_counted() -> None:
    assert add_working_days(date(2020, 3, 6), 1) == date(2020, 3, 9)  # Friday -> Monday
    assert add_working_days(date(2020, 3, 7), 1) == date(2020, 3, 9)  # Saturday -> Monday
    assert add_working_days(date(2020, 3, 9), 0) == date(2020, 3, 9)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2020, 3, 9), -1)


def test_next_working_day() -> None:
    assert next_working_day(date(2020, 1, 24)) == date(2020, 1, 30)
    assert next_working_day(date(2020, 1, 30)) == date(2020, 1, 30)


def test_working_days_between_is_zero_backwards() -> None:
    assert working_days_between(date(2020, 2, 3), date(2020, 1, 20)) == 0

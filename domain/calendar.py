"""Working days in Vietnam: Monday to Friday except public holidays (Tết included), plus the
Saturdays the government declares working days when it moves a holiday (ngày làm bù).

Holidays come from the ``holidays`` package (``holidays.country_holidays("VN")``), which
carries the official Tết and bridge days year by year; each year is computed once.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

SATURDAY = 5


@functools.cache
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The public holidays of a year and the weekend days declared working days."""
    # A Saturday worked in lieu may belong to the year before the day off it pays for
    # (5 Jan 2019 for 31 Dec 2018), so the neighbouring years are asked too.
    calendar = holidays.country_holidays("VN", years=[year - 1, year, year + 1])
    days_off = frozenset(d for d in calendar if d.year == year)
    worked = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return days_off, worked


def holidays_of(year: int) -> dict[date, str]:
    """The public holidays of a year with their names (for display and tests)."""
    return dict(sorted(holidays.country_holidays("VN", years=year).items()))


def is_working_day(day: date) -> bool:
    days_off, worked = _year(day.year)
    if day.weekday() >= SATURDAY:
        return day in worked
    return day not in days_off


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``; ``start`` itself is not counted
    (a period begins on the day after the event that starts it)."""
    if days < 0:
        raise ValueError("days must not be negative")
    return _add_working_days(start, days)


@functools.lru_cache(maxsize=65536)
def _add_working_days(start: date, days: int) -> date:
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count

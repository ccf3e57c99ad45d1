"""The month a monthly report is of: the one that ended before today, in its statistical year."""

from __future__ import annotations

from datetime import date

import pytest

from workers.schedule import month_just_ended


@pytest.mark.parametrize(("today", "expected"), [
    (date(2020, 4, 1), (2020, "2020-03", date(2020, 3, 31))),
    (date(2020, 4, 30), (2020, "2020-03", date(2020, 3, 31))),
    (date(2019, 11, 2), (2020, "2019-10", date(2019, 10, 31))),  # October opens statistical year 2020
    (date(2019, 10, 1), (2019, "2019-09", date(2019, 9, 30))),  # September closes 2019
    (date(2021, 1, 1), (2021, "2020-12", date(2020, 12, 31))),
    (date(2024, 3, 1), (2024, "2024-02", date(2024, 2, 29))),
])
def test_the_month_just_ended(today: date, expected: tuple[int, str, date]) -> None:
    assert month_just_ended(today) == expected

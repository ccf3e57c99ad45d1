"""Time limits as data: the versions of the law, chosen by the day a clock starts, and each
clock's due date (calendar days ending on a working day, working days, months)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.time_limits import CLOCKS, DEFAULT_PATH, RuleBook, add_months, default_rules

OLD, NEW = "LTHADS-2008-2014", "LTHADS-106-2025"


def rules_with(tmp_path: Path, **new_limits: dict[str, Any]) -> RuleBook:
    """The packaged rules with some limits of the 2026 version replaced (a test-only file)."""
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    for clock, limits in new_limits.items():
        data["versions"][1]["clocks"][clock]["limits"] = limits
    path = tmp_path / "time_limits.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return RuleBook.load(path)


# ------------------------------------------------------------------ versions


def test_the_version_in_force_on_a_day() -> None:
    rules = default_rules()
    assert [v.id for v in rules.versions] == [OLD, NEW]
    assert rules.version_on(date(2015, 7, 1)).id == OLD
    assert rules.version_on(date(2026, 6, 30)).id == OLD
    assert rules.version_on(date(2026, 7, 1)).id == NEW
    assert rules.version_on(date(2030, 1, 1)).id == NEW
    assert rules.version_on(date(2012, 3, 1)).id == OLD  # before the first version: the first


def test_the_2026_version_is_marked_unchecked_and_carries_the_limits_over() -> None:
    rules = default_rules()
    old, new = rules.by_id[OLD], rules.by_id[NEW]
    assert old.checked and not new.checked
    assert "106/2025" in new.note and "checked" in new.note
    for clock in CLOCKS:
        assert new.rules[clock].limits == old.rules[clock].limits
        assert "to be checked against Law 106/2025/QH15" in new.rules[clock].source


def test_a_clock_is_judged_by_the_version_in_force_when_it_starts(tmp_path: Path) -> None:
    rules = rules_with(tmp_path, decision={"default": {"working_days": 3}})
    # Started Tue 30 June 2026: 5 working days -> Tue 7 July.
    assert rules.due("decision", date(2026, 6, 30)) == (date(2026, 7, 7), OLD)
    # Started Wed 1 July 2026: the test file's 3 working days -> Mon 6 July (not Wed 8 July).
    assert rules.due("decision", date(2026, 7, 1)) == (date(2026, 7, 6), NEW)
    assert default_rules().due("decision", date(2026, 7, 1)) == (date(2026, 7, 8), NEW)


# ------------------------------------------------------------------ each clock


@pytest.mark.parametrize(("clock", "start", "variant", "due"), [
    # Fri 20 Dec 2019 + 5 working days.
    ("decision", date(2019, 12, 20), None, date(2019, 12, 27)),
    # 10 + 10 days: Thu 2 Jan 2020 -> Wed 22 Jan; 20 Jan -> Sun 9 Feb, so Mon 10 Feb.
    ("first_verification", date(2020, 1, 2), None, date(2020, 1, 22)),
    ("first_verification", date(2020, 1, 20), None, date(2020, 2, 10)),
    # 6 months: 31 Aug 2019 -> 29 Feb 2020 (no 31st; a Saturday) -> Mon 2 March.
    ("reverification", date(2019, 8, 31), None, date(2020, 3, 2)),
    ("reverification", date(2020, 1, 15), None, date(2020, 7, 15)),
    # 5 working days across Tết.
    ("valuation", date(2020, 1, 20), None, date(2020, 2, 3)),
    # 10 + 30 days (Sat 11 April -> Mon 13) and 10 + 45 for land and houses (Sun 26 -> Mon 27).
    ("auction", date(2020, 3, 2), None, date(2020, 4, 13)),
    ("auction", date(2020, 3, 2), "vehicle", date(2020, 4, 13)),
    ("auction", date(2020, 3, 2), "land", date(2020, 4, 27)),
    ("auction", date(2020, 3, 2), "house", date(2020, 4, 27)),
    # Sale + 30 days to pay + 30 to deliver; 60 to deliver when difficult (Sun 3 May -> Mon 4).
    ("delivery", date(2020, 2, 3), None, date(2020, 4, 3)),
    ("delivery", date(2020, 2, 3), "difficult", date(2020, 5, 4)),
    # From the payment: 30 days (Sat 21 March -> Mon 23), 60 when difficult.
    ("delivery", date(2020, 2, 20), "paid", date(2020, 3, 23)),
    ("delivery", date(2020, 2, 20), "paid_difficult", date(2020, 4, 20)),
    # 10 days: Thu 30 April and Fri 1 May are holidays, then a weekend -> Mon 4 May.
    ("payout", date(2020, 4, 20), None, date(2020, 5, 4)),
    # The ground ends Wed 29 April: 30 April and 1 May off, then 4–8 May.
    ("resume", date(2020, 4, 29), None, date(2020, 5, 8)),
])
def test_due_dates(clock: str, start: date, variant: str | None, due: date) -> None:
    assert default_rules().due(clock, start, variant) == (due, OLD)


def test_adding_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)
    assert add_months(date(2020, 12, 15), 6) == date(2021, 6, 15)
    assert add_months(date(2019, 8, 31), 6) == date(2020, 2, 29)


# ------------------------------------------------------------------ the file


def test_a_version_must_define_every_clock(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    del data["versions"][1]["clocks"]["payout"]
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="missing clocks \\['payout'\\]"):
        RuleBook.load(path)


@pytest.mark.parametrize("period", [{"days": 5, "working_days": 5}, {"weeks": 1}, {"days": -1},
                                    {"days": "5"}])
def test_a_limit_is_one_whole_number_in_one_unit(tmp_path: Path, period: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        rules_with(tmp_path, payout={"default": period})


def test_every_clock_needs_a_default(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no default"):
        rules_with(tmp_path, auction={"land": {"days": 55}})

"""Time limits of enforcement as data (``domain/data/time_limits.json``), versioned by the date
from which each version of the law applies. A clock is judged by the version in force on the
day it starts: its due date is fixed then, whatever later versions say.
"""

from __future__ import annotations

import bisect
import calendar as _months
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.calendar import add_working_days, next_working_day

DEFAULT_PATH = Path(__file__).parent / "data" / "time_limits.json"

CLOCKS = ("decision", "first_verification", "reverification", "valuation", "auction", "delivery",
          "payout", "resume")
"""Every clock of SPEC §5, in the order of a case's life; each version must define them all."""

UNITS = ("days", "working_days", "months")


@dataclass(frozen=True, slots=True)
class Limit:
    """A period in one unit: calendar days, working days or months."""

    amount: int
    unit: str

    def end(self, start: date, *, roll: bool) -> date:
        """The last day of the period that starts after ``start``. With ``roll``, a period in
        calendar days or months that ends on a day off ends on the next working day."""
        if self.unit == "working_days":
            return add_working_days(start, self.amount)
        end = add_months(start, self.amount) if self.unit == "months" else start + timedelta(self.amount)
        return next_working_day(end) if roll else end

    def describe(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"


@dataclass(frozen=True)
class Rule:
    """One clock's limits in one version: a ``default`` and optional variants."""

    clock: str
    limits: Mapping[str, Limit]
    source: str
    note: str = ""

    def limit(self, variant: str | None = None) -> Limit:
        if variant is not None and variant in self.limits:
            return self.limits[variant]
        return self.limits["default"]


@dataclass(frozen=True)
class RuleVersion:
    id: str
    valid_from: date
    law: str
    rules: Mapping[str, Rule]
    roll: bool
    checked: bool
    note: str = ""

    def due(self, clock: str, start: date, variant: str | None = None) -> date:
        return self.rules[clock].limit(variant).end(start, roll=self.roll)


class RuleBook:
    """The versions of the rules, oldest first."""

    def __init__(self, versions: list[RuleVersion]):
        if not versions:
            raise ValueError("time limits: no version")
        self.versions = sorted(versions, key=lambda v: v.valid_from)
        starts = [v.valid_from for v in self.versions]
        if len(set(starts)) != len(starts):
            raise ValueError("time limits: two versions start on the same day")
        self._starts = starts
        self.by_id = {v.id: v for v in self.versions}
        self.due = functools.lru_cache(maxsize=65536)(self._due)

    def version_on(self, day: date) -> RuleVersion:
        """The version in force on ``day``; the first version for earlier days."""
        index = bisect.bisect_right(self._starts, day) - 1
        return self.versions[max(index, 0)]

    def _due(self, clock: str, start: date, variant: str | None = None) -> tuple[date, str]:
        """The due date of a clock started on ``start`` and the id of the version used."""
        version = self.version_on(start)
        return version.due(clock, start, variant), version.id

    @classmethod
    def load(cls, path: Path | str | None = None) -> RuleBook:
        path = DEFAULT_PATH if path is None else Path(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls([_version(path, raw) for raw in data["versions"]])


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _months.monthrange(year, month)[1]))


def _version(path: Path, raw: dict[str, Any]) -> RuleVersion:
    name = raw.get("id", "?")
    where = f"{path} version {name}"
    clocks = raw.get("clocks", {})
    missing = [c for c in CLOCKS if c not in clocks]
    unknown = [c for c in clocks if c not in CLOCKS]
    if missing or unknown:
        raise ValueError(f"{where}: missing clocks {missing}, unknown clocks {unknown}")
    rules = {clock: _rule(where, clock, spec) for clock, spec in clocks.items()}
    return RuleVersion(id=name, valid_from=date.fromisoformat(raw["from"]), law=raw["law"],
                       rules=rules, roll=bool(raw.get("calendar_periods_end_on_working_day", True)),
                       checked=bool(raw.get("checked", False)), note=raw.get("note", ""))


def _rule(where: str, clock: str, spec: dict[str, Any]) -> Rule:
    limits = {}
    for variant, period in spec["limits"].items():
        units = [u for u in UNITS if u in period]
        if len(units) != 1 or not isinstance(period[units[0]], int) or period[units[0]] < 0:
            raise ValueError(f"{where} clock {clock} {variant}: give exactly one of {UNITS} "
                             f"as a whole number, got {period}")
        limits[variant] = Limit(period[units[0]], units[0])
    if "default" not in limits:
        raise ValueError(f"{where} clock {clock}: no default limit")
    return Rule(clock, limits, spec.get("source", ""), spec.get("note", ""))


@functools.lru_cache(maxsize=1)
def default_rules() -> RuleBook:
    """The packaged rules, loaded once."""
    return RuleBook.load()

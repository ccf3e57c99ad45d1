"""Small argument checks shared by the case's commands. Each raises a domain error that
names the field it concerns."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from domain.errors import InvalidValue
from domain.values import MAX_AMOUNT, MAX_TEXT


def check_amount(value: object, field: str, *, minimum: int = 1) -> int:
    """An integer number of VND between ``minimum`` and 10^15."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{field} must be a whole number of VND", field=field)
    if value < minimum:
        bound = "positive" if minimum == 1 else f"at least {minimum}"
        raise InvalidValue(f"{field} must be {bound}, got {value}", field=field)
    if value > MAX_AMOUNT:
        raise InvalidValue(f"{field} must not exceed {MAX_AMOUNT:,} VND, got {value:,}", field=field)
    return value


def check_text(value: object, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Non-blank text (when required) of at most ``limit`` characters, stripped."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"{field} must be text", field=field)
    text = value.strip()
    if required and not text:
        raise InvalidValue(f"{field} must not be blank", field=field)
    if len(text) > limit:
        raise InvalidValue(f"{field} must be at most {limit} characters", field=field)
    return text


def check_choice(value: object, choices: type[StrEnum], field: str) -> str:
    """One of the values of an enumeration, returned as its plain string."""
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise InvalidValue(f"{field} must be one of {', '.join(allowed)}; got {value!r}", field=field)
    return str(value)


def check_date(value: object, field: str) -> date:
    """A calendar date (not a date-time)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidValue(f"{field} must be a date", field=field)
    return value

"""Business dates are Vietnamese calendar dates; recorded times are aware UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """Today's date in Vietnam, the default business date of a command."""
    return datetime.now(tz=VIETNAM).date()

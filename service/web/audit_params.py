"""The query parameters of the auditor's pages, checked before anything is read: a bad one is
refused (400) with a message that names it. Times come from ``<input type="datetime-local">``,
which sends no zone: they are Vietnam's time (as every time on the pages)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime

from flask_babel import gettext as _

from projections.stats_query import Period
from service.api.stats import period_of, statistical_year
from service.errors import BadRequest
from service.web.dash_params import month, text
from service.web.formatting import VN

LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")


def moment(args: Mapping[str, str], name: str) -> datetime | None:
    """``name`` as YYYY-MM-DDTHH:MM (seconds optional) in Vietnam's time, not in the future."""
    value = text(args, name)
    if value is None:
        return None
    try:
        if LOCAL_TIME.match(value) is None:
            raise ValueError(value)
        when = datetime.fromisoformat(value).replace(tzinfo=VN)
    except ValueError:
        raise BadRequest(_("Thời điểm không hợp lệ: “%(value)s” (tham số %(name)s phải có dạng "
                           "YYYY-MM-DDTHH:MM, giờ Việt Nam).", value=value[:30], name=name)) from None
    if when > datetime.now(tz=UTC):
        raise BadRequest(_("Thời điểm %(value)s ở tương lai (tham số %(name)s).", value=value, name=name))
    return when


def version(args: Mapping[str, str], name: str, last: int) -> int | None:
    """``name``: one of the case's versions, 1 to ``last``."""
    value = text(args, name)
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= last:
        raise BadRequest(_("Không có phiên bản “%(value)s” (tham số %(name)s): hồ sơ có các phiên bản "
                           "từ 1 đến %(last)s.", value=value[:20], name=name, last=last))
    return int(value)


def period(args: Mapping[str, str], today: date) -> Period:
    """``through`` (YYYY-MM) ends the period; ``year`` (the statistical year) alone means its
    last complete month by ``today``; neither, the last complete month."""
    year = None
    raw = text(args, "year")
    if raw is not None:
        if not raw.isdigit() or not 2000 <= int(raw) <= statistical_year(today):
            raise BadRequest(_("Năm thống kê không hợp lệ: “%(value)s” (tham số year: từ 2000 đến %(last)s; "
                               "năm 2020 là từ 10/2019 đến 9/2020).", value=raw[:20],
                               last=statistical_year(today)))
        year = int(raw)
    if text(args, "through") is None:
        return period_of(year, None, today)
    chosen = month(args, today, name="through")
    if year is not None and chosen.year != year:
        raise BadRequest(_("Tháng %(through)s không thuộc năm thống kê %(year)s (từ 10/%(before)s đến "
                           "9/%(year)s; tham số through).", through=chosen.label, year=year, before=year - 1))
    return chosen

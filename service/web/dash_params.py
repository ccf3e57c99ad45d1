"""The query parameters of the dashboard and bottleneck pages, checked: a bad one is refused
with a message that names it (400), an agency outside the caller's scope with 403, and
nothing is read before every parameter is good."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _

from domain import clock
from domain.access import Actor, Role
from domain.agencies import Agency, Directory
from projections.stats_query import Period
from service.api.stats import period_of
from service.errors import BadRequest, ServiceError
from service.services import services

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
READERS = (Role.ENFORCER, Role.HEAD, Role.AUDITOR)


class OutOfScope(ServiceError):
    status = 403
    code = "forbidden"


def check_reader(actor: Actor) -> None:
    if actor.role not in READERS:
        raise OutOfScope(_("Trang này dành cho chấp hành viên, thủ trưởng và kiểm tra viên."))


def text(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    return value or None


def agency(args: Mapping[str, str], actor: Actor) -> Agency:
    """``agency``: a code in the caller's scope; default the caller's own agency."""
    directory: Directory = services().directory
    code = text(args, "agency") or actor.agency
    if code not in directory:
        raise BadRequest(_("Không có đơn vị mã “%(code)s” (tham số agency).", code=code[:50]))
    if not actor.sees(code, directory):
        raise OutOfScope(_("Đơn vị %(code)s nằm ngoài phạm vi của bạn (tham số agency).", code=code))
    return directory.get(code)


def month(args: Mapping[str, str], today: date | None = None, name: str = "month") -> Period:
    """``month`` (YYYY-MM; or the parameter ``name``): the period from 1 October to the end of
    that month; default the last complete month (as GET /api/v1/stats)."""
    today = today or clock.today()
    value = text(args, name)
    if value is None:
        return period_of(None, None, today)
    found = MONTH.match(value)
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise BadRequest(_("Tháng không hợp lệ: “%(value)s” (tham số %(name)s phải có dạng YYYY-MM, "
                           "ví dụ 2026-03).", value=value[:20], name=name))
    if (int(found.group(1)), int(found.group(2))) > (today.year, today.month):
        raise BadRequest(_("Tháng %(value)s chưa đến (tham số %(name)s).", value=value, name=name))
    return period_of(None, value, today)


def as_of(args: Mapping[str, str], today: date | None = None) -> date:
    """``as_of`` (YYYY-MM-DD, or dd/mm/yyyy as the pages show dates): not after today."""
    today = today or clock.today()
    value = text(args, "as_of")
    if value is None:
        return today
    try:
        day = date.fromisoformat(value) if "-" in value else _dmy(value)
    except ValueError:
        raise BadRequest(_("Ngày không hợp lệ: “%(value)s” (tham số as_of phải có dạng YYYY-MM-DD).",
                           value=value[:20])) from None
    if day > today:
        raise BadRequest(_("Ngày %(value)s ở tương lai (tham số as_of).", value=value))
    return day


def _dmy(value: str) -> date:
    day, month_, year = (int(part) for part in value.split("/"))
    return date(year, month_, day)


def choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = text(args, name)
    if value is None:
        return default
    if value not in allowed:
        raise BadRequest(_("Giá trị không hợp lệ: “%(value)s” (tham số %(name)s; được phép: %(allowed)s).",
                           value=value[:30], name=name, allowed=", ".join(allowed)))
    return value


def page(args: Mapping[str, str]) -> int:
    value = text(args, "page") or "1"
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise BadRequest(_("Số trang không hợp lệ: “%(value)s” (tham số page phải là số nguyên dương).",
                           value=value[:20]))
    return int(value)


def per_page(args: Mapping[str, str], default: int = 50) -> int:
    value = text(args, "per_page") or str(default)
    if not value.isdigit() or not 1 <= int(value) <= 200:
        raise BadRequest(_("Số dòng mỗi trang không hợp lệ: “%(value)s” (tham số per_page: từ 1 đến 200).",
                           value=value[:20]))
    return int(value)


def agency_choices(root: str, start: date, end: date, keep: str) -> list[tuple[Agency, int]]:
    """The agencies in the caller's scope (below ``root``) that existed between ``start``
    and ``end`` (and ``keep``, the one chosen), in tree order, with their depth below ``root``."""
    directory = services().directory
    top = directory.get(root)
    found = [top] + [a for a in directory.descendants(root) if a.code == keep or (
        a.valid_from <= end and (a.valid_to is None or a.valid_to >= start))]
    depth = {top.code: 0}
    for a in found[1:]:
        depth[a.code] = depth.get(a.parent or "", 0) + 1
    return [(a, depth[a.code]) for a in found]

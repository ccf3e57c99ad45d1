"""How pages show things: Vietnamese first (Flask-Babel picks the language), money as
``1.234.567 ₫``, dates as dd/mm/yyyy, and the names of stages, states and the rest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, has_request_context, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

VN = ZoneInfo("Asia/Ho_Chi_Minh")

LABELS: dict[str, dict[str, Any]] = {
    "stage": {"received": _l("Đã thụ lý"), "verified": _l("Đã xác minh"), "seized": _l("Đã kê biên"),
              "auctioned": _l("Đã đấu giá"), "delivered": _l("Đã giao tài sản"), "closed": _l("Kết thúc")},
    "state": {"active": _l("Đang thi hành"), "postponed": _l("Hoãn thi hành"),
              "suspended": _l("Tạm đình chỉ"), "closed": _l("Kết thúc"), "entrusted": _l("Đã ủy thác")},
    "outcome": {"completed": _l("Thi hành xong"), "terminated": _l("Đình chỉ thi hành"),
                "returned": _l("Trả đơn yêu cầu")},
    "initiation": {"ex_officio": _l("Chủ động"), "on_request": _l("Theo đơn")},
    "judgment_kind": {"civil": _l("Dân sự"), "criminal": _l("Hình sự"), "administrative": _l("Hành chính"),
                      "business": _l("Kinh doanh, thương mại"), "labour": _l("Lao động"),
                      "family": _l("Hôn nhân và gia đình"), "bankruptcy": _l("Phá sản"),
                      "arbitration": _l("Trọng tài thương mại"), "other": _l("Khác")},
    "party_kind": {"individual": _l("Cá nhân"), "organisation": _l("Tổ chức"),
                   "credit_institution": _l("Tổ chức tín dụng"), "state": _l("Nhà nước")},
    "asset_kind": {"land": _l("Quyền sử dụng đất"), "house": _l("Nhà ở"), "vehicle": _l("Phương tiện"),
                   "movable": _l("Động sản"), "deposit": _l("Tiền gửi"), "other": _l("Khác")},
    "asset_status": {"seized": _l("Đã kê biên"), "valued": _l("Đã thẩm định giá"),
                     "unsold": _l("Đấu giá không thành"), "sold": _l("Đã bán"),
                     "delivered": _l("Đã giao"), "taken": _l("Người được thi hành án nhận")},
    "verification": {"able": _l("Có điều kiện thi hành"), "unable": _l("Chưa có điều kiện thi hành")},
    "source": {"voluntary": _l("Tự nguyện"), "auction": _l("Bán đấu giá"), "deduction": _l("Khấu trừ"),
               "other": _l("Khác")},
    "role": {"enforcer": _l("Chấp hành viên"), "head": _l("Thủ trưởng"), "auditor": _l("Kiểm tra viên"),
             "admin": _l("Quản trị")},
    "flag": {"large": _l("Trên 500 triệu"), "credit_institution": _l("Tổ chức tín dụng"),
             "difficult": _l("Khó thi hành")},
}


def label(value: Any, kind: str) -> str:
    """The name of a code in the current language (the code itself when unknown)."""
    if value is None:
        return ""
    found = LABELS.get(kind, {}).get(str(value))
    return str(found) if found is not None else str(value)


def money(value: Any) -> str:
    """``1.234.567 ₫`` (dots between thousands, in both languages, as on official forms)."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".") + " ₫"


def number(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".") if _vi() else text
    return f"{int(value):,}".replace(",", "." if _vi() else ",")


def percent(value: Any) -> str:
    """A rate (0.6904 or 69.04) as ``69,0%`` in Vietnamese, ``69.0%`` in English."""
    if value is None:
        return "—"
    share = float(value) * 100 if float(value) <= 1 else float(value)
    text = f"{share:.1f}%"
    return text.replace(".", ",") if _vi() else text


def day(value: Any) -> str:
    """dd/mm/yyyy (a recorded time: its day in Vietnam's time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(VN)
    return value.strftime("%d/%m/%Y")


def moment(value: Any, seconds: bool = False) -> str:
    """A recorded time in Vietnam's time: dd/mm/yyyy HH:MM (with ``seconds``, HH:MM:SS)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(VN)
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def _vi() -> bool:
    return str(get_locale() or "vi").startswith("vi")


def select_locale() -> str:
    if not has_request_context():
        return "vi"  # a report worker or a command: the official language
    chosen = session.get("lang")
    if chosen in ("vi", "en"):
        return str(chosen)
    return "vi"  # Vietnamese by default, whatever the browser asks for (SPEC §9)


def init(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(money=money, number=number, percent=percent, day=day, moment=moment,
                                 label=label)
    app.jinja_env.globals.update(label=label, current_language=lambda: "en" if not _vi() else "vi")

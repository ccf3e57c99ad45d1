"""A case's state as an auditor reads it: every field of the API's case (``CaseSchema``) as a
dotted path (``service.audit.diff.flatten``, as the API's diff names them) with its name and
its value in words (money as ``1.234.567 ₫``, codes by their names), and what differs between
two states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from domain.case import EnforcementCase
from service.api.schemas import CaseSchema
from service.audit.diff import flatten
from service.audit.history import jsonable
from service.services import services
from service.web.case_labels import FIELDS, OUTCOMES
from service.web.case_timeline import ground_text
from service.web.formatting import day, label, moment, money

STATE_FIELDS: dict[str, Any] = {
    "id": _l("Mã hồ sơ"), "stage": _l("Giai đoạn"), "state": _l("Tình trạng"),
    "outcome": _l("Kết quả thi hành"), "able": _l("Điều kiện thi hành"), "collected": _l("Đã thu"),
    "paid_out": _l("Đã chi trả"), "flags": _l("Đánh dấu"), "assets": _l("Tài sản"),
    "auctions": _l("Lần bán đấu giá"), "version": _l("Phiên bản"), "verified_on": _l("Ngày xác minh"),
    "hold": _l("Hoãn, tạm đình chỉ"), "kind": _l("Loại"), "since": _l("Từ ngày"),
    "difficult_reason": _l("Lý do việc khó thi hành"), "entrusted_to": _l("Đã ủy thác cho"),
    "entrusted_case": _l("Hồ sơ tại cơ quan nhận ủy thác"), "closed_on": _l("Ngày kết thúc"),
    "last_on": _l("Thao tác gần nhất"), "recorded_at": _l("Ghi lần đầu lúc"),
    "modified_at": _l("Ghi gần nhất lúc"), "description": _l("Mô tả"), "status": _l("Tình trạng"),
    "seized_on": _l("Ngày kê biên"), "valuation": _l("Giá thẩm định"), "valued_on": _l("Ngày thẩm định giá"),
    "starting_price": _l("Giá khởi điểm"), "estimated_value": _l("Giá trị ước tính"),
    "price_reductions": _l("Số lần giảm giá"),
    "sold_price": _l("Giá bán"), "sold_on": _l("Ngày bán"), "delivered_on": _l("Ngày giao tài sản"),
    "taken_price": _l("Giá nhận tài sản"), "taken_on": _l("Ngày nhận tài sản"), "court": _l("Tòa án"),
    "name": _l("Tên"), "date": _l("Ngày"), "assets.id": _l("Số thứ tự"),
    "assets.auctions.outcome": _l("Kết quả"),
}
"""Names of the case's fields that are not form fields (``case_labels.FIELDS`` has the rest)."""

MONEY = frozenset({"amount_due", "collected", "paid_out", "outstanding", "estimated_value", "valuation",
                   "starting_price", "sold_price", "taken_price", "price"})
CODES = {"stage": "stage", "state": "state", "outcome": "outcome", "initiation": "initiation",
         "judgment.kind": "judgment_kind", "creditor.kind": "party_kind", "debtor.kind": "party_kind",
         "hold.kind": "state", "assets.kind": "asset_kind", "assets.status": "asset_status", "flags": "flag"}
"""A field (its path without list indexes) → the kind of code ``formatting.label`` names."""


ROUTINE_PATHS = frozenset({"version", "modified_at"})
"""Fields every event changes: left out of what an event changed (the whole state has them)."""


@dataclass(frozen=True)
class Field:
    """One field of the case in two states, in words."""

    path: str
    name: str
    before: str
    after: str
    changed: bool


def state_of(case: EnforcementCase | None) -> dict[str, Any] | None:
    """The case as the API shows it, in JSON values (None before the case existed)."""
    return None if case is None else jsonable(CaseSchema().dump(case))


def compare(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Field]:
    """Every field of either state (in the API's order), named, with both values in words."""
    old, new = flatten(before or {}), flatten(after or {})
    paths = [*new, *(p for p in old if p not in new)]
    return [Field(p, name_of(p), text_of(p, old.get(p)), text_of(p, new.get(p)),
                  _value(old.get(p)) != _value(new.get(p))) for p in paths]


def _value(value: Any) -> Any:
    """An empty list or mapping is no value: ``assets`` empty, then holding asset 1, is the
    asset's change, not the list's."""
    return None if value == [] or value == {} else value


def differences(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Field]:
    """The fields whose value differs between the two states."""
    return [f for f in compare(before, after) if f.changed]


def name_of(path: str) -> str:
    """``assets.0.auctions.1.price`` → "Tài sản 1 › Lần bán đấu giá 2 › Giá"."""
    whole = STATE_FIELDS.get(path) or FIELDS.get(path)
    if whole is not None:
        return str(whole)
    words: list[str] = []
    general: list[str] = []
    for part in path.split("."):
        if part.isdigit() and words:
            words[-1] = f"{words[-1]} {int(part) + 1}"
            continue
        general.append(part)
        key = ".".join(general)
        found = STATE_FIELDS.get(key) or FIELDS.get(key) or STATE_FIELDS.get(part) or FIELDS.get(part)
        words.append(str(found or part))
    return " › ".join(words)


def text_of(path: str, value: Any) -> str:
    """A field's value in words: "—" where there is none."""
    if _value(value) is None:
        return "—"
    parts = [p for p in path.split(".") if not p.isdigit()]
    last, general = parts[-1], ".".join(parts)
    if isinstance(value, bool):
        if general == "able":
            return label("able" if value else "unable", "verification")
        return _("Có") if value else _("Không")
    if last in MONEY and isinstance(value, int):
        return money(value)
    if general == "assets.auctions.outcome":
        return str(OUTCOMES.get(value, value))
    if general in CODES:
        return label(value, CODES[general])
    if general == "hold.reason":
        return ground_text(value)
    if last in ("recorded_at", "modified_at"):
        return moment(value, seconds=True)
    if (last.endswith("_on") or last in ("on", "date", "since", "until")) and isinstance(value, str):
        return day(value)
    if general in ("agency", "entrusted_to"):
        directory = services().directory
        return f"{directory.get(value).name} ({value})" if value in directory else str(value)
    return str(value)

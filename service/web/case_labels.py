"""Vietnamese names of what the case pages show: every event type, command, time-limit clock
and form field, and the business rules a refused command broke."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

EVENTS: dict[str, Any] = {
    "Received": _l("Thụ lý"),
    "Verified": _l("Xác minh điều kiện thi hành án"),
    "AssetSeized": _l("Kê biên tài sản"),
    "AssetValued": _l("Thẩm định giá tài sản"),
    "AuctionHeld": _l("Bán đấu giá tài sản"),
    "PriceReduced": _l("Giảm giá tài sản"),
    "AssetTakenByCreditor": _l("Người được thi hành án nhận tài sản"),
    "AssetDelivered": _l("Giao tài sản cho người mua trúng đấu giá"),
    "MoneyCollected": _l("Thu tiền"),
    "MoneyPaidOut": _l("Chi trả tiền"),
    "Postponed": _l("Hoãn thi hành án"),
    "Suspended": _l("Tạm đình chỉ thi hành án"),
    "Resumed": _l("Tiếp tục thi hành án"),
    "Entrusted": _l("Ủy thác thi hành án"),
    "Terminated": _l("Đình chỉ thi hành án"),
    "RequestReturned": _l("Trả đơn yêu cầu thi hành án"),
    "Closed": _l("Thi hành xong"),
    "Reassigned": _l("Phân công lại chấp hành viên"),
    "NoteAdded": _l("Ghi chú"),
    "DifficultyMarked": _l("Xác định việc khó thi hành"),
    "Corrected": _l("Đính chính"),
}
"""Event type (the class name stored in the log) → its Vietnamese name."""

ROUTINE_EVENTS = frozenset({"NoteAdded"})
"""Events the timeline folds away (``<details>``): they change nothing of the case's course."""

COMMANDS: dict[str, Any] = {
    "verify": _l("Xác minh điều kiện thi hành án"),
    "seize": _l("Kê biên tài sản"),
    "value": _l("Thẩm định giá tài sản"),
    "auction": _l("Ghi kết quả bán đấu giá"),
    "reduce-price": _l("Giảm giá tài sản"),
    "hand-to-creditor": _l("Giao tài sản cho người được thi hành án"),
    "deliver": _l("Giao tài sản cho người mua"),
    "collect": _l("Thu tiền"),
    "pay-out": _l("Chi trả tiền"),
    "postpone": _l("Hoãn thi hành án"),
    "suspend": _l("Tạm đình chỉ thi hành án"),
    "resume": _l("Tiếp tục thi hành án"),
    "entrust": _l("Ủy thác thi hành án"),
    "terminate": _l("Đình chỉ thi hành án"),
    "return-request": _l("Trả đơn yêu cầu"),
    "close": _l("Kết thúc: thi hành xong"),
    "reassign": _l("Phân công lại chấp hành viên"),
    "note": _l("Thêm ghi chú"),
    "mark-difficult": _l("Việc khó thi hành (Hội đồng CHV)"),
    "correct": _l("Đính chính"),
}
"""Command (as the API names it) → the title of its form."""

CLOCKS: dict[str, Any] = {
    "decision": _l("Ra quyết định thi hành án"),
    "first_verification": _l("Xác minh lần đầu"),
    "reverification": _l("Xác minh lại"),
    "valuation": _l("Thẩm định giá"),
    "auction": _l("Tổ chức bán đấu giá"),
    "delivery": _l("Giao tài sản cho người mua"),
    "payout": _l("Chi trả tiền"),
    "resume": _l("Tiếp tục thi hành sau hoãn, tạm đình chỉ"),
}

OUTCOMES: dict[str, Any] = {"sold": _l("Bán được"), "failed": _l("Không thành")}

FIELDS: dict[str, Any] = {
    "on": _l("Ngày thực hiện"),
    "result": _l("Kết quả xác minh"),
    "findings": _l("Nội dung xác minh"),
    "asset.description": _l("Mô tả tài sản"),
    "asset.kind": _l("Loại tài sản"),
    "asset.estimated_value": _l("Giá trị ước tính"),
    "asset_id": _l("Tài sản"),
    "price": _l("Giá"),
    "outcome": _l("Kết quả"),
    "amount": _l("Số tiền"),
    "source": _l("Nguồn thu"),
    "reason": _l("Lý do, căn cứ"),
    "until": _l("Dự kiến hết căn cứ vào ngày"),
    "to_agency": _l("Ủy thác cho cơ quan"),
    "enforcer": _l("Chấp hành viên"),
    "text": _l("Nội dung"),
    "difficult": _l("Việc khó thi hành"),
    "corrects": _l("Sự kiện được đính chính (số thứ tự)"),
    "field": _l("Thông tin cần đính chính"),
    "value": _l("Giá trị đúng"),
    "agency": _l("Cơ quan thi hành án"),
    "received_on": _l("Ngày thụ lý"),
    "requested_on": _l("Ngày nhận đơn hoặc bản án"),
    "initiation": _l("Hình thức thụ lý"),
    "judgment.court": _l("Tòa án"),
    "judgment.number": _l("Số bản án, quyết định"),
    "judgment.date": _l("Ngày bản án"),
    "judgment.kind": _l("Loại việc"),
    "creditor.name": _l("Người được thi hành án"),
    "creditor.kind": _l("Loại người được thi hành án"),
    "debtor.name": _l("Người phải thi hành án"),
    "debtor.kind": _l("Loại người phải thi hành án"),
    "amount_due": _l("Số tiền phải thi hành"),
    "number": _l("Số hồ sơ"),
    "obligation": _l("Nghĩa vụ khác (không phải tiền)"),
    "judgment": _l("Bản án, quyết định"),
    "outstanding": _l("Số tiền còn phải thi hành"),
    "previous": _l("Chấp hành viên trước"),
    "held": _l("Tình trạng trước đó"),
    "new_case": _l("Hồ sơ tại cơ quan nhận ủy thác"),
    "entrusted_from": _l("Nhận ủy thác từ hồ sơ"),
}
"""Form field (dotted for nested ones, as the API's schemas name them) → its label."""

PRICE_FIELDS: dict[str, Any] = {
    "value": _l("Giá thẩm định"),
    "auction": _l("Giá bán"),
    "reduce-price": _l("Giá khởi điểm mới"),
    "hand-to-creditor": _l("Giá nhận tài sản"),
}


def field_label(name: str, command: str | None = None) -> str:
    if name == "price" and command in PRICE_FIELDS:
        return str(PRICE_FIELDS[command])
    found = FIELDS.get(name)
    return str(found) if found is not None else name


RULES: dict[str, Any] = {
    "invalid_value": _l("Giá trị không hợp lệ."),
    "date_out_of_order": _l("Ngày không hợp lệ: không được sau hôm nay, không được trước thao tác trước "
                            "đó của hồ sơ, và phải theo đúng trình tự."),
    "illegal_transition": _l("Thao tác này không thực hiện được ở tình trạng hiện tại của hồ sơ."),
    "amount_exceeds_due": _l("Số tiền làm tổng số đã thu vượt quá số tiền phải thi hành."),
    "paid_out_exceeds_collected": _l("Số tiền làm tổng số đã chi trả vượt quá số tiền đã thu."),
    "unknown_asset": _l("Hồ sơ không có tài sản này."),
    "unknown_agency": _l("Cơ quan không có trong danh mục hoặc không còn hoạt động vào ngày đó."),
    "unknown_enforcer": _l("Không phải chấp hành viên đang làm việc tại cơ quan của hồ sơ."),
    "nothing_to_execute": _l("Hồ sơ không có số tiền phải thi hành thì phải ghi rõ nghĩa vụ khác."),
    "not_verified_able": _l("Chỉ kê biên khi hồ sơ đã được xác minh có điều kiện thi hành."),
    "price_below_start": _l("Giá bán thấp hơn giá khởi điểm thì không phải là bán được."),
    "price_not_lower": _l("Giá khởi điểm mới phải thấp hơn giá khởi điểm trước."),
    "price_not_reduced": _l("Người được thi hành án chỉ nhận tài sản sau khi đã giảm giá mà vẫn "
                            "không bán được."),
    "nothing_sold": _l("Chưa có tài sản nào bán đấu giá thành để thu tiền bán đấu giá."),
    "not_on_hold": _l("Hồ sơ không bị hoãn hay tạm đình chỉ."),
    "not_on_request": _l("Chỉ trả đơn đối với việc thi hành theo đơn yêu cầu."),
    "money_outstanding": _l("Chưa thu đủ số tiền phải thi hành."),
    "money_not_paid_out": _l("Còn tiền đã thu chưa chi trả."),
    "asset_not_delivered": _l("Còn tài sản đã bán chưa giao cho người mua."),
    "case_closed": _l("Hồ sơ đã kết thúc: chỉ còn có thể ghi chú."),
    "case_entrusted": _l("Hồ sơ đã ủy thác: chỉ còn có thể ghi chú."),
    "case_postponed": _l("Hồ sơ đang hoãn: chỉ có thể tiếp tục, đình chỉ hoặc ghi chú."),
    "case_suspended": _l("Hồ sơ đang tạm đình chỉ: chỉ có thể tiếp tục, đình chỉ hoặc ghi chú."),
    "duplicate": _l("Cơ quan đã có hồ sơ mang số này trong năm."),
}
"""A refused command's rule code → what it means, in words (the error's own message, in
English, follows as the detail)."""

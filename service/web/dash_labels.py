"""Names shown on the dashboard and bottleneck pages: the §4 columns as the official report
names them, the aging buckets, the named lists, the clocks and the read models."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from service.web.case_labels import CLOCKS

COLUMN_LABELS: dict[str, Any] = {
    "carried_over": _l("Năm trước chuyển sang"),
    "newly_accepted": _l("Thụ lý mới"),
    "total_accepted": _l("Tổng số thụ lý"),
    "entrusted": _l("Ủy thác"),
    "to_execute": _l("Tổng số phải thi hành"),
    "without_conditions": _l("Chưa có điều kiện"),
    "with_conditions": _l("Có điều kiện"),
    "completed": _l("Thi hành xong"),
    "terminated": _l("Đình chỉ"),
    "returned": _l("Trả đơn"),
    "postponed": _l("Hoãn"),
    "suspended": _l("Tạm đình chỉ"),
    "in_progress": _l("Đang thi hành"),
    "carried_forward": _l("Chuyển kỳ sau"),
}

AGING_LABELS: dict[str, Any] = {
    "0_30": _l("0–30 ngày"), "31_90": _l("31–90 ngày"), "91_180": _l("91–180 ngày"),
    "181_365": _l("181–365 ngày"), "over_365": _l("Trên 365 ngày"),
}

LIST_LABELS: dict[str, Any] = {
    "sold_not_delivered": _l("Đã bán đấu giá nhưng chưa giao tài sản"),
    "able_not_seized": _l("Có điều kiện nhưng chưa kê biên (tổ chức tín dụng trước)"),
    "large_unfinished": _l("Việc lớn (trên 500 triệu đồng) chưa xong"),
    "difficult": _l("Việc khó thi hành"),
    "overdue": _l("Quá thời hạn"),
    "due_soon": _l("Sắp đến hạn (trong 7 ngày)"),
}

CLOCK_LABELS: dict[str, Any] = CLOCKS  # the same names the case page gives the time limits

MODEL_LABELS: dict[str, Any] = {
    "cases": _l("Danh sách hồ sơ"), "statistics": _l("Thống kê"), "bottlenecks": _l("Vướng mắc"),
    "dashboard": _l("Số liệu tổng quan"),
}

ITEM_LABELS: dict[str, Any] = {
    "number": _l("Số hồ sơ"), "agency": _l("Đơn vị"), "enforcer": _l("Chấp hành viên"),
    "debtor": _l("Người phải thi hành án"), "creditor": _l("Người được thi hành án"),
    "creditor_kind": _l("Loại người được thi hành án"), "amount_due": _l("Số tiền phải thi hành"),
    "outstanding": _l("Còn phải thi hành"), "state": _l("Trạng thái"), "received_on": _l("Ngày thụ lý"),
    "since": _l("Bắt đầu chờ từ"), "days": _l("Số ngày"), "assets": _l("Tài sản chưa giao"),
    "clock": _l("Thời hạn"), "due_on": _l("Hạn"), "clocks": _l("Số thời hạn"), "case_id": _l("Mã hồ sơ"),
}

DAYS_LABELS: dict[str, Any] = {
    "overdue": _l("Số ngày quá hạn"), "due_soon": _l("Số ngày còn lại"),
}
"""What ``days`` means on the clock lists (elsewhere: days waiting)."""

ENFORCER_LABELS: dict[str, Any] = {
    "agency": _l("Đơn vị"), "enforcer": _l("Chấp hành viên"), "open_cases": _l("Việc đang thi hành"),
    "average_days": _l("Số ngày chờ trung bình"), "overdue_clocks": _l("Thời hạn đã quá"),
    "completed": _l("Thi hành xong từ 1/10"), "collected": _l("Tiền thu được từ 1/10"),
}

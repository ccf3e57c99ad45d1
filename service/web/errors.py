"""Error pages: what a person sees when something is refused or missing."""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from domain.access import Forbidden
from domain.errors import CaseError, CaseNotFound
from service.errors import ServiceError

log = logging.getLogger(__name__)


def page_for(error: Exception) -> Any:
    """The HTML answer for an error raised by a page (the API answers JSON on its own)."""
    if isinstance(error, CSRFError):
        return _page(400, _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Tải lại trang rồi thử lại."))
    if isinstance(error, CaseNotFound):
        return _page(404, _("Không tìm thấy hồ sơ (hoặc hồ sơ ngoài phạm vi của bạn)."))
    if isinstance(error, Forbidden):
        return _page(403, _("Bạn không có quyền thực hiện thao tác này."))
    if isinstance(error, CaseError):
        return _page(422, error.message)
    if isinstance(error, ServiceError):
        return _page(error.status, error.message)
    if isinstance(error, HTTPException):
        if error.code == 429:
            return _page(429, _("Quá nhiều lần thử. Vui lòng đợi một phút rồi thử lại."))
        messages = {403: _("Bạn không có quyền xem trang này."), 404: _("Không tìm thấy trang."),
                    405: _("Phương thức không được hỗ trợ."), 400: _("Yêu cầu không hợp lệ.")}
        return _page(error.code or 500, messages.get(error.code or 500, error.description or ""))
    log.exception("unexpected error on a page")
    return _page(500, _("Lỗi hệ thống. Lỗi đã được ghi lại; vui lòng thử lại sau."))


def _page(status: int, message: str) -> Any:
    return render_template("errors/error.html", status=status, message=message), status

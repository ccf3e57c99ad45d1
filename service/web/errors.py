"""Error pages: what a person sees when something is refused or missing."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from domain.access import Forbidden
from domain.errors import CaseError, CaseNotFound
from service.errors import ServiceError, is_store_outage
from service.health import first_line

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
    if is_store_outage(error):
        log.warning("the store did not answer a page: %s", first_line(error))
        return _unavailable()
    log.exception("unexpected error on a page")
    return _page(500, _("Lỗi hệ thống. Lỗi đã được ghi lại; vui lòng thử lại sau."))


def _unavailable() -> Any:
    """The page for a store that does not answer, rendered without the context processors
    (the logged-in user would be loaded from the store again)."""
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    page = template.render(
        lang=current_app.jinja_env.globals["current_language"](),  # type: ignore[operator]
        title=_("Theo dõi thi hành án dân sự"), try_again=_("Thử lại"),
        message=_("Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau giây lát."),
        again=request.full_path if request.query_string else request.path)
    return page, 503, {"Retry-After": "1"}


def _page(status: int, message: str) -> Any:
    return render_template("errors/error.html", status=status, message=message), status

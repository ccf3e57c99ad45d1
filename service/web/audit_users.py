"""The auditor's page of every action of one user (SPEC §6): a user chosen from those in scope
(or any name the log holds), their actions newest first with links to the cases, filtered by
recorded day and event type, paged by log position. Auditors and administrators only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain.access import Role
from domain.errors import CaseNotFound
from projections.action_query import Actions, check_auditor
from projections.actions import EVENT_TYPES
from service.audit.actions import actions_of
from service.errors import BadRequest
from service.services import services
from service.web import dash_params
from service.web.auth import web_actor
from service.web.bottleneck_pages import case_link
from service.web.case_labels import EVENTS
from service.web.formatting import VN

bp = Blueprint("audit_users", __name__)
PER_PAGE = 50
CHOICES = [*(code for code in EVENTS if code in EVENT_TYPES),
           *(code for code in EVENT_TYPES if code not in EVENTS)]
"""The event types to filter by, in the order of a case's course (as the case page names them)."""


def init(app: Flask) -> None:
    """Register the area and its link in the top bar (auditors and administrators)."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("audit_users.pick", _l("Hoạt động người dùng"), roles=(Role.AUDITOR.value, Role.ADMIN.value))


@bp.before_request
@login_required  # type: ignore[misc]
def auditors_only() -> None:
    """Every page of the area needs a logged-in auditor or administrator (else 403)."""
    check_auditor(web_actor())


@bp.get("/audit/users")
def pick() -> Any:
    """The form to choose a user; a chosen one goes on to their page."""
    chosen = dash_params.text(request.args, "username")
    if chosen is not None:
        return redirect(url_for(".actions", username=chosen))
    return _render(None, None, {})


@bp.get("/audit/users/<username>")
def actions(username: str) -> Any:
    """One page of the user's actions (``before``: older than that log position)."""
    filters = read_filters(request.args)
    try:
        found = actions_of(services(), web_actor(), username, **filters)
    except CaseNotFound:
        return _render(username, None, filters), 404
    return _render(username, found, filters)


def _render(username: str | None, found: Actions | None, filters: dict[str, Any]) -> Any:
    """The page: the chooser, and (``found``) the user's actions; a username given without
    ``found`` is one nobody in the caller's scope has or had."""
    actor = web_actor()
    svc = services()
    known = [u for u in svc.cases.users.all() if actor.sees(u.agency, svc.directory)]
    shown = {"from": request.args.get("from", ""), "to": request.args.get("to", ""),
             "type": filters.get("event_type") or ""}
    return render_template(
        "audit/user_actions.html", username=username, found=found, known=known, shown=shown,
        event_labels=EVENTS, event_types=CHOICES, links=actor.may_read_cases(), case_link=case_link,
        per_page=filters.get("limit", PER_PAGE))


def read_filters(args: Mapping[str, str]) -> dict[str, Any]:
    """The page's query parameters, checked (400 naming the one at fault): ``before`` (a log
    position), ``from`` and ``to`` (days recorded, in Vietnam's time, both included), ``type``
    (an event type) and ``per_page``."""
    filters: dict[str, Any] = {"limit": dash_params.per_page(args, PER_PAGE),
                               "event_type": dash_params.choice(args, "type", EVENT_TYPES, None)}
    before = dash_params.text(args, "before")
    if before is not None:
        if not before.isdigit() or int(before) < 1:
            raise BadRequest(_("Vị trí không hợp lệ: “%(value)s” (tham số before phải là số nguyên dương).",
                               value=before[:20]))
        filters["before"] = int(before)
    first, last = _day(args, "from"), _day(args, "to")
    if first is not None and last is not None and first > last:
        raise BadRequest(_("Ngày bắt đầu (tham số from) sau ngày kết thúc (tham số to)."))
    if first is not None:
        filters["since"] = datetime.combine(first, time(), VN)
    if last is not None:  # the whole of the last day
        filters["until"] = datetime.combine(last + timedelta(days=1), time(), VN) - timedelta(microseconds=1)
    return filters


def _day(args: Mapping[str, str], name: str) -> date | None:
    value = dash_params.text(args, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(_("Ngày không hợp lệ: “%(value)s” (tham số %(name)s phải có dạng YYYY-MM-DD).",
                           value=value[:20], name=name)) from None

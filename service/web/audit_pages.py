"""The auditor's pages (SPEC §6; auditors and administrators, everyone else 403): a home with
the ways in, a case's history with the case before and after each event, the case as it stood
at a version or a recorded time, a diff of two versions, the audit chain verified on demand,
and the dashboard's official statistics as known at a past time. Read-only: GET pages and GET
forms only. Every page an auditor reads is recorded by the app's after-request hook
(``service.audit.reads``); case contents follow the domain's rule of who may read cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain import clock
from domain.access import Role
from service.api.stats import known_cut
from service.application import project_case
from service.audit.chain import read_head
from service.audit.verify import verify
from service.errors import BadRequest
from service.services import services
from service.web import audit_params, dash_model, dash_params
from service.web.audit_history import PER_PAGE, history_page
from service.web.audit_state import differences, state_of
from service.web.auth import web_actor, web_user
from service.web.case_labels import CLOCKS, OUTCOMES
from service.web.case_labels import COMMANDS as TITLES
from service.web.case_timeline import ground_text, timeline
from service.web.dash_labels import COLUMN_LABELS
from service.web.formatting import VN, moment, number

bp = Blueprint("audit_pages", __name__, url_prefix="/audit")
READERS = (Role.AUDITOR, Role.ADMIN)


def init(app: Flask) -> None:
    """Register the area and its link in the top bar (auditors and administrators)."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("audit_pages.home", _l("Kiểm tra"), roles=(Role.AUDITOR.value, Role.ADMIN.value))


@bp.before_request
@login_required  # type: ignore[misc]
def auditors_only() -> None:
    """Every page of the area needs a logged-in auditor or administrator (else login, or 403)."""
    if web_user().role not in READERS:
        raise dash_params.OutOfScope(_("Các trang kiểm tra chỉ dành cho kiểm tra viên và quản trị viên."))


@bp.get("")
def home() -> Any:
    """Where an auditor starts: find a case, the audit chain, the dashboard as known at a time."""
    return render_template("audit/home.html", head=read_head(services().cases.db),
                           log_head=services().cases.log_head())


@bp.get("/verify")
def verify_chain() -> Any:
    """Recompute the audit chain of every case and of the whole log now (on demand: it reads
    the whole log)."""
    return render_template("audit/verify.html", verdict=verify(services().cases))


@bp.get("/cases/<uuid:case_id>")
def history(case_id: UUID) -> Any:
    """A case's history, a page of events at a time, with the case before and after each."""
    page = dash_params.page(request.args)
    return render_template("audit/history.html", history=history_page(web_actor(), case_id, page))


@bp.get("/cases/<uuid:case_id>/at")
def case_at(case_id: UUID) -> Any:
    """The case as it stood at ``version`` or as recorded at ``at`` (default: its latest
    version), shown as the case page shows it, without forms or today's deadlines."""
    found = services()
    events = found.cases.history(web_actor(), case_id)  # 404 outside the caller's scope
    version = audit_params.version(request.args, "version", len(events))
    at = audit_params.moment(request.args, "at")
    if version is not None and at is not None:
        raise BadRequest(_("Chọn phiên bản (tham số version) hoặc thời điểm (tham số at), "
                           "không chọn cả hai."))
    if at is not None:
        shown = [e for e in events if e.timestamp <= at]
        if not shown:
            raise BadRequest(_("Lúc %(at)s hồ sơ chưa được ghi (tham số at): hồ sơ được ghi lần đầu lúc "
                               "%(first)s.", at=moment(at, seconds=True),
                               first=moment(events[0].timestamp, seconds=True)))
    else:
        shown = events[:version or len(events)]
    case = project_case(None, shown)
    return render_template(
        "audit/case_at.html", case=case, version=case.version, last=len(events), at=at, forms=[],
        posted=None, offered=True, deadlines=[], clocks=CLOCKS, outcomes=OUTCOMES, titles=TITLES,
        ground_text=ground_text, entries=timeline(shown, found.directory, found.cases.users),
        history_page=(case.version - 1) // PER_PAGE + 1)


@bp.get("/cases/<uuid:case_id>/diff")
def diff(case_id: UUID) -> Any:
    """What differs between two versions of a case (default: the latest and the one before)."""
    actor, cases = web_actor(), services().cases
    current = cases.get_case(actor, case_id)  # 404 outside the caller's scope
    last = current.version
    old = audit_params.version(request.args, "from", last)
    new = audit_params.version(request.args, "to", last) or last
    old = old or max(1, new - 1)
    states = {v: state_of(cases.get_case(actor, case_id, version=v)) for v in {old, new}}
    return render_template("audit/diff.html", case=current, old=old, new=new, last=last,
                           fields=differences(states[old], states[new]))


@bp.get("/dashboard")
def dashboard() -> Any:
    """The dashboard's official statistics and ranks as known at ``as_known_at`` (Vietnam's
    time), for ``agency`` and the period ending ``through`` (or the year ``year``)."""
    actor = web_actor()
    when = audit_params.moment(request.args, "as_known_at")
    agency = dash_params.agency(request.args, actor)
    period = audit_params.period(request.args, when.astimezone(VN).date() if when else clock.today())
    figures = None if when is None else dash_model.official(services(), agency, period, known_cut(when))
    return render_template(
        "audit/dashboard.html", figures=figures, when=when, agency=agency, period=period,
        typed={k: dash_params.text(request.args, k) for k in ("as_known_at", "year", "through")},
        charts=None if figures is None else dash_model.rates_chart(figures.rates), labels=COLUMN_LABELS,
        fmt_number=number, head=services().cases.log_head(),
        choices=dash_params.agency_choices(actor.agency, period.start, period.end, agency.code))

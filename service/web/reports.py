"""The reports page (SPEC §7): ask for a report, follow it (a progress bar the page's script
keeps current from ``/reports/<id>.json``), and find past ones with their download. It says
so when reports are unavailable (Redis down); the history still shows (it is in the store)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain import clock
from domain.access import Actor, Forbidden, Role
from domain.errors import CaseError
from service.api.report_schemas import FORMATS, ReportSchema
from service.errors import BadRequest, ServiceError
from service.reports import desk
from service.reports.download import file_response
from service.reports.store import IN_FLIGHT, Report
from service.services import services
from service.web import dash_params
from service.web.auth import web_actor
from service.web.formatting import VN
from workers import render
from workers.render import ReportRequest

bp = Blueprint("reports_web", __name__)
PER_PAGE = 20
EARLIEST = date(2000, 1, 1)
KNOWING = (Role.HEAD, Role.AUDITOR)
"""Who may ask for a report as the log was known at a past time (SPEC §6)."""
KIND_LABELS = {"statistics": _l("Thống kê (mẫu chính thức)"), "bottlenecks": _l("Vướng mắc"),
               "rankings": _l("Xếp hạng"), "process_mining": _l("Nhật ký cho khai phá quy trình")}
STATUS_LABELS = {"queued": _l("Đang chờ"), "started": _l("Đang lập"), "finished": _l("Xong"),
                 "failed": _l("Lỗi")}


def init(app: Flask) -> None:
    """Register the area and its link in the top bar."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("reports_web.index", _l("Báo cáo"))


@bp.before_request
@login_required  # type: ignore[misc]
def logged_in() -> None:
    """Every page of the area needs a logged-in reader (else the login page, or 403)."""
    dash_params.check_reader(web_actor())


@bp.get("/reports")
def index() -> Any:
    """The request form and the history of the caller's scope, newest first."""
    return _page(dict(request.args), status=200)


@bp.post("/reports")
def ask() -> Any:
    """Ask for a report from the form; back to the page, which follows its progress."""
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    actor = web_actor()
    try:
        report, reused = desk.ask(services(), actor, _request(form, actor))
    except (ServiceError, CaseError) as error:
        status = error.status if isinstance(error, ServiceError) else 403 if isinstance(error, Forbidden) \
            else 400
        return _page(form, status=status, error=_explain(error))
    if reused:
        flash(_("Đã có báo cáo này với cùng số liệu (cùng vị trí nhật ký): dùng lại, không lập lại."),
              "success")
    else:
        flash(_("Đã nhận yêu cầu; báo cáo đang được lập."), "success")
    return redirect(url_for(".index", shown=report.id))


@bp.get("/reports/<uuid:report_id>.json")
def status(report_id: Any) -> Any:
    """A report as it stands (as GET /api/v1/reports/{id}), for the page's progress bars."""
    return jsonify(ReportSchema().dump(desk.visible(services(), web_actor(), str(report_id))))


@bp.get("/reports/<uuid:report_id>/file")
def download(report_id: Any) -> Any:
    svc = services()
    return file_response(svc, desk.visible(svc, web_actor(), str(report_id)))


def _page(form: Mapping[str, str], *, status: int, error: str | None = None) -> Any:
    svc, actor = services(), web_actor()
    page = dash_params.page(request.args)
    reports, total = desk.history(svc, actor, page=page, per_page=PER_PAGE)
    today = clock.today()
    kinds = desk.kinds_for(actor)
    formats = sorted({f for k in kinds for f in render.FORMATS[k]}, key=FORMATS.index)
    default_month = dash_params.month({}, today).label
    return render_template(
        "reports/index.html", rows=[_row(r) for r in reports], total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), available=svc.report_queue.available(), error=error,
        form=form, kinds=kinds, formats=formats, kind_labels=KIND_LABELS, default_month=default_month,
        knowing=actor.role in KNOWING, shown=request.args.get("shown"),
        # Every agency of the scope that ever existed: a report may be of a past year.
        choices=dash_params.agency_choices(actor.agency, EARLIEST, today, form.get("agency") or actor.agency),
    ), status


def _request(form: Mapping[str, str], actor: Actor) -> ReportRequest:
    """The form's request; 400 naming the field at the first bad one."""
    kinds = desk.kinds_for(actor)
    kind = dash_params.choice(form, "kind", tuple(kinds), None)
    fmt = dash_params.choice(form, "format", FORMATS, None)
    if kind is None or fmt is None:
        raise BadRequest(_("Hãy chọn loại báo cáo và định dạng (trường kind, format)."))
    period = dash_params.month(form, clock.today(), name="through")
    known = None
    if actor.role in KNOWING and dash_params.text(form, "as_known_at"):
        raw = str(dash_params.text(form, "as_known_at"))
        try:
            known = datetime.fromisoformat(raw).replace(tzinfo=VN)
        except ValueError:
            raise BadRequest(_("Thời điểm không hợp lệ: “%(value)s” (trường as_known_at).",
                               value=raw[:30])) from None
    agency = dash_params.text(form, "agency") or actor.agency
    return ReportRequest(kind, fmt, agency, period.year, period.label, known)


def _explain(error: ServiceError | CaseError) -> str:
    field = error.details.get("field") if isinstance(error, ServiceError) else error.field
    if field:
        return _("Không lập được báo cáo: %(why)s (trường %(field)s).", why=error.message, field=field)
    return _("Không lập được báo cáo: %(why)s", why=error.message)


def _row(report: Report) -> dict[str, Any]:
    p = report.parameters
    return {
        "id": report.id, "kind": KIND_LABELS.get(report.kind, report.kind), "format": report.format.upper(),
        "agency": report.agency, "year": p["year"], "through": p["through"], "as_known_at": p["as_known_at"],
        "status": report.status, "status_label": STATUS_LABELS.get(report.status, report.status),
        "progress": report.progress, "running": report.status in IN_FLIGHT, "error": report.error,
        "requested_by": report.requested_by, "scheduled": bool(report.scheduled),
        "created_at": report.created_at, "position": report.position, "size": report.size,
        "sha256": report.sha256,
        "file": url_for(".download", report_id=report.id) if report.status == "finished" else None,
        "status_url": url_for(".status", report_id=report.id),
    }

"""The dashboard: an agency's statistics for the statistical year up to a month (SPEC §4, as
GET /api/v1/stats and /rankings give them), its charts, and where its cases are stuck today
(SPEC §5)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain import clock
from domain.agencies import Agency, Directory
from projections.bottleneck_query import AGING
from service.services import services
from service.web import dash_model, dash_params
from service.web.auth import web_actor
from service.web.dash_labels import AGING_LABELS, CLOCK_LABELS, COLUMN_LABELS, LIST_LABELS, MODEL_LABELS
from service.web.formatting import number

bp = Blueprint("dashboard", __name__)


def init(app: Flask) -> None:
    """Register the area and its link in the top bar."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("dashboard.dashboard", _l("Tổng quan"))


@bp.before_request
@login_required  # type: ignore[misc]
def logged_in() -> None:
    """Every page of the area needs a logged-in user (else on to the login page)."""


@bp.get("/dashboard")
def dashboard() -> Any:
    """An agency's dashboard for the statistical year up to ``month`` (default: the last
    complete month); bottlenecks as of today."""
    actor = web_actor()
    dash_params.check_reader(actor)
    today = clock.today()
    agency = dash_params.agency(request.args, actor)
    period = dash_params.month(request.args, today)
    board = dash_model.build(services(), agency, period, today)
    return render_template(
        "dashboard/index.html", board=board, charts=dash_model.chart_data(board), month=period.label,
        labels=COLUMN_LABELS, fmt_number=number, aging=[b for b, _ in AGING], aging_labels=AGING_LABELS,
        list_labels=LIST_LABELS, clock_labels=CLOCK_LABELS, model_labels=MODEL_LABELS,
        choices=dash_params.agency_choices(actor.agency, period.start, period.end, agency.code),
        trail=trail(services().directory, actor.agency, agency))


def trail(directory: Directory, root: str, agency: Agency) -> list[Agency]:
    """From the caller's own agency down to ``agency`` (for the links up)."""
    path = [agency]
    for above in directory.ancestors(agency.code):
        if not directory.is_within(above.code, root):
            break
        path.append(above)
    return list(reversed(path))

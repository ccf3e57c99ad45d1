"""The bottleneck pages (SPEC §5): each named list and the overdue and soon-due clocks of an
agency as of a day, sortable, paged and exported as CSV; and workload and results per
enforcer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain import clock
from domain.agencies import Agency
from domain.time_limits import CLOCKS
from projections.bottleneck_lists import CLOCK_LISTS, NAMED_LISTS
from projections.dash_lists import SORTS, default_sort, sorted_list
from projections.dash_query import dashboard_counts
from service.downloads import csv_response
from service.services import services
from service.web import dash_csv, dash_params
from service.web.auth import web_actor
from service.web.dash_labels import CLOCK_LABELS, DAYS_LABELS, ENFORCER_LABELS, ITEM_LABELS, LIST_LABELS
from service.web.dash_people import ENFORCER_SORTS, Scoped, enforcer_rows, scoped

bp = Blueprint("bottleneck_pages", __name__)
KINDS = (*NAMED_LISTS, *CLOCK_LISTS)
PER_PAGE = 50


def init(app: Flask) -> None:
    """Register the area and its link in the top bar."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("bottleneck_pages.index", _l("Vướng mắc"))


@bp.before_request
@login_required  # type: ignore[misc]
def logged_in() -> None:
    """Every page of the area needs a logged-in user (else on to the login page)."""


@bp.get("/bottlenecks")
def index() -> Any:
    """Every list with its length today, for the agency asked for (default the caller's)."""
    where = _scope(today=True)
    svc = services()
    _, counts, _aging = dashboard_counts(svc.cases.db, svc.read_models.names("bottlenecks"),
                                         where.agency.code, [], where.scope.as_of)
    return render_template("bottlenecks/index.html", where=where, counts=counts, list_labels=LIST_LABELS,
                           clock_labels=CLOCK_LABELS, kinds=NAMED_LISTS, choices=_choices(where))


@bp.get("/bottlenecks/<kind>")
def listing(kind: str) -> Any:
    """One list: a page of it, or (``format=csv``) all of it as a CSV file."""
    if kind not in KINDS:
        abort(404)
    if dash_params.choice(request.args, "format", ("html", "csv"), "html") == "csv":
        return _csv(kind)
    where = _scope()
    sort = dash_params.choice(request.args, "sort", SORTS, default_sort(kind))
    chosen = _clock(kind)
    page, per_page = dash_params.page(request.args), dash_params.per_page(request.args, PER_PAGE)
    svc = services()
    items, total = sorted_list(svc.cases.db, svc.read_models.names("bottlenecks"), where.scope, kind,
                               sort=sort, clock=chosen, page=page, per_page=per_page)
    return render_template(
        "bottlenecks/list.html", where=where, kind=kind, items=items, total=total, page=page,
        per_page=per_page,
        pages=max(1, -(-total // per_page)), sort=sort, clock=chosen, columns=dash_csv.columns(kind),
        list_labels=LIST_LABELS, item_labels=ITEM_LABELS, clock_labels=CLOCK_LABELS, case_link=case_link,
        days_label=DAYS_LABELS.get(kind, ITEM_LABELS["days"]), choices=_choices(where))


@bp.get("/bottlenecks/<kind>.csv")
def listing_csv(kind: str) -> Any:
    """The whole list as a CSV file (UTF-8 with a BOM, for Excel)."""
    if kind not in KINDS:
        abort(404)
    return _csv(kind)


def _csv(kind: str) -> Response:
    where = _scope()
    sort = dash_params.choice(request.args, "sort", SORTS, default_sort(kind))
    chosen = _clock(kind)
    svc = services()
    items, _ = sorted_list(svc.cases.db, svc.read_models.names("bottlenecks"), where.scope, kind,
                           sort=sort, clock=chosen, per_page=None)
    name = f"{kind}_{where.agency.code}_{where.scope.as_of.isoformat()}.csv"
    return csv_response(dash_csv.list_rows(kind, items), name)


@bp.get("/bottlenecks/enforcers")
def enforcers() -> Any:
    """Workload and results per enforcer: open cases, their average age, clocks overdue,
    cases completed and money collected since 1 October (``format=csv`` for a file)."""
    where = _scope()
    sort = dash_params.choice(request.args, "sort", ENFORCER_SORTS, "-open_cases")
    wants_csv = dash_params.choice(request.args, "format", ("html", "csv"), "html") == "csv"
    rows = enforcer_rows(where, sort or "-open_cases")
    if wants_csv:
        name = f"enforcers_{where.agency.code}_{where.scope.as_of.isoformat()}.csv"
        return csv_response(dash_csv.enforcer_rows(rows), name)
    return render_template("bottlenecks/enforcers.html", where=where, rows=rows, sort=sort,
                           labels=ENFORCER_LABELS, choices=_choices(where))


def _scope(*, today: bool = False) -> Scoped:
    """The agency and day asked for (``today``: the page is about today only)."""
    actor = web_actor()
    dash_params.check_reader(actor)
    agency = dash_params.agency(request.args, actor)
    return scoped(agency, clock.today() if today else dash_params.as_of(request.args))


def _choices(where: Scoped) -> list[tuple[Agency, int]]:
    """The agencies to choose from: those in the caller's scope that existed on the day."""
    day = where.scope.as_of
    return dash_params.agency_choices(web_actor().agency, day, day, where.agency.code)


def _clock(kind: str) -> str | None:
    if kind not in CLOCK_LISTS:
        return None
    return dash_params.choice(request.args, "clock", CLOCKS, None)


def case_link(case_id: str) -> str:
    """The case's page (the cases area's endpoint when it is there)."""
    if "cases_web.case" in current_app.view_functions:
        return url_for("cases_web.case", case_id=case_id)
    return f"/cases/{case_id}"

"""The cases area of the staff pages: the case list (with "my cases" and the office queue),
a case's page with the forms of the commands it accepts now, posting a command, and the
new-case form. Forms are checked by the API's schemas and run through the same application
calls as the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain import clock
from domain.access import Forbidden, Role
from domain.errors import CaseError, CaseNotFound
from projections.case_badges import deadlines
from projections.case_query import check_reader
from service.api.schemas import COMMAND_SCHEMAS, CaseCreateSchema
from service.application import COMMANDS, project_case
from service.errors import DuplicateCase, VersionConflict
from service.services import services
from service.web import case_listing
from service.web.auth import web_actor
from service.web.case_forms import FORM_ERROR, Errors, Message, form_fields, form_input, load, refusal
from service.web.case_labels import CLOCKS, EVENTS, OUTCOMES
from service.web.case_labels import COMMANDS as TITLES
from service.web.case_page import Posted, command_args, command_forms, new_case_fields
from service.web.case_timeline import ground_text, timeline
from service.web.formatting import LABELS, moment

bp = Blueprint("cases_web", __name__)

SORT_LABELS = {"-received_on": _l("Thụ lý mới nhất trước"), "received_on": _l("Thụ lý cũ nhất trước"),
               "number": _l("Số hồ sơ tăng dần"), "-number": _l("Số hồ sơ giảm dần"),
               "-days_waiting": _l("Chờ lâu nhất trước"), "days_waiting": _l("Chờ ít nhất trước")}


def init(app: Flask) -> None:
    """Register the area and its link in the top bar."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("cases_web.cases", _l("Hồ sơ thi hành án"))


@bp.before_request
@login_required  # type: ignore[misc]
def logged_in() -> None:
    """Every page of the area needs a logged-in user (else on to the login page)."""


@bp.get("/cases")
def cases() -> Any:
    """The case list: filters, search, sorting and paging (SPEC §8)."""
    actor = web_actor()
    check_reader(actor)
    filters, typed, errors = case_listing.filters_from(request.args, actor)
    found = None if errors else case_listing.find(actor, filters)
    view = "mine" if typed.get("enforcer") == actor.username else "all"
    return _list(view, typed, errors, found)


@bp.get("/cases/queue")
def queue() -> Any:
    """The office queue: open cases of my agency (and those below it) with no enforcer yet."""
    actor = web_actor()
    check_reader(actor)
    filters, typed, errors = case_listing.filters_from(request.args, actor, queue=True)
    return _list("queue", typed, errors, None if errors else case_listing.find_queue(actor, filters))


def _list(view: str, typed: dict[str, str], errors: Errors, found: Any) -> Any:
    actor, directory = web_actor(), services().directory
    page = render_template(
        "cases/list.html", view=view, typed=typed, errors=errors, found=found, labels=LABELS,
        clocks=CLOCKS, sorts=SORT_LABELS, per_pages=case_listing.PER_PAGE,
        agencies=case_listing.agencies_seen(actor, directory),
        staff=case_listing.staff_seen(actor, directory), today=clock.today(),
        may_create=actor.role in (Role.ENFORCER, Role.HEAD))
    return page, 400 if errors else 200


@bp.get("/cases/<uuid:case_id>")
def case(case_id: UUID) -> Any:
    """A case: its parties, money, assets, deadlines, history, and what may be done now."""
    return _case_page(case_id)


@bp.post("/cases/<uuid:case_id>/<command>")
def command(case_id: UUID, command: str) -> Any:
    """Give the case one command from its form, then back to the case (post/redirect/get)."""
    if command not in COMMAND_SCHEMAS:
        abort(404)
    actor = web_actor()
    current = services().cases.get_case(actor, case_id)  # 404 outside the caller's scope
    actor.check_may_command(COMMANDS[command], current.enforcer)  # 403 before reading the form
    raw = request.form.get("version", "")
    if not raw.isdigit() or int(raw) < 1:
        problem = {FORM_ERROR: [Message(_("Thiếu phiên bản hồ sơ: tải lại trang rồi thử lại."))]}
        return _case_page(case_id, Posted(command, request.form, problem), 400)
    version = int(raw)
    args, errors = load(COMMAND_SCHEMAS[command](), form_input(form_fields(COMMAND_SCHEMAS[command]()),
                                                               request.form))
    if args is None:  # the wrong shape: nothing sent; the version the user saw is kept
        return _case_page(case_id, Posted(command, request.form, errors), 400, version=version)
    try:
        services().cases.command(actor, case_id, command, command_args(command, args),
                                 expected_version=version)
    except VersionConflict as conflict:
        return _case_page(case_id, Posted(command, request.form, warning=_changed(conflict)), 409)
    except (CaseNotFound, Forbidden):
        raise
    except CaseError as error:
        refused = refusal(error, request.form.keys())
        return _case_page(case_id, Posted(command, request.form, refused), 422)
    services().read_models.after_write()
    flash(_("Đã ghi: %(what)s.", what=TITLES[command]), "success")
    return redirect(url_for(".case", case_id=case_id))


def _changed(conflict: VersionConflict) -> str:
    details = conflict.details
    event = EVENTS.get(str(details.get("event")), details.get("event"))
    return _("Hồ sơ vừa được %(who)s thay đổi lúc %(when)s (%(what)s) sau khi bạn mở trang. Trang đã "
             "cập nhật theo phiên bản mới; nội dung bạn nhập vẫn được giữ: kiểm tra lại rồi gửi lại.",
             who=details.get("changed_by") or "?", when=moment(details.get("changed_at")), what=event)


def _case_page(case_id: UUID, posted: Posted | None = None, status: int = 200,
               version: int | None = None) -> Any:
    actor, found = web_actor(), services()
    events = found.cases.history(actor, case_id)  # 404 outside the caller's scope
    shown = project_case(None, events)
    clocks = found.read_models.names(case_listing.CLOCKS_MODEL)["clocks"]
    running = deadlines(found.cases.db, clocks, [str(case_id)], clock.today(), within=None)
    forms = command_forms(actor, shown, posted)
    offered = posted is None or any(f.command == posted.command for f in forms)
    return render_template(
        "cases/case.html", case=shown, version=version or shown.version, forms=forms, posted=posted,
        offered=offered, entries=timeline(events, found.directory, found.cases.users),
        deadlines=running.get(str(case_id), []), clocks=CLOCKS, outcomes=OUTCOMES, titles=TITLES,
        ground_text=ground_text), status


@bp.route("/cases/new", methods=["GET", "POST"])
def new() -> Any:
    """Accept a new case (thụ lý): the form, then the new case's page."""
    actor = web_actor()
    if actor.role not in (Role.ENFORCER, Role.HEAD):
        raise Forbidden(f"a user with role {actor.role} may not create cases")
    shown = {f.name: f for f in new_case_fields(actor)}
    if request.method == "GET":
        return render_template("cases/new.html", fields=shown, values={}, errors={})
    data = form_input(form_fields(CaseCreateSchema()), request.form)
    if actor.role != Role.HEAD:
        data.pop("enforcer", None)  # an enforcer's new case is their own
    loaded, errors = load(CaseCreateSchema(), data)
    status = 400
    if loaded is not None:
        try:
            written = services().cases.create_case(actor, loaded)
        except DuplicateCase as duplicate:
            errors, status = {"number": [Message(_("Cơ quan đã có hồ sơ mang số này trong năm."),
                                                 duplicate.message)]}, 409
        except (CaseNotFound, Forbidden):
            raise
        except CaseError as error:
            errors, status = refusal(error, shown), 422
        else:
            services().read_models.after_write()
            flash(_("Đã thụ lý hồ sơ %(number)s.", number=written.case.number), "success")
            return redirect(url_for(".case", case_id=written.case.id))
    return render_template("cases/new.html", fields=shown, values=request.form, errors=errors), status

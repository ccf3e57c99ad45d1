"""The system administrator's pages (SPEC §1, role ``admin``): every staff account, a new
account, and disabling or enabling one. No one else may see or post them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from domain import clock
from domain.access import Forbidden, Role
from domain.agencies import Directory
from service.services import services
from service.users import User
from service.web import account_form
from service.web.auth import web_user
from service.web.case_forms import Errors

bp = Blueprint("admin", __name__)


def init(app: Flask) -> None:
    """Register the area and its link in the top bar (administrators only)."""
    from service.web import nav_link  # the package imports this module before defining it

    app.register_blueprint(bp)
    nav_link("admin.users", _l("Tài khoản"), roles=(Role.ADMIN.value,))


@bp.before_request
@login_required  # type: ignore[misc]
def admins_only() -> None:
    """Every page of the area needs a logged-in administrator (else the login page, or 403)."""
    role = web_user().role
    if role != Role.ADMIN:
        raise Forbidden(f"a user with role {role} may not manage accounts")


@bp.get("/admin/users")
def users() -> Any:
    """Every account (those matching ``q`` when given) and the new-account form."""
    return _page()


@bp.post("/admin/users")
def create() -> Any:
    """Add the account of the form, then back to the list (post/redirect/get)."""
    found = services()
    account = account_form.read(request.form)
    errors, status = account_form.problems(account, found.cases.users, found.directory, clock.today())
    if errors:  # nothing written
        return _page(values=account_form.kept(request.form), errors=errors, status=status)
    found.cases.users.create(account.username, account.password, account.role, account.agency,
                             account.full_name)
    flash(_("Đã tạo tài khoản %(username)s.", username=account.username), "success")
    return redirect(url_for(".users"))


@bp.post("/admin/users/<username>/active")
def active(username: str) -> Any:
    """Disable (``active=0``) or enable (``active=1``) an account; never one's own."""
    store = services().cases.users
    if store.get(username) is None:
        abort(404)
    wanted = request.form.get("active", "")
    if wanted not in ("0", "1"):
        abort(400)
    if wanted == "0" and username == web_user().username:
        return _page(refusal=_("Không thể khóa tài khoản của chính mình: nhờ một quản trị viên khác."),
                     status=422)
    store.set_active(username, wanted == "1")
    if wanted == "1":
        flash(_("Đã mở khóa tài khoản %(username)s.", username=username), "success")
    else:
        flash(_("Đã khóa tài khoản %(username)s: người này không đăng nhập được nữa.", username=username),
              "success")
    return redirect(url_for(".users"))


def _page(values: dict[str, str] | None = None, errors: Errors | None = None, refusal: str | None = None,
          status: int = 200) -> Any:
    found = services()
    query = request.args.get("q", "").strip()
    everyone = found.cases.users.all()
    return render_template(
        "admin/users.html", accounts=matching(everyone, query, found.directory), total=len(everyone),
        q=query, fields=account_form.fields(found.directory, clock.today()), values=values or {},
        errors=errors or {}, refusal=refusal, me=web_user().username), status


def matching(accounts: list[User], query: str, directory: Directory) -> list[User]:
    """The accounts whose username, full name, agency code or agency name contain ``query``
    (any case)."""
    wanted = query.casefold()
    if not wanted:
        return accounts

    def text(account: User) -> str:
        name = directory.get(account.agency).name if account.agency in directory else ""
        return " ".join((account.username, account.full_name, account.agency, name)).casefold()

    return [a for a in accounts if wanted in text(a)]

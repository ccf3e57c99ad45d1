"""The new-account form of the accounts page: its inputs, and what is wrong with a posted form,
at its field and in the page's language. The rules are the user store's own
(``UserStore.check``); the page adds only what it needs: the password typed twice and no longer
than the login form takes, a role a person holds, an agency that exists today."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from domain.access import Role
from domain.agencies import Directory
from domain.errors import UnknownAgency
from service.errors import Conflict
from service.users import MIN_PASSWORD, UserStore
from service.web import dash_params
from service.web.case_forms import FORM_ERROR, Errors, FormField, Message
from service.web.formatting import label

PERSON_ROLES = (Role.ENFORCER, Role.HEAD, Role.AUDITOR, Role.ADMIN)
"""The roles of people; workers' service identity is not made on this page."""
LONGEST_PASSWORD = 200  # the login form refuses a longer one
PASSWORDS = ("password", "password2")


@dataclass(frozen=True)
class NewAccount:
    username: str
    full_name: str
    role: str
    agency: str
    password: str
    repeated: str


def read(form: Mapping[str, str]) -> NewAccount:
    """The account a posted form asks for (text trimmed; passwords as typed)."""
    def text(name: str) -> str:
        return (form.get(name) or "").strip()

    return NewAccount(text("username"), text("full_name"), text("role"), text("agency"),
                      form.get("password") or "", form.get("password2") or "")


def kept(form: Mapping[str, str]) -> dict[str, str]:
    """What the page shows back after a refusal: everything typed but the passwords."""
    return {name: value for name, value in form.items() if name not in PASSWORDS}


def fields(directory: Directory, today: date) -> dict[str, FormField]:
    """The inputs by name, in the order the page shows them."""
    inputs = [
        FormField("username", "text", _("Tên đăng nhập"), True,
                  hint=_("2–63 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.")),
        FormField("full_name", "text", _("Họ và tên")),
        FormField("role", "choice", _("Vai trò"), True,
                  tuple((role.value, label(role.value, "role")) for role in PERSON_ROLES)),
        FormField("agency", "choice", _("Cơ quan"), True, agency_choices(directory, today)),
        FormField("password", "password", _("Mật khẩu"), True,
                  hint=_("Ít nhất %(count)s ký tự.", count=MIN_PASSWORD)),
        FormField("password2", "password", _("Nhập lại mật khẩu"), True),
    ]
    return {f.name: f for f in inputs}


def agency_choices(directory: Directory, today: date) -> tuple[tuple[str, str], ...]:
    """Every agency that exists today, in tree order: code and name, indented by depth."""
    roots = sorted((a for a in directory if a.parent is None and a.valid_on(today)), key=lambda a: a.code)
    return tuple((a.code, f"{'· ' * depth}{a.code} — {a.name}") for root in roots
                 for a, depth in dash_params.agency_choices(root.code, today, today, root.code))


def problems(account: NewAccount, users: UserStore, directory: Directory, today: date) -> tuple[Errors, int]:
    """The messages per field and the page's status: 409 when the only problem is a username
    already taken, else 400. No messages: the account may be created."""
    errors: Errors = {}
    taken = False
    for problem in users.check(account.username, account.password, account.role, account.agency):
        taken = taken or isinstance(problem, Conflict)
        name = "username" if isinstance(problem, Conflict) else problem.field or FORM_ERROR
        errors.setdefault(name, []).append(Message(_said(name, problem), problem.message))
    if "role" not in errors and account.role not in PERSON_ROLES:
        errors["role"] = [Message(_("Chọn một vai trò trong danh sách."))]
    if "agency" not in errors:
        try:
            directory.check_valid(account.agency, today)
        except UnknownAgency as gone:
            gone_text = _("Cơ quan này không hoạt động vào hôm nay: chọn một cơ quan trong danh sách.")
            errors["agency"] = [Message(gone_text, gone.message)]
    if "password" not in errors and len(account.password) > LONGEST_PASSWORD:
        errors["password"] = [Message(_("Mật khẩu dài quá %(count)s ký tự.", count=LONGEST_PASSWORD))]
    if account.password != account.repeated:
        errors["password2"] = [Message(_("Hai lần nhập mật khẩu không khớp."))]
    return errors, 409 if taken and list(errors) == ["username"] else 400


def _said(name: str, problem: Exception) -> str:
    if isinstance(problem, Conflict):
        return _("Tên đăng nhập này đã có người dùng.")
    said = {
        "username": _("Tên đăng nhập gồm 2–63 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới "
                      "hoặc gạch ngang, bắt đầu bằng chữ hoặc số."),
        "password": _("Mật khẩu phải có ít nhất %(count)s ký tự.", count=MIN_PASSWORD),
        "role": _("Chọn một vai trò trong danh sách."),
        "agency": _("Chọn một cơ quan trong danh mục."),
    }
    return said.get(name, str(problem))

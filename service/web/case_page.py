"""What the case page offers: one form for each command the case accepts now from this user
(``domain.availability.available_to``), its fields made from the API's schema for that
command, filled with sensible defaults or with what the user typed before a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from domain import clock, grounds
from domain.access import Actor, Role
from domain.agencies import Level
from domain.availability import available_to
from domain.case import EnforcementCase
from service.api.schemas import COMMAND_SCHEMAS, CaseCreateSchema
from service.application import COMMANDS
from service.services import services
from service.web.case_forms import Errors, FormField, customised, form_fields, whole_number
from service.web.case_labels import COMMANDS as TITLES
from service.web.case_listing import agencies_seen, staff_of, staff_seen
from service.web.formatting import day

API_NAME = {method: name for name, method in COMMANDS.items()}
"""Aggregate method → the command's name in URLs (``reduce_price`` → ``reduce-price``)."""
FINAL = frozenset({"terminate", "return-request", "entrust"})
"""Commands that end the case's course here short of completing it: their button warns."""
GROUNDS = {"postpone": grounds.POSTPONEMENT, "suspend": grounds.SUSPENSION,
           "terminate": grounds.TERMINATION, "return-request": grounds.RETURN}


@dataclass
class Posted:
    """A command form as the user sent it, refused: what they typed, the messages per field,
    and (after a version conflict) the warning."""

    command: str
    values: Mapping[str, str]
    errors: Errors = field(default_factory=dict)
    warning: str = ""


@dataclass(frozen=True)
class CommandForm:
    command: str
    title: str
    fields: list[FormField]
    values: Mapping[str, str]
    errors: Errors
    opened: bool
    final: bool


def command_fields(command: str, case: EnforcementCase, assets: Any = None) -> list[FormField]:
    """The inputs of ``command`` on this case: choices and defaults that depend on it."""
    found = form_fields(COMMAND_SCHEMAS[command](), command)
    directory = services().directory
    changes: dict[str, dict[str, Any]] = {
        "on": {"default": clock.today().isoformat(),
               "hint": _("Không sau hôm nay, không trước %(day)s.", day=day(case.last_on))},
    }
    if isinstance(assets, list):
        chosen = [a for a in case.assets if a.id in assets]
        changes["asset_id"] = {"kind": "choice", "default": str(chosen[0].id) if chosen else "",
                               "choices": tuple((str(a.id), f"#{a.id} · {a.description}") for a in chosen)}
    if command == "collect":
        changes["amount"] = {"default": str(case.outstanding)}
    if command == "pay-out":
        changes["amount"] = {"default": str(case.collected - case.paid_out)}
    if command in GROUNDS:
        changes["reason"] = {
            "kind": "text", "hint": _("Chọn căn cứ trong danh sách gợi ý hoặc ghi lý do."),
            "suggestions": tuple((g.code, f"{g.article} · {g.vi}") for g in GROUNDS[command])}
    if command == "entrust":
        today = clock.today()
        tree = [a for root in directory if root.level == Level.NATIONAL
                for a in directory.descendants(root.code) if a.code != case.agency]
        targets = sorted(tree, key=lambda a: not a.valid_on(today))  # current agencies first
        changes["to_agency"] = {"kind": "choice", "choices": tuple(
            (a.code, a.name if a.valid_to is None else f"{a.name} ({_('đến')} {day(a.valid_to)})")
            for a in targets)}
    if command == "reassign":
        people = [u for u in staff_of(case.agency) if u.username != case.enforcer]
        changes["enforcer"] = {"kind": "choice", "choices": tuple(
            (u.username, f"{u.full_name or u.username} ({u.username})") for u in people)}
    if command == "mark-difficult":
        changes["difficult"] = {"default": "false" if case.difficult else "true"}
    if command == "correct":
        changes["corrects"] = {"hint": _("Số thứ tự của sự kiện trong lịch sử (1–%(last)s).",
                                         last=case.version)}
    return customised(found, **changes)


def command_forms(actor: Actor, case: EnforcementCase, posted: Posted | None = None) -> list[CommandForm]:
    """A form for every command this user may give the case now, in the order of a case's life."""
    offered = {API_NAME[method]: assets for method, assets in available_to(actor, case).items()}
    forms = []
    for command in COMMANDS:
        if command not in offered:
            continue
        mine = posted is not None and posted.command == command
        forms.append(CommandForm(
            command=command, title=str(TITLES[command]),
            fields=command_fields(command, case, offered[command]),
            values=posted.values if mine and posted is not None else {},
            errors=posted.errors if mine and posted is not None else {},
            opened=mine, final=command in FINAL))
    return forms


def new_case_fields(actor: Actor) -> list[FormField]:
    """The inputs of a new case: the agencies this user may create in; the enforcer for
    heads only (an enforcer's own cases are theirs)."""
    directory = services().directory
    found = form_fields(CaseCreateSchema())
    if actor.role != Role.HEAD:
        found = [f for f in found if f.name != "enforcer"]
    places = agencies_seen(actor, directory) if actor.role == Role.HEAD else [directory.get(actor.agency)]
    people = staff_seen(actor, directory)
    return customised(
        found,
        agency={"kind": "choice", "default": actor.agency, "choices": tuple(
            (a.code, a.name if a.valid_to is None else f"{a.name} ({_('đến')} {day(a.valid_to)})")
            for a in places)},
        received_on={"default": clock.today().isoformat()},
        requested_on={"hint": _("Để trống nếu trùng ngày thụ lý.")},
        number={"hint": _("Để trống để hệ thống cấp số.")},
        obligation={"hint": _("Bắt buộc khi số tiền phải thi hành là 0.")},
        enforcer={"kind": "choice", "choices": tuple(
            (u.username, f"{u.full_name or u.username} ({u.username})") for u in people)},
    )


def command_args(command: str, args: dict[str, Any]) -> dict[str, Any]:
    """A correction's value typed as text, as its field needs it (money as an integer)."""
    if command == "correct" and args.get("field") == "amount_due" and isinstance(args.get("value"), str):
        return {**args, "value": whole_number(args["value"], grouped=True)}
    return args

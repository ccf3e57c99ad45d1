"""HTML forms made from the API's marshmallow schemas, so a page sends exactly what the API
accepts: the fields of a schema as inputs, a posted form back into the schema's input (empty
means missing, money and ids as integers, dates as given by ``<input type=date>``), and the
schema's and the domain's refusals as messages per field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from domain.errors import CaseError
from service.api.schemas import StrictBoolean, WholeNumber
from service.web.case_labels import OUTCOMES, RULES, field_label
from service.web.formatting import LABELS

FORM_ERROR = "_form"
"""Key of the messages that concern the whole form rather than one field."""

CHOICE_LABELS: dict[str, Mapping[str, Any]] = {
    "result": LABELS["verification"], "asset.kind": LABELS["asset_kind"], "outcome": OUTCOMES,
    "source": LABELS["source"], "initiation": LABELS["initiation"],
    "judgment.kind": LABELS["judgment_kind"], "creditor.kind": LABELS["party_kind"],
    "debtor.kind": LABELS["party_kind"],
}
LONG_TEXT = 300  # longer text limits get a <textarea>
WHOLE_NUMBERS = ("asset_id", "corrects")  # integers that are not money
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_INTEGER = re.compile(r"-?\d+")
_GROUPED = re.compile(r"-?\d{1,3}([.,\s\u00a0]\d{3})+")


@dataclass(frozen=True)
class Message:
    """A message shown at a field: what is wrong, and (for a refused command) the rule's own
    words as a detail."""

    text: str
    detail: str = ""


Errors = dict[str, list[Message]]


@dataclass(frozen=True)
class FormField:
    """One input: ``name`` as the schema names it (dotted inside a nested schema)."""

    name: str
    kind: str  # text, textarea, money, number, date, choice
    label: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    suggestions: tuple[tuple[str, str], ...] = field(default=())  # a <datalist>
    default: str = ""
    hint: str = ""

    @property
    def id(self) -> str:
        return self.name.replace(".", "-").replace("_", "-")


def form_fields(schema: Schema, command: str | None = None, prefix: str = "") -> list[FormField]:
    """The inputs of a schema, in its order (a command's business date last)."""
    found: list[FormField] = []
    for name, spec in schema.fields.items():
        path = f"{prefix}{name}"
        if isinstance(spec, fields.Nested):
            found += form_fields(spec.schema, command, f"{path}.")
            continue
        found.append(_input(path, spec, command))
    dated = [f for f in found if f.name == "on"]
    return [f for f in found if f.name != "on"] + dated


def _input(path: str, spec: fields.Field, command: str | None) -> FormField:
    label = field_label(path, command)
    required = bool(spec.required)
    if isinstance(spec, fields.Date):
        return FormField(path, "date", label, required)
    if isinstance(spec, StrictBoolean):
        return FormField(path, "choice", label, required,
                         (("true", _("Có")), ("false", _("Không"))))
    if isinstance(spec, WholeNumber):
        return FormField(path, "number" if path.split(".")[-1] in WHOLE_NUMBERS else "money", label, required)
    options = next((v for v in spec.validators if isinstance(v, validate.OneOf)), None)
    if options is not None:
        names = CHOICE_LABELS.get(path, {})
        if path == "field":
            return FormField(path, "choice", label, required,
                             tuple((str(c), field_label(str(c))) for c in options.choices))
        return FormField(path, "choice", label, required,
                         tuple((str(c), str(names.get(str(c), c))) for c in options.choices))
    length = next((v for v in spec.validators if isinstance(v, validate.Length)), None)
    long = length is None or length.max is None or length.max > LONG_TEXT
    return FormField(path, "textarea" if long and path != "value" else "text", label, required)


def customised(found: list[FormField], **changes: dict[str, Any]) -> list[FormField]:
    """The fields with some of them changed: ``asset_id={"choices": …, "default": …}``."""
    return [replace(f, **changes[f.name]) if f.name in changes else f for f in found]


# ---------------------------------------------------------------- reading a posted form


def form_input(found: list[FormField], form: Mapping[str, str]) -> dict[str, Any]:
    """The schema's input from a posted form: empty fields left out (missing), money and ids
    as integers when they read as such (else as typed: the schema then says so), yes/no as
    booleans, nested fields as nested objects."""
    data: dict[str, Any] = {}
    for f in found:
        raw = (form.get(f.name) or "").strip()
        if not raw:
            continue
        value: Any = raw
        if f.kind == "date":
            value = iso_date(raw)
        elif f.kind == "money":
            value = whole_number(raw, grouped=True)
        elif f.kind == "number":
            value = whole_number(raw, grouped=False)
        elif f.kind == "choice" and f.choices and f.choices[0][0] == "true":
            value = {"true": True, "false": False}.get(raw, raw)
        target = data
        *parents, leaf = f.name.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return data


def whole_number(raw: str, *, grouped: bool) -> int | str:
    """``1500000`` (or ``-5``: the schema then says what range it must be in), or with
    thousands grouped as people type money (``1.500.000``, ``1 500 000``, ``1,500,000``, with
    or without ``₫``); anything else stays text."""
    text = raw.removesuffix("₫").removesuffix("đ").strip()
    if _INTEGER.fullmatch(text) or (grouped and _GROUPED.fullmatch(text)):
        return int(re.sub(r"[^\d-]", "", text))
    return raw


def iso_date(raw: str) -> str:
    """``yyyy-mm-dd`` as date inputs send it; ``dd/mm/yyyy`` typed by hand turned into it."""
    found = _DAY.fullmatch(raw)
    return f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else raw


def load(schema: Schema, data: dict[str, Any]) -> tuple[dict[str, Any] | None, Errors]:
    """The schema's output, or None and the messages per dotted field."""
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return None, flat_messages(error.messages)


def flat_messages(messages: Any, prefix: str = "") -> Errors:
    out: Errors = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = FORM_ERROR if key == "_schema" else f"{prefix}{key}"
            for inner, texts in flat_messages(value, f"{name}.").items():
                out.setdefault(inner, []).extend(texts)
    elif isinstance(messages, list):
        name = prefix.rstrip(".") or FORM_ERROR
        for message in messages:
            if isinstance(message, str):
                out.setdefault(name, []).append(Message(say(message)))
            else:
                for inner, texts in flat_messages(message, prefix).items():
                    out.setdefault(inner, []).extend(texts)
    else:
        out.setdefault(prefix.rstrip(".") or FORM_ERROR, []).append(Message(say(str(messages))))
    return out


# ---------------------------------------------------------------- the words of a refusal

_RANGE = re.compile(r"Must be greater than or equal to (-?\d+) and less than or equal to (-?\d+)\.")
_MINIMUM = re.compile(r"Must be greater than or equal to (-?\d+)\.")
_LENGTH = re.compile(r"Length must be between (\d+) and (\d+)\.")
_LONGEST = re.compile(r"Longer than maximum length (\d+)\.")


def say(message: str) -> str:
    """A marshmallow message in the page's language."""
    fixed = {
        "Missing data for required field.": _("Bắt buộc nhập."),
        "Field may not be null.": _("Bắt buộc nhập."),
        "Not a valid integer.": _("Phải là một số nguyên, ví dụ 1.500.000."),
        "Not a valid date.": _("Ngày không hợp lệ."),
        "Not a valid boolean.": _("Chọn Có hoặc Không."),
        "Not a valid string.": _("Phải là văn bản."),
        "Unknown field.": _("Trường này không được chấp nhận."),
    }
    if message in fixed:
        return fixed[message]
    if message.startswith("Must be one of:"):
        return _("Chọn một giá trị trong danh sách.")
    if found := _RANGE.fullmatch(message):
        return _("Phải từ %(low)s đến %(high)s.", low=_grouped(found[1]), high=_grouped(found[2]))
    if found := _MINIMUM.fullmatch(message):
        return _("Phải từ %(low)s trở lên.", low=_grouped(found[1]))
    if found := _LENGTH.fullmatch(message):
        return _("Độ dài từ %(low)s đến %(high)s ký tự.", low=found[1], high=found[2])
    if found := _LONGEST.fullmatch(message):
        return _("Dài quá %(high)s ký tự.", high=found[1])
    return message


def _grouped(number: str) -> str:
    return f"{int(number):,}".replace(",", ".")


def refusal(error: CaseError, names: Iterable[str]) -> Errors:
    """A refused command's message, at its field when the form has that field: what rule it
    broke, in the page's language, with the error's own message as the detail."""
    rule = error.rule
    if rule.startswith("asset_") and rule not in RULES:
        text = _("Tài sản không ở tình trạng cho phép thao tác này.")
    else:
        text = str(RULES.get(rule, RULES["illegal_transition"]))
    where = error.field if error.field in set(names) else FORM_ERROR
    return {where: [Message(text, error.message)]}

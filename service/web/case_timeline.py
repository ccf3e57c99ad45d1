"""A case's history as the case page shows it: each event with its Vietnamese name, business
date, who did it, when it was recorded and what it said, in words."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from domain import grounds
from domain.agencies import Directory
from service.users import UserStore
from service.web.case_labels import EVENTS, OUTCOMES, ROUTINE_EVENTS, field_label
from service.web.formatting import day, label, money

KEY_EVENTS = frozenset({"Received", "Verified", "AssetSeized", "AuctionHeld", "AssetDelivered",
                        "Closed", "Terminated", "RequestReturned", "Entrusted"})
"""Events that move a case to a stage or out of the books: marked in the timeline."""


@dataclass(frozen=True)
class Detail:
    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Entry:
    version: int
    kind: str  # the event type
    name: str
    on: date | None
    by: str | None
    by_name: str
    recorded_at: datetime
    details: list[Detail]

    @property
    def routine(self) -> bool:
        return self.kind in ROUTINE_EVENTS

    @property
    def key(self) -> bool:
        return self.kind in KEY_EVENTS


def ground_text(reason: str | None) -> str:
    """A legal ground's words (with its article) or the free-text reason itself."""
    if not reason:
        return ""
    ground = grounds.ALL.get(reason)
    if ground is None:
        return reason
    english = str(get_locale() or "vi").startswith("en")
    return f"{_('Điều')} {ground.article}: {ground.en if english else ground.vi}"


def timeline(events: Iterable[Any], directory: Directory, users: UserStore) -> list[Entry]:
    """The events oldest first, as entries of the timeline."""
    names: dict[str, str] = {}

    def person(username: str | None) -> str:
        if not username:
            return ""
        if username not in names:
            user = users.get(username)
            names[username] = user.full_name or username if user is not None else username
        return names[username]

    def agency(code: str | None) -> str:
        return directory.get(code).name if code and code in directory else code or ""

    entries = []
    for event in events:
        kind = type(event).__name__
        attrs = vars(event)
        entries.append(Entry(
            version=event.originator_version, kind=kind, name=str(EVENTS.get(kind, kind)),
            on=attrs.get("on"), by=attrs.get("by"), by_name=person(attrs.get("by")),
            recorded_at=event.timestamp, details=_details(kind, attrs, agency, person)))
    return entries


def _details(kind: str, a: dict[str, Any], agency: Callable[[str | None], str],
             person: Callable[[str | None], str]) -> list[Detail]:
    """What the event said, field by field, formatted for reading."""

    def said(name: str, text: str, command: str | None = None) -> Detail:
        return Detail(field_label(name, command), text)

    found = [said("asset_id", f"#{a['asset_id']}")] if "asset_id" in a else []
    if kind == "Received":
        return _received(a, agency, person)
    if kind == "Verified":
        found.append(said("result", label(a["result"], "verification")))
        if a.get("findings"):
            found.append(said("findings", a["findings"]))
    elif kind == "AssetSeized":
        found += [said("asset.description", a["description"]),
                  said("asset.kind", label(a["kind"], "asset_kind")),
                  said("asset.estimated_value", money(a["estimated_value"]))]
    elif kind in PRICED:
        found.append(said("price", money(a["price"]), PRICED[kind]))
    elif kind == "AuctionHeld":
        found.append(said("outcome", str(OUTCOMES.get(a["outcome"], a["outcome"]))))
        if a.get("price"):
            found.append(said("price", money(a["price"]), "auction"))
    elif kind in ("MoneyCollected", "MoneyPaidOut"):
        found.append(said("amount", money(a["amount"])))
        if "source" in a:
            found.append(said("source", label(a["source"], "source")))
    elif kind in ("Postponed", "Suspended", "Terminated", "RequestReturned"):
        found.append(said("reason", ground_text(a["reason"])))
        if a.get("until"):
            found.append(said("until", day(a["until"])))
        if "outstanding" in a:
            found.append(said("outstanding", money(a["outstanding"])))
    elif kind == "Resumed":
        found.append(said("held", label(a["held"], "state")))
    elif kind == "Entrusted":
        found += [said("to_agency", agency(a["to_agency"])), said("outstanding", money(a["outstanding"])),
                  Detail(field_label("new_case"), _("Xem hồ sơ"),
                         url_for("cases_web.case", case_id=a["new_case"]))]
    elif kind == "Reassigned":
        found += [said("previous", person(a.get("previous")) or "—"), said("enforcer", person(a["enforcer"]))]
    elif kind == "NoteAdded":
        found.append(said("text", a["text"]))
    elif kind == "DifficultyMarked":
        found += [said("difficult", _("Có") if a["difficult"] else _("Không")), said("reason", a["reason"])]
    elif kind == "Corrected":
        found += [said("corrects", f"#{a['corrects']}"), said("field", field_label(a["field"])),
                  said("value", _corrected_value(a["field"], a["value"])), said("reason", a["reason"])]
    return found


PRICED = {"AssetValued": "value", "PriceReduced": "reduce-price", "AssetTakenByCreditor": "hand-to-creditor"}
"""Events that set an asset's price → the command whose word for that price they use."""


def _received(a: dict[str, Any], agency: Callable[[str | None], str],
              person: Callable[[str | None], str]) -> list[Detail]:
    judgment, creditor, debtor = a["judgment"], a["creditor"], a["debtor"]
    found = [
        Detail(field_label("number"), a["number"]),
        Detail(field_label("agency"), agency(a["agency"])),
        Detail(field_label("initiation"), label(a["initiation"], "initiation")),
        Detail(field_label("judgment"), f"{judgment['number']} · {day(judgment['date'])} · "
                                         f"{judgment['court']} ({label(judgment['kind'], 'judgment_kind')})"),
        Detail(field_label("creditor.name"), f"{creditor['name']} ({label(creditor['kind'], 'party_kind')})"),
        Detail(field_label("debtor.name"), f"{debtor['name']} ({label(debtor['kind'], 'party_kind')})"),
        Detail(field_label("amount_due"), money(a["amount_due"])),
    ]
    if a.get("obligation"):
        found.append(Detail(field_label("obligation"), a["obligation"]))
    if a.get("requested_on") and a["requested_on"] != a.get("on"):
        found.append(Detail(field_label("requested_on"), day(a["requested_on"])))
    if a.get("enforcer"):
        found.append(Detail(field_label("enforcer"), person(a["enforcer"])))
    if a.get("entrusted_from"):
        found.append(Detail(field_label("entrusted_from"), _("Xem hồ sơ gốc"),
                            url_for("cases_web.case", case_id=a["entrusted_from"])))
    return found


def _corrected_value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name == "amount_due":
        return money(value)
    if name == "judgment.date":
        return day(value)
    if name.endswith(".kind"):
        return label(value, "judgment_kind" if name.startswith("judgment") else "party_kind")
    return str(value)

"""A case's history as the auditor's page shows it, one page of events at a time: each event
as the case page's timeline names it, with its log position and the case's audit-chain hash
after it (``audit_chain``), what it changed, and the whole case before and after it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask_babel import gettext as _

from domain.access import Actor
from service.application import project_case
from service.audit.history import case_links
from service.errors import BadRequest
from service.services import services
from service.web.audit_state import ROUTINE_PATHS, Field, compare, state_of
from service.web.case_timeline import Entry, timeline

PER_PAGE = 25


@dataclass(frozen=True)
class Step:
    entry: Entry
    position: int | None
    hash: str | None
    fields: list[Field]  # the whole case before and after the event

    @property
    def changes(self) -> list[Field]:
        """What the event changed (without what every event changes)."""
        return [f for f in self.fields if f.changed and f.path not in ROUTINE_PATHS]


@dataclass(frozen=True)
class History:
    case_id: UUID
    number: str
    agency: str
    total: int  # events, the latest version
    page: int
    pages: int
    steps: list[Step]


def history_page(actor: Actor, case_id: UUID, page: int) -> History:
    """Events ``PER_PAGE`` by ``PER_PAGE``, oldest first; 400 naming ``page`` beyond the last."""
    found = services()
    events = found.cases.history(actor, case_id)  # 404 outside the caller's scope
    pages = max(1, math.ceil(len(events) / PER_PAGE))
    if page > pages:
        raise BadRequest(_("Không có trang %(page)s (tham số page): lịch sử hồ sơ có %(pages)s trang.",
                           page=page, pages=pages))
    first = (page - 1) * PER_PAGE
    shown = events[first:first + PER_PAGE]
    case: Any = project_case(None, events[:first])
    before = state_of(case)
    chain = case_links(found.cases.db, case_id, (first + 1, first + len(shown)))
    steps = []
    for event, entry in zip(shown, timeline(shown, found.directory, found.cases.users), strict=True):
        case = event.mutate(case)
        after = state_of(case)
        link = chain.get(entry.version)
        steps.append(Step(entry, None if link is None else int(link["position"]),
                          None if link is None else str(link["case_hash"]), compare(before, after)))
        before = after
    return History(case_id, case.number, case.agency, len(events), page, pages, steps)


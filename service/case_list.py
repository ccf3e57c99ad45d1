"""``GET /cases`` read straight from the event store: the acceptance events give number,
agency and parties; other filters load the matching cases. Simple and always current, but it
scans the log — the projections move it onto a read model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.utils import get_topic

from domain.access import Actor, Forbidden
from domain.case import EnforcementCase

if TYPE_CHECKING:
    from service.application import CaseApplication

RECEIVED = get_topic(EnforcementCase.Received)  # type: ignore[attr-defined]
CHUNK = 2000


def list_cases(app: CaseApplication, actor: Actor, *, page: int, per_page: int,
               agency: str | None = None, stage: str | None = None, state: str | None = None,
               enforcer: str | None = None, flag: str | None = None, q: str | None = None,
               sort: str = "-received_on") -> tuple[list[EnforcementCase], int]:
    if not actor.may_read_cases():
        raise Forbidden(f"a user with role {actor.role} may not read cases")
    scope = agency if agency and actor.sees(agency, app.directory) else actor.agency
    if agency and scope != agency:
        return [], 0
    needle = (q or "").strip().casefold()
    found = []
    for received in _received(app):
        if not app.directory.is_within(received.agency, scope):
            continue
        if needle and not any(needle in text.casefold() for text in
                              (received.number, received.creditor["name"], received.debtor["name"])):
            continue
        found.append(received)
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    found.sort(key=lambda e: (e.on if key == "received_on" else e.number), reverse=reverse)
    if not (stage or state or enforcer or flag):
        start = (page - 1) * per_page
        window = found[start:start + per_page]
        return [app.load_case(e.originator_id) for e in window], len(found)
    cases = [app.load_case(e.originator_id) for e in found]
    cases = [c for c in cases if (not stage or c.stage == stage) and (not state or c.state == state)
             and (not enforcer or c.enforcer == enforcer) and (not flag or flag in c.flags)]
    start = (page - 1) * per_page
    return cases[start:start + per_page], len(cases)


def _received(app: CaseApplication) -> Any:
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, CHUNK, topics=[RECEIVED])
        for notification in batch:
            yield app.mapper.to_domain_event(notification)
        if len(batch) < CHUNK:
            return
        start = batch[-1].id + 1

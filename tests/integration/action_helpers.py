"""Helpers of the tests of every action of one user: cases worked on by several people of
Vĩnh Phúc, and what the event log itself says each of them did."""

from __future__ import annotations

from typing import Any

from flask import Flask

from domain.case import EnforcementCase
from tests.integration.web_case_helpers import act, new_case, services, staff
from tests.integration.web_helpers import user

DID = {"h243": 4, "e1": 2, "e2": 2, "h26": 2, "e9": 1}
"""How many events each person's commands recorded in ``seed``."""


def seed(app: Flask) -> dict[str, Any]:
    """Vĩnh Yên's head accepts cases 1 and 2 (enforcers e1, e2), Vĩnh Phúc's head case 3 in
    Phúc Yên (e9); each works on them, case 1 changes hands; an auditor of Vĩnh Yên (kt243)."""
    staff(app)
    user(app, "kt243", "auditor", "CC243")
    one = new_case(app, "h243", 1, enforcer="e1")
    two = new_case(app, "h243", 2, enforcer="e2")
    three = new_case(app, "h26", 3, agency="CC244", enforcer="e9")
    act(app, "e1", one, "verify", result="able", on="2020-01-05")
    act(app, "e2", two, "verify", result="unable", on="2020-01-06")
    act(app, "e9", three, "verify", result="able", on="2020-01-06")
    act(app, "e1", one, "note", text="Đã làm việc với người phải thi hành án", on="2020-01-07")
    act(app, "h243", two, "note", text="Đôn đốc xác minh lại", on="2020-01-08")
    act(app, "h243", one, "reassign", enforcer="e2", on="2020-01-09")
    act(app, "e2", one, "note", text="Nhận hồ sơ", on="2020-01-10")
    act(app, "h26", one, "note", text="Kiểm tra tiến độ", on="2020-01-11")
    return {"one": one, "two": two, "three": three}


def logged(app: Flask) -> list[dict[str, Any]]:
    """Every event of the log as the actions read model answers it, oldest first: read from
    the store, not from any read model."""
    cases = services(app).cases
    found = []
    for notification in cases.recorder.select_notifications(1, 100_000):
        event: Any = cases.mapper.to_domain_event(notification)
        assert isinstance(event, EnforcementCase.Event)
        found.append({"position": notification.id, "username": event.by, "case_id": str(event.originator_id),
                      "version": event.originator_version, "type": type(event).__name__,
                      "on": event.on.isoformat(), "recorded_at": event.timestamp})
    return found


def actions_of(app: Flask, username: str) -> list[dict[str, Any]]:
    """The log's events by ``username``, newest first."""
    return [e for e in reversed(logged(app)) if e["username"] == username]

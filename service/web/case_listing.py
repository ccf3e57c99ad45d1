"""The case list page's reading: its filters checked by the API's own query schema, one page
of the case-summary read model (exactly as ``GET /api/v1/cases`` reads it), the office queue,
and the time-limit badges of the cases on the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE

from domain import clock
from domain.access import Actor, Role
from domain.agencies import Agency, Directory
from projections.case_badges import Deadline, deadlines
from projections.case_query import CaseList, list_cases
from projections.case_queue import unassigned_cases
from service.api.case_list import CaseListArgsSchema
from service.services import services
from service.users import User
from service.web.case_forms import Errors, Message, load

READ_MODEL = "cases"
CLOCKS_MODEL = "bottlenecks"
FILTERS = ("agency", "stage", "state", "enforcer", "flag", "overdue", "q", "sort", "per_page")
QUEUE_FILTERS = ("agency", "sort", "per_page")
PER_PAGE = (25, 50, 100)
_schema = CaseListArgsSchema(unknown=EXCLUDE)


@dataclass(frozen=True)
class Found:
    """One page of cases, the number matching on every page, and their badges."""

    cases: CaseList
    page: int
    per_page: int
    deadlines: dict[str, list[Deadline]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.cases.total // self.per_page))


def filters_from(args: Mapping[str, str], actor: Actor, *, queue: bool = False
                 ) -> tuple[dict[str, Any], dict[str, str], Errors]:
    """The filters asked for (checked by the API's schema; the agency also against the
    caller's scope), what was typed (to show again), and messages per field."""
    wanted = (*(QUEUE_FILTERS if queue else FILTERS), "page")
    typed = {k: args[k].strip() for k in wanted if (args.get(k) or "").strip()}
    if queue:
        typed.setdefault("sort", "-days_waiting")
    loaded, errors = load(_schema, dict(typed))
    if loaded is None:
        return {}, typed, errors
    agency = loaded.get("agency")
    directory = services().directory
    if agency and (agency not in directory or not actor.sees(agency, directory)):
        return {}, typed, {"agency": [Message(_("Cơ quan không thuộc phạm vi của bạn."))]}
    return loaded, typed, {}


def find(actor: Actor, filters: dict[str, Any]) -> Found:
    """One page of the caller's cases, as ``GET /api/v1/cases`` reads it."""
    found = services()
    clocks = found.read_models.names(CLOCKS_MODEL)["clocks"]
    answer = list_cases(found.cases.db, found.read_models.names(READ_MODEL), found.directory, actor,
                        clocks=clocks, **filters)
    return Found(answer, filters["page"], filters["per_page"], badges(answer, clocks))


def find_queue(actor: Actor, filters: dict[str, Any]) -> Found:
    """One page of the office queue: open cases with no enforcer yet."""
    found = services()
    answer = unassigned_cases(found.cases.db, found.read_models.names(READ_MODEL), found.directory,
                              actor, **filters)
    clocks = found.read_models.names(CLOCKS_MODEL)["clocks"]
    return Found(answer, filters["page"], filters["per_page"], badges(answer, clocks))


def badges(answer: CaseList, clocks: str) -> dict[str, list[Deadline]]:
    """Clocks overdue or due within a week, for the cases on the page, in one query."""
    return deadlines(services().cases.db, clocks, [item["id"] for item in answer.items], clock.today())


def agencies_seen(actor: Actor, directory: Directory) -> list[Agency]:
    """The caller's agency and every agency below it (the ones they may filter on)."""
    return [directory.get(actor.agency), *directory.descendants(actor.agency)]


def staff_seen(actor: Actor, directory: Directory) -> list[User]:
    """Active enforcers and heads in the caller's scope, by agency and name."""
    return _staff(lambda u: actor.sees(u.agency, directory))


def staff_of(agency: str) -> list[User]:
    """Active enforcers and heads of one agency (who may be assigned its cases), by name."""
    return _staff(lambda u: u.agency == agency)


def _staff(where: Callable[[User], bool]) -> list[User]:
    people = [u for u in services().cases.users.all()
              if u.active and u.role in (Role.ENFORCER, Role.HEAD) and where(u)]
    return sorted(people, key=lambda u: (u.agency, u.full_name or u.username))

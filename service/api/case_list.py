"""``GET /cases`` (SPEC §8): the schemas of its query string and answer, and the view's body,
which reads the case-summary read model (``projections.case_query``)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from domain.values import CaseState, Stage
from projections.base import Names
from projections.case_query import FLAGS, SORTS, CaseList, check_reader, list_cases
from service.api.base import current_actor, services
from service.api.schemas import counter

READ_MODEL = "cases"
CLOCKS_MODEL = "bottlenecks"  # the overdue filter reads its time-limit clocks


class CaseListArgsSchema(Schema):
    agency = fields.String(validate=validate.Length(min=1, max=50), metadata={
        "description": "Agency code: that agency and those below it (must be in your scope)"})
    stage = fields.String(validate=validate.OneOf([s.value for s in Stage]))
    state = fields.String(validate=validate.OneOf([s.value for s in CaseState]))
    enforcer = fields.String(validate=validate.Length(min=1, max=100),
                             metadata={"description": "Username of the assigned enforcer"})
    flag = fields.String(validate=validate.OneOf(FLAGS))
    overdue = fields.Boolean(metadata={
        "description": "true: cases with a time-limit clock running and past due today; false: the others"})
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Case number or party name; case and Vietnamese diacritics are ignored"})
    sort = fields.String(validate=validate.OneOf(list(SORTS)), load_default="-received_on", metadata={
        "description": "`-` for descending. `-days_waiting`: open cases waiting longest since their "
                       "latest act first; finished cases come after open ones in both directions"})
    page = fields.Integer(validate=validate.Range(min=1, max=1_000_000), load_default=1)
    per_page = fields.Integer(validate=validate.Range(min=1, max=200), load_default=50)
    min_position = counter(0, metadata={
        "description": "Wait (briefly) until the list reflects this log position"})


class CaseListItemSchema(Schema):
    id = fields.String()
    number = fields.String()
    agency = fields.String()
    enforcer = fields.String(allow_none=True)
    stage = fields.String()
    state = fields.String()
    outcome = fields.String(allow_none=True)
    able = fields.Boolean(allow_none=True, metadata={"description": "Latest verification"})
    amount_due = fields.Integer()
    collected = fields.Integer()
    paid_out = fields.Integer()
    outstanding = fields.Integer()
    flags = fields.List(fields.String())
    received_on = fields.Date()
    last_on = fields.Date(metadata={"description": "Business date of the latest act"})
    closed_on = fields.Date(allow_none=True)
    days_waiting = fields.Integer(allow_none=True, metadata={
        "description": "Days since the latest act; null once the case is finished"})
    creditor_name = fields.String()
    debtor_name = fields.String()
    version = fields.Integer()


class CaseListPageSchema(Schema):
    items = fields.List(fields.Nested(CaseListItemSchema))
    total = fields.Integer(metadata={"description": "Cases matching, on every page"})
    page = fields.Integer()
    per_page = fields.Integer()
    position = fields.Integer(metadata={"description": "Log position the list reflects"})


def case_list(query: dict[str, Any]) -> dict[str, Any]:
    """One page of the caller's cases, once the read model has reached ``min_position``."""
    actor = current_actor()
    check_reader(actor)
    filters = dict(query)
    min_position = filters.pop("min_position", None)
    found = services()
    needed = [READ_MODEL] if filters.get("overdue") is None else [READ_MODEL, CLOCKS_MODEL]
    found.read_models.wait_for(min_position, needed)

    def listed(names: Names, clocks: Names | None) -> CaseList:
        return list_cases(found.cases.db, names, found.directory, actor,
                          clocks=None if clocks is None else clocks["clocks"], **filters)

    def clocks(max_age: float | None = None) -> Names | None:
        if filters.get("overdue") is None:
            return None
        if max_age is None:
            return found.read_models.names(CLOCKS_MODEL)
        return found.read_models.registry.active_names(CLOCKS_MODEL, max_age=max_age)

    answer = listed(found.read_models.names(READ_MODEL), clocks())
    if min_position and answer.position < min_position:
        # A rebuild was switched in within the second the table names are cached for.
        answer = listed(found.read_models.registry.active_names(READ_MODEL, max_age=0), clocks(0))
    return {"items": answer.items, "total": answer.total, "page": filters["page"],
            "per_page": filters["per_page"], "position": answer.position}

"""Schemas of ``GET /api/v1/bottlenecks``: the query, and every part an answer may hold (which
parts depends on ``kind``), so that the OpenAPI document describes each of them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from domain.time_limits import CLOCKS
from projections.bottleneck_lists import CLOCK_LISTS, NAMED_LISTS, SORTS
from projections.bottleneck_query import AGING, OPEN_STAGES
from service.api.schemas import counter

KINDS = ("summary", "stages", "dwell", "aging", "clocks", *NAMED_LISTS, *CLOCK_LISTS, "enforcers")


class BottleneckQuerySchema(Schema):
    agency = fields.String(validate=validate.Length(min=1, max=50),
                           metadata={"description": "Agency code (with the agencies below it); "
                                                    "default your own agency"})
    as_of = fields.Date(metadata={"description": "The day D the report looks at; default today "
                                                 "(Asia/Ho_Chi_Minh)"})
    kind = fields.String(load_default="summary", validate=validate.OneOf(KINDS))
    clock = fields.String(validate=validate.OneOf(CLOCKS),
                          metadata={"description": "For overdue and due_soon: one clock only"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    sort = fields.String(validate=validate.OneOf(SORTS),
                         metadata={"description": "By days waiting: -days longest first (the default; "
                                                  "due_soon: days, fewest days left first)"})
    min_position = counter(0, metadata={"description": "Wait until the read model has reached "
                                                       "this log position"})


StagesSchema = Schema.from_dict(
    {stage: fields.Integer() for stage in OPEN_STAGES}, name="BottleneckStages")
AgingSchema = Schema.from_dict(
    {bucket: fields.Integer(metadata={"description": f"open cases received {bucket.replace('_', '–')} "
                                                     "days before D"}) for bucket, _ in AGING},
    name="BottleneckAging")


class ClockCountsSchema(Schema):
    open = fields.Integer(metadata={"description": "Cases with this clock open at D (held cases included)"})
    overdue = fields.Integer(metadata={"description": "Cases with this clock running and past due at D"})
    due_soon = fields.Integer(metadata={"description": "Cases with this clock due within 7 days of D"})
    satisfied_late = fields.Integer(
        metadata={"description": "Cases where this clock was satisfied after its due date in the 12 "
                                 "months up to D"})


ClocksSchema = Schema.from_dict({clock: fields.Nested(ClockCountsSchema) for clock in CLOCKS},
                                name="BottleneckClocks")
ListCountsSchema = Schema.from_dict({name: fields.Integer() for name in NAMED_LISTS},
                                    name="BottleneckListCounts")


class DwellStatsSchema(Schema):
    count = fields.Integer()
    median = fields.Float(allow_none=True, metadata={"description": "Days (interpolated, percentile_cont)"})
    p90 = fields.Float(allow_none=True)
    max = fields.Integer(allow_none=True)


class StageDwellSchema(Schema):
    finished = fields.Nested(DwellStatsSchema, metadata={"description": "Cases that left the stage by D"})
    open = fields.Nested(DwellStatsSchema, metadata={"description": "Cases still in the stage at D"})


DwellSchema = Schema.from_dict({stage: fields.Nested(StageDwellSchema) for stage in OPEN_STAGES},
                               name="BottleneckDwell")


class BottleneckItemSchema(Schema):
    case_id = fields.String()
    number = fields.String()
    agency = fields.String()
    enforcer = fields.String(allow_none=True)
    debtor = fields.String()
    creditor = fields.String()
    creditor_kind = fields.String()
    amount_due = fields.Integer()
    outstanding = fields.Integer()
    state = fields.String()
    received_on = fields.Date()
    since = fields.Date(metadata={"description": "Named lists: when the wait began"})
    days = fields.Integer(metadata={"description": "Days waiting at D; overdue: days past due; "
                                                   "due_soon: days left"})
    assets = fields.Integer(metadata={"description": "sold_not_delivered: assets sold, not delivered"})
    clock = fields.String(metadata={"description": "overdue / due_soon: the clock"})
    due_on = fields.Date(metadata={"description": "overdue / due_soon: the earliest due date"})
    clocks = fields.Integer(metadata={"description": "overdue / due_soon: clocks of this kind concerned"})


class EnforcerSchema(Schema):
    agency = fields.String()
    enforcer = fields.String(allow_none=True)
    open_cases = fields.Integer()
    average_days = fields.Float(allow_none=True, metadata={"description": "Average age of the open cases"})
    overdue_clocks = fields.Integer()
    completed = fields.Integer(metadata={"description": "Closed completed from 1 October to D"})
    collected = fields.Integer(metadata={"description": "VND collected from 1 October to D"})


class BottlenecksSchema(Schema):
    agency = fields.String()
    as_of = fields.Date()
    kind = fields.String()
    position = fields.Integer(metadata={"description": "Log position the bottlenecks read model has reached"})
    open_cases = fields.Integer()
    stages = fields.Nested(StagesSchema, metadata={"description": "Open cases at D by stage reached"})
    aging = fields.Nested(AgingSchema)
    clocks = fields.Nested(ClocksSchema)
    lists = fields.Nested(ListCountsSchema, metadata={"description": "summary: the named lists' sizes"})
    dwell = fields.Nested(DwellSchema)
    items = fields.List(fields.Nested(BottleneckItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    sort = fields.String()
    clock = fields.String(allow_none=True)
    enforcers = fields.List(fields.Nested(EnforcerSchema))

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        # A part this kind does not answer is left out: never dict.items for "items".
        return obj.get(attr, default) if isinstance(obj, dict) else super().get_attribute(obj, attr, default)

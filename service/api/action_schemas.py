"""Schemas of ``GET /audit/users/{username}/actions`` (SPEC §6): its query string and answer."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from projections.actions import EVENT_TYPES
from service.api.schemas import counter


class ActionsQuerySchema(Schema):
    before = counter(1, metadata={
        "description": "Only actions older than this log position: the `next_before` of the "
                       "previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    since = fields.AwareDateTime(data_key="from", metadata={
        "description": "Recorded at or after this time (ISO 8601 with its offset)"})
    until = fields.AwareDateTime(data_key="to", metadata={
        "description": "Recorded at or before this time (ISO 8601 with its offset)"})
    event_type = fields.String(data_key="type", validate=validate.OneOf(EVENT_TYPES), metadata={
        "description": "Only events of this type"})
    min_position = counter(0, metadata={
        "description": "Wait (briefly) until the actions reflect this log position"})

    @validates_schema
    def check_range(self, data: dict[str, Any], **_: Any) -> None:
        if "since" in data and "until" in data and data["since"] > data["until"]:
            raise ValidationError("must not be after `to`", field_name="from")


class UserActionSchema(Schema):
    position = fields.Integer(metadata={"description": "The event's log position"})
    case_id = fields.String()
    case_number = fields.String(allow_none=True, metadata={
        "description": "Null while the case list has not caught up with the case"})
    agency = fields.String(allow_none=True, metadata={"description": "The case's agency"})
    version = fields.Integer(metadata={"description": "The case's version this event made"})
    type = fields.String(metadata={"description": "The event type, e.g. Verified"})
    on = fields.Date(metadata={"description": "Business date"})
    recorded_at = fields.AwareDateTime()


class UserActionsSchema(Schema):
    username = fields.String()
    items = fields.List(fields.Nested(UserActionSchema))
    total = fields.Integer(metadata={"description": "Actions matching the filters, on every page"})
    next_before = fields.Integer(allow_none=True, metadata={
        "description": "`before` of the next (older) page; null on the last page"})
    position = fields.Integer(metadata={"description": "Log position the actions reflect"})

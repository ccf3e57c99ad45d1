"""Marshmallow schemas of API v1: they check the shape of requests (types, required fields,
unknown fields, bounds); business rules are the aggregate's."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from domain.case import CORRECTABLE_FIELDS
from domain.values import (
    MAX_AMOUNT,
    MAX_TEXT,
    AssetKind,
    AuctionOutcome,
    CaseState,
    CollectionSource,
    Initiation,
    JudgmentKind,
    PartyKind,
    Stage,
    VerificationResult,
)


class WholeNumber(fields.Integer):
    """An integer given as a JSON number: no strings, no fractions, no booleans."""

    def __init__(self, **kwargs: Any):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


MAX_ID = 2**63 - 1
"""The largest version, log position or asset id the stores can hold (SQLite INTEGER,
PostgreSQL bigint): a larger number is refused as malformed before it reaches the database."""


def counter(minimum: int, **kwargs: Any) -> fields.Integer:
    """A version or a log position: ``minimum`` to ``MAX_ID``."""
    return fields.Integer(validate=validate.Range(min=minimum, max=MAX_ID), **kwargs)


def money(minimum: int = 1, **kwargs: Any) -> WholeNumber:
    return WholeNumber(validate=validate.Range(min=minimum, max=MAX_AMOUNT), **kwargs)


def choice(enum: Any, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf([e.value for e in enum]), **kwargs)


def text(limit: int = MAX_TEXT, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=limit), **kwargs)


class StrictBoolean(fields.Boolean):
    truthy: set[object] = {True}  # noqa: RUF012 (marshmallow's own class attributes)
    falsy: set[object] = {False}  # noqa: RUF012


class CommandSchema(Schema):
    on = fields.Date(load_default=None, allow_none=True,
                     metadata={"description": "Business date of the act (default today)"})


class VerifySchema(CommandSchema):
    result = choice(VerificationResult, required=True)
    findings = text(load_default=None)


class AssetInSchema(Schema):
    description = text(500, required=True)
    kind = choice(AssetKind, required=True)
    estimated_value = money(0, required=True)


class SeizeSchema(CommandSchema):
    asset = fields.Nested(AssetInSchema, required=True)

    @post_load
    def flatten(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**data.pop("asset"), **data}


class AssetRefSchema(CommandSchema):
    asset_id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))


class PricedAssetSchema(AssetRefSchema):
    price = money(required=True)


class AuctionSchema(AssetRefSchema):
    outcome = choice(AuctionOutcome, required=True)
    price = money(load_default=None, allow_none=True)


class CollectSchema(CommandSchema):
    amount = money(required=True)
    source = choice(CollectionSource, required=True)


class PayOutSchema(CommandSchema):
    amount = money(required=True)


class ReasonSchema(CommandSchema):
    reason = text(required=True, metadata={"description": "A legal ground code or free text"})


class HoldCommandSchema(ReasonSchema):
    until = fields.Date(load_default=None, allow_none=True,
                        metadata={"description": "When the ground is expected to end (not before `on`); "
                                                 "5 working days later the case is due to resume"})


class EntrustSchema(CommandSchema):
    to_agency = text(50, required=True)


class ReassignSchema(CommandSchema):
    enforcer = text(100, required=True)


class NoteSchema(CommandSchema):
    text = text(required=True)


class MarkDifficultSchema(CommandSchema):
    difficult = StrictBoolean(required=True)
    reason = text(required=True)


class CorrectSchema(CommandSchema):
    corrects = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID),
                           metadata={"description": "Version of the event being corrected"})
    field = fields.String(required=True, validate=validate.OneOf(CORRECTABLE_FIELDS))
    value = fields.Raw(required=True, allow_none=True)
    reason = text(required=True)


COMMAND_SCHEMAS: dict[str, type[Schema]] = {
    "verify": VerifySchema,
    "seize": SeizeSchema,
    "value": PricedAssetSchema,
    "auction": AuctionSchema,
    "reduce-price": PricedAssetSchema,
    "hand-to-creditor": PricedAssetSchema,
    "deliver": AssetRefSchema,
    "collect": CollectSchema,
    "pay-out": PayOutSchema,
    "postpone": HoldCommandSchema,
    "suspend": HoldCommandSchema,
    "resume": CommandSchema,
    "entrust": EntrustSchema,
    "terminate": ReasonSchema,
    "return-request": ReasonSchema,
    "close": CommandSchema,
    "reassign": ReassignSchema,
    "note": NoteSchema,
    "mark-difficult": MarkDifficultSchema,
    "correct": CorrectSchema,
}


class JudgmentSchema(Schema):
    court = text(300, required=True)
    number = text(100, required=True)
    date = fields.Date(required=True)
    kind = choice(JudgmentKind, required=True)


class PartySchema(Schema):
    name = text(300, required=True)
    kind = choice(PartyKind, required=True)


class CaseCreateSchema(Schema):
    agency = text(50, required=True)
    received_on = fields.Date(load_default=None, allow_none=True)
    requested_on = fields.Date(
        load_default=None, allow_none=True,
        metadata={"description": "When the request (or, ex officio, the judgment) reached the agency; "
                                 "default received_on, never after it"})
    initiation = choice(Initiation, required=True)
    judgment = fields.Nested(JudgmentSchema, required=True)
    creditor = fields.Nested(PartySchema, required=True)
    debtor = fields.Nested(PartySchema, required=True)
    amount_due = money(0, required=True)
    number = text(50, load_default=None)
    obligation = text(load_default=None, allow_none=True)
    enforcer = text(100, load_default=None, allow_none=True)


# ---------------------------------------------------------------- responses


class AuctionOutSchema(Schema):
    on = fields.Date()
    starting_price = fields.Integer()
    outcome = fields.String()
    price = fields.Integer(allow_none=True)


class AssetOutSchema(Schema):
    id = fields.Integer()
    description = fields.String()
    kind = fields.String()
    estimated_value = fields.Integer()
    status = fields.String()
    seized_on = fields.Date()
    valuation = fields.Integer(allow_none=True)
    valued_on = fields.Date(allow_none=True)
    starting_price = fields.Integer(allow_none=True)
    price_reductions = fields.Integer()
    auctions = fields.List(fields.Nested(AuctionOutSchema))
    sold_price = fields.Integer(allow_none=True)
    sold_on = fields.Date(allow_none=True)
    delivered_on = fields.Date(allow_none=True)
    taken_price = fields.Integer(allow_none=True)
    taken_on = fields.Date(allow_none=True)


class HoldSchema(Schema):
    kind = fields.String()
    reason = fields.String()
    since = fields.Date()
    until = fields.Date(allow_none=True)


class CaseSchema(Schema):
    id = fields.UUID()
    number = fields.String()
    agency = fields.String()
    enforcer = fields.String(allow_none=True)
    stage = fields.String()
    state = fields.String()
    outcome = fields.String(allow_none=True)
    able = fields.Boolean(allow_none=True)
    amount_due = fields.Integer()
    collected = fields.Integer()
    paid_out = fields.Integer()
    outstanding = fields.Integer()
    flags = fields.List(fields.String())
    assets = fields.List(fields.Nested(AssetOutSchema))
    version = fields.Integer()
    received_on = fields.Date()
    requested_on = fields.Date()
    initiation = fields.String()
    judgment = fields.Nested(JudgmentSchema)
    creditor = fields.Nested(PartySchema)
    debtor = fields.Nested(PartySchema)
    obligation = fields.String(allow_none=True)
    verified_on = fields.Date(allow_none=True)
    hold = fields.Nested(HoldSchema, allow_none=True)
    difficult_reason = fields.String(allow_none=True)
    entrusted_to = fields.String(allow_none=True)
    entrusted_case = fields.String(allow_none=True)
    entrusted_from = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    last_on = fields.Date(metadata={"description": "Business date of the latest act"})
    created_on = fields.AwareDateTime(data_key="recorded_at")
    modified_on = fields.AwareDateTime(data_key="modified_at")


class WrittenCaseSchema(CaseSchema):
    position = fields.Integer(metadata={"description": "Log position of this write"})
    asset_id = fields.Integer(metadata={"description": "Id of the asset a seize created"})


class ApiErrorBodySchema(Schema):
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class ApiErrorSchema(Schema):
    error = fields.Nested(ApiErrorBodySchema)


class TokenRequestSchema(Schema):
    username = text(100, required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class TokenSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()


class ChangeSchema(Schema):
    field = fields.String(metadata={"description": "Dotted path in the case, e.g. `debtor.name`"})
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class EventSchema(Schema):
    version = fields.Integer()
    type = fields.String()
    on = fields.Date(allow_none=True)
    by = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime()
    data = fields.Dict()
    position = fields.Integer(allow_none=True, metadata={"description": "Position in the event log"})
    hash = fields.String(allow_none=True, metadata={
        "description": "The case's SHA-256 audit chain after this event (`thads audit verify`)"})
    changes = fields.List(fields.Nested(ChangeSchema), metadata={
        "description": "What the event changed in the case, field by field"})
    before = fields.Dict(allow_none=True, metadata={
        "description": "The case before the event (with `states`)"})
    after = fields.Dict(metadata={"description": "The case after the event (with `states`)"})


class HistoryQuerySchema(Schema):
    states = fields.Boolean(load_default=False, metadata={
        "description": "Also the whole case before and after each event (JSON only)"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")), metadata={
        "description": "`json` (the default) or `csv` (a download, one row per event)"})


class DiffQuerySchema(Schema):
    from_version = counter(1, data_key="from", required=True)
    to_version = counter(1, data_key="to", required=True)


class DiffSchema(Schema):
    from_version = fields.Integer(data_key="from")
    to_version = fields.Integer(data_key="to")
    changes = fields.List(fields.Nested(ChangeSchema))


class AgencySchema(Schema):
    code = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)
    level = fields.String()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)


class CaseQuerySchema(Schema):
    version = counter(1)
    as_of = fields.AwareDateTime()
    min_position = counter(0)


class CaseListQuerySchema(Schema):
    agency = fields.String()
    stage = choice(Stage)
    state = choice(CaseState)
    enforcer = fields.String()
    flag = fields.String(validate=validate.OneOf(["large", "credit_institution", "difficult"]))
    q = fields.String(validate=validate.Length(max=200))
    sort = fields.String(validate=validate.OneOf(["received_on", "-received_on", "number"]),
                         load_default="-received_on")
    page = fields.Integer(validate=validate.Range(min=1), load_default=1)
    per_page = fields.Integer(validate=validate.Range(min=1, max=200), load_default=50)


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()

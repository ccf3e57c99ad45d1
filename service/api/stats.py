"""API v1 statistics (SPEC §4): the table of an agency for a period, and rankings.

``year`` is the statistical year (2020 = 1 Oct 2019 – 30 Sep 2020). ``through`` (YYYY-MM)
ends the period; by default it is the last complete month, kept within the year: for a year
that has ended, September; in the current year the previous month, or October itself while
the year's first month runs (its figures so far). Without ``year``, the year of ``through``,
else the current year.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from domain import clock
from domain.agencies import Level
from domain.errors import InvalidValue
from domain.values import Initiation, JudgmentKind
from projections import stats_known
from projections.stats_query import COLUMNS, Cut, Period, outside_year, rankings, statistics
from service.api.base import ERRORS, Blueprint, current_actor, services
from service.api.schemas import ApiErrorSchema, counter
from service.errors import BadRequest, ServiceError

blp = Blueprint("stats", __name__, url_prefix="/api/v1", description="Statistics and rankings")

PROJECTION = "statistics"


# ------------------------------------------------------------------ schemas

MONTH = validate.Regexp(r"^(20\d\d|2100)-(0[1-9]|1[0-2])$",
                        error="must be a month YYYY-MM, 2000-01 to 2100-12")


class StatsQuerySchema(Schema):
    agency = fields.String(validate=validate.Length(min=1, max=50),
                           metadata={"description": "Agency code (default: yours)"})
    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "Statistical year: 2020 = Oct 2019 – Sep 2020"})
    through = fields.String(validate=MONTH, metadata={"description": "Last month, YYYY-MM"})
    as_known_at = fields.AwareDateTime(metadata={"description": "As recorded by this time"})
    min_position = counter(0)


class RankingsQuerySchema(StatsQuerySchema):
    class Meta:
        exclude = ("agency",)

    level = fields.String(required=True, validate=validate.OneOf([Level.PROVINCE, Level.OFFICE]))
    parent = fields.String(validate=validate.Length(min=1, max=50),
                           metadata={"description": "The province whose offices are ranked"})


ColumnsSchema = Schema.from_dict(
    {**{c: fields.Integer() for c in COLUMNS},
     "rate": fields.Float(metadata={"description": "(completed + terminated) / with conditions, %"})},
    name="StatsColumns")


class TableSchema(Schema):
    cases = fields.Nested(ColumnsSchema)
    money = fields.Nested(ColumnsSchema)


class PeriodSchema(Schema):
    start = fields.Date()
    end = fields.Date()


class RankSchema(Schema):
    cases = fields.Integer()
    money = fields.Integer()
    of = fields.Integer()
    level = fields.String()


ByInitiationSchema = Schema.from_dict({i.value: fields.Nested(TableSchema) for i in Initiation},
                                      name="StatsByInitiation")
ByKindSchema = Schema.from_dict({k.value: fields.Nested(TableSchema) for k in JudgmentKind},
                                name="StatsByJudgmentKind")


class StatsSchema(TableSchema):
    agency = fields.String()
    year = fields.Integer()
    through = fields.String()
    period = fields.Nested(PeriodSchema)
    by_initiation = fields.Nested(ByInitiationSchema)
    by_judgment_kind = fields.Nested(ByKindSchema)
    rank = fields.Nested(RankSchema, allow_none=True,
                         metadata={"description": "Among provinces, or offices of the province"})
    position = fields.Integer(metadata={"description": "Log position the figures are at"})


class RatesSchema(Schema):
    cases = fields.Float()
    money = fields.Float()


class RanksSchema(Schema):
    cases = fields.Integer()
    money = fields.Integer()


class RankedSchema(Schema):
    agency = fields.String()
    name = fields.String()
    rate = fields.Nested(RatesSchema)
    rank = fields.Nested(RanksSchema)


class RankingsSchema(Schema):
    level = fields.String()
    parent = fields.String(allow_none=True)
    year = fields.Integer()
    through = fields.String()
    period = fields.Nested(PeriodSchema)
    of = fields.Integer()
    items = fields.List(fields.Nested(RankedSchema))
    position = fields.Integer()


class NotInScope(ServiceError):
    status = 404
    code = "not_found"


def _errors(*statuses: int) -> Any:
    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, schema=ApiErrorSchema, description=ERRORS[status])(view)
        return view
    return decorate


def statistical_year(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def period_of(year: int | None, through: str | None, today: date) -> Period:
    """The period asked for; 400 naming ``through`` when it lies outside the year."""
    if through is not None:
        month = int(through[:4]) * 100 + int(through[5:7])
        if year is None:
            year = statistical_year(date(month // 100, month % 100, 1))
        period = Period(year, month)
        if not period.within_year:
            raise BadRequest(outside_year(through, year), details={"field": "through"})
        return period
    year = statistical_year(today) if year is None else year
    last_complete = today.year * 100 + today.month - 1 if today.month > 1 else (today.year - 1) * 100 + 12
    return Period(year, max((year - 1) * 100 + 10, min(year * 100 + 9, last_complete)))


def known_cut(as_known_at: datetime) -> Cut:
    """The statistics' cut of the log at the last position recorded by ``as_known_at``,
    once the read model has reached it."""
    svc = services()
    return stats_known.known_cut(svc.cases, svc.directory, svc.read_models, as_known_at)


def _cut(as_known_at: datetime | None, min_position: int | None) -> Cut | None:
    """Wait for the read model, and find the cut of the log for ``as_known_at``."""
    services().read_models.wait_for(min_position, [PROJECTION])
    return None if as_known_at is None else known_cut(as_known_at)


@blp.route("/stats")
@blp.arguments(StatsQuerySchema, location="query")
@blp.response(200, StatsSchema)
@_errors(400, 401, 404, 422)
def stats(query: dict[str, Any]) -> dict[str, Any]:
    """SPEC §4's table for an agency (default yours) with the agencies below it."""
    svc = services()
    actor = current_actor()
    agency = query.get("agency") or actor.agency
    svc.directory.get(agency)  # 422 for an unknown code, before the scope check
    if not actor.sees(agency, svc.directory):
        raise NotInScope(f"no agency {agency} in your scope")
    period = period_of(query.get("year"), query.get("through"), clock.today())
    cut = _cut(query.get("as_known_at"), query.get("min_position"))
    return statistics(svc.cases.db, svc.read_models.names(PROJECTION), svc.directory, agency, period, cut)


@blp.route("/rankings")
@blp.arguments(RankingsQuerySchema, location="query")
@blp.response(200, RankingsSchema)
@_errors(400, 401, 404, 422)
def ranks(query: dict[str, Any]) -> dict[str, Any]:
    """Provinces ranked against each other, or the offices of one province (``parent``), by
    completion rate in cases and in money (rank 1 = highest; equal rates share a rank)."""
    svc = services()
    actor = current_actor()
    level, parent = query["level"], query.get("parent")
    period = period_of(query.get("year"), query.get("through"), clock.today())
    if level == Level.PROVINCE:
        if parent is not None:
            raise BadRequest("parent applies only to level=office", details={"field": "parent"})
        peers = [a.code for a in svc.directory.provinces(period.end)]
    else:
        if parent is None:
            raise BadRequest("parent (a province code) is required for level=office",
                             details={"field": "parent"})
        if svc.directory.get(parent).level != Level.PROVINCE:
            raise InvalidValue(f"{parent} is not a province", field="parent")
        if not (actor.sees(parent, svc.directory) or svc.directory.is_within(actor.agency, parent)):
            raise NotInScope(f"no agency {parent} in your scope")
        peers = [a.code for a in svc.directory.offices(period.end, parent)]
    cut = _cut(query.get("as_known_at"), query.get("min_position"))
    position, items = rankings(svc.cases.db, svc.read_models.names(PROJECTION), svc.directory, peers,
                               period, cut)
    return {"level": level, "parent": parent, "year": period.year, "through": period.label,
            "period": {"start": period.start, "end": period.end}, "of": len(peers),
            "items": items, "position": position}

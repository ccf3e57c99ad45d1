"""The shapes of the reports API (SPEC §8): a request, a report as it stands, a page of the
history. Schemas check shape only; ``service.reports.desk`` and the renderer's ``check`` say
whether a request can be made."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from service.api.stats import MONTH
from service.reports.desk import KINDS
from service.reports.store import FAILED, Report
from workers import render
from workers.render import ReportRequest

FORMATS = tuple(dict.fromkeys(f for formats in render.FORMATS.values() for f in formats))
"""Every format (SPEC §8); ``render.FORMATS`` says which kind comes in which."""
STATUSES = ("queued", "started", "finished", "failed")


class ReportRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    agency = fields.String(validate=validate.Length(min=1, max=50),
                           metadata={"description": "Agency code (default: yours)"})
    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "Statistical year: 2020 = Oct 2019 – Sep 2020"})
    through = fields.String(validate=MONTH, metadata={
        "description": "Last month, YYYY-MM (default: as GET /stats, the last complete month)"})
    as_known_at = fields.AwareDateTime(metadata={"description": "The log as recorded by this time"})


class ReportSchema(Schema):
    id = fields.String()
    kind = fields.String()
    format = fields.String()
    agency = fields.String()
    year = fields.Integer()
    through = fields.String()
    as_known_at = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued, started, finished or failed"})
    progress = fields.Integer(metadata={"description": "0–100"})
    position = fields.Integer(allow_none=True, metadata={
        "description": "The log position the report was computed at (once finished)"})
    error = fields.String(metadata={"description": "Why it failed (only when failed)"})
    requested_by = fields.String()
    scheduled = fields.Boolean(metadata={"description": "Made by the monthly schedule"})
    reused = fields.Boolean(metadata={
        "description": "POST only: an earlier report of the same parameters at the same position"})
    created_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    attempts = fields.Integer()
    size = fields.Integer(allow_none=True, metadata={"description": "Bytes (once finished)"})
    sha256 = fields.String(allow_none=True, metadata={"description": "Of the file (once finished)"})
    file_name = fields.String(metadata={"description": "The download's name"})

    @pre_dump
    def flatten(self, report: Report | tuple[Report, bool], **_: Any) -> dict[str, Any]:
        report, reused = report if isinstance(report, tuple) else (report, None)
        p = report.parameters
        body = {**vars(report), **{k: p[k] for k in ("year", "through", "as_known_at")},
                "scheduled": bool(report.scheduled),
                "file_name": render.file_name(ReportRequest.from_params(p))}
        if reused is not None:
            body["reused"] = reused
        if report.status != FAILED:
            body.pop("error")
        return body

class ReportListArgsSchema(Schema):
    agency = fields.String(validate=validate.Length(min=1, max=50), metadata={
        "description": "That agency and those below it (default: your whole scope)"})
    page = fields.Integer(validate=validate.Range(min=1, max=100_000), load_default=1)
    per_page = fields.Integer(validate=validate.Range(min=1, max=100), load_default=20)


class ReportListSchema(Schema):
    items = fields.List(fields.Nested(ReportSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()

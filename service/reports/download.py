"""A finished report's file as a download, for the API and the pages: its content type, its
name, and its SHA-256 as the ETag and in ``X-Checksum-SHA256`` (a client can check what it
got). Only a finished report's file is served; a file being written never is."""

from __future__ import annotations

from flask import Response, send_file

from service.errors import Conflict, ServiceError
from service.reports.desk import file_of
from service.reports.store import FINISHED, Report
from service.services import Services
from workers import render


class ReportGone(ServiceError):
    status = 410
    code = "gone"


def file_response(svc: Services, report: Report) -> Response:
    if report.status != FINISHED:
        raise Conflict(f"report {report.id} is {report.status} ({report.progress}%), not finished",
                       details={"status": report.status, "progress": report.progress})
    path = file_of(svc, report)
    if not path.is_file():
        raise ReportGone(f"the file of report {report.id} is no longer in the reports directory")
    request = render.ReportRequest.from_params(report.parameters)
    response = send_file(path, mimetype=render.content_type(report.format), as_attachment=True,
                         download_name=render.file_name(request), etag=str(report.sha256), conditional=True,
                         max_age=0)
    response.headers["Content-Type"] = render.content_type(report.format)  # send_file adds a 2nd charset
    response.headers["X-Checksum-SHA256"] = str(report.sha256)
    response.headers["Cache-Control"] = "private, no-cache"  # case data: kept by no shared cache
    return response

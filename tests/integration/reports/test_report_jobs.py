"""``workers.jobs.make_report`` run by rq's SimpleWorker on a real Redis, on SQLite and
PostgreSQL: the file, its checksum and the position its figures are at (the figures
themselves are the renderers' tests'); progress in the job's meta; reuse by
(parameters, log position); transient errors retried, refused requests failed at once; no
temporary file left behind."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rq.job import Job

from domain.errors import InvalidValue
from tests.integration.api_helpers import Login
from tests.integration.reports.helpers import BODY, ask, get, queue, reports_dir, some_cases, work
from workers import render


@pytest.fixture
def head(login: Login) -> dict[str, str]:
    return login("cuctruong.vp", "head", "C26")


def test_a_report_is_made_checksummed_and_served(app: Flask, head: dict[str, str], redis_url: str) -> None:
    some_cases(app)
    asked = ask(app, head)
    assert asked.status_code == 202, asked.get_json()
    body = asked.get_json()
    assert (body["status"], body["progress"], body["reused"]) == ("queued", 0, False)
    assert asked.headers["Location"].endswith(f"/api/v1/reports/{body['id']}")
    work(redis_url)
    done = get(app, f"reports/{body['id']}", head).get_json()
    stats = get(app, "stats?agency=C26&year=2020&through=2020-03", head).get_json()
    assert (done["status"], done["progress"], done["position"]) == ("finished", 100, stats["position"])
    assert "error" not in done and done["attempts"] == 1
    job = Job.fetch(f"report-{body['id']}", connection=queue(redis_url).connection)
    assert job.get_meta()["progress"] == 100
    served = get(app, f"reports/{body['id']}/file", head)
    assert served.status_code == 200
    request = render.ReportRequest.from_params(BODY | {"as_known_at": None})
    assert served.headers["Content-Type"] == render.content_type("csv")
    assert f"filename={render.file_name(request)}" in served.headers["Content-Disposition"]
    digest = hashlib.sha256(served.data).hexdigest()
    assert served.headers["ETag"] == f'"{digest}"' and served.headers["X-Checksum-SHA256"] == digest
    assert (done["sha256"], done["size"]) == (digest, len(served.data))
    assert served.data == (reports_dir(app) / f"{body['id']}-1.csv").read_bytes()
    again = app.test_client().get(f"/api/v1/reports/{body['id']}/file",
                                  headers={**head, "If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    assert [p.name for p in reports_dir(app).iterdir()] == [f"{body['id']}-1.csv"]


def test_the_same_request_at_the_same_position_reuses_the_report(app: Flask, head: dict[str, str],
                                                                 redis_url: str) -> None:
    books = some_cases(app)
    first = ask(app, head).get_json()
    waiting = ask(app, head)
    assert waiting.status_code == 202 and waiting.get_json()["id"] == first["id"]
    assert waiting.get_json()["reused"] is True and queue(redis_url).count == 1
    work(redis_url)
    finished = ask(app, head)
    assert finished.status_code == 200
    assert (finished.get_json()["id"], finished.get_json()["reused"]) == (first["id"], True)
    assert queue(redis_url).count == 0
    other_format_or_agency = ask(app, head, agency="CC243")
    assert other_format_or_agency.status_code == 202 and other_format_or_agency.get_json()["reused"] is False
    books.receive("CC243", "2020-02-03", 50)  # the log moves on: the same request is a new report
    moved = ask(app, head)
    assert moved.status_code == 202 and moved.get_json()["id"] != first["id"]


def test_a_transient_error_is_retried(app: Flask, head: dict[str, str], redis_url: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries come with pauses (10, 30, 60 s); here one retry with none."""
    monkeypatch.setenv("THADS_REPORT_RETRIES", "0")
    app.extensions["thads"].report_queue.retries = (0,)
    calls: list[Path] = []
    real = render.render

    def flaky(svc: Any, request: Any, out: Path, progress: Any) -> int:
        calls.append(out)
        if len(calls) == 1:
            out.write_text("half")
            raise OSError("disk full")
        return real(svc, request, out, progress)

    monkeypatch.setattr(render, "render", flaky)
    report = ask(app, head).get_json()
    work(redis_url)
    done = get(app, f"reports/{report['id']}", head).get_json()
    assert (done["status"], done["attempts"]) == ("finished", 2)
    assert not calls[0].exists() and calls[0] != calls[1]
    assert sorted(p.name for p in reports_dir(app).iterdir()) == [f"{report['id']}-2.csv"]


@pytest.mark.parametrize(("error", "retried", "says"), [
    (OSError("disk full"), True, "OSError: disk full"),
    (InvalidValue("no such office", field="agency"), False, "no such office"),
])
def test_a_failure_is_recorded_with_its_reason(app: Flask, head: dict[str, str], redis_url: str,
                                               monkeypatch: pytest.MonkeyPatch, error: Exception,
                                               retried: bool, says: str) -> None:
    """A transient error is raised for rq (retried until the retries are spent, then failed by
    the failure callback); a request the renderer refuses fails at once, never retried."""
    monkeypatch.setenv("THADS_REPORT_RETRIES", "0,0")
    app.extensions["thads"].report_queue.retries = (0, 0)

    def broken(svc: Any, request: Any, out: Path, progress: Any) -> int:
        out.write_text("half")
        raise error

    monkeypatch.setattr(render, "render", broken)
    report = ask(app, head).get_json()
    work(redis_url)
    done = get(app, f"reports/{report['id']}", head).get_json()
    assert (done["status"], done["error"], done["attempts"]) == ("failed", says, 3 if retried else 1)
    assert list(reports_dir(app).iterdir()) == []
    refused = get(app, f"reports/{report['id']}/file", head)
    assert refused.status_code == 409 and refused.get_json()["error"]["details"]["status"] == "failed"

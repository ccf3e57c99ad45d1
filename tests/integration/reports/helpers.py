"""Helpers of the report tests: asking for a report over the API, running the queue's jobs
in this process with rq's ``SimpleWorker``, a few cases to count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker
from werkzeug.test import TestResponse

from service.reports.queue import QUEUE
from tests.integration.stats_helpers import Books

API = "/api/v1"
BODY = {"kind": "statistics", "format": "csv", "agency": "C26", "year": 2020, "through": "2020-03"}


def queue(redis_url: str) -> Queue:
    return Queue(QUEUE, connection=Redis.from_url(redis_url))


def work(redis_url: str) -> None:
    """Run every queued job here and now (burst)."""
    connection = Redis.from_url(redis_url)
    SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=True)


def ask(app: Flask, headers: dict[str, str], **changes: Any) -> TestResponse:
    return app.test_client().post(f"{API}/reports", json={**BODY, **changes}, headers=headers)


def get(app: Flask, path: str, headers: dict[str, str]) -> TestResponse:
    return app.test_client().get(f"{API}/{path}", headers=headers)


def some_cases(app: Flask) -> Books:
    """Three cases of Vĩnh Yên (province C26) in statistical year 2020, one completed."""
    books = Books(app)
    books.receive("CC243", "2019-10-02", 300)
    books.receive("CC243", "2019-11-05", 200, initiation="ex_officio")
    books.complete(books.receive("CC244", "2019-12-01", 100), 100, "2020-01-10")
    return books


def reports_dir(app: Flask) -> Path:
    return Path(app.extensions["thads"].config.reports_dir)

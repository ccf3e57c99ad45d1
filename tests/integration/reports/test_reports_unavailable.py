"""Redis unavailable (SPEC §7): case work, statistics and the dashboard go on; a new report
request is refused at once with a clear message (503) and nothing is stored, so none is
silently lost; a finished report is still found, served and reused; after recovery reports
are made again. A report whose job Redis lost shows failed, with the reason."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from service.app import create_app
from tests.conftest import PASSWORD, case_body
from tests.integration.api_helpers import Login
from tests.integration.reports.helpers import ask, get, queue, work
from tests.integration.stats_helpers import token_headers
from tests.integration.web_helpers import Web
from tests.redis_server import PrivateRedis, free_port

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # Redis is the subject


def app_on(env: dict[str, str], redis_url: str) -> Flask:
    return create_app({**env, "THADS_REDIS_URL": redis_url, "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})


@pytest.fixture
def down(report_env: dict[str, str]) -> Iterator[Flask]:
    """The app with Redis at an address nobody listens on."""
    flask_app = app_on(report_env, f"redis://127.0.0.1:{free_port()}/0")
    yield flask_app
    flask_app.extensions["thads"].close()


def refused(answer: Any) -> None:
    assert answer.status_code == 503, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "reports_unavailable"
    assert "Reports are unavailable" in error["message"]
    assert "Báo cáo tạm thời không khả dụng" in error["message"]


def test_redis_down_refuses_reports_and_nothing_else(down: Flask) -> None:
    head = token_headers(down, "cuctruong.vp", "head", "C26")
    client = down.test_client()
    assert client.post("/api/v1/cases", json=case_body(), headers=head).status_code == 201
    assert client.get("/api/v1/stats?agency=C26&year=2020&through=2020-03", headers=head).status_code == 200
    started = time.monotonic()
    refused(ask(down, head))
    assert time.monotonic() - started < 3
    assert get(down, "reports", head).get_json()["total"] == 0
    health = client.get("/api/v1/health").get_json()
    assert (health["status"], health["redis"], health["store"]["ok"]) == (
        "degraded", {"configured": True, "ok": False}, True)
    web = Web(down)
    web.login("cuctruong.vp", PASSWORD)
    assert web.get("/dashboard?agency=C26&month=2020-03").status_code == 200
    assert web.get("/cases").status_code == 200
    assert 'id="reports-unavailable"' in web.text("/reports")
    form = {"kind": "statistics", "format": "csv", "agency": "C26", "through": "2020-03"}
    answer = web.post("/reports", form)
    assert answer.status_code == 503 and 'id="report-error"' in answer.get_data(as_text=True)
    assert get(down, "reports", head).get_json()["total"] == 0


def test_a_redis_outage_keeps_finished_reports_and_recovers(report_env: dict[str, str],
                                                            private_redis: PrivateRedis) -> None:
    app = app_on(report_env, private_redis.url)
    try:
        head = token_headers(app, "cuctruong.vp", "head", "C26")
        first = ask(app, head).get_json()
        work(private_redis.url)
        private_redis.stop()
        again = ask(app, head)  # the same parameters at the same position: no Redis needed
        assert again.status_code == 200 and again.get_json()["id"] == first["id"]
        refused(ask(app, head, agency="CC243"))
        assert get(app, f"reports/{first['id']}/file", head).status_code == 200
        assert get(app, "reports", head).get_json()["total"] == 1
        private_redis.start()
        assert app.test_client().get("/api/v1/health").get_json()["redis"]["ok"] is True
        later = ask(app, head, agency="CC243")
        assert later.status_code == 202
        work(private_redis.url)
        assert get(app, f"reports/{later.get_json()['id']}", head).get_json()["status"] == "finished"
    finally:
        app.extensions["thads"].close()


def test_a_report_whose_job_redis_lost_shows_failed(app: Flask, login: Login, redis_url: str) -> None:
    head = login("cuctruong.vp", "head", "C26")
    report = ask(app, head).get_json()
    queue(redis_url).connection.flushdb()
    assert get(app, f"reports/{report['id']}", head).get_json()["status"] == "queued"  # just queued: wait
    app.extensions["thads"].cases.db.execute("UPDATE thads_reports SET created_at = %s",
                                             ("2020-01-01T00:00:00+00:00",))
    lost = get(app, f"reports/{report['id']}", head).get_json()
    assert lost["status"] == "failed" and "no longer in the queue" in lost["error"]

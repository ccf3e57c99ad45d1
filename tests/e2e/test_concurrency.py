"""Concurrent writes through the real server (gunicorn, two processes), on both stores."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests.conftest import case_body
from tests.e2e.conftest import LiveServer


def _create_case(server: LiveServer, headers: dict[str, str]) -> dict:
    response = requests.post(f"{server.url}/api/v1/cases", json=case_body(), headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def test_twenty_concurrent_commands_with_the_same_if_match_one_wins(live_server: LiveServer) -> None:
    headers = live_server.token("chv.vinhyen")
    case = _create_case(live_server, headers)
    url = f"{live_server.url}/api/v1/cases/{case['id']}/note"
    conditional = {**headers, "If-Match": str(case["version"])}
    before = live_server.log_head()

    def send(i: int) -> requests.Response:
        return requests.post(url, json={"text": f"ghi chú {i}"}, headers=conditional, timeout=30)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == 19, statuses
    assert all(r.json()["error"]["code"] == "version_conflict" for r in responses if r.status_code == 409)
    assert live_server.log_head() == before + 1
    now = requests.get(f"{live_server.url}/api/v1/cases/{case['id']}", headers=headers, timeout=10).json()
    assert now["version"] == case["version"] + 1


def test_the_same_idempotency_key_five_times_at_once_writes_one_event(live_server: LiveServer) -> None:
    headers = live_server.token("chv.vinhyen")
    case = _create_case(live_server, headers)
    url = f"{live_server.url}/api/v1/cases/{case['id']}/collect"
    keyed = {**headers, "Idempotency-Key": "thu-tien-lan-1"}
    before = live_server.log_head()

    def send(_: int) -> requests.Response:
        return requests.post(url, json={"amount": 1_000_000, "source": "voluntary", "on": "2020-01-03"},
                             headers=keyed, timeout=30)

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(send, range(5)))

    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert live_server.log_head() == before + 1
    assert responses[0].json()["collected"] == 1_000_000


def test_commands_without_if_match_all_apply_under_contention(live_server: LiveServer) -> None:
    headers = live_server.token("chv.vinhyen")
    case = _create_case(live_server, headers)
    url = f"{live_server.url}/api/v1/cases/{case['id']}/collect"

    def send(_: int) -> requests.Response:
        return requests.post(url, json={"amount": 1_000, "source": "voluntary", "on": "2020-01-03"},
                             headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(send, range(10)))

    assert [r.status_code for r in responses] == [200] * 10
    now = requests.get(f"{live_server.url}/api/v1/cases/{case['id']}", headers=headers, timeout=10).json()
    assert now["collected"] == 10_000 and now["version"] == case["version"] + 10

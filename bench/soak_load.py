"""The soak's load (``make soak``): locust as a library, headless, in a process of its own
(locust patches the standard library for gevent). Staff users, each logged in as a demo
enforcer of their own office, ask 70% reads and 30% commands as fast as they are answered;
one head asks for a report every few seconds. Loopback only; it stops after ``--seconds`` or
``--max-requests``, whichever comes first.

Every 2xx command answer is kept (case id, version, log position) for the check that its
event is in the store; every 5xx keeps the start of its body; every request its time since
the start, its kind, its status and its latency. All of it is written as JSON to ``--out``.

    python -m bench.soak_load --host http://127.0.0.1:8000 --logins logins.json --seconds 60 --out load.json
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

API = "/api/v1"
RECORD: dict[str, Any] = {"requests": [], "acks": [], "server_errors": [], "reports": []}
"""What the run saw; ``requests`` rows are [seconds since start, kind, name, status, ms]."""
STARTED = time.monotonic()
LOGINS: list[dict[str, str]] = []
HEAD: dict[str, str] = {}
MAX_REQUESTS = 0
PASSWORD = ""


ON = "2025-06-30"
"""The business date of every write: the last day of the demo's offices (Chi cục), which were
replaced by regional offices on 1 July 2025."""


@events.request.add_listener
def on_request(request_type: str, name: str, response_time: float, response: Any, exception: Any,
               **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    kind = name.split(":", 1)[0]
    RECORD["requests"].append([round(time.monotonic() - STARTED, 3), kind, name, status,
                               round(response_time, 2)])
    if status >= 500:
        RECORD["server_errors"].append({"at": round(time.monotonic() - STARTED, 3), "name": name,
                                        "status": status, "body": (response.text or "")[:600]})
    elif status == 0:
        why = f"{type(exception).__name__}: {exception}"[:300]
        RECORD["server_errors"].append({"at": round(time.monotonic() - STARTED, 3), "name": name,
                                        "status": 0, "body": why})
    if MAX_REQUESTS and len(RECORD["requests"]) >= MAX_REQUESTS and RUNNER is not None:
        RUNNER.quit()


RUNNER: Any = None


class Staff(FastHttpUser):
    """An enforcer at work: mostly reading their office's cases, sometimes acting on them."""

    wait_time = constant(0)
    weight = 20
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.login = LOGINS[random.randrange(len(LOGINS))]
        self.agency = self.login["agency"]
        self.headers: dict[str, str] = {}
        self.mine: list[str] = []  # cases this user created
        self.seen: list[str] = []  # cases of the office, to read
        self.last_position = 0
        self.sign_in()

    def sign_in(self) -> None:
        answer = self.client.post(f"{API}/tokens", json={"username": self.login["username"],
                                                          "password": PASSWORD}, name="login:token")
        if answer.status_code == 201:
            self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    def call(self, method: str, name: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if not self.headers:
            self.sign_in()
        answer = self.client.request(method, API + path, name=name, json=body, headers=self.headers)
        if answer.status_code == 401:
            self.headers = {}
        return answer

    # ------------------------------------------------------------ reads (70)

    @task(25)
    def office_cases(self) -> None:
        answer = self.call("GET", "read:GET /cases", f"/cases?agency={self.agency}&per_page=20")
        if answer.status_code == 200 and not self.seen:
            self.seen = [c["id"] for c in answer.json().get("items", [])]

    @task(20)
    def one_case(self) -> None:
        pool = self.mine or self.seen
        if pool:
            self.call("GET", "read:GET /cases/{id}", f"/cases/{random.choice(pool)}")
        else:
            self.office_cases()

    @task(5)
    def read_own_write(self) -> None:
        self.call("GET", "read:GET /cases?min_position",
                  f"/cases?agency={self.agency}&per_page=5&min_position={self.last_position}")

    @task(12)
    def statistics(self) -> None:
        self.call("GET", "read:GET /stats", f"/stats?agency={self.agency}&year=2025&through=2025-06")

    @task(8)
    def bottlenecks(self) -> None:
        kind = random.choice(["stages", "aging", "sold_not_delivered", "overdue"])
        self.call("GET", "read:GET /bottlenecks", f"/bottlenecks?agency={self.agency}&kind={kind}&as_of={ON}")

    # ------------------------------------------------------------ commands (30)

    def acted(self, answer: Any) -> None:
        if 200 <= answer.status_code < 300:
            case = answer.json()
            RECORD["acks"].append([case["id"], case["version"], case["position"]])
            self.last_position = max(self.last_position, case["position"])

    @task(10)
    def create(self) -> None:
        n = len(RECORD["acks"])
        answer = self.call("POST", "command:POST /cases", "/cases", {
            "agency": self.agency, "received_on": ON, "initiation": "on_request",
            "judgment": {"court": "Tòa án nhân dân", "number": f"{n}/SOAK",
                         "date": "2025-05-02", "kind": "civil"},
            "creditor": {"name": "Ngân hàng Nông nghiệp", "kind": "credit_institution"},
            "debtor": {"name": f"Nguyễn Văn Soak {n}", "kind": "individual"},
            "amount_due": random.randrange(1, 900) * 1_000_000})
        self.acted(answer)
        if 200 <= answer.status_code < 300:
            self.mine.append(answer.json()["id"])

    @task(14)
    def note(self) -> None:
        if not self.mine:
            return self.create()
        case = random.choice(self.mine)
        self.acted(self.call("POST", "command:POST /cases/{id}/note", f"/cases/{case}/note",
                             {"text": "Đã liên hệ đương sự", "on": ON}))
        return None

    @task(6)
    def verify(self) -> None:
        if not self.mine:
            return self.create()
        case = random.choice(self.mine)
        self.acted(self.call("POST", "command:POST /cases/{id}/verify", f"/cases/{case}/verify",
                             {"result": random.choice(["able", "unable"]), "on": ON}))
        return None


class Head(FastHttpUser):
    """The provincial head, asking for the province's statistics report now and then."""

    wait_time = constant(4)
    fixed_count = 1
    network_timeout = 30.0

    def on_start(self) -> None:
        answer = self.client.post(f"{API}/tokens", json={"username": HEAD["username"], "password": PASSWORD},
                                  name="login:token")
        ok = answer.status_code == 201
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"} if ok else {}

    @task
    def report(self) -> None:
        answer = self.client.post(f"{API}/reports", name="report:POST /reports", headers=self.headers,
                                  json={"kind": "statistics", "format": "csv", "agency": HEAD["agency"],
                                        "year": 2020, "through": "2020-03"})
        body = answer.json() if answer.status_code in (200, 202) else {}
        RECORD["reports"].append([round(time.monotonic() - STARTED, 3), answer.status_code, body.get("id")])


def main() -> None:
    global RUNNER, MAX_REQUESTS, PASSWORD, STARTED
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--logins", type=Path, required=True,
                        help="JSON: {password, staff: [{username, agency}], head: {username, agency}}")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--started", type=Path, help="a file written once the users have started")
    args = parser.parse_args()
    if not args.host.startswith(("http://127.", "http://localhost")):
        raise SystemExit("the soak loads loopback addresses only")
    logins = json.loads(args.logins.read_text())
    PASSWORD, MAX_REQUESTS = logins["password"], args.max_requests
    LOGINS.extend(logins["staff"])
    HEAD.update(logins["head"])
    env = Environment(user_classes=[Staff, Head], host=args.host, events=events)
    RUNNER = env.create_local_runner()
    STARTED = time.monotonic()
    RECORD["began"] = time.time()  # wall clock: the faults' log is on it too
    RUNNER.start(args.users + 1, spawn_rate=args.users + 1)
    if args.started:
        args.started.write_text(str(RECORD["began"]))
    gevent.spawn_later(args.seconds, RUNNER.quit)
    RUNNER.greenlet.join()
    RECORD["seconds"] = round(time.monotonic() - STARTED, 3)
    RECORD["users"] = args.users
    args.out.write_text(json.dumps(RECORD))


if __name__ == "__main__":
    main()

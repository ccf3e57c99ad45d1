"""The bottleneck read model kept batch by batch equals one rebuilt from scratch, after a random
sequence of commands; and its clocks follow the rules version in force on the day they start.
Both stores."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from projections import bottlenecks
from projections.bottlenecks import BottlenecksProjection
from projections.registry import Registry
from projections.runner import Runner
from tests.integration.bottleneck_helpers import Login, Office, day, table_rows
from tests.unit.test_time_limits import NEW, OLD, rules_with

KINDS = ("land", "house", "vehicle", "movable", "deposit", "other")


def random_act(rng: random.Random, case: dict[str, Any], late: bool) -> tuple[str, dict[str, Any]]:
    """A command with a body of the right shape; the case may well refuse it. A held case
    mostly resumes; cases end (terminate, entrust, close) only late in the run."""
    if case["held"] and rng.random() < 0.7:
        return "resume", {}
    asset = rng.randint(1, max(case["assets"], 1))
    price = rng.choice((20, 40, 60)) * 1_000_000
    acts: list[tuple[str, dict[str, Any]]] = [
        ("verify", {"result": rng.choice(("able", "able", "unable"))}),
        ("seize", {"asset": {"description": "Tài sản", "kind": rng.choice(KINDS), "estimated_value": price}}),
        ("value", {"asset_id": asset, "price": price}),
        ("auction", {"asset_id": asset, "outcome": "sold", "price": 60_000_000}),  # ≥ any start price
        ("auction", {"asset_id": asset, "outcome": "failed"}),
        ("reduce-price", {"asset_id": asset, "price": price // 2}),
        ("hand-to-creditor", {"asset_id": asset, "price": price // 2}),
        ("deliver", {"asset_id": asset}),
        ("collect", {"amount": rng.choice((5, 20, 40)) * 1_000_000,
                     "source": rng.choice(("voluntary", "auction", "deduction"))}),
        ("pay-out", {"amount": rng.choice((5, 20, 40)) * 1_000_000}),
        ("postpone", {"reason": "hoan.48.1.c", **({"until": None} if rng.random() < 0.5 else {})}),
        ("suspend", {"reason": "tdc.49.1"}),
        ("resume", {}),
        ("mark-difficult", {"difficult": rng.random() < 0.7, "reason": "Hội đồng CHV"}),
        ("reassign", {"enforcer": rng.choice(("e1", "e2"))}),
        ("correct", {"corrects": 1, "field": "amount_due", "value": rng.choice((100, 150, 700)) * 1_000_000,
                     "reason": "Nhập nhầm"}),
        ("note", {"text": "Ghi chú"}),
        ("terminate", {"reason": "dc.50.1.c"}),
        ("entrust", {"to_agency": "CC244"}),
        ("close", {}),
    ]
    return rng.choices(acts, weights=[8, 6, 6, 4, 3, 2, 1, 4, 6, 6, 2, 1, 3, 1, 1, 1, 1,
                                      *((1, 1, 2) if late else (0, 0, 0))])[0]


@pytest.mark.parametrize("seed", [7, 2020])
def test_kept_model_equals_a_rebuild(app: Flask, client: FlaskClient, login: Login, seed: int,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bottlenecks, "CACHE_ROWS", 3)  # rows are read back from the tables too
    rng = random.Random(seed)
    login("e1")
    login("e2")
    head = Office(client, login("h1", "head", "CC243"))
    cases: list[dict[str, Any]] = []
    for _ in range(8):
        received = date(2019, 2, 1) + timedelta(days=rng.randint(0, 60))
        requested = received - timedelta(days=rng.choice((0, 0, 3, 12)))
        cases.append({"id": head.case(received.isoformat(), requested_on=requested.isoformat(),
                                      amount=rng.choice((100, 300, 800)) * 1_000_000),
                      "on": received, "assets": 0, "held": False})
    accepted = 0
    for step in range(240):
        case = rng.choice(cases)
        command, body = random_act(rng, case, late=step > 180)
        on = case["on"] + timedelta(days=rng.choice((0, 1, 3, 9, 20, 40)))
        if "until" in body:
            body["until"] = (on + timedelta(days=rng.randint(0, 30))).isoformat()
        response = head.send(case["id"], command, on.isoformat(), **body)
        assert response.status_code in (200, 422), response.get_json()
        if response.status_code == 200:
            accepted += 1
            case["on"] = on
            case["assets"] += command == "seize"
            case["held"] = command in ("postpone", "suspend") or (case["held"] and command != "resume")
    assert accepted > 100
    kept = table_rows(app)
    svc = app.extensions["thads"]
    before = svc.read_models.registry.active("bottlenecks").generation
    svc.read_models.runner.rebuild("bottlenecks")
    assert svc.read_models.registry.active("bottlenecks").generation != before
    rebuilt = table_rows(app)
    assert kept == rebuilt
    assert len(kept["timeline"]) >= 8
    assert {"first_verification", "reverification", "valuation", "auction", "delivery", "payout",
            "resume"} <= {c["clock"] for c in kept["clocks"]}
    for row in kept["timeline"]:  # and the rows agree with the cases themselves
        live = svc.cases.load_case(UUID(row["case_id"]))
        assert (row["state"], row["outcome"], row["collected"], row["paid_out"], row["amount_due"],
                row["enforcer"], bool(row["difficult"])) == (
            live.state, live.outcome, live.collected, live.paid_out, live.amount_due, live.enforcer,
            live.difficult)
        assert row["closed_on"] == (live.closed_on.toordinal() if live.closed_on else None)
        open_clocks = [c for c in kept["clocks"] if c["case_id"] == row["case_id"] and c["ended_on"] is None]
        assert not (live.is_finished and open_clocks)


def decision_clocks(app: Flask, names: dict[str, str] | None = None) -> dict[str, tuple[int, str]]:
    rows = table_rows(app, names)["clocks"]
    return {r["case_id"]: (r["due_on"], r["rules_version"]) for r in rows if r["clock"] == "decision"}


def test_clocks_follow_the_rules_in_force_when_they_start(app: Flask, client: FlaskClient, login: Login,
                                                           tmp_path: Path) -> None:
    office = Office(client, login("kv1", "enforcer", "T25-KV01"))
    before = office.case("2026-07-10", agency="T25-KV01", requested_on="2026-06-30")
    after = office.case("2026-07-10", agency="T25-KV01", requested_on="2026-07-01")
    assert decision_clocks(app) == {before: (day("2026-07-07"), OLD), after: (day("2026-07-08"), NEW)}
    # The same log under a rules file whose 2026 version allows 3 working days instead of 5.
    svc = app.extensions["thads"]
    projection = BottlenecksProjection(rules_with(tmp_path, decision={"default": {"working_days": 3}}))
    registry = Registry(svc.cases.db, [projection])
    Runner(svc.cases, registry).rebuild("bottlenecks")
    names = dict(registry.active_names("bottlenecks", max_age=0))
    assert decision_clocks(app, names) == {before: (day("2026-07-07"), OLD), after: (day("2026-07-06"), NEW)}

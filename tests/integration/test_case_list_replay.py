"""The case-summary read model after a random sequence of API commands over many cases (every
path of SPEC §3, interleaved, with reassignments, corrections and holds sprinkled in): it
equals a rebuild from scratch, and each row says what the case itself says. SQLite and
PostgreSQL. And the planner's statistics are refreshed as the log grows."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from domain.agencies import default_directory
from domain.case import EnforcementCase
from projections.base import REBUILDING, Positioned
from projections.cases import CasesProjection
from projections.registry import Registry
from service.application import CaseApplication
from tests.integration.api_helpers import API
from tests.integration.test_case_list import ITEM_KEYS, Caller, head  # noqa: F401 (fixture)

Act = tuple[str, dict[str, Any]]
LAND: dict[str, Any] = {"asset": {"description": "Thửa đất 80 m²", "kind": "land", "estimated_value": 500}}


def path(rng: random.Random, due: int) -> list[Act]:
    """The acts that take one case somewhere (a refused act simply changes nothing)."""
    paid: list[Act] = [("collect", {"amount": due, "source": "voluntary"}), ("pay-out", {"amount": due})]
    sale: list[Act] = [("verify", {"result": "able"}), ("seize", LAND),
                       ("value", {"asset_id": 1, "price": 400}),
                       ("auction", {"asset_id": 1, "outcome": "failed"}),
                       ("reduce-price", {"asset_id": 1, "price": 300})]
    paths: list[list[Act]] = [
        [*sale, ("auction", {"asset_id": 1, "outcome": "sold", "price": 300}), ("deliver", {"asset_id": 1}),
         *paid, ("close", {})],
        [*sale, ("auction", {"asset_id": 1, "outcome": "failed"}),
         ("hand-to-creditor", {"asset_id": 1, "price": 200})],
        [("verify", {"result": "able"}), *paid, ("close", {})],
        [("verify", {"result": "unable"}), ("suspend", {"reason": "tạm đình chỉ"}), ("resume", {}),
         ("verify", {"result": "able"}), ("entrust", {"to_agency": "CC244"})],
        [("verify", {"result": "unable"}), ("terminate", {"reason": "đình chỉ"})],
        [("collect", {"amount": 1, "source": "deduction"}), ("return-request", {"reason": "trả đơn"})],
        [("postpone", {"reason": "hoãn"})],
    ]
    acts = list(rng.choice(paths))
    noise: list[Act] = [
        ("note", {"text": "ghi chú"}), ("reassign", {"enforcer": rng.choice(["e1", "e2"])}),
        ("mark-difficult", {"difficult": True, "reason": "HĐ CHV"}),
        ("mark-difficult", {"difficult": False, "reason": "HĐ CHV"}),
        ("postpone", {"reason": "hoãn"}), ("resume", {}),
        ("correct", {"corrects": 1, "field": "amount_due", "value": due // 2, "reason": "nhầm"}),
        ("correct", {"corrects": 1, "field": "creditor.kind", "value": "state", "reason": "nhầm"}),
        ("correct", {"corrects": 1, "field": "creditor.name", "value": "Kho bạc", "reason": "nhầm"}),
        ("correct", {"corrects": 1, "field": "debtor.name", "value": "Đỗ Thị Lan", "reason": "nhầm"}),
        ("correct", {"corrects": 1, "field": "judgment.kind", "value": "criminal", "reason": "nhầm"}),
    ]
    for _ in range(rng.randint(0, 4)):
        acts.insert(rng.randint(0, len(acts)), rng.choice(noise))
    return acts


@pytest.mark.parametrize(("seed", "cache_rows"), [(2020, None), (2025, None), (2021, 1)])
def test_read_model_equals_a_rebuild_and_the_cases(app: Flask, head: Caller, seed: int,  # noqa: F811
                                                   cache_rows: int | None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if cache_rows is not None:  # rows leave the cache at once: every batch reads them back
        monkeypatch.setattr("projections.cases.CACHE_ROWS", cache_rows)
    rng = random.Random(seed)
    plans: dict[str, list[Act]] = {}
    for n in range(1, 21):
        due = rng.choice([300_000_000, 600_000_000])
        creditor = rng.choice([{"name": "Ngân hàng Nông nghiệp", "kind": "credit_institution"},
                               {"name": "Trần Văn Cường", "kind": "individual"}])
        case = head.create(n, agency=rng.choice(["CC243", "C26"]), enforcer=None, amount_due=due,
                           creditor=creditor)
        plans[case["id"]] = path(rng, due)
    on, done, refused = date(2020, 1, 3), set(), 0
    while any(plans.values()):
        case_id = rng.choice([c for c, acts in plans.items() if acts])
        command, body = plans[case_id].pop(0)
        on += timedelta(days=rng.randint(0, 3))
        answer = head.client.post(f"{API}/cases/{case_id}/{command}", json={**body, "on": on.isoformat()},
                                  headers=head.headers)
        if answer.status_code == 200:
            done.add(command)
        else:
            assert answer.status_code == 422, answer.json
            refused += 1
    assert len(done) >= 18, sorted(done)  # nearly every command took effect at least once

    services = app.extensions["thads"]

    def rows() -> list[dict[str, Any]]:
        table = services.read_models.registry.active_names("cases", max_age=0)["summary"]
        return services.cases.db.query(f"SELECT * FROM {table} ORDER BY case_id")

    live = rows()
    before = services.read_models.registry.active("cases")
    services.read_models.runner.rebuild("cases")
    assert services.read_models.registry.active("cases").generation != before.generation
    assert rows() == live

    listed = {item["id"]: item for item in head.listing(per_page=200)["items"]}
    assert len(listed) == len(live) > 20  # the entrusted cases' new cases too
    from_case = ITEM_KEYS - {"days_waiting", "creditor_name", "debtor_name"}
    for case_id, item in listed.items():
        case = head.client.get(f"{API}/cases/{case_id}", headers=head.headers).get_json()
        assert {k: case[k] for k in from_case} == {k: item[k] for k in from_case}
        assert (item["creditor_name"], item["debtor_name"]) == (case["creditor"]["name"],
                                                                case["debtor"]["name"])
        finished = case["state"] in ("closed", "entrusted")
        assert (item["days_waiting"] is None) == finished
        row = next(r for r in live if r["case_id"] == case_id)
        loaded = services.cases.load_case(UUID(case_id))
        assert (row["judgment_kind"], row["creditor_kind"]) == (loaded.judgment["kind"],
                                                                loaded.creditor["kind"])


def test_the_planners_statistics_are_refreshed_as_the_log_doubles(store_url: str) -> None:
    app = CaseApplication(store_url, default_directory())
    try:
        registry = Registry(app.db, [CasesProjection()])
        registry.create_tables()
        names = registry.active_names("cases")
        case = EnforcementCase.receive(
            number="1/2020", agency="CC243", on=date(2020, 1, 2), initiation="ex_officio",
            judgment={"court": "TAND", "number": "1/HS", "date": date(2019, 12, 1), "kind": "criminal"},
            creditor={"name": "Nhà nước", "kind": "state"}, debtor={"name": "Bị án", "kind": "individual"},
            amount_due=1000, by="test")
        case.note("ghi chú", by="test", on=date(2020, 1, 3))
        events = [Positioned(4095 + i, e) for i, e in enumerate(case.collect_events())]
        statements: list[str] = []
        with app.db.transaction() as tx:
            execute = tx.execute

            def recording(sql: str, params: Any = ()) -> int:
                statements.append(sql)
                return execute(sql, params)

            tx.execute = recording  # type: ignore[method-assign]
            CasesProjection().apply(tx, names, events, {})
            # A generation being rebuilt is analyzed once, when it is finished, not as it fills.
            CasesProjection().apply(tx, names, [Positioned(8192, events[1].event)], {REBUILDING: True})
        assert statements == [f"ANALYZE {names['summary']}"]
        row = app.db.query(f"SELECT version, last_on, updated_position FROM {names['summary']}")
        assert row == [{"version": 2, "last_on": date(2020, 1, 3).toordinal(), "updated_position": 8192}]
    finally:
        app.close()

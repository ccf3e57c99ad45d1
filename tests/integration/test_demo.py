"""The demo data (``thads demo``): seeded through the application, deterministic, and showing
the seed article's Vĩnh Phúc — 69% by cases, 25.3% by money, 12th and 15th of 63 provinces —
when SPEC §4 is computed from its events by an independent reference."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from werkzeug.security import generate_password_hash

import service.users
from domain.agencies import default_directory
from service.application import CaseApplication
from service.demo import DEMO_PASSWORD, DemoSummary, demo_logins, seed_demo
from service.demo.staff import plan_staff, plan_units
from tests.conftest import quick_commits, sqlite_folder
from tests.integration.stats_reference import figures, fold, ranks, read_events

START, END = date(2019, 10, 1), date(2020, 3, 31)
SCALE = 0.05
VINH_PHUC = "C26"
VP_OFFICES = ("vinhyen", "phucyen", "binhxuyen", "lapthach", "songlo", "tamduong", "tamdao",
              "vinhtuong", "yenlac", "cuc")


class Seeded:
    def __init__(self, url: str, *, existing_admin: bool = False, scale: float = SCALE):
        self.app = CaseApplication(url, default_directory())
        if existing_admin:
            self.app.users.create("admin", "another-password", "admin", "VN", "Quản trị")
        self.messages: list[str] = []
        self.summary: DemoSummary = seed_demo(self.app, seed=2020, scale=scale,
                                              echo=self.messages.append, progress=False)
        self.events = read_events(self.app)
        self.cases = fold(self.events)


@pytest.fixture(scope="module")
def cheap_passwords() -> Iterator[None]:
    """Hundreds of scrypt hashes would dominate the test's time; the demo does not care."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service.users, "generate_password_hash",
                   lambda password, method=None: generate_password_hash(password, "pbkdf2:sha256:1"))
        yield


@pytest.fixture(scope="module")
def demo(cheap_passwords: None) -> Iterator[Seeded]:
    with sqlite_folder() as folder:
        seeded = Seeded(f"sqlite:///{folder}/demo.sqlite")
        yield seeded
        seeded.app.close()


@pytest.fixture(scope="module")
def demo_again(postgres_database: str, cheap_passwords: None) -> Iterator[Seeded]:
    """The same seed on the other store (PostgreSQL, a database of its own), where one demo
    login already existed."""
    url = postgres_database + "_demo"
    with psycopg.connect(postgres_database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
        quick_commits(conn, url.rsplit("/", 1)[1])
    seeded = Seeded(url, existing_admin=True)
    yield seeded
    seeded.app.close()


def comparable(events: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(type(e).__qualname__, {k: v for k, v in vars(e).items() if k != "timestamp"})
            for e in events]


# ------------------------------------------------------------------ seeding


def test_same_seed_gives_the_same_events(demo: Seeded, demo_again: Seeded) -> None:
    assert len(demo.events) == len(demo_again.events) > 5000
    assert comparable(demo.events) == comparable(demo_again.events)
    first = [(n.topic, n.originator_version) for n in demo.app.recorder.select_notifications(1, 50)]
    again = [(n.topic, n.originator_version)
             for n in demo_again.app.recorder.select_notifications(1, 50)]
    assert first == again


def test_existing_users_are_kept_and_skipped(demo: Seeded, demo_again: Seeded) -> None:
    assert demo_again.summary.users_created == demo.summary.users_created - 1
    admin = demo_again.app.users.get("admin")
    assert admin is not None and admin.full_name == "Quản trị"
    assert demo_again.app.users.authenticate("admin", "another-password") is not None


def test_summary_counts_what_was_written(demo: Seeded) -> None:
    s = demo.summary
    assert s.cases_created == len(demo.cases) == sum(
        type(e).__name__ == "Received" for e in demo.events)
    assert s.events_written == len(demo.events)
    assert s.users_created == len(demo.app.users.all())
    assert s.elapsed_seconds > 0
    assert f"{s.cases_created:,} cases" in demo.messages[-1]


# ------------------------------------------------------------------ users


def test_every_role_has_demo_logins_with_the_demo_password(demo: Seeded) -> None:
    users = demo.app.users
    for username, role, agency in demo_logins():
        user = users.get(username)
        assert user is not None and (user.role, user.agency) == (role, agency)
        assert user.full_name.count(" ") >= 2  # họ, tên đệm, tên
    assert users.authenticate("chv.vinhyen.1", DEMO_PASSWORD) is not None
    assert {u.role for u in users.all()} == {"admin", "auditor", "head", "enforcer"}


def test_every_vinh_phuc_agency_and_province_has_a_head_and_enforcers(demo: Seeded) -> None:
    roles = {u.username: (u.role, u.agency) for u in demo.app.users.all()}
    for slug in VP_OFFICES:
        assert roles[f"truong.{slug}"][0] == "head"
        assert 3 <= sum(1 for name in roles if name.startswith(f"chv.{slug}.")) <= 8
    for province in demo.app.directory.provinces(END):
        if province.code != VINH_PHUC:
            code = province.code.lower()
            assert roles[f"truong.{code}"] == ("head", province.code)
            assert roles[f"chv.{code}.2"] == ("enforcer", province.code)
    assert len(roles) == len(plan_staff(plan_units(demo.app.directory), 2020))


def test_every_event_is_by_a_demo_user_allowed_to_give_it(demo: Seeded) -> None:
    roles = {u.username: u.role for u in demo.app.users.all()}
    for e in demo.events:
        assert roles[e.by] in ("enforcer", "head"), e
        if type(e).__name__ in ("Reassigned", "DifficultyMarked"):
            assert roles[e.by] == "head"


# ------------------------------------------------------------------ dates and trajectories


def test_business_dates_never_pass_march_2020_nor_go_back(demo: Seeded) -> None:
    last: dict[Any, date] = {}
    for e in sorted(demo.events, key=lambda e: (str(e.originator_id), e.originator_version)):
        assert e.on <= END
        assert e.on >= last.get(e.originator_id, e.on)
        last[e.originator_id] = e.on
    dates = [e.on for e in demo.events]
    assert dates == sorted(dates)  # the log follows the agencies' chronology


def test_the_demo_walks_every_command_of_the_lifecycle(demo: Seeded) -> None:
    kinds = {type(e).__name__ for e in demo.events}
    assert kinds >= {
        "Received", "Verified", "AssetSeized", "AssetValued", "AuctionHeld", "PriceReduced",
        "AssetTakenByCreditor", "AssetDelivered", "MoneyCollected", "MoneyPaidOut", "Postponed",
        "Suspended", "Resumed", "Entrusted", "Terminated", "RequestReturned", "Closed",
        "Reassigned", "NoteAdded", "DifficultyMarked", "Corrected",
    }
    entrusted_to = {e.to_agency for e in demo.events if type(e).__name__ == "Entrusted"}
    assert any(demo.app.directory.is_within(a, VINH_PHUC) for a in entrusted_to)
    assert any(not demo.app.directory.is_within(a, VINH_PHUC) for a in entrusted_to)


def test_vinh_phuc_shows_the_seed_articles_bottlenecks(demo: Seeded) -> None:
    by_case: dict[Any, list[Any]] = defaultdict(list)
    for e in demo.events:
        by_case[e.originator_id].append(e)
    open_vp = [events for events in by_case.values()
               if demo.app.directory.is_within(events[0].agency, VINH_PHUC)
               and not {"Closed", "Terminated", "RequestReturned", "Entrusted"}
               & {type(e).__name__ for e in events}]

    def names(events: list[Any]) -> list[str]:
        return [type(e).__name__ for e in events]

    sold = [ev for ev in open_vp if any(getattr(e, "outcome", None) == "sold" for e in ev)
            and "AssetDelivered" not in names(ev)]
    able_idle_banks = [ev for ev in open_vp if ev[0].creditor["kind"] == "credit_institution"
                       and any(getattr(e, "result", None) == "able" for e in ev)
                       and "AssetSeized" not in names(ev)]
    large = [ev for ev in open_vp if ev[0].amount_due > 500_000_000]
    assert sold and able_idle_banks and len(large) >= 5


# ------------------------------------------------------------------ statistics


def test_vinh_phuc_has_about_the_seed_articles_caseload_and_rates(demo: Seeded) -> None:
    vp = figures(demo.cases, demo.app.directory, VINH_PHUC, START, END)
    assert vp.cases["to_execute"] == pytest.approx(5312 * SCALE, rel=0.05)
    assert vp.money["to_execute"] == pytest.approx(477.9e9 * SCALE, rel=0.05)
    assert vp.rate("cases") == pytest.approx(69.0, abs=8)
    assert vp.rate("money") == pytest.approx(25.3, abs=8)


def test_vinh_phuc_ranks_about_12th_by_cases_and_15th_by_money(demo: Seeded) -> None:
    by_cases, by_money = ranks(demo.cases, demo.app.directory, START, END)[VINH_PHUC]
    assert 10 <= by_cases <= 14
    assert 13 <= by_money <= 17


@pytest.mark.slow
def test_at_a_larger_scale_the_figures_match_the_article(
        sqlite_dir: Path, cheap_passwords: None) -> None:
    seeded = Seeded(f"sqlite:///{sqlite_dir}/demo.sqlite", scale=0.3)
    vp = figures(seeded.cases, seeded.app.directory, VINH_PHUC, START, END)
    assert vp.rate("cases") == pytest.approx(69.0, abs=1)
    assert vp.rate("money") == pytest.approx(25.3, abs=1)
    assert ranks(seeded.cases, seeded.app.directory, START, END)[VINH_PHUC] == (12, 15)


def test_reference_reproduces_the_worked_example_of_spec_4(
        sqlite_dir: Path, cheap_passwords: None) -> None:
    """One province, ten cases of 100 VND received in the period: 1 entrusted out, 2 unable,
    5 completed, 1 terminated with 100 outstanding, 1 in progress with 40 collected."""
    app = CaseApplication(f"sqlite:///{sqlite_dir}/example.sqlite", default_directory())
    chv = app.users.create("chv.c01.1", "password-1", "enforcer", "C01").actor
    ids = [app.create_case(chv, {
        "agency": "C01", "received_on": date(2019, 10, 1 + i), "initiation": "on_request",
        "judgment": {"court": "Tòa án nhân dân thành phố Hà Nội", "number": f"{i + 1}/2019/DS-ST",
                     "date": date(2019, 9, 1), "kind": "civil"},
        "creditor": {"name": "Trần Thị Bình", "kind": "individual"},
        "debtor": {"name": "Lê Văn Cường", "kind": "individual"}, "amount_due": 100,
    }).case.id for i in range(10)]
    on = {"on": date(2019, 11, 15)}

    def do(i: int, command: str, **args: Any) -> None:
        app.command(chv, ids[i], command, {**args, **on})

    do(0, "entrust", to_agency="C02")
    do(1, "verify", result="unable")
    do(2, "verify", result="unable")
    for i in range(3, 8):
        do(i, "collect", amount=100, source="voluntary")
        do(i, "pay-out", amount=100)
        do(i, "close")
    do(8, "terminate", reason="dc.50.1.c")
    do(9, "collect", amount=40, source="voluntary")

    f = figures(fold(read_events(app)), app.directory, "C01", START, END)
    assert (f.cases["to_execute"], f.cases["without_conditions"], f.cases["with_conditions"],
            f.cases["completed"], f.cases["terminated"]) == (9, 2, 7, 5, 1)
    assert (f.money["to_execute"], f.money["without_conditions"], f.money["with_conditions"],
            f.money["completed"], f.money["terminated"]) == (900, 200, 700, 540, 100)
    assert (f.rate("cases"), f.rate("money")) == (85.7, 91.4)
    assert (f.cases["entrusted"], f.money["entrusted"]) == (1, 100)
    assert (f.cases["carried_forward"], f.money["carried_forward"]) == (3, 260)
    assert (f.cases["in_progress"], f.money["in_progress"]) == (1, 60)

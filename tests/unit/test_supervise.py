"""``thads run``'s supervisor (``service.supervise``) on real short-lived processes: a child
that dies is started again, after a pause that doubles while it keeps dying soon after its
start (up to a limit) and starts over once it has run steadily; stopping stops every child."""

from __future__ import annotations

import sys
import time

import pytest

from service import supervise
from service.supervise import Child, Supervisor

CRASH = [sys.executable, "-c", "raise SystemExit(3)"]
SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


def tend_until(supervisor: Supervisor, done: object, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while not done():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the supervisor did not get there"
        supervisor.tend()
        time.sleep(0.01)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(supervise, "FIRST_PAUSE", 0.05)
    monkeypatch.setattr(supervise, "LONGEST_PAUSE", 0.2)


def test_a_child_that_keeps_dying_waits_longer_each_time(quick: None) -> None:
    lines: list[str] = []
    child = Child("crasher", CRASH)
    supervisor = Supervisor([child], echo=lines.append)
    supervisor._start(child)
    pauses: list[float] = []
    while len(pauses) < 5:
        tend_until(supervisor, lambda: child.process is None)
        pauses.append(child.pause)
        tend_until(supervisor, lambda: child.process is not None)
    supervisor.stop()
    assert pauses == [0.05, 0.1, 0.2, 0.2, 0.2]
    assert child.ended[:5] == [3] * 5 and child.restarts == 5
    assert lines[0].startswith("thads run: crasher (pid ")
    assert lines[0].endswith("ended with status 3; starting it again in 0.05 s")


def test_a_child_that_ran_steadily_waits_the_first_pause(quick: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    child = Child("crasher", CRASH)
    supervisor = Supervisor([child], echo=lambda _: None)
    supervisor._start(child)
    for _ in range(3):
        tend_until(supervisor, lambda: child.process is None)
        tend_until(supervisor, lambda: child.process is not None)
    assert child.pause == 0.2
    monkeypatch.setattr(supervise, "STEADY", 0.0)  # whatever it lived counts as steady now
    tend_until(supervisor, lambda: child.process is None)
    assert child.pause == 0.05
    supervisor.stop()


def test_stop_ends_every_child_and_starts_none_again() -> None:
    children = [Child("one", SLEEP), Child("two", SLEEP)]
    supervisor = Supervisor(children, echo=lambda _: None)
    for child in children:
        supervisor._start(child)
    processes = [c.process for c in children]
    supervisor.stop()
    assert all(p is not None and p.poll() is not None for p in processes)
    supervisor.tend()
    assert [c.process for c in children] == processes and all(c.restarts == 0 for c in children)

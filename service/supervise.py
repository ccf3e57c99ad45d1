"""``thads run``'s supervisor: it starts its processes (the web server, the projection runner
or one per read model, the report workers), starts again any that dies, as a service manager
would, and stops them together on SIGINT (Ctrl-C) or SIGTERM.

The children run in a session of their own, so that Ctrl-C reaches only the supervisor, which
then stops them in order: the web server first (no new writes), then the workers, then the
runners. A child is killed by the kernel if the supervisor dies without stopping it (SIGKILL,
a crash): nothing is lost that way (a runner's batch rolls back, a report is retried), and no
child can outlive it (an rq worker sent SIGTERM while starting up was seen to stay)."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 10.0
STEADY = 30.0
"""A child that dies is started again after the first pause; one that dies again within
``STEADY`` seconds of its start waits twice as long as the time before (up to
``LONGEST_PAUSE``: a worker that cannot reach Redis yet is back soon after Redis is)."""


@dataclass
class Child:
    """A process the supervisor keeps running."""

    name: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    pause: float = 0.0  # the last pause before a start again (0: none yet)
    due: float = 0.0  # when a dead child is started again
    restarts: int = 0
    ended: list[int | None] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid


def thads(*args: str) -> list[str]:
    """The command line of ``thads ARGS`` with this interpreter."""
    return [sys.executable, "-m", "service.cli", *args]


class Supervisor:
    def __init__(self, children: Sequence[Child], echo: Callable[[str], Any]):
        self.children = list(children)
        self.echo = echo
        self.stopping = threading.Event()

    def run(self) -> None:
        """Start every child and keep them running until SIGINT or SIGTERM; then stop them."""
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for child in self.children:
                self._start(child)
            while not self.stopping.is_set():
                self.tend()
                self.stopping.wait(0.2)
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _on_signal(self, signum: int, _: Any) -> None:
        self.stopping.set()

    def tend(self) -> None:
        """Start again each child that has ended, once its pause is over."""
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if process is not None and process.poll() is not None and not self.stopping.is_set():
                quick = now - child.started < STEADY and child.pause > 0
                child.pause = min(child.pause * 2, LONGEST_PAUSE) if quick else FIRST_PAUSE
                child.due = now + child.pause
                child.ended.append(process.returncode)
                child.process = None
                self.echo(f"thads run: {child.name} (pid {process.pid}) ended with status "
                          f"{process.returncode}; starting it again in {child.pause:g} s")
            elif process is None and now >= child.due and not self.stopping.is_set():
                child.restarts += 1
                self._start(child)

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.args, start_new_session=True, preexec_fn=die_with_parent)
        child.started = time.monotonic()

    def stop(self) -> None:
        """Stop the web server, then the workers, then the runners (the order given)."""
        self.stopping.set()
        stop([c.process for c in self.children if c.process is not None])


def stop(processes: Sequence[subprocess.Popen[bytes]], *, in_order: bool = True) -> None:
    """Ask the processes to stop (SIGTERM, one after the other when ``in_order``; a second one
    makes an rq worker drop its current job, which is retried later), then kill those that
    will not."""
    waits = (5.0, 10.0)
    for wait in waits:
        running = [p for p in processes if p.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            if in_order:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=wait)
        deadline = time.monotonic() + wait
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def die_with_parent() -> None:
    """Ask the kernel (Linux) to kill this process with SIGKILL when its parent dies (in a
    child, between its fork and its work: nothing here loads a library or starts a process)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None

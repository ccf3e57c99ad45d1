"""The read side's view of the projections: where their tables are, how far they have got,
and waiting for a position (read-your-writes)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from projections.base import Names
from projections.registry import Registry
from projections.runner import Runner
from service.errors import Unavailable

log = logging.getLogger(__name__)

WAIT_LIMIT = 5.0


class ReadModels:
    def __init__(self, registry: Registry, runner: Runner, *, inline: bool = False):
        self.registry = registry
        self.runner = runner
        self.inline = inline

    def names(self, projection: str) -> Names:
        return self.registry.active_names(projection)

    def positions(self) -> dict[str, int]:
        return self.registry.positions()

    def after_write(self) -> None:
        """In inline mode (tests, a single process) a write brings the read models up to date
        before it answers; otherwise the runner process does it. The write itself is already
        stored: a failing read model must not turn it into an error."""
        if self.inline:
            try:
                self.runner.catch_up()
            except Exception:
                log.exception("read models could not catch up after a write")

    def wait_for(self, position: int | None, projections: Sequence[str],
                 limit: float = WAIT_LIMIT) -> None:
        """Return once every named read model has applied the log up to ``position``."""
        if not position:
            return
        if self.inline:
            self.runner.catch_up(projections)
        deadline = time.monotonic() + limit
        delay = 0.005
        while True:
            positions = self.positions()
            behind = [p for p in projections if positions.get(p, 0) < position]
            if not behind:
                return
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"read models {', '.join(behind)} have not reached position {position} "
                    f"within {limit:.0f} s; is the projection runner (thads project) running?",
                    details={"positions": positions, "min_position": position})
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

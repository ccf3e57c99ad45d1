"""The read side's view of the projections: where their tables are, how far they have got,
and waiting for a position (read-your-writes)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from domain.errors import InvalidValue
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
        """Return once every named read model has applied the log up to ``position`` (a client
        reading its own write, SPEC §8). A position beyond the log head was never written and
        would only be waited for in vain: 422 at once, naming it (the head is read only when
        some read model is behind)."""
        if not position:
            return
        if self.inline:
            self.runner.catch_up(projections)
        deadline = time.monotonic() + limit
        delay, written = 0.005, False
        while True:
            positions = self.positions()
            behind = [p for p in projections if positions.get(p, 0) < position]
            if not behind:
                return
            if not written:
                self._written(position)
                written = True
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"read models {', '.join(behind)} have not reached position {position} "
                    f"within {limit:.0f} s; is the projection runner (thads project) running?",
                    details={"positions": positions, "min_position": position})
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _written(self, position: int) -> None:
        head = self.runner.app.log_head()
        if position > head:
            raise InvalidValue(f"min_position {position} is beyond the end of the log ({head}): "
                               "use the position a write answered", field="min_position",
                               rule="unknown_position")

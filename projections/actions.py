"""The actions read model behind "every action of one user" (SPEC §6): one row per event of
the log with who gave the command (``by``), the case and its version, the event type, the
business date and the recorded time, indexed by user and log position.

It folds nothing: each row comes from its event alone and the batch is appended as it is,
so a full rebuild pays little for it beside the read models that fold the cases. The case's
agency and number are not copied here: finding them for a later event would need the case's
acceptance (a lookup or a cache per case, the cost this model avoids), they never change after
acceptance, and the case-summary read model holds them; the query joins it
(``projections.action_query``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from domain.case import EnforcementCase
from projections.base import Names, Positioned, Projection, Reader
from service.store import Transaction

COLUMNS = ("position", "username", "case_id", "version", "event_type", "on_day", "recorded_us")
"""``on_day``: the business date as a day number (``date.toordinal``); ``recorded_us``: the
recorded time in microseconds since 1970 UTC (an integer compares and ranges alike on both
stores, which ISO text with an optional fraction would not)."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

EVENT_TYPES = tuple(sorted(
    name for name, value in vars(EnforcementCase).items()
    if isinstance(value, type) and issubclass(value, EnforcementCase.Event)
    and name not in ("Event", "Created")))
"""Every event type a case records (the class names stored in the log)."""


def micros(moment: datetime) -> int:
    """An aware time as microseconds since 1970 UTC (exact: no float on the way)."""
    return (moment - EPOCH) // MICROSECOND


def moment(recorded_us: int) -> datetime:
    return EPOCH + recorded_us * MICROSECOND


class ActionsProjection(Projection):
    name = "actions"
    version = 2  # 2: WITHOUT ROWID on SQLite
    # Rebuilt in the statistics' process, the lighter of the two (``Runner.process_groups``):
    # its own work is less than reading and decoding the log again.
    companion = "statistics"
    tables: ClassVar[dict[str, list[str]]] = {"log": [
        "CREATE TABLE IF NOT EXISTS {t} (position BIGINT PRIMARY KEY, username TEXT NOT NULL,"
        " case_id TEXT NOT NULL, version INTEGER NOT NULL, event_type TEXT NOT NULL,"
        " on_day INTEGER NOT NULL, recorded_us BIGINT NOT NULL){rowless}",
        # One user's actions newest first, read in order from the index (paged by position).
        "CREATE INDEX IF NOT EXISTS {t}_user ON {t} (username, position)",
    ]}

    def prepare(self, reader: Reader, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        # As Any: mypy would narrow the events to the base class, which declares no ``by`` or ``on``.
        case_event: Any = EnforcementCase.Event
        return [(p.position, (e := p.event).by, p.case_id, e.originator_version, type(e).__name__,
                 e.on.toordinal(), micros(e.timestamp))
                for p in events if isinstance(p.event, case_event)]

    def write(self, tx: Transaction, names: Names, prepared: Any) -> None:
        tx.insert(names["log"], COLUMNS, prepared)

"""The bottleneck read model (SPEC §5): per case the date each stage was first reached and the
fields of the seed's named lists (``timeline``), one row per time-limit clock (``clocks``) and
one per collection of money (``collections``, for results per enforcer); and the dashboard's
counters per agency node (``dash_counts``), from the same folded rows.

Each batch is folded in memory (``bottleneck_fold``) and written back with one upsert per
table; the rows of recently touched cases and their open clocks stay cached between batches
(a case's events come spread over months of the log), up to ``CACHE_ROWS``. The runner
empties the cache whenever it may no longer match the tables.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from operator import attrgetter
from typing import Any, ClassVar

from domain.case import EnforcementCase
from domain.time_limits import RuleBook, default_rules
from projections import dash_counts
from projections.base import Names, Positioned, Projection, Reader, cached_cases, split_new
from projections.bottleneck_fold import Folder
from projections.bottleneck_rows import CLOCK_COLUMNS, TIMELINE_COLUMNS, Clock, Timeline
from projections.dash_rows import Contribution, contribution
from service.store import Transaction

log = logging.getLogger(__name__)

CACHE_ROWS = 200_000  # about 1.8 kB each with their open clocks: some 360 MB at most
LOAD_CHUNK = 500  # ids per SELECT … IN (…): well under every SQLite build's parameter limit

_TEXT = {"case_id", "agency", "enforcer", "number", "debtor", "creditor", "creditor_kind",
         "initiation", "difficult_reason", "state", "outcome", "memo", "clock", "key",
         "rules_version"}
_BIG = {"amount_due", "collected", "paid_out", "amount"}
_REQUIRED = {"case_id", "agency", "number", "amount_due", "collected", "paid_out", "state",
             "received_on", "requested_on", "last_on", "memo", "clock", "key", "started_on",
             "due_on", "rules_version"}
IMMUTABLE = ("case_id", "agency", "number", "initiation", "requested_on", "received_on")


def _columns(names: Sequence[str], key: Sequence[str]) -> str:
    lines = [f"{n} {'TEXT' if n in _TEXT else 'BIGINT' if n in _BIG else 'INTEGER'}"
             f"{' NOT NULL' if n in _REQUIRED else ''}" for n in names]
    return ",\n    ".join([*lines, f"PRIMARY KEY ({', '.join(key)})"])


TABLES: dict[str, list[str]] = {
    "timeline": [
        f"CREATE TABLE IF NOT EXISTS {{t}} (\n    {_columns(TIMELINE_COLUMNS, ['case_id'])}\n)",
        "CREATE INDEX IF NOT EXISTS {t}_agency ON {t} (agency, received_on)",
    ],
    "clocks": [
        f"CREATE TABLE IF NOT EXISTS {{t}} (\n    {_columns(CLOCK_COLUMNS, ['case_id', 'clock', 'key'])}\n)",
        "CREATE INDEX IF NOT EXISTS {t}_due ON {t} (agency, due_on)",
        # The running clocks today, by due date (the case list's overdue filter): most clocks
        # have ended, and nothing ends or pauses after today (no business date is in the future).
        "CREATE INDEX IF NOT EXISTS {t}_open_due ON {t} (due_on, started_on, case_id)"
        " WHERE ended_on IS NULL AND paused_on IS NULL",
    ],
    "collections": [
        "CREATE TABLE IF NOT EXISTS {t} (\n    case_id TEXT NOT NULL,\n    seq INTEGER NOT NULL,\n"
        "    agency TEXT NOT NULL,\n    on_day INTEGER NOT NULL,\n    amount BIGINT NOT NULL,\n"
        "    PRIMARY KEY (case_id, seq)\n)",
        "CREATE INDEX IF NOT EXISTS {t}_agency ON {t} (agency, on_day)",
    ],
    **dash_counts.TABLES,
}


def _updates(columns: Sequence[str], key: Sequence[str], fixed: Sequence[str] = ()) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key and c not in fixed)


TIMELINE_KEY, CLOCK_KEY = ("case_id",), ("case_id", "clock", "key")
TIMELINE_UPDATES = _updates(TIMELINE_COLUMNS, TIMELINE_KEY, IMMUTABLE)
CLOCK_UPDATES = _updates(CLOCK_COLUMNS, CLOCK_KEY)
COLLECTION_COLUMNS = ("case_id", "seq", "agency", "on_day", "amount")


_timeline_values = attrgetter(*TIMELINE_COLUMNS)
_clock_values = attrgetter(*CLOCK_COLUMNS)


class BottlenecksProjection(Projection):
    name = "bottlenecks"
    version = 3  # 2: collections carry the agency; 3: the dashboard's counters
    tables: ClassVar[dict[str, list[str]]] = TABLES

    def __init__(self, rules: RuleBook | None = None):
        self.rules = rules or default_rules()
        self._nodes: dict[str, list[str]] = {}

    def nodes(self, agency: str) -> list[str]:
        """The agency and every agency above it (the counter nodes a case counts in)."""
        found = self._nodes.get(agency)
        if found is None:
            found = self._nodes[agency] = self.directory.lineage(agency)
        return found

    def prepare(self, reader: Reader, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        cache: OrderedDict[str, Timeline] = state.setdefault("lines", OrderedDict())
        batch: list[tuple[int, Any, str]] = [
            (p.position, p.event, p.case_id) for p in events
            if isinstance(p.event, EnforcementCase.Event)]
        self._load(reader, names, cache, batch)
        folder = Folder(self.rules)
        changed: dict[str, Timeline] = {}
        before: dict[str, Contribution] = {}  # each changed case's counter steps before the batch
        received: set[str] = set()  # cases whose rows are all new
        latest = 0
        for position, event, case_id in batch:
            on = event.on.toordinal()
            latest = max(latest, on)
            if type(event).__name__ == "Received":
                line = cache[case_id] = folder.received(event, case_id, on)
                before.setdefault(case_id, {})
                received.add(case_id)
            else:
                found = cache.get(case_id)
                if found is None:
                    log.warning("bottlenecks: event %s at %s for a case never received", event, position)
                    continue
                line = found
                if case_id not in before:
                    before[case_id] = contribution(line)
                folder.apply(line, event, on)
            changed[case_id] = line
        counts = dash_counts.count_deltas(
            ((line.agency, before[case_id], contribution(line)) for case_id, line in changed.items()),
            self.nodes)
        for line in changed.values():
            line.encode_memo()
        timelines = split_new(received, (_timeline_values(line) for line in changed.values()))
        clocks = split_new(received, (_clock_values(row) for row in folder.clocks.values()))
        collections = split_new(received, folder.collections)
        for case_id in changed:
            cache.move_to_end(case_id)
        limit = cached_cases(state, CACHE_ROWS)
        while len(cache) > limit:
            cache.popitem(last=False)
        return timelines, clocks, collections, counts, latest if batch else None

    def write(self, tx: Transaction, names: Names, prepared: Any) -> None:
        timelines, clocks, collections, counts, latest = prepared
        # The rows of cases received in the batch are inserted (on PostgreSQL copied into the
        # table); the others go in one upsert per table (on PostgreSQL a COPY and a merge).
        for table, columns, (new, old), key, updates in (
                ("timeline", TIMELINE_COLUMNS, timelines, TIMELINE_KEY, TIMELINE_UPDATES),
                ("clocks", CLOCK_COLUMNS, clocks, CLOCK_KEY, CLOCK_UPDATES),
                ("collections", COLLECTION_COLUMNS, collections, ("case_id", "seq"), "")):
            tx.insert(names[table], columns, new)
            tx.upsert(names[table], columns, key, updates, old)
        if latest is not None:
            dash_counts.save_counts(tx, names, counts, latest)

    @staticmethod
    def _load(reader: Reader, names: Names, cache: OrderedDict[str, Timeline],
              batch: list[tuple[int, Any, str]]) -> None:
        """Read the rows and open clocks of the batch's cases that are neither cached nor
        received in this batch, in one query per table per ``LOAD_CHUNK`` ids."""
        wanted: dict[str, None] = {}
        received: set[str] = set()
        for _, event, case_id in batch:
            if type(event).__name__ == "Received":
                received.add(case_id)
            elif case_id not in cache and case_id not in received:
                wanted[case_id] = None
        ids = list(wanted)
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start:start + LOAD_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            lines: dict[str, Timeline] = {}
            for found in reader.query(f"SELECT {', '.join(TIMELINE_COLUMNS)} FROM {names['timeline']}"
                                  f" WHERE case_id IN ({marks})", chunk):
                line = lines[found["case_id"]] = Timeline(**found)
                line.decode_memo()
            for found in reader.query(f"SELECT {', '.join(CLOCK_COLUMNS)} FROM {names['clocks']}"
                                  f" WHERE case_id IN ({marks}) AND ended_on IS NULL", chunk):
                row = Clock(**found)
                lines[row.case_id].clocks[(row.clock, row.key)] = row
            cache.update(lines)

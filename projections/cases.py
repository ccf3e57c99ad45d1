"""The case-summary read model behind ``GET /cases``: one row per case with what a list shows
and filters on (``projections/case_summary.py`` folds the events into it).

Each batch is folded in memory and only the columns that changed are written back, one
statement per set of changed columns, so an index is written only when its own columns
change. The rows of recently touched cases stay cached between batches (a case's events come
spread over months of the log), up to ``CACHE_ROWS``; the runner empties the cache whenever it
may no longer match the table. They are cached as marshalled bytes in a plain dict: compact,
and invisible to the garbage collector, whose full collections otherwise walked the whole
cache hundreds of times per rebuild (a seventh of its time).
"""

from __future__ import annotations

import logging
import marshal
from collections.abc import Sequence
from itertools import compress, islice
from operator import ne
from typing import Any, ClassVar

from domain.case import EnforcementCase
from projections.base import REBUILDING, Names, Positioned, Projection, Reader, cached_cases
from projections.case_summary import COLUMNS, HANDLERS, Summary, received, values
from service.store import POSTGRES, Transaction

log = logging.getLogger(__name__)

CACHE_ROWS = 200_000  # some 400 bytes each
ANALYZE_FROM = 4096
LOAD_CHUNK = 500  # ids per SELECT … IN (…): well under every SQLite build's parameter limit

IMMUTABLE = ("case_id", "number", "number_key", "agency", "initiation", "received_on")
"""Set by the acceptance event and never changed: left out of the upsert's SET."""
KEY = ("case_id",)
UPDATES = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in IMMUTABLE)
_TYPES = {"amount_due": "BIGINT", "collected": "BIGINT", "paid_out": "BIGINT",
          "updated_position": "BIGINT", "able": "INTEGER", "large": "INTEGER",
          "credit_institution": "INTEGER", "difficult": "INTEGER", "received_on": "INTEGER",
          "last_on": "INTEGER", "closed_on": "INTEGER", "finished": "INTEGER", "version": "INTEGER"}
_NULLABLE = {"enforcer", "outcome", "able", "closed_on"}


def _ddl() -> list[str]:
    columns = ",\n    ".join(
        f"{name} {_TYPES.get(name, 'TEXT')}"
        + (" PRIMARY KEY" if name == "case_id" else "" if name in _NULLABLE else " NOT NULL")
        for name in COLUMNS)
    # The scope (agency IN …) with each sort, the national sorts, and the filters. last_on
    # changes with every event, so it is indexed once, for the commonest reader: an office.
    return [
        f"CREATE TABLE IF NOT EXISTS {{t}} (\n    {columns}\n)",
        "CREATE INDEX IF NOT EXISTS {t}_agency ON {t} (agency, received_on)",
        "CREATE INDEX IF NOT EXISTS {t}_received ON {t} (received_on)",
        "CREATE INDEX IF NOT EXISTS {t}_waiting ON {t} (agency, finished, last_on)",
        # The nation's list by days waiting reads this index in order (no sort of every case).
        "CREATE INDEX IF NOT EXISTS {t}_waiting_all ON {t} (finished, last_on, received_on, number_key,"
        " case_id)",
        "CREATE INDEX IF NOT EXISTS {t}_stage ON {t} (stage)",
        "CREATE INDEX IF NOT EXISTS {t}_state ON {t} (state)",
        "CREATE INDEX IF NOT EXISTS {t}_enforcer ON {t} (enforcer)",
        "CREATE INDEX IF NOT EXISTS {t}_number ON {t} (number_key)",
    ]


# ---------------------------------------------------------------- the projection


class CasesProjection(Projection):
    name = "cases"
    version = 1
    companion = "bottlenecks"  # rebuilt in its process: two processes for two folds, one decode each
    tables: ClassVar[dict[str, list[str]]] = {"summary": _ddl()}

    def prepare(self, reader: Reader, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        cache: dict[str, bytes] = state.setdefault("rows", {})  # least recently used first
        table = names["summary"]
        batch: list[tuple[int, Any, str]] = [
            (p.position, p.event, p.case_id) for p in events
            if isinstance(p.event, EnforcementCase.Event)]
        self._load(reader, table, cache, batch)
        rows: dict[str, Summary] = {}
        before: dict[str, tuple[Any, ...] | None] = {}  # each row as the batch found it; None: new
        for position, event, case_id in batch:
            on = event.on.toordinal()
            if type(event).__name__ == "Received":
                row = rows[case_id] = received(event, case_id, on)
                before[case_id] = None
            else:
                found = rows.get(case_id)
                if found is None:
                    cached = cache.get(case_id)
                    if cached is None:
                        log.warning("cases: event %s at %s for a case never received", event, position)
                        continue
                    before[case_id] = old = marshal.loads(cached)
                    found = rows[case_id] = Summary(*old)
                row = found
                handler = HANDLERS.get(type(event).__name__)
                if handler is not None:
                    handler(row, event, on)
                row.version, row.last_on = event.originator_version, on
            row.updated_position = position
        after = {case_id: values(row) for case_id, row in rows.items()}
        for case_id, now in after.items():
            cache.pop(case_id, None)
            cache[case_id] = marshal.dumps(now)
        limit = cached_cases(state, CACHE_ROWS)
        if len(cache) > limit * 5 // 4:  # evict in bulk: a dict has no cheap popitem(last=False)
            state["rows"] = dict(islice(cache.items(), len(cache) - limit, None))
        # A rebuild's generation is analyzed once, when it is finished (``Registry.finish``).
        analyze = bool(events) and not state.get(REBUILDING) and \
            _doubled(events[0].position - 1, events[-1].position)
        # Written in the order of the case ids (the key): see ``base.by_case``.
        return {case_id: before[case_id] for case_id in sorted(before)}, after, analyze

    def write(self, tx: Transaction, names: Names, prepared: Any) -> None:
        before, after, analyze = prepared
        table = names["summary"]
        self._write(tx, table, before, after)
        if analyze:
            # Fresh statistics let the planner see, say, that a province's offices hold most of
            # the cases, and scan the sort's index instead of sorting them all (SQLite has no
            # automatic ANALYZE). At each doubling of the log: a few seconds in all, ever.
            tx.execute(f"ANALYZE {table}")

    @staticmethod
    def _load(reader: Reader, table: str, cache: dict[str, bytes],
              batch: list[tuple[int, Any, str]]) -> None:
        """Read, in one query per ``LOAD_CHUNK`` ids, the rows of the batch's cases that are
        neither cached nor received in this batch."""
        wanted: dict[str, None] = {}
        new: set[str] = set()
        for _, event, case_id in batch:
            if type(event).__name__ == "Received":
                new.add(case_id)
            elif case_id not in cache and case_id not in new:
                wanted[case_id] = None
        ids = list(wanted)
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start:start + LOAD_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            for found in reader.query(f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE case_id IN ({marks})",
                                  chunk):
                cache[found["case_id"]] = marshal.dumps(tuple(found[column] for column in COLUMNS))

    @staticmethod
    def _write(tx: Transaction, table: str, before: dict[str, tuple[Any, ...] | None],
               after: dict[str, tuple[Any, ...]]) -> None:
        """The rows of cases received in the batch are new: inserted (on PostgreSQL copied
        into the table). On SQLite, changed rows in one UPDATE per set of changed columns, so
        that an index is written only when its columns change (rewriting every column costs
        three to four times as much). On PostgreSQL an update writes every index entry anyway
        (last_on, indexed, changes with almost every event): there they go in one COPY and
        one merge."""
        tx.insert(table, COLUMNS, [after[c] for c, old in before.items() if old is None])
        if tx.dialect == POSTGRES:
            merged = [after[c] for c, old in before.items() if old is not None]
            tx.upsert(table, COLUMNS, KEY, UPDATES, merged)
            return
        updates: dict[tuple[bool, ...], list[tuple[Any, ...]]] = {}
        for case_id, old in before.items():
            if old is not None:
                row = after[case_id]
                changed = tuple(map(ne, old, row))  # in C: this is per event, so it counts
                updates.setdefault(changed, []).append((*compress(row, changed), case_id))
        for changed, params in updates.items():
            columns = ", ".join(f"{column} = %s" for column in compress(COLUMNS, changed))
            tx.executemany(f"UPDATE {table} SET {columns} WHERE case_id = %s", params)


def _doubled(before: int, after: int) -> bool:
    """Whether the log position passed a power of two (from 4096 on) in this batch."""
    return after >= ANALYZE_FROM and after.bit_length() > max(before, ANALYZE_FROM - 1).bit_length()

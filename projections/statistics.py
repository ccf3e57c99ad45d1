"""The statistics read model (SPEC §4): monthly deltas per agency node and split.

Tables (logical names):

- ``cases``: each case's current ``CaseStat``, the state the next event's deltas start from;
- ``months``: per (node, split, month) the sums of the deltas of ``stats_model``: ``node`` is
  the case's agency and each agency above it up to the nation, ``split`` is ``all``,
  ``init:<initiation>`` or ``kind:<judgment kind>``;
- ``known``: the same sums also keyed by ``bucket`` (log position // BUCKET), so that the
  statistics "as known at" a past moment are the sums of the buckets before it plus a short
  replay (``stats_known``); kept only for each case's own agency and for the nation, the root
  (at a million cases the rows of the provinces were 3 million of 7 million written);
- ``lineage``: which agencies' ``known`` rows (``member``) sum to a node's (``target``): every
  agency at or below it, or for the nation its own rows alone;
- ``snapshots``: the ``months`` table as it stood at every MARK_BUCKETS-th bucket boundary
  (listed in ``marks``), so that "as known at" sums at most MARK_BUCKETS buckets of ``known``.

A batch is folded in memory and written with one set-wise upsert per table. A rebuild keeps
``months`` in memory instead and writes it once, at the end (``complete``): each of its batches
changes most of the table's rows, which on PostgreSQL made merging them the rebuild's largest
write; its snapshots are then taken from memory too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice
from operator import add, itemgetter, sub
from typing import Any

from projections import stats_model
from projections.base import REBUILDING, Names, Positioned, Projection, Reader, cached_cases, split_new
from projections.stats_model import (
    INDEX,
    METRICS,
    RELEVANT,
    CaseStat,
    Delta,
    Where,
    correction_deltas,
    is_correction,
    is_relevant,
    splits,
    step,
)
from service.store import Transaction

TOTALS = "months"
"""The key of ``state`` under which a rebuild keeps the ``months`` table it has not written."""
CACHE_LIMIT = 200_000
"""Cases kept in memory between batches (least recently used dropped first)."""
LOAD_CHUNK = 500

_METRIC_COLUMNS = ", ".join(f"{m} BIGINT NOT NULL DEFAULT 0" for m in METRICS)
_CASE_COLUMNS = ("case_id", "agency", "initiation", "kind", "received_month", "amount_due", "collected",
                 "able", "hold", "finished")


class StatisticsProjection(Projection):
    name = "statistics"
    version = 5  # 4: WITHOUT ROWID on SQLite; 5: ``known`` of own agencies and the root, ``lineage``
    tables = {  # noqa: RUF012 (the interface's class attribute)
        "cases": [
            "CREATE TABLE IF NOT EXISTS {t} (case_id TEXT PRIMARY KEY, agency TEXT NOT NULL,"
            " initiation TEXT NOT NULL, kind TEXT NOT NULL, received_month INTEGER NOT NULL,"
            " amount_due BIGINT NOT NULL, collected BIGINT NOT NULL, able SMALLINT, hold TEXT,"
            " finished TEXT){rowless}",
        ],
        "months": [
            "CREATE TABLE IF NOT EXISTS {t} (node TEXT NOT NULL, split TEXT NOT NULL,"
            f" month INTEGER NOT NULL, {_METRIC_COLUMNS}, PRIMARY KEY (node, split, month)){{rowless}}",
        ],
        "known": [
            "CREATE TABLE IF NOT EXISTS {t} (node TEXT NOT NULL, bucket INTEGER NOT NULL,"
            f" split TEXT NOT NULL, month INTEGER NOT NULL, {_METRIC_COLUMNS},"
            " PRIMARY KEY (node, bucket, split, month)){rowless}",
        ],
        "lineage": [
            "CREATE TABLE IF NOT EXISTS {t} (target TEXT NOT NULL, member TEXT NOT NULL,"
            " PRIMARY KEY (target, member)){rowless}",
        ],
        "snapshots": [
            "CREATE TABLE IF NOT EXISTS {t} (node TEXT NOT NULL, mark INTEGER NOT NULL,"
            f" split TEXT NOT NULL, month INTEGER NOT NULL, {_METRIC_COLUMNS},"
            " PRIMARY KEY (node, mark, split, month)){rowless}",
        ],
        "marks": ["CREATE TABLE IF NOT EXISTS {t} (mark INTEGER PRIMARY KEY)"],
    }

    def __init__(self) -> None:
        self._lineages: dict[str, list[str]] = {}

    def up_the_tree(self, own: dict[tuple[Any, ...], list[int]]) -> dict[tuple[Any, ...], list[int]]:
        """Sums keyed by an agency first (``(agency, …)``), each agency's own, made the sums of
        every node: each agency's row added to its parent's, the deepest agencies first, so a
        row is added once per level instead of once per case-level row under it."""
        out = dict(own)
        levels: dict[int, list[tuple[Any, ...]]] = {}
        for key in own:
            levels.setdefault(len(self._lineage(key[0])), []).append(key)
        depth = max(levels, default=0)
        while depth > 1:
            above: list[tuple[Any, ...]] = levels.setdefault(depth - 1, [])
            for key in levels.pop(depth, []):
                parent = (self._lineage(key[0])[1], *key[1:])
                values, row = out[key], out.get(parent)
                if row is None:
                    out[parent] = values
                    above.append(parent)
                else:
                    out[parent] = list(map(add, row, values))
            depth -= 1
        return out

    def with_root(self, own: dict[tuple[Any, ...], list[int]]) -> dict[tuple[Any, ...], list[int]]:
        """Sums keyed by an agency first, each agency's own, with the sums of the root (the
        nation) above them: the rows ``known`` keeps."""
        roots = ((root, key, values) for key, values in own.items()
                 if (root := self._lineage(key[0])[-1]) != key[0])
        return _merge(chain(own.items(), (((root, *key[1:]), values) for root, key, values in roots)))

    def members(self, agencies: Iterable[str]) -> list[tuple[str, str]]:
        """The ``lineage`` rows (target, member) of cases at ``agencies``: each agency for itself
        and every agency above it but the root, whose ``known`` rows are its own."""
        pairs: set[tuple[str, str]] = set()
        for agency in agencies:
            lineage = self._lineage(agency)
            pairs.update((target, agency) for target in lineage[:-1])
            pairs.add((lineage[-1], lineage[-1]))
        return sorted(pairs)

    def _lineage(self, agency: str) -> list[str]:
        found = self._lineages.get(agency)
        if found is None:
            found = self._lineages[agency] = self.directory.lineage(agency)
        return found

    # ------------------------------------------------------------ apply

    def prepare(self, reader: Reader, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        todo = [p for p in events if p.topic in RELEVANT and is_relevant(p.event)]
        cache: dict[str, CaseStat | None] = state.setdefault("cases", {})
        wanted = {p.case_id for p in todo if p.topic != "Received"}
        self._load(reader, names, [i for i in wanted if i not in cache], cache)
        known: dict[tuple[Where, int, int], list[int]] = {}
        changed: dict[str, CaseStat] = {}
        received: set[str] = set()  # cases whose row is new: received in this batch
        for p in todo:
            event = p.event
            case_id = p.case_id
            before = cache.pop(case_id, None)
            new, found = step(before, event)
            if new is None:
                continue
            if p.topic == "Received":
                received.add(case_id)
            if is_correction(event):
                found = self.correction(event)
            cache[case_id] = changed[case_id] = new
            bucket = p.position // stats_model.BUCKET
            for where, month, vector in found:
                _add(known, (where, month, bucket), vector)
        own = _merge(((where[0], bucket, split, month), values)
                     for (where, month, bucket), values in known.items()
                     for split in splits(where[1], where[2]))
        months = self.up_the_tree(_merge(((n, s, m), values) for (n, _, s, m), values in own.items()))
        limit = cached_cases(state, CACHE_LIMIT)
        if len(cache) > limit:
            for case_id in list(islice(cache, len(cache) - limit // 2)):
                del cache[case_id]
        span = (events[0].position, events[-1].position) if events else None
        snapshots = None
        if state.get(REBUILDING):
            totals = state.get(TOTALS)
            if totals is None:
                totals = state[TOTALS] = self._load_totals(reader, names)
            for key, values in months.items():
                row = totals.get(key)
                totals[key] = values if row is None else list(map(add, row, values))
            months, snapshots = {}, self._snapshots(totals, own, span)
        # ``known`` rows in the order of their key: see ``base.by_case``.
        unsorted = self.with_root(own)
        rows = {key: unsorted[key] for key in sorted(unsorted)}
        return changed, received, months, own, rows, span, snapshots

    def write(self, tx: Transaction, names: Names, prepared: Any) -> None:
        changed, received, months, own, rows, span, snapshots = prepared
        self._save_cases(tx, names, changed, received)
        tx.upsert(names["lineage"], ("target", "member"), ("target", "member"), "",
                  self.members({key[0] for key in own}))
        self._save_sums(tx, names["months"], ("node", "split", "month"), months)
        if span is None:
            return
        # Nothing at or after the batch's first position has been applied before, so the
        # rows of the buckets that begin there are new: inserted (on PostgreSQL copied into
        # the table), not merged. Only the bucket the batch starts inside may hold rows.
        fresh = (span[0] - 1) // stats_model.BUCKET + 1
        key = ("node", "bucket", "split", "month")
        self._save_sums(tx, names["known"], key, {k: v for k, v in rows.items() if k[1] < fresh})
        tx.insert(names["known"], (*key, *METRICS), [(*k, *v) for k, v in rows.items() if k[1] >= fresh])
        if snapshots is None:
            self._save_marks(tx, names, span[0], span[1], own)
            return
        tx.insert(names["snapshots"], ("node", "mark", "split", "month", *METRICS),
                  [row for rows in snapshots.values() for row in rows])
        tx.executemany(f"INSERT INTO {names['marks']} (mark) VALUES (%s)", [(m,) for m in snapshots])

    def complete(self, tx: Transaction, names: Names, state: dict[str, Any]) -> None:
        """A rebuild's ``months``, kept in memory (or, when the rebuild was started again after
        its last batch, summed from ``known``), written in place of whatever is there."""
        totals = state.pop(TOTALS, None)
        if totals is None:
            totals = self._load_totals(tx, names)
        tx.execute(f"DELETE FROM {names['months']}")
        tx.insert(names["months"], ("node", "split", "month", *METRICS),
                  [(*key, *values) for key, values in totals.items()])

    def correction(self, event: Any) -> list[Delta]:
        history = list(self.app.events.get(event.originator_id, lte=event.originator_version))
        return correction_deltas(history)

    # ------------------------------------------------------------ storage

    def _load(self, reader: Reader, names: Names, ids: list[str],
              cache: dict[str, CaseStat | None]) -> None:
        for i in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[i:i + LOAD_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            for row in reader.query(f"SELECT * FROM {names['cases']} WHERE case_id IN ({marks})", chunk):
                able = None if row["able"] is None else bool(row["able"])
                cache[row["case_id"]] = CaseStat(
                    row["agency"], row["initiation"], row["kind"], int(row["received_month"]),
                    int(row["amount_due"]), int(row["collected"]), able, row["hold"], row["finished"])

    @staticmethod
    def _save_cases(tx: Transaction, names: Names, changed: dict[str, CaseStat], received: set[str]) -> None:
        """The changed cases' rows: those of cases received in the batch inserted, the others
        merged."""
        updates = ", ".join(f"{c} = excluded.{c}" for c in _CASE_COLUMNS[1:])
        new, old = split_new(received, (
            (case_id, s.agency, s.initiation, s.kind, s.received_month, s.amount_due, s.collected,
             None if s.able is None else int(s.able), s.hold, s.finished) for case_id, s in changed.items()))
        tx.insert(names["cases"], _CASE_COLUMNS, new)
        tx.upsert(names["cases"], _CASE_COLUMNS, ("case_id",), updates, old)

    @staticmethod
    def _load_totals(reader: Reader, names: Names) -> dict[tuple[Any, ...], list[int]]:
        """What ``months`` holds by the position the generation has reached, summed from
        ``known`` (a rebuild does not write ``months`` before its end)."""
        sums = ", ".join(f"SUM(k.{m}) AS {m}" for m in METRICS)
        rows = reader.query(f"SELECT l.target AS node, k.split, k.month, {sums} FROM {names['known']} k"
                            f" JOIN {names['lineage']} l ON l.member = k.node"
                            " GROUP BY l.target, k.split, k.month")
        return {(r["node"], r["split"], int(r["month"])): [int(r[m]) for m in METRICS] for r in rows}

    def _snapshots(self, totals: dict[tuple[Any, ...], list[int]], own: dict[tuple[Any, ...], list[int]],
                   span: tuple[int, int] | None) -> dict[int, list[tuple[Any, ...]]]:
        """A rebuild's snapshot rows (as ``_save_marks`` takes them from the table) at the mark
        boundaries the batch reached, from ``totals``: ``months`` after the batch."""
        if span is None:
            return {}
        out: dict[int, list[tuple[Any, ...]]] = {}
        for mark, later_own in _later_by_mark(own, _reached(*span)).items():
            later = self.up_the_tree(later_own)
            rows = out[mark] = []
            for (node, split, month), values in totals.items():
                subtract = later.get((node, mark, split, month))
                if subtract is not None:
                    values = list(map(sub, values, subtract))
                if any(values):
                    rows.append((node, mark, split, month, *values))
            rows.sort(key=_row_key)
        return out

    def _save_marks(self, tx: Transaction, names: Names, first: int, last: int,
                    own: dict[tuple[Any, ...], list[int]]) -> None:
        """Snapshots at the mark boundaries this batch reached: ``months`` now, less the deltas
        of this batch's events at or after the boundary. A mark missed (a boundary in a gap of
        the log's ids) only makes "as known at" sum more buckets."""
        months = names["months"]
        difference = [f"m.{m} - COALESCE(l.{m}, 0)" for m in METRICS]
        for mark, later_own in _later_by_mark(own, _reached(first, last)).items():
            later = self.up_the_tree(later_own)
            # Every key of ``later`` is in ``months`` (written above from the same rows). Only
            # rows that are not zero: the same rows whichever batch reached the mark.
            stage = tx.stage(months, ("node", "split", "month", *METRICS),
                             [(node, split, month, *values)
                              for (node, _, split, month), values in later.items()])
            tx.execute(f"INSERT INTO {names['snapshots']} (node, mark, split, month, {', '.join(METRICS)})"
                       f" SELECT m.node, {int(mark)}, m.split, m.month, {', '.join(difference)}"
                       f" FROM {months} m LEFT JOIN {stage} l"
                       " ON l.node = m.node AND l.split = m.split AND l.month = m.month"
                       f" WHERE {' OR '.join(f'{d} <> 0' for d in difference)}")
            tx.execute(f"INSERT INTO {names['marks']} (mark) VALUES (%s)", (mark,))

    @staticmethod
    def _save_sums(tx: Transaction, table: str, key: tuple[str, ...],
                   rows: dict[tuple[Any, ...], list[int]]) -> None:
        # Rows summing to zero are written too: which rows exist then depends only on the
        # events, not on how they were batched, so a live read model equals a rebuild.
        updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in METRICS)
        tx.upsert(table, (*key, *METRICS), key, updates, [(*k, *v) for k, v in rows.items()])


_row_key = itemgetter(0, 1, 2, 3)


def _reached(first: int, last: int) -> range:
    """The marks whose boundary a batch of the positions [first, last] reached."""
    size = stats_model.BUCKET * stats_model.MARK_BUCKETS
    return range(first // size + 1, (last + 1) // size + 1)


def _later_by_mark(rows: dict[tuple[Any, ...], list[int]],
                   marks: range) -> dict[int, dict[tuple[Any, ...], list[int]]]:
    """For each mark, the sums of the batch's rows (``(agency, bucket, split, month)``) in
    buckets at or after the mark's boundary, keyed ``(agency, mark, split, month)``: the marks
    taken latest first, each row added once to a running sum."""
    if not marks:
        return {}
    ordered = sorted(rows.items(), key=lambda item: item[0][1], reverse=True)
    running: dict[tuple[Any, ...], list[int]] = {}
    out: dict[int, dict[tuple[Any, ...], list[int]]] = {}
    i = 0
    for mark in reversed(marks):
        boundary = mark * stats_model.MARK_BUCKETS
        while i < len(ordered) and ordered[i][0][1] >= boundary:
            (node, _, split, month), values = ordered[i]
            key = (node, split, month)
            row = running.get(key)
            running[key] = values if row is None else list(map(add, row, values))
            i += 1
        out[mark] = {(node, mark, split, month): values for (node, split, month), values in running.items()}
    return out


def _merge(pairs: Iterable[tuple[tuple[Any, ...], list[int]]]) -> dict[tuple[Any, ...], list[int]]:
    """Sums by key. Lists are shared between keys until summed, never changed in place."""
    out: dict[tuple[Any, ...], list[int]] = {}
    for key, values in pairs:
        row = out.get(key)
        out[key] = values if row is None else list(map(add, row, values))
    return out


def _add(sums: dict[Any, list[int]], key: Any, vector: dict[str, int]) -> None:
    row = sums.get(key)
    if row is None:
        row = sums[key] = [0] * len(METRICS)
    for name, value in vector.items():
        row[INDEX[name]] += value

"""Generations of read models and their tracking positions.

Each projection has one ``active`` generation that readers use, and while it is rebuilt one
``building`` generation. The position of a generation is its tracking record: the runner
advances it in the same transaction as the view's changes, and only from the position it
read (``advance``), so two runners can never apply the same event twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from projections.base import Names, Projection
from service.store import SQLITE, Database, Transaction

SORT_RUN_KIB = 4096
"""SQLite's page cache while building indexes (``Registry.finish``), which sets how much it
sorts at once."""
SORT_THREADS = 2
"""Helper threads SQLite may sort with while building indexes."""

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS rm_generations (
        projection TEXT NOT NULL,
        generation INTEGER NOT NULL,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        position BIGINT NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        activated_at TEXT,
        PRIMARY KEY (projection, generation)
    )""",
]

ACTIVE, BUILDING, RETIRED = "active", "building", "retired"


@dataclass(frozen=True)
class Generation:
    projection: str
    generation: int
    version: int
    status: str
    position: int


class Registry:
    def __init__(self, db: Database, projections: list[Projection]):
        self.db = db
        self.projections = {p.name: p for p in projections}
        self._names_cache: dict[str, tuple[float, Names]] = {}

    def create_tables(self) -> None:
        """The registry, and an active generation of each read model with every secondary
        index its code declares: an index added in a release is built on the active
        generation here (once; a few seconds at a million cases) without a rebuild."""
        self.db.create(SCHEMA)
        for projection in self.projections.values():
            active = self.ensure_active(projection)
            if active.version == projection.version:
                names = self.names(projection.name, active.generation)
                self.db.create(projection.schema(names, indexes=True, dialect=self.db.dialect))

    def ensure_active(self, projection: Projection) -> Generation:
        """The active generation, created (empty, at position 0) when there is none."""
        current = self.active(projection.name)
        if current is not None:
            return current
        with self.db.transaction() as tx:
            rows = tx.query(
                "SELECT generation FROM rm_generations WHERE projection = %s AND status = %s",
                (projection.name, ACTIVE))
            if not rows:
                self._create(tx, projection, 1, ACTIVE)
        found = self.active(projection.name)
        assert found is not None
        return found

    def _create(self, tx: Transaction, projection: Projection, generation: int, status: str) -> None:
        now = datetime.now(tz=UTC).isoformat()
        tx.execute(
            "INSERT INTO rm_generations (projection, generation, version, status, position,"
            " created_at, activated_at) VALUES (%s, %s, %s, %s, 0, %s, %s) ON CONFLICT DO NOTHING",
            (projection.name, generation, projection.version, status, now,
             now if status == ACTIVE else None))
        # A generation being rebuilt gets its secondary indexes when it is complete (see
        # ``activate``): building them once from sorted rows costs a fraction of keeping
        # them up to date row by row, and nothing reads that generation before then.
        names = self.names(projection.name, generation)
        for statement in projection.schema(names, indexes=False if status == BUILDING else None,
                                           dialect=tx.dialect):
            tx.execute(statement)

    def names(self, projection: str, generation: int) -> Names:
        return Names(projection, generation, list(self.projections[projection].tables))

    def generations(self, projection: str | None = None) -> list[Generation]:
        sql = "SELECT projection, generation, version, status, position FROM rm_generations"
        params: tuple[str, ...] = ()
        if projection is not None:
            sql += " WHERE projection = %s"
            params = (projection,)
        return [Generation(r["projection"], int(r["generation"]), int(r["version"]), r["status"],
                           int(r["position"])) for r in self.db.query(sql + " ORDER BY 1, 2", params)]

    def active(self, projection: str) -> Generation | None:
        found = [g for g in self.generations(projection) if g.status == ACTIVE]
        return found[0] if found else None

    def building(self, projection: str) -> Generation | None:
        found = [g for g in self.generations(projection) if g.status == BUILDING]
        return found[0] if found else None

    def active_names(self, projection: str, max_age: float = 1.0) -> Names:
        """The active tables of a projection, as readers see them (cached briefly: after a
        switch the previous generation stays until the next rebuild, so a stale name works)."""
        cached = self._names_cache.get(projection)
        now = time.monotonic()
        if cached and now - cached[0] < max_age:
            return cached[1]
        generation = self.active(projection)
        if generation is None:
            generation = self.ensure_active(self.projections[projection])
        names = self.names(projection, generation.generation)
        self._names_cache[projection] = (now, names)
        return names

    def positions(self) -> dict[str, int]:
        """Each projection's active position (its tracking record)."""
        return {g.projection: g.position for g in self.generations()
                if g.status == ACTIVE and g.projection in self.projections}

    def start_building(self, projection: Projection) -> Generation:
        """A new, empty generation to rebuild into; retired generations are dropped now."""
        existing = self.building(projection.name)
        if existing is not None:
            return existing
        for old in self.generations(projection.name):
            if old.status == RETIRED:
                self._drop(projection, old.generation)
        number = max((g.generation for g in self.generations(projection.name)), default=0) + 1
        with self.db.transaction() as tx:
            self._create(tx, projection, number, BUILDING)
        found = self.building(projection.name)
        assert found is not None
        return found

    def discard_building(self, projection: Projection) -> None:
        existing = self.building(projection.name)
        if existing is not None:
            self._drop(projection, existing.generation)

    def finish(self, projection: str, generation: int) -> None:
        """Give a built generation its secondary indexes and fresh planner statistics (on
        PostgreSQL it is vacuumed too). A process that rebuilt it does this itself, while
        others still build theirs. On SQLite the statistics are taken in the same transaction
        as the indexes are built: the write lock is taken once, instead of once more per table
        while another rebuilding process finishes too (each then waited for the other's)."""
        names = self.names(projection, generation)
        with self.db.transaction() as tx:
            if tx.dialect == SQLITE:
                # SQLite sorts an index's entries in runs as large as the page cache, one thread
                # by default: runs of a few megabytes, sorted by helper threads and merged, build
                # a million rows' indexes in two thirds of the time (13.4 s against 8.4 s for
                # every index of the read models, at a million cases).
                tx.execute(f"PRAGMA cache_size = -{SORT_RUN_KIB}")
                tx.execute(f"PRAGMA threads = {SORT_THREADS}")
            for statement in self.projections[projection].schema(names, indexes=True, dialect=tx.dialect):
                tx.execute(statement)
            if tx.dialect == SQLITE:
                for table in names.values():
                    tx.execute(f"ANALYZE {table}")
        if self.db.dialect != SQLITE:
            for table in names.values():
                self.db.analyze(table)  # VACUUM (ANALYZE), outside a transaction

    def activate(self, projection: str, generation: int, *, finished: bool = False) -> None:
        """Make a built generation the one readers use (``finish``-ed first unless it was);
        the old one is retired."""
        now = datetime.now(tz=UTC).isoformat()
        if not finished:
            self.finish(projection, generation)
        with self.db.transaction() as tx:
            tx.execute("UPDATE rm_generations SET status = %s WHERE projection = %s AND status = %s",
                       (RETIRED, projection, ACTIVE))
            tx.execute("UPDATE rm_generations SET status = %s, activated_at = %s"
                       " WHERE projection = %s AND generation = %s", (ACTIVE, now, projection, generation))
        self._names_cache.pop(projection, None)

    def _drop(self, projection: Projection, generation: int) -> None:
        names = self.names(projection.name, generation)
        with self.db.transaction() as tx:
            for table in names.values():
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            tx.execute("DELETE FROM rm_generations WHERE projection = %s AND generation = %s",
                       (projection.name, generation))

    @staticmethod
    def advance(tx: Transaction, projection: str, generation: int, old: int, new: int) -> bool:
        """Move a generation's tracking position from ``old`` to ``new``; False when someone
        else moved it first (the caller must roll back)."""
        return tx.execute(
            "UPDATE rm_generations SET position = %s"
            " WHERE projection = %s AND generation = %s AND position = %s",
            (new, projection, generation, old)) == 1

"""The projection runner: reads the event log from each read model's tracking position and
applies it in batches, each batch committed with the new position in one transaction.

On PostgreSQL it follows new events through the eventsourcing library's subscription (LISTEN/
NOTIFY); the SQLite recorder has no subscriptions, so there it polls the notification log.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.projection import ApplicationSubscription

from projections.base import CACHED_CASES, REBUILDING, Names, Positioned, Projection
from projections.registry import Generation, Registry

log = logging.getLogger(__name__)

BATCH = 1000
REBUILD_BATCH = 262144
"""A rebuild commits less often: the statistics' monthly sums and the dashboard's counters
are rewritten once per batch, and so is a case's row however many of its events the batch
holds; SQLite's commit writes every page a batch touched, most pages of the per-case tables
at a million cases. A batch of decoded events holds some 500 MB."""
REBUILD_CACHED_CASES = 1_200_000
"""Cases each projection keeps cached while rebuilding (``CACHED_CASES``): at a million cases,
all of them (some 2.5 GB in the process of the case list and the bottlenecks), so that no
case is read back from the tables it is being written to. Following the log, a runner keeps
each projection's default (a few hundred thousand)."""
REBUILD_CACHE_MB = 1024
"""SQLite's page cache per connection of a rebuilding process (``Database.bulk_cache``): at a
million cases the read models' indexes outgrow the default 2 MB a thousand times over."""
REBUILD_TEMP_MB = 256
"""PostgreSQL's temporary buffers per session of a rebuilding process (``_build_child``)."""


REBUILD_QUEUED = 3
"""Folded batches a rebuilding process on SQLite may hold while another process writes
(``Runner._build_batches``): some 200 MB each in the case list's process."""
UNCAPPED = 1 << 62
"""``CACHED_CASES`` while folded batches are queued: nothing is evicted."""


class PositionMoved(Exception):
    """Another process advanced a read model while this runner was applying a batch."""


@dataclass
class Folded:
    """A batch folded by a rebuild and not yet written: what each target is to write."""

    targets: list[Target]
    prepared: dict[tuple[str, int], Any]
    position: int
    events: int


@contextmanager
def _no_waiting(tx: Any, enabled: bool) -> Iterator[None]:
    """On SQLite, statements that fail at once (``database is locked``) instead of waiting
    for another connection's write lock."""
    if not enabled:
        yield
        return
    timeout = tx.query("PRAGMA busy_timeout")[0]
    tx.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        tx.execute(f"PRAGMA busy_timeout = {int(next(iter(timeout.values())))}")


def _locked(error: BaseException) -> bool:
    while error is not None:
        if "database is locked" in str(error):
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


@dataclass
class Target:
    projection: Projection
    generation: int
    names: Names
    position: int
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return self.projection.name, self.generation


class Runner:
    def __init__(self, app: Any, registry: Registry, *, batch: int = BATCH,
                 rebuild_batch: int = REBUILD_BATCH):
        self.app = app
        self.registry = registry
        self.batch = batch
        self.rebuild_batch = rebuild_batch
        for projection in registry.projections.values():
            projection.bind(app)
        self._targets: dict[tuple[str, int], Target] = {}

    # ------------------------------------------------------------ targets

    def target(self, generation: Generation) -> Target:
        key = (generation.projection, generation.generation)
        target = self._targets.get(key)
        if target is None or target.position != generation.position:
            # Unknown, or moved by someone else: any cached state may be stale.
            target = Target(self.registry.projections[generation.projection], generation.generation,
                            self.registry.names(generation.projection, generation.generation),
                            generation.position)
            self._targets[key] = target
        return target

    def active_targets(self, only: Sequence[str] | None = None) -> list[Target]:
        targets = []
        for name, projection in self.registry.projections.items():
            if only is not None and name not in only:
                continue
            generation = self.registry.ensure_active(projection)
            if generation.version != projection.version:
                log.warning("read model %s is version %s but the code is version %s: it needs "
                            "`thads project --rebuild %s`", name, generation.version,
                            projection.version, name)
                continue
            targets.append(self.target(generation))
        return targets

    def outdated(self) -> list[str]:
        """Read models whose active generation was built by another version of the code."""
        return [name for name, projection in self.registry.projections.items()
                if self.registry.ensure_active(projection).version != projection.version]

    # ------------------------------------------------------------ processing

    def read(self, after: int, limit: int) -> list[Positioned]:
        notifications = self.app.recorder.select_notifications(after + 1, limit)
        mapper = self.app.mapper
        return [Positioned.read(n, mapper) for n in notifications]

    def apply(self, targets: Sequence[Target], events: Sequence[Positioned]) -> None:
        """Apply events to every target that has not seen them, in one transaction (a
        rebuild folds first and writes apart, ``_build_batches``)."""
        if not events:
            return
        new = events[-1].position
        pending = [t for t in targets if t.position < new]
        if not pending:
            return
        try:
            with self.app.db.transaction() as tx:
                for target in pending:
                    if not Registry.advance(tx, target.projection.name, target.generation,
                                            target.position, new):
                        raise PositionMoved(target.projection.name)
                    target.projection.apply(tx, target.names, self._fresh(events, target.position),
                                            target.state)
        except PositionMoved:
            for target in pending:
                self._targets.pop(target.key, None)
            raise
        except Exception:
            for target in pending:
                target.state.clear()  # the transaction rolled back; the cache may be ahead
            raise
        for target in pending:
            target.position = new

    @staticmethod
    def _fresh(events: Sequence[Positioned], after: int) -> Sequence[Positioned]:
        """The events after position ``after`` (those a target there has not seen yet)."""
        if events and events[0].position > after:
            return events
        return [e for e in events if e.position > after]

    def step(self, targets: Sequence[Target]) -> int:
        """One batch for the targets furthest behind; answers how many events it read."""
        if not targets:
            return 0
        low = min(t.position for t in targets)
        events = self.read(low, self.batch)
        if not events:
            return 0
        behind = [t for t in targets if t.position == low]
        self.apply(behind, events)
        return len(events)

    def catch_up(self, only: Sequence[str] | None = None, *,
                 progress: Callable[[int], Any] | None = None) -> int:
        """Apply everything recorded so far to the active read models; answers the events read.
        Safe to call from several processes at once."""
        total = 0
        while True:
            try:
                n = self.step(self.active_targets(only))
            except PositionMoved:
                continue  # someone else applied that batch; start again from their position
            if n == 0:
                return total
            total += n
            if progress is not None:
                progress(n)

    # ------------------------------------------------------------ rebuild

    def rebuild(self, name: str, *, progress: Callable[[int], Any] | None = None,
                fresh: bool = False) -> Generation:
        """Fill a new generation from the start of the log while the active one keeps serving,
        then make it active. A rebuild that was interrupted continues where it stopped."""
        return self.rebuild_many([name], progress=progress, fresh=fresh)[0]

    def rebuild_many(self, names: Sequence[str], *, progress: Callable[[int], Any] | None = None,
                     fresh: bool = False, processes: bool = False) -> list[Generation]:
        """Rebuild several read models: in one pass over the log (each event read once), or with
        ``processes`` one process per read model (or per read model and the cheap ones that keep
        it company, ``Projection.companion``), each reading the log, to use every core (not for
        an in-memory SQLite store, which other processes cannot open)."""
        generations = []
        for name in names:
            projection = self.registry.projections[name]
            if fresh:
                self.registry.discard_building(projection)
            generations.append(self.registry.start_building(projection))
        groups = self.process_groups(generations)
        in_processes = processes and len(groups) > 1 and not self.app.in_memory
        if in_processes:
            self._build_in_processes(groups, progress)  # each process finishes its own
        else:
            self._build([self.target(g) for g in generations], progress)
        for generation in generations:
            self.registry.activate(generation.projection, generation.generation, finished=in_processes)
        return generations

    def _build(self, targets: list[Target], progress: Callable[[int], Any] | None,
               parent: int | None = None) -> None:
        # The folds keep hundreds of thousands of rows cached and a batch allocates millions
        # of objects: the collector's automatic passes walked the caches again and again (a
        # third of a rebuild's CPU time). The folds make no reference cycles (a test checks):
        # reference counting frees all a batch drops, and what it keeps is frozen after it
        # (``gc.freeze``), out of the collector's sight, instead of walked by a collection
        # once a batch (3% of a rebuild's CPU time).
        self.app.db.bulk_cache(REBUILD_CACHE_MB)
        automatic = gc.isenabled()
        gc.disable()
        try:
            self._build_batches(targets, progress, parent)
        finally:
            gc.unfreeze()
            if automatic:
                gc.enable()

    def _build_batches(self, targets: list[Target], progress: Callable[[int], Any] | None,
                       parent: int | None) -> None:
        """Fold batch after batch; write each folded batch with its position in a transaction.
        On SQLite, whose writers take turns, a batch whose write would wait for another
        process's stays queued while the next one folds (up to ``REBUILD_QUEUED``): the two
        rebuilding processes then each use their core while the other writes."""
        queue: list[Folded] = []
        folded = {t.key: t.position for t in targets}  # how far each target is folded
        ended = False  # the log read to its end
        while True:
            if parent is not None and os.getppid() != parent:
                raise SystemExit("the rebuilding process's parent died")
            if not ended and len(queue) < REBUILD_QUEUED:
                low = min(folded.values())
                events = self.read(low, self.rebuild_batch)
                ended = not events
            else:
                events = []
            if events:
                behind = [t for t in targets if folded[t.key] == low]
                for target in behind:
                    # While batches are queued nothing is evicted from the cache: the tables
                    # do not hold those batches yet, so a case read back would be stale.
                    target.state[CACHED_CASES] = REBUILD_CACHED_CASES if not queue else UNCAPPED
                    target.state[REBUILDING] = True
                try:
                    prepared = {t.key: t.projection.prepare(self.app.db, t.names,
                                                            self._fresh(events, folded[t.key]), t.state)
                                for t in behind}
                except Exception:
                    for target in targets:
                        target.state.clear()
                    raise
                queue.append(Folded(behind, prepared, events[-1].position, len(events)))
                for target in behind:
                    folded[target.key] = events[-1].position
                del events, prepared
                gc.freeze()
            elif ended and not queue:
                self._complete(targets)
                return
            wait = ended or not self._queues() or len(queue) >= REBUILD_QUEUED
            try:
                written = self._write_folded(queue, wait=wait)
            except PositionMoved:
                # Another process builds the same generation (a runner killed with its
                # rebuilding children still finishing a batch): go on from where it got to.
                targets = self._reload(targets)
                folded = {t.key: t.position for t in targets}
                queue, ended = [], False
                continue
            if not written and wait:
                names = ", ".join(t.projection.name for t in targets)
                log.warning("rebuilding %s: another connection held SQLite's write lock for as long"
                            " as the store waits; trying again", names)
            if written:
                if progress is not None:
                    progress(sum(f.events for f in queue))
                queue = []

    def _complete(self, targets: list[Target]) -> None:
        """Each target's ``Projection.complete``, in one transaction, once every batch is
        written; then its state is a follower's again (an in-process rebuild's runner goes on
        to follow the same targets)."""
        try:
            with self.app.db.transaction() as tx:
                for target in targets:
                    target.projection.complete(tx, target.names, target.state)
        except Exception:
            for target in targets:
                target.state.clear()
            raise
        for target in targets:
            target.state.pop(REBUILDING, None)
            target.state.pop(CACHED_CASES, None)

    def _queues(self) -> bool:
        """Whether a rebuild may queue folded batches: on SQLite, whose writers take turns, and
        only with batches of at most half the cases a rebuild keeps cached (a projection keeps
        at least that half when it evicts, ``CACHED_CASES``), so that no case a queued batch
        changed is ever evicted and read back stale from the tables."""
        return self.app.db.dialect == "sqlite" and self.rebuild_batch <= REBUILD_CACHED_CASES // 2

    def _write_folded(self, queue: list[Folded], *, wait: bool) -> bool:
        """Write the queued batches, in order, in one transaction that advances the positions;
        without ``wait``, only if SQLite's write lock is free now, with it after waiting for the
        lock as long as the store waits (answers whether it wrote: nothing is written when the
        lock stayed taken)."""
        positions = {t.key: t.position for f in queue for t in f.targets}
        try:
            # Only the first statement can wait (for the lock); once it holds it, nothing does.
            with self.app.db.transaction() as tx, _no_waiting(tx, not wait):
                for batch in queue:
                    for target in batch.targets:
                        if not Registry.advance(tx, target.projection.name, target.generation,
                                                positions[target.key], batch.position):
                            raise PositionMoved(target.projection.name)
                        target.projection.write(tx, target.names, batch.prepared[target.key])
                        positions[target.key] = batch.position
        except PositionMoved:
            for batch in queue:
                for target in batch.targets:
                    self._targets.pop(target.key, None)
                    target.state.clear()
            raise
        except Exception as error:
            if _locked(error):
                return False  # nothing was written: the batches stay queued
            for batch in queue:
                for target in batch.targets:
                    target.state.clear()  # the transaction rolled back; the cache may be ahead
            raise
        for batch in queue:
            for target in batch.targets:
                target.position = positions[target.key]
        return True

    def _reload(self, targets: list[Target]) -> list[Target]:
        wanted = {t.key for t in targets}
        return [self.target(g) for g in self.registry.generations()
                if (g.projection, g.generation) in wanted]

    def process_groups(self, generations: list[Generation]) -> list[list[Generation]]:
        """The generations each rebuilding process fills: one read model each, except that one
        whose ``companion`` is rebuilt too goes in the companion's process (reading and
        decoding the log would cost it more than its own work)."""
        building = {g.projection for g in generations}
        groups: dict[str, list[Generation]] = {}
        for generation in generations:
            key = generation.projection
            seen = {key}
            while (companion := self.registry.projections[key].companion) in building \
                    and companion not in seen:
                key = companion  # a companion's companion: the same process again
                seen.add(key)
            groups.setdefault(key, []).append(generation)
        return list(groups.values())

    def _build_in_processes(self, groups: list[list[Generation]],
                            progress: Callable[[int], Any] | None) -> None:
        context = multiprocessing.get_context("spawn")
        url = self.app.database_url
        children = [context.Process(target=_build_child,
                                    name=f"rebuild-{'+'.join(g.projection for g in group)}",
                                    args=(url, [(g.projection, g.generation) for g in group], os.getpid(),
                                          self.rebuild_batch))
                    for group in groups]
        generations = [g for group in groups for g in group]
        for child in children:
            child.start()
        done = sum(g.position for g in generations)
        try:
            while any(child.is_alive() for child in children):
                time.sleep(0.5)
                now = sum(g.position for g in self.registry.generations()
                          if (g.projection, g.generation) in {(x.projection, x.generation)
                                                               for x in generations})
                if progress is not None and now > done:
                    progress((now - done) // len(generations))
                done = max(done, now)
        finally:
            for child in children:
                child.join()
        failed = [c.name for c in children if c.exitcode != 0]
        if failed:
            raise RuntimeError(f"rebuilding failed in {', '.join(failed)}")

    # ------------------------------------------------------------ following

    def follow(self, stop: threading.Event, *, poll: float = 0.05,
               only: Sequence[str] | None = None) -> None:
        """Keep the read models current until ``stop`` is set."""
        if self._supports_subscriptions():
            self._follow_subscription(stop, only)
        else:
            self._follow_polling(stop, poll, only)

    def _supports_subscriptions(self) -> bool:
        return self.app.db.dialect == "postgres"

    def _follow_polling(self, stop: threading.Event, poll: float, only: Sequence[str] | None) -> None:
        while not stop.is_set():
            try:
                if self.catch_up(only) == 0:
                    stop.wait(poll)
            except Exception:
                log.exception("projection runner failed; retrying in 1 s")
                stop.wait(1.0)

    def _follow_subscription(self, stop: threading.Event, only: Sequence[str] | None) -> None:
        while not stop.is_set():
            try:
                self.catch_up(only)
                targets = self.active_targets(only)
                self._drain(targets, stop, only)
            except PositionMoved:
                continue
            except Exception:
                log.exception("projection runner failed; retrying in 1 s")
                stop.wait(1.0)

    def _drain(self, targets: list[Target], stop: threading.Event, only: Sequence[str] | None) -> None:
        """Apply events as the subscription delivers them, batching what has arrived, until
        stopped or until the set of active generations changes (checked every second)."""
        if not targets:
            stop.wait(1.0)
            return
        start = min(t.position for t in targets)
        inbox: queue.Queue[Positioned | BaseException] = queue.Queue(maxsize=self.batch * 4)
        subscription = ApplicationSubscription(self.app, gt=start)

        def pull() -> None:
            try:
                for event, tracking in subscription:
                    inbox.put(Positioned(tracking.notification_id, event))
            except BaseException as error:
                inbox.put(error)

        puller = threading.Thread(target=pull, name="projection-subscription", daemon=True)
        puller.start()
        checked = time.monotonic()
        generations = {t.key for t in targets}
        try:
            while not stop.is_set():
                try:
                    first = inbox.get(timeout=0.2)
                except queue.Empty:
                    first = None
                batch: list[Positioned] = []
                item = first
                while item is not None:
                    if isinstance(item, BaseException):
                        raise item
                    batch.append(item)
                    if len(batch) >= self.batch:
                        break
                    try:
                        item = inbox.get_nowait()
                    except queue.Empty:
                        item = None
                if batch:
                    self.apply(targets, batch)
                if time.monotonic() - checked > 1.0:
                    checked = time.monotonic()
                    current = {t.key for t in self.active_targets(only)}
                    if current != generations:
                        return
                    # A notification sent before the subscription's LISTEN took effect is
                    # lost; when idle, compare with the log head and catch up if behind.
                    if inbox.empty() and self.app.log_head() > min(t.position for t in targets):
                        return
        finally:
            subscription.stop()


def _build_child(url: str, wanted: list[tuple[str, int]], parent: int, batch: int) -> None:
    """Read models (``(name, generation)``) rebuilt in a process of their own (see
    ``Runner.rebuild_many``)."""
    from domain.agencies import default_directory
    from projections import all_projections
    from service.application import CaseApplication
    from service.supervise import die_with_parent

    die_with_parent()  # a runner killed with SIGKILL takes its rebuilding children with it
    if os.getppid() != parent:
        raise SystemExit("the rebuilding process's parent died")
    # PostgreSQL: each batch's upserts go through temporary staging tables (``Database.upsert``)
    # of tens of megabytes, more than the 8 MB of temporary buffers a session has by default
    # (set here, before any connection opens: it cannot change once a session used one).
    os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c temp_buffers={REBUILD_TEMP_MB}MB".strip()
    app = CaseApplication(url, default_directory(), create_tables=False)
    try:
        registry = Registry(app.db, all_projections())
        runner = Runner(app, registry, rebuild_batch=batch)
        found = [g for g in registry.generations() if (g.projection, g.generation) in wanted]
        runner._build([runner.target(g) for g in found], None, parent=parent)
        for generation in found:
            registry.finish(generation.projection, generation.generation)
    finally:
        app.close()
    # Done and committed. Shutting the interpreter down would free the folds' caches (a
    # million cases' rows, tens of millions of objects) one object at a time: 13 s of a
    # rebuild's 216 at a million cases. The process ends at once instead, as a forked
    # multiprocessing child does; only its output needs flushing first.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


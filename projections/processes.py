"""The runner as a process: progress bars for rebuilds, following until a signal."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from typing import Any

import click

from projections import all_projections
from projections.registry import Registry
from projections.runner import REBUILD_BATCH, Runner


def runner_for(app: Any, *, rebuild_batch: int = REBUILD_BATCH) -> Runner:
    registry = Registry(app.db, all_projections())
    registry.create_tables()
    return Runner(app, registry, rebuild_batch=rebuild_batch)


def rebuild_with_progress(runner: Runner, names: list[str], *, fresh: bool = False) -> None:
    """Rebuild the named read models in one pass over the log, with a progress bar."""
    head = runner.app.log_head()
    done = [0 if fresh or (b := runner.registry.building(n)) is None else b.position for n in names]
    with click.progressbar(length=max(head - min(done), 1), label=f"Rebuilding {', '.join(names)}",
                           show_pos=True, show_percent=True, show_eta=True) as bar:
        # A process per read model and its companions (``Runner.process_groups``: two for
        # everything), to use every core. PostgreSQL writes them side by side; SQLite has
        # one writer at a time, so there a process folds on while the other one writes
        # (``Runner._build_batches``).
        runner.rebuild_many(names, progress=bar.update, fresh=fresh, processes=len(names) > 1)
    positions = runner.registry.positions()
    click.echo("now active: " + ", ".join(f"{n} at position {positions.get(n)}" for n in names))


def follow_forever(runner: Runner, only: Sequence[str] | None = None) -> None:
    """Follow the log until SIGTERM or SIGINT: for every read model, or ``only`` those named."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, _: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    caught = runner.catch_up(only)
    which = f" for {', '.join(only)}" if only else ""
    click.echo(f"projection runner following the log{which} (caught up {caught} events; "
               f"positions {runner.registry.positions()})")
    runner.follow(stop, only=only)
    click.echo("projection runner stopped")

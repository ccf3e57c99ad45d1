"""The runner as a process: progress bars for rebuilds, following until a signal."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click

from projections import all_projections
from projections.registry import Registry
from projections.runner import Runner


def runner_for(app: Any) -> Runner:
    registry = Registry(app.db, all_projections())
    registry.create_tables()
    return Runner(app, registry)


def rebuild_with_progress(runner: Runner, name: str, *, fresh: bool = False) -> None:
    building = runner.registry.building(name)
    done = 0 if fresh or building is None else building.position
    head = runner.app.log_head()
    with click.progressbar(length=max(head - done, 1), label=f"Rebuilding {name}",
                           show_pos=True, show_percent=True, show_eta=True) as bar:
        generation = runner.rebuild(name, progress=bar.update, fresh=fresh)
    click.echo(f"{name}: generation {generation.generation} is now active "
               f"(position {runner.registry.positions().get(name)})")


def follow_forever(runner: Runner) -> None:
    """Follow the log until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, _: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    caught = runner.catch_up()
    click.echo(f"projection runner following the log (caught up {caught} events; "
               f"positions {runner.registry.positions()})")
    runner.follow(stop)
    click.echo("projection runner stopped")

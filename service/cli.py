"""The ``thads`` command: serve, seed the demo, manage users, prepare the store."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from domain.access import Role
from domain.agencies import default_directory
from domain.errors import CaseError
from projections.runner import REBUILD_BATCH
from service.config import Config
from service.errors import ServiceError
from service.health import MAX_LAG


def _prepare_store() -> int:
    """Create every table (events, users, read models) once, and chain the events of a log
    stored before the audit chain existed; answers the log head."""
    from projections.processes import runner_for

    app = _application(create_tables=True)
    try:
        runner_for(app)
        _chain_log(app)
        return int(app.log_head())
    finally:
        app.close()


def _chain_log(app: Any) -> int:
    """Chain the events after the audit chain's head, with a progress bar (none when none)."""
    from service.audit.chain import read_head
    from service.audit.verify import migrate

    behind = int(app.log_head()) - (read_head(app.db) or (0, ""))[0]
    if behind <= 0:
        return 0
    with click.progressbar(length=behind, label="Chaining the audit trail", show_pos=True) as bar:
        return migrate(app, progress=bar.update)


def _application(config: Config | None = None, *, create_tables: bool | None = None) -> Any:
    """The application on the configured store; it creates the event store's tables when
    ``create_tables`` says so (default: THADS_CREATE_TABLES)."""
    from service.application import CaseApplication

    cfg = config or Config()
    create = cfg.create_tables if create_tables is None else create_tables
    return CaseApplication(cfg.database_url, default_directory(), create_tables=create,
                           snapshot_interval=cfg.snapshot_interval)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """THADS Case Tracker: civil judgment enforcement cases, statistics and reports.

    Configuration comes from the environment: THADS_DATABASE_URL (default a SQLite file
    under var/), THADS_REDIS_URL, PORT, THADS_SECRET_KEY.
    """


@main.command()
@click.option("--create-database", is_flag=True,
              help="On PostgreSQL, create the database of THADS_DATABASE_URL first when it is missing.")
def init(create_database: bool) -> None:
    """Create the store's tables (run once before starting several processes)."""
    from service.check import redact
    from service.store import ensure_database

    url = Config().database_url
    if create_database and ensure_database(url):
        click.echo(f"created the database {redact(url)}")
    click.echo(f"store ready: {redact(url)} (log head {_prepare_store()})")


def _web_options(command: Any) -> Any:
    command = click.option("--workers", type=int,
                           default=lambda: int(os.environ.get("WEB_CONCURRENCY", "2")),
                           show_default="WEB_CONCURRENCY or 2")(command)
    command = click.option("--port", type=int, default=lambda: Config().port,
                           show_default="PORT or 8000")(command)
    return click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"),
                        show_default="HOST or 127.0.0.1")(command)


@main.command()
@_web_options
def serve(host: str, port: int, workers: int) -> None:
    """Serve the configured store as it is (no seeding), with gunicorn."""
    _serve(host, port, workers)


def _serve(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    if Config().create_tables:
        _prepare_store()  # create tables once, before the workers start
    os.environ["THADS_CREATE_TABLES"] = "n"

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "sync")
            self.cfg.set("timeout", 60)
            self.cfg.set("accesslog", os.environ.get("THADS_ACCESS_LOG") or None)

        def load(self) -> Any:
            from service.app import create_app

            return create_app()

    click.echo(f"THADS serving on http://{host}:{port}/ ({workers} workers)")
    Server().run()


@main.command()
@_web_options
@click.option("--report-workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Report workers (thads worker) to run beside the web server.")
@click.option("--runner-per-projection", is_flag=True,
              help="A projection runner per read model (thads project --only NAME) instead of one "
                   "for them all.")
def run(host: str, port: int, workers: int, report_workers: int, runner_per_projection: bool) -> None:
    """Everything on one machine: the web server and, beside it, the projection runner and a
    report worker; with no THADS_REDIS_URL, an embedded Redis too. A process that dies is
    started again; Ctrl-C stops them all."""
    from contextlib import nullcontext

    from projections import all_projections
    from service.embedded_redis import embedded_redis
    from service.supervise import Child, Supervisor, thads

    config = Config()
    _prepare_store()
    # The tables are there: processes creating them at the same moment can fail on PostgreSQL
    # ("tuple concurrently updated"; a runner was seen to).
    os.environ["THADS_CREATE_TABLES"] = "n"
    with nullcontext(config.redis_url) if config.redis_url else embedded_redis(config.var_dir) as redis_url:
        os.environ["THADS_REDIS_URL"] = redis_url  # for the processes below
        if not config.redis_url:
            click.echo(f"embedded Redis on {redis_url}")
        web = Child("web server", thads("serve", "--host", host, "--port", str(port),
                                        "--workers", str(workers)))
        reporters = [Child(f"report worker {n}", thads("worker")) for n in range(1, report_workers + 1)]
        if runner_per_projection:
            runners = [Child(f"projection runner {p.name}", thads("project", "--only", p.name))
                       for p in all_projections()]
        else:
            runners = [Child("projection runner", thads("project"))]
        Supervisor([web, *reporters, *runners], echo=lambda line: click.echo(line, err=True)).run()


@main.command()
@click.option("--burst", is_flag=True, help="Work until the queue is empty, then exit.")
@click.option("--name", help="The worker's name in rq (default: generated).")
def worker(burst: bool, name: str | None) -> None:
    """Make reports: an rq worker on THADS_REDIS_URL's "reports" queue, with rq's scheduler
    (retries after their pause) and the monthly reports of every province after each month-end
    (THADS_MONTHLY_REPORTS=n to leave them to other workers)."""
    from workers.process import run as run_worker

    config = Config()
    if not config.redis_url:
        raise click.ClickException("thads worker needs THADS_REDIS_URL (redis://host:6379/0); "
                                   "thads run starts an embedded Redis and a worker by itself")
    click.echo(f"report worker on {config.redis_url} (reports in {config.reports_dir})")
    run_worker(config, burst=burst, name=name)


@main.command()
@click.option("--rebuild", metavar="NAME",
              help="Rebuild one read model (or 'all') from the start of the log into a new "
                   "generation while the current one keeps serving, then exit.")
@click.option("--fresh", is_flag=True, help="With --rebuild: start again instead of continuing "
                                            "an interrupted rebuild.")
@click.option("--once", is_flag=True, help="Catch up with the log, then exit.")
@click.option("--only", metavar="NAME", multiple=True,
              help="Keep only this read model current (repeat for several): a runner per read "
                   "model, each in a process of its own, on any machine.")
@click.option("--batch", type=click.IntRange(min=100), default=REBUILD_BATCH, show_default=True,
              help="Events per committed batch of a rebuild: larger is faster, smaller holds less "
                   "memory (some 2 kB an event) and loses less work when interrupted.")
def project(rebuild: str | None, fresh: bool, once: bool, only: tuple[str, ...], batch: int) -> None:
    """Keep the read models (case list, statistics, bottlenecks) current with the event log."""
    from projections.processes import follow_forever, rebuild_with_progress, runner_for

    runner = runner_for(_application(), rebuild_batch=batch)
    names = list(runner.registry.projections)
    for name in (*only, *([] if rebuild in (None, "all") else [rebuild])):
        if name not in names:
            raise click.BadParameter(f"unknown read model {name!r}; one of {', '.join(names)}"
                                     + (" or all" if name == rebuild else ""),
                                     param_hint="--rebuild" if name == rebuild else "--only")
    if rebuild:
        rebuild_with_progress(runner, names if rebuild == "all" else [rebuild], fresh=fresh)
        return
    outdated = [n for n in runner.outdated() if not only or n in only]
    if outdated:
        click.echo(f"read models {', '.join(outdated)} were built by another version of the code: "
                   "rebuilding them")
        rebuild_with_progress(runner, outdated)
    if once:
        caught = runner.catch_up(only or None)
        click.echo(f"read models caught up: {caught} events applied; positions {runner.registry.positions()}")
        return
    follow_forever(runner, only or None)


@main.command()
@click.option("--max-lag", type=click.IntRange(min=0), default=MAX_LAG, show_default=True,
              help="Events a read model may be behind the log and still count as healthy.")
def check(max_lag: int) -> None:
    """Report the health of each part, a line each: the store (log head), the audit chain, each
    read model's position and lag, Redis, the report queue and its live workers, the reports
    directory, the secret key. Exit status 1 when a part is unhealthy."""
    from service.check import check as check_parts

    parts = check_parts(Config({"THADS_CREATE_TABLES": "n"}), max_lag=max_lag)
    width = max(len(p.name) for p in parts)
    for part in parts:
        click.echo(part.line(width))
    if not all(p.ok for p in parts):
        raise SystemExit(1)


@main.command()
@click.option("--seed", type=int, default=2020, show_default=True, help="Random seed")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Multiply the number of cases (0.1 for a quick demo)")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store already has events")
def demo(seed: int, scale: float, if_empty: bool) -> None:
    """Fill the store with the demo data: Vĩnh Phúc 2020 and other provinces."""
    from service.demo import DEMO_PASSWORD, demo_logins, seed_demo

    app = _application()
    if if_empty and app.log_head() > 0:
        click.echo("The store already has data; the demo was not seeded again.")
    else:
        seed_demo(app, seed=seed, scale=scale, echo=click.echo)
    app.close()
    click.echo(f"\nDemo logins (password {DEMO_PASSWORD}):")
    for username, role, agency in demo_logins():
        click.echo(f"  {username:22} {role:9} {agency}")


@main.group()
def users() -> None:
    """Manage staff accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--agency", required=True, help="Agency code, e.g. CC243")
@click.option("--name", "full_name", default="", help="Full name")
def users_create(username: str, password: str, role: str, agency: str, full_name: str) -> None:
    """Create an account."""
    app = _application()
    try:
        user = app.users.create(username, password, role, agency, full_name)
    except (CaseError, ServiceError) as error:
        raise click.ClickException(getattr(error, "message", str(error))) from None
    click.echo(f"created {user.username} ({user.role}, {user.agency})")


@users.command("list")
def users_list() -> None:
    """List the accounts."""
    for user in _application().users.all():
        state = "" if user.active else " (disabled)"
        click.echo(f"{user.username:24} {user.role:9} {user.agency:10} {user.full_name}{state}")


@main.group()
def audit() -> None:
    """The tamper-evident audit chain over the event log (SPEC §6)."""


@audit.command("migrate")
def audit_migrate() -> None:
    """Chain the events stored before the audit chain existed (one-off; `thads init`, `serve`
    and `run` also do it). Run it with no writer running."""
    app = _application()
    try:
        chained = _chain_log(app)
        click.echo(f"chained {chained:,} events; the chain's head is at position {app.log_head()}")
    finally:
        app.close()


@audit.command("verify")
@click.option("--checkpoint", "checkpoint_file", type=click.File("r"),
              help="Also prove the log still extends this checkpoint (from `thads audit checkpoint`).")
def audit_verify(checkpoint_file: Any) -> None:
    """Recompute the chain of every case and of the whole log from the stored events; name
    the first position where the store and its chain disagree (exit status 1)."""
    from service.audit import checkpoint as checkpoints
    from service.audit.verify import verify

    try:
        wanted = None if checkpoint_file is None else checkpoints.read(checkpoint_file.read())
    except checkpoints.CheckpointError as error:
        raise click.ClickException(str(error)) from None
    app = _application(create_tables=False)
    try:
        head = int(app.log_head())
        with click.progressbar(length=max(head, 1), label="Verifying the audit chain", show_pos=True) as bar:
            verdict = verify(app, progress=bar.update)
        if verdict.problem is not None:
            raise click.ClickException(f"the audit chain does not hold at {verdict.problem}")
        click.echo(f"the audit chain holds: {verdict.events:,} events up to position {verdict.position},"
                   f" head hash {verdict.log_hash}")
        if wanted is not None:
            try:
                wrong = checkpoints.check(app, wanted, Config().audit_key)
            except checkpoints.CheckpointError as error:
                raise click.ClickException(str(error)) from None
            if wrong is not None:
                raise click.ClickException(f"the checkpoint does not hold: {wrong}")
            click.echo(f"the log extends the checkpoint of {wanted['time']} (position {wanted['position']})")
    finally:
        app.close()


@audit.command("checkpoint")
@click.option("--out", type=click.File("w"), default="-", show_default=True,
              help="Where to write the checkpoint (JSON); keep it outside the store.")
def audit_checkpoint(out: Any) -> None:
    """Export the chain's head (position, log hash, time), signed with THADS_AUDIT_KEY."""
    import json

    from service.audit import checkpoint as checkpoints

    app = _application(create_tables=False)
    try:
        taken = checkpoints.take(app, Config().audit_key)
    except checkpoints.CheckpointError as error:
        raise click.ClickException(str(error)) from None
    finally:
        app.close()
    out.write(json.dumps(taken, indent=1) + "\n")


@audit.command("export")
@click.option("--format", "fmt", required=True, type=click.Choice(["xes", "ocel"]),
              help="xes (IEEE 1849, a trace per case) or ocel (OCEL 2.0 JSON: cases, assets, agencies, "
                   "users).")
@click.option("--agency", help="Only the cases of this agency and the agencies below it (default every "
                               "agency).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="First day of recorded time, YYYY-MM-DD (Vietnam time).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day of recorded time, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write; it appears only once complete.")
def audit_export(fmt: str, agency: str | None, start: datetime | None, end: datetime | None,
                 out: Path) -> None:
    """Export the event log, or one agency's cases and a period, for process-mining tools."""
    from service.audit.exports import LogExport
    from service.audit.traces import scope_of

    if not out.parent.is_dir():
        raise click.BadParameter(f"no folder {out.parent}", param_hint="--out")
    app = _application(create_tables=False)
    try:
        try:
            scope = scope_of(app.directory, agency, start and start.date(), end and end.date())
        except CaseError as error:
            raise click.BadParameter(error.message, param_hint=f"--{error.field}") from None
        export = LogExport(app, scope)
        with click.progressbar(length=max(export.high, 1), label="Exporting the event log",
                               show_pos=True) as bar:
            export.save(fmt, out, progress=bar.update)
        click.echo(f"wrote {out}: {export.cases:,} cases, {export.events:,} events"
                   f" (log position {export.head})")
    finally:
        app.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

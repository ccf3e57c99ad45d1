"""``thads check``: the health of every part of a deployment, a line each, as an operator
needs it — what ``GET /api/v1/health`` computes (the store's log head, every read model's
position and lag, Redis), and what only the machine it runs on can tell: the report queue's
depth and live workers, the reports directory, the secret key, the audit chain."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from domain.agencies import default_directory
from service.config import Config
from service.health import MAX_LAG, first_line, health
from service.services import Services


@dataclass(frozen=True)
class Part:
    name: str
    ok: bool
    says: str

    def line(self, width: int = 24) -> str:
        return f"{'ok' if self.ok else 'FAIL':5} {self.name:{width}} {self.says}"


def check(config: Config, *, max_lag: int = MAX_LAG) -> list[Part]:
    """Every part's health, on the configured store and Redis; opens nothing it creates."""
    try:
        svc = Services.build(config, default_directory())
    except Exception as error:
        return [Part("store", False, f"{redact(config.database_url)}: {first_line(error)}")]
    try:
        return _parts(svc, max_lag)
    finally:
        svc.close()


def _parts(svc: Services, max_lag: int) -> list[Part]:
    config = svc.config
    try:
        body = health(svc, max_lag=max_lag)
    except Exception as error:  # the store answered, its read-model tables did not
        return [Part("store", True, f"{redact(config.database_url)}: log head {svc.cases.log_head():,}"),
                Part("read models", False, f"{first_line(error)} (run `thads init`)")]
    store = body["store"]
    if not store["ok"]:
        return [Part("store", False, f"{redact(config.database_url)}: {store['error']}")]
    parts = [Part("store", True, f"{redact(config.database_url)}: log head {store['log_head']:,}"),
             _audit_chain(svc, store["log_head"])]
    parts += _read_models(svc, body["projections"], max_lag)
    parts += _redis(svc, body["redis"]["ok"])
    parts += [_reports_dir(config.reports_dir), _secret_key(config, svc.cases.db.dialect)]
    return parts


def _audit_chain(svc: Services, head: int) -> Part:
    from service.audit.chain import read_head

    chained = (read_head(svc.cases.db) or (0, ""))[0]  # read after the head: never behind it
    if chained < head:
        return Part("audit chain", False, f"chained to position {chained:,} of {head:,}: run "
                                          "`thads audit migrate` with no writer running")
    return Part("audit chain", True, f"chained to position {chained:,}")


def _read_models(svc: Services, found: dict[str, Any], max_lag: int) -> list[Part]:
    parts = []
    for name, projection in svc.read_models.registry.projections.items():
        entry = found.get(name, {})
        label = f"read model {name}"
        if "position" not in entry:
            parts.append(Part(label, False, "no active generation: run `thads init`"))
            continue
        says = f"position {entry['position']:,}, lag {entry['lag']:,}"
        rebuilding = entry.get("rebuilding")
        if rebuilding:
            says += f"; rebuilding generation {rebuilding['generation']} at {rebuilding['position']:,}"
        if entry["version"] != projection.version:
            parts.append(Part(label, False, f"{says}; built by version {entry['version']} of the code, "
                                            f"this is version {projection.version}: the runner does not "
                                            f"follow it until `thads project --rebuild {name}`"))
        elif entry["lag"] > max_lag:
            parts.append(Part(label, False, f"{says} (more than {max_lag:,} behind: is `thads project` "
                                            "running?)"))
        else:
            parts.append(Part(label, True, says))
    return parts


def _redis(svc: Services, ok: bool | None) -> list[Part]:
    from rq import Queue, Worker

    from service.reports.queue import QUEUE

    url = svc.config.redis_url
    if not url:
        return [Part("redis", False, "THADS_REDIS_URL is not set: reports cannot be made (`thads run` "
                                     "starts an embedded Redis for its own processes)")]
    if not ok:
        return [Part("redis", False, f"{redact(url)}: no answer (reports are refused; case work goes on)")]
    redis = svc.report_queue.redis
    try:
        queue = Queue(QUEUE, connection=redis)
        depth, started = queue.count, queue.started_job_registry.count
        failed = queue.failed_job_registry.count
        workers = Worker.all(connection=redis, queue=queue)
        server = redis.info("server")
        version = server.get("redis_version", "?") if isinstance(server, dict) else "?"
    except Exception as error:
        return [Part("redis", False, f"{redact(url)}: {first_line(error)}")]
    queued = f"{depth} queued, {started} being made, {failed} failed (kept 30 days)"
    parts = [Part("redis", True, f"{redact(url)}: answers (Redis {version})"),
             Part("report queue", True, queued)]
    if workers:
        parts.append(Part("report workers", True, f"{len(workers)} live: "
                                                  + ", ".join(sorted(w.name for w in workers))))
    else:
        parts.append(Part("report workers", False, "none live: reports wait in the queue (start "
                                                   "`thads worker`)"))
    return parts


def _reports_dir(path: Path) -> Part:
    where = path.resolve()
    if not path.exists():
        parent = next((p for p in where.parents if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK | os.X_OK):
            return Part("reports directory", True, f"{where}: not made yet (the first report makes it)")
        return Part("reports directory", False, f"{where}: missing, and {parent} is not writable")
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".thads-check-"):
            pass
    except OSError as error:
        return Part("reports directory", False, f"{where}: not writable ({error.strerror})")
    return Part("reports directory", True, f"{where}: writable")


def _secret_key(config: Config, dialect: str) -> Part:
    if not config.secret_key_generated:
        return Part("secret key", True, "THADS_SECRET_KEY is set")
    local = config.var_dir.resolve() / "secret_key"
    if dialect == "postgres":
        return Part("secret key", False, f"THADS_SECRET_KEY is not set: each machine generates its own "
                                         f"({local}) and refuses the others' tokens and sessions; set "
                                         "the same value on every process")
    return Part("secret key", True, f"generated in {local} (right for one machine)")


def redact(url: str) -> str:
    """A URL without its password."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))

"""The shared objects of one process, kept in ``app.extensions["thads"]``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app

from domain.agencies import Directory
from domain.errors import InvalidValue
from projections import all_projections
from projections.reading import ReadModels
from projections.registry import Registry
from projections.runner import Runner
from service.application import CaseApplication
from service.auth import Tokens
from service.config import Config
from service.idempotency import IdempotencyStore
from service.reports.queue import ReportQueue
from service.reports.store import ReportStore


@dataclass
class Services:
    config: Config
    directory: Directory
    cases: CaseApplication
    tokens: Tokens
    idempotency: IdempotencyStore
    read_models: ReadModels
    reports: ReportStore
    report_queue: ReportQueue

    @classmethod
    def build(cls, config: Config, directory: Directory) -> Services:
        cases = CaseApplication(config.database_url, directory, create_tables=config.create_tables,
                                snapshot_interval=config.snapshot_interval)
        registry = Registry(cases.db, all_projections())
        if config.create_tables:
            registry.create_tables()
        return cls(
            config=config,
            directory=directory,
            cases=cases,
            tokens=Tokens(config.secret_key, config.token_ttl, cases.users),
            idempotency=IdempotencyStore(cases.db),
            read_models=ReadModels(registry, Runner(cases, registry),
                                   inline=config.inline_projections),
            reports=ReportStore(cases.db),
            report_queue=ReportQueue(config),
        )

    def wait_for(self, min_position: int | None, projections: Sequence[str]) -> None:
        """Return once the read models have applied the log up to ``min_position`` (a client
        reading its own write, SPEC §8). A position beyond the log head was never written and
        would only be waited for in vain: 422 at once, naming it."""
        if min_position:
            head = self.cases.log_head()
            if min_position > head:
                raise InvalidValue(f"min_position {min_position} is beyond the end of the log ({head}): "
                                   "use the position a write answered", field="min_position",
                                   rule="unknown_position")
        self.read_models.wait_for(min_position, projections)

    def close(self) -> None:
        self.report_queue.close()
        self.cases.close()


def services() -> Services:
    """The services of the current Flask app (in a request or an app context)."""
    return current_app.extensions["thads"]  # type: ignore[no-any-return]

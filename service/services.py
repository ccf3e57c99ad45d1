"""The shared objects of one process, kept in ``app.extensions["thads"]``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from domain.agencies import Directory
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

    def close(self) -> None:
        self.report_queue.close()
        self.cases.close()


def services() -> Services:
    """The services of the current Flask app (in a request or an app context)."""
    return current_app.extensions["thads"]  # type: ignore[no-any-return]

"""The shared objects of one process, kept in ``app.extensions["thads"]``."""

from __future__ import annotations

from dataclasses import dataclass

from domain.agencies import Directory
from service.application import CaseApplication
from service.auth import Tokens
from service.config import Config
from service.idempotency import IdempotencyStore


@dataclass
class Services:
    config: Config
    directory: Directory
    cases: CaseApplication
    tokens: Tokens
    idempotency: IdempotencyStore

    @classmethod
    def build(cls, config: Config, directory: Directory) -> Services:
        cases = CaseApplication(config.database_url, directory, create_tables=config.create_tables,
                                snapshot_interval=config.snapshot_interval)
        return cls(
            config=config,
            directory=directory,
            cases=cases,
            tokens=Tokens(config.secret_key, config.token_ttl, cases.users),
            idempotency=IdempotencyStore(cases.db),
        )

    def close(self) -> None:
        self.cases.close()

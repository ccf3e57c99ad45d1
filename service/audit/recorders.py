"""The library's application recorders, each also writing the audit chain of the events it
stores in the same transaction (``service.audit.chain``); chosen through the library's
``APPLICATION_RECORDER_TOPIC`` setting (``service.store.eventsourcing_env``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL

from service.audit import chain
from service.audit.chain import Chain, ChainBehind, Stored

UNCHAINED = "the log holds events stored before the audit chain existed: run `thads audit migrate`"


def _stored(ids: Sequence[int], events: Sequence[StoredEvent]) -> list[Stored]:
    return [Stored(int(i), chain.case_key(e.originator_id), int(e.originator_version), e.topic, e.state)
            for i, e in zip(ids, events, strict=True)]


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *chain.SCHEMA]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if ids:  # in the transaction that holds the store's single write lock
            links = Chain(getattr(c, "sqlite_cursor", c), "sqlite")
            if links.unchained(self.events_table_name, "rowid", before=ids[0]):
                raise ChainBehind(UNCHAINED)
            links.append(_stored(ids, stored_events))
        return ids


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sql_create_statements.extend(SQL(statement) for statement in chain.SCHEMA)  # type: ignore[misc]

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """Before the insert (the library commits what it has inserted whatever happens after
        it): refuse to store events around a log that is not chained yet."""
        super()._insert_events(curs, stored_events, **kwargs)
        if stored_events and Chain(curs, "postgres").unchained(self.events_table_name, "notification_id"):
            raise ChainBehind(UNCHAINED)

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:  # still in the transaction, under the lock that serialises inserts into the log
            Chain(curs, "postgres").append(_stored(ids, stored_events))
        return ids


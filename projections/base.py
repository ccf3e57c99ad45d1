"""What a read model is: a named projection of the event log into tables of the same database.

A projection declares its tables (DDL with ``{name}`` placeholders for the physical table
names) and applies batches of events inside a transaction the runner opens; the runner
commits the batch together with the projection's tracking position, so a view never shows
an event twice or skips one. Physical tables carry a generation number: a rebuild fills a
new generation while readers keep using the active one, then switches.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, ClassVar, Protocol

from domain.agencies import Directory, default_directory
from service.store import SQLITE, Transaction


class Reader(Protocol):
    """What ``Projection.prepare`` reads with: a transaction, or the database itself."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...


class Positioned:
    """An event with its position in the log (its notification id). Read from the log, it is
    decoded only when a read model first asks for it: the statistics skip a third of the
    events by their topic alone, and decoding is most of what reading the log costs."""

    __slots__ = ("_case_id", "_event", "_mapper", "_notification", "position")

    def __init__(self, position: int, event: Any = None, *, notification: Any = None,
                 mapper: Any = None):
        if (event is None) == (notification is None):
            raise ValueError("a Positioned holds an event or the notification to decode it from")
        self.position = position
        self._event, self._notification, self._mapper = event, notification, mapper
        self._case_id: str | None = None

    @classmethod
    def read(cls, notification: Any, mapper: Any) -> Positioned:
        return cls(notification.id, notification=notification, mapper=mapper)

    @property
    def event(self) -> Any:
        if self._event is None:
            self._event = self._mapper.to_domain_event(self._notification)
            self._notification = self._mapper = None
        return self._event

    @property
    def topic(self) -> str:
        """The event's class name (``Received``, ``Verified``…), without decoding it."""
        if self._event is not None:
            return type(self._event).__name__
        return str(self._notification.topic).rsplit(".", 1)[-1]

    @property
    def case_id(self) -> str:
        """The case's id as text (worked out once, however many read models ask)."""
        if self._case_id is None:
            source = self._event if self._event is not None else self._notification
            self._case_id = str(source.originator_id)
        return self._case_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Positioned) and (self.position, self.event) == (other.position, other.event)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Positioned({self.position}, {self.topic})"


ROWLESS = " WITHOUT ROWID"
Rows = list[tuple[Any, ...]]

CACHED_CASES = "cached_cases"
"""The key of a projection's ``state`` under which its runner may set how many cases the
projection keeps cached between batches, instead of its default (a rebuild does: it folds every
case of the log, and a case it evicted is read back from the table at its next event). A
projection that evicts keeps at least the half of them it used last."""


def cached_cases(state: Mapping[str, Any], default: int) -> int:
    return int(state.get(CACHED_CASES, default))


REBUILDING = "rebuilding"
"""The key of a projection's ``state`` its runner sets (True) while it fills a generation
nobody reads yet, batch after batch from the start of the log: the projection may then keep a
table in memory instead of rewriting it at every batch, and write it once in ``complete``."""


class Names(Mapping[str, str]):
    """Logical table name → physical table name of one generation of one projection."""

    def __init__(self, projection: str, generation: int, tables: Sequence[str]):
        self.projection = projection
        self.generation = generation
        self._names = {t: f"rm_{projection}_g{generation}_{t}" for t in tables}

    def __getitem__(self, table: str) -> str:
        return self._names[table]

    def __iter__(self) -> Any:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Projection(ABC):
    """A read model. Subclasses set ``name``, ``version`` and ``tables`` and implement
    ``apply``. ``state`` is a cache the projection may keep across batches of one runner
    (for example the per-case rows it needs again soon); the runner empties it whenever it
    cannot be sure the cache matches the tables (another process advanced the position)."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    """Bump when the tables or the meaning of ``apply`` change: the runner then refuses to
    follow the old generation and asks for ``thads project --rebuild``."""
    tables: ClassVar[dict[str, list[str]]]
    """Logical table name → DDL statements; ``{t}`` is the physical name of that table,
    ``{<logical name>}`` that of any table of the projection, and ``{rowless}`` after a
    CREATE TABLE makes it ``WITHOUT ROWID`` on SQLite (for a table of small rows whose
    primary key is not one integer: each row is then written once, in its key's order,
    instead of into the table and again into its key's index), e.g.
    ``"CREATE INDEX IF NOT EXISTS {t}_stage ON {t} (stage)"`` (``IF NOT EXISTS`` always: the
    indexes are declared again on the active generation at every start, which is how an index
    added in a release reaches it)."""

    companion: ClassVar[str | None] = None
    """A read model whose own work costs less than reading and decoding the log names another
    here: a rebuild of both in several processes (``Runner.rebuild_many``) fills it in that
    one's process, from the same decoded events."""

    app: Any = None
    """The CaseApplication, bound by the runner: for the rare event that needs a case's
    earlier events (``self.app.events.get(case_id, lte=version)``), e.g. a correction."""

    @property
    def directory(self) -> Directory:
        """The application's agency directory (the default one before ``bind``)."""
        return getattr(self.app, "directory", None) or default_directory()

    def bind(self, app: Any) -> None:
        self.app = app

    def schema(self, names: Names, *, dialect: str, indexes: bool | None = None) -> list[str]:
        """The DDL of one generation: everything, or (``indexes`` False) the tables without
        their secondary indexes, or (True) only those indexes."""
        statements = []
        rowless = ROWLESS if dialect == SQLITE else ""
        for table, ddl in self.tables.items():
            for statement in ddl:
                if indexes is None or is_index(statement) == indexes:
                    statements.append(statement.format(t=names[table], rowless=rowless, **dict(names)))
        return statements

    def apply(self, tx: Transaction, names: Names, events: Sequence[Positioned],
              state: dict[str, Any]) -> None:
        """Apply a batch of events (in log order) inside ``tx``."""
        self.write(tx, names, self.prepare(tx, names, events, state))

    @abstractmethod
    def prepare(self, reader: Reader, names: Names, events: Sequence[Positioned],
                state: dict[str, Any]) -> Any:
        """The first half of ``apply``: read the rows the batch needs that ``state`` does not
        hold and fold the events in memory; answers what ``write`` is to write. It may run
        before the write transaction opens (a rebuild does, so that processes rebuilding other
        read models of a SQLite store fold while one of them writes): it only reads tables of
        this generation, which nobody else writes, and the runner empties ``state`` when the
        write fails or finds the position moved."""

    @abstractmethod
    def write(self, tx: Transaction, names: Names, prepared: Any) -> None:
        """The second half of ``apply``, inside the transaction that advances the position."""

    def complete(self, tx: Transaction, names: Names, state: dict[str, Any]) -> None:  # noqa: B027 (most keep nothing back)
        """A rebuild's last step, once its generation holds the whole log: write what was
        kept in memory while ``REBUILDING``. ``state`` may be empty (a rebuild that stopped
        after its last batch and was started again): the tables must then suffice. Run again,
        it writes the same."""


def split_new(received: set[str], rows: Iterable[tuple[Any, ...]]) -> tuple[Rows, Rows]:
    """Rows (``case_id`` first) split into those of cases received in the batch, which no
    earlier batch can have written (to be inserted), and the others (to be merged); each in
    the order of the case ids (``by_case``)."""
    new: Rows = []
    old: Rows = []
    for row in rows:
        (new if row[0] in received else old).append(row)
    return by_case(new), by_case(old)


def by_case(rows: Rows) -> Rows:
    """``rows`` (``case_id`` first) sorted by case id, a case's rows kept in their order.
    Written in the order of their keys, rows go into a table's B-trees page after page
    instead of at random places all over them (the ids are random UUIDs): on SQLite a third
    less time in a micro-benchmark of a million cases' rows, a tenth of the inserts' time in
    a rebuild."""
    rows.sort(key=_case_id)
    return rows


_case_id = itemgetter(0)


def is_index(statement: str) -> bool:
    return statement.lstrip().upper().startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))

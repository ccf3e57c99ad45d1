"""The event-sourced application: every change to a case goes through here.

Commands load → check access → act → save and answer the case with the log position the
write produced. A concurrent write to the same case is detected by the store's (id, version)
key: with ``expected_version`` it is a conflict for the client, without it the command is
simply run again on the fresh state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain import clock
from domain.access import HEAD_ONLY, Actor, Forbidden, Role
from domain.agencies import Directory, Level
from domain.case import EnforcementCase
from domain.checks import check_date
from domain.errors import CaseNotFound, InvalidValue
from service import idempotency, numbers, users
from service.audit import reads as audit_reads
from service.errors import DuplicateCase, VersionConflict
from service.numbers import CaseNumbers
from service.reports import store as report_store
from service.store import Database, dialect_of, eventsourcing_env
from service.transcodings import register_all
from service.users import UserStore

COMMANDS: dict[str, str] = {
    "verify": "verify",
    "seize": "seize",
    "value": "value",
    "auction": "auction",
    "reduce-price": "reduce_price",
    "hand-to-creditor": "hand_to_creditor",
    "deliver": "deliver",
    "collect": "collect",
    "pay-out": "pay_out",
    "postpone": "postpone",
    "suspend": "suspend",
    "resume": "resume",
    "entrust": "entrust",
    "terminate": "terminate",
    "return-request": "return_request",
    "close": "close",
    "reassign": "reassign",
    "note": "note",
    "mark-difficult": "mark_difficult",
    "correct": "correct",
}
"""API command name → aggregate method."""

SAVE_ATTEMPTS = 5


def project_case(case: Any, events: Any) -> Any:
    """Fold events into a case. The library's default projector asserts a runtime-checkable
    protocol on every event, which costs more than the mutation itself."""
    for event in events:
        case = event.mutate(case)
    return case


@dataclass
class Written:
    """A case as it stands after a write, the log position of that write, and any result
    of the command (the new asset's id for ``seize``)."""

    case: EnforcementCase
    position: int
    result: Any = None


class CaseApplication(Application[UUID]):
    name = "THADS"
    snapshotting_intervals: ClassVar[dict[type, int]] = {EnforcementCase: 50}

    def __init__(self, database_url: str, directory: Directory, *, create_tables: bool = True,
                 snapshot_interval: int = 50, env: dict[str, str] | None = None):
        # Per instance: the interval is configuration (THADS_SNAPSHOT_INTERVAL).
        self.snapshotting_intervals = {EnforcementCase: snapshot_interval}  # type: ignore[misc]
        self.snapshotting_projectors = {EnforcementCase: project_case}  # type: ignore[misc]
        self.database_url = database_url
        settings = eventsourcing_env(database_url, create_tables=create_tables)
        settings.update(env or {})
        super().__init__(settings)
        self.directory = directory
        datastore = cast(Any, self.recorder).datastore  # both recorders of SQLite and PostgreSQL
        self.db = Database(datastore, dialect_of(database_url))
        if create_tables:
            self.db.create(users.SCHEMA + numbers.SCHEMA + idempotency.SCHEMA + audit_reads.SCHEMA
                           + report_store.SCHEMA)
        self.users = UserStore(self.db, directory)
        self.numbers = CaseNumbers(self.db)

    @property
    def in_memory(self) -> bool:
        """An in-memory SQLite store: only this process can open it."""
        return self.db.dialect == "sqlite" and ":memory:" in self.database_url

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder)

    # ------------------------------------------------------------------ reads

    def get_case(self, actor: Actor, case_id: UUID, version: int | None = None,
                 as_of: datetime | None = None) -> EnforcementCase:
        """The case as it stands, or at a version, or as recorded at a time; 404 outside scope."""
        if not actor.may_read_cases():
            raise Forbidden(f"a user with role {actor.role} may not read cases")
        case = self.load_case(case_id, version=version)
        if not actor.sees(case.agency, self.directory):
            raise CaseNotFound(f"no case {case_id}")
        if as_of is not None:
            case = self._as_of(case_id, as_of)
        return case

    def history(self, actor: Actor, case_id: UUID) -> list[Any]:
        self.get_case(actor, case_id)
        return list(self.events.get(case_id))

    def log_head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def load_case(self, case_id: UUID, version: int | None = None) -> EnforcementCase:
        try:
            case = self.repository.get(case_id, version=version, projector_func=project_case)
        except AggregateNotFoundError:
            raise CaseNotFound(f"no case {case_id}") from None
        if not isinstance(case, EnforcementCase):
            raise CaseNotFound(f"no case {case_id}")
        if version is not None and case.version != version:
            raise CaseNotFound(f"case {case_id} has no version {version} (latest {case.version})")
        return case

    def _as_of(self, case_id: UUID, as_of: datetime) -> EnforcementCase:
        case: Any = None
        event: Any
        for event in self.events.get(case_id):
            if event.timestamp > as_of:
                break
            case = event.mutate(case)
        if case is None:
            raise CaseNotFound(f"case {case_id} was not yet recorded at {as_of.isoformat()}")
        return case

    # ------------------------------------------------------------------ writes

    def create_case(self, actor: Actor, data: dict[str, Any]) -> Written:
        """Accept a new case (POST /cases)."""
        data = dict(data)
        agency = data.get("agency")
        if not isinstance(agency, str):
            raise InvalidValue("agency must be an agency code", field="agency")
        self.directory.get(agency)
        actor.check_may_create(agency, self.directory)
        on = check_date(data.pop("received_on", None) or clock.today(), "received_on")
        self.directory.check_valid(agency, on)
        enforcer = data.pop("enforcer", None)
        if enforcer is None and actor.role == Role.ENFORCER:
            enforcer = actor.username
        if enforcer is not None:
            self.check_enforcer(enforcer, agency)
        given = data.pop("number", None)
        for _ in range(SAVE_ATTEMPTS):
            number = given or self.numbers.next(agency, on.year)
            case = EnforcementCase.receive(number=number, on=on, enforcer=enforcer,
                                           by=actor.username, **data)
            try:
                recordings = self.save(case)
            except IntegrityError:
                if given:
                    raise DuplicateCase(
                        f"agency {agency} already has case number {given} in {on.year}",
                        details={"field": "number"},
                    ) from None
                continue  # a generated number collided with one typed in by hand
            return Written(case, recordings[-1].notification.id)
        raise DuplicateCase(f"could not find a free case number in agency {agency}")

    def command(self, actor: Actor, case_id: UUID, command: str, args: dict[str, Any],
                expected_version: int | None = None) -> Written:
        """Give one of the commands of SPEC §3 to a case."""
        method = COMMANDS.get(command)
        if method is None:
            raise InvalidValue(f"unknown command {command!r}", field="command")
        for _ in range(SAVE_ATTEMPTS):
            case = self.get_case(actor, case_id)
            actor.check_may_command(method, case.enforcer)
            if expected_version is not None and case.version != expected_version:
                raise self._conflict(case, expected_version)
            given = dict(args)  # _prepare may add to it; a retry starts from the request
            others = self._prepare(actor, case, method, given)
            result = getattr(case, method)(**given, by=actor.username)
            try:
                recordings = self.save(case, *others)
            except IntegrityError:
                if expected_version is not None:
                    raise self._conflict(self.load_case(case_id), expected_version) from None
                continue
            return Written(case, recordings[-1].notification.id, result)
        raise VersionConflict(f"case {case_id} is changing too fast; try again")

    def _prepare(self, actor: Actor, case: EnforcementCase, method: str,
                 args: dict[str, Any]) -> list[EnforcementCase]:
        """Checks that need the directory or the user list, and the receiving agency's new
        case for an entrustment (saved in the same transaction as the original)."""
        if method == "reassign":
            self.check_enforcer(args.get("enforcer"), case.agency)
        if method != "entrust":
            return []
        case.check_active()
        on = case.check_on(args.get("on"))
        args["on"] = on
        target = self.directory.check_valid(str(args.get("to_agency", "")), on, field="to_agency")
        if target.level == Level.NATIONAL:
            raise InvalidValue("a case is entrusted to a province or an office", field="to_agency")
        new_case = EnforcementCase.receive(
            number=self.numbers.next(target.code, on.year), agency=target.code, on=on,
            initiation=case.initiation, judgment=dict(case.judgment), creditor=dict(case.creditor),
            debtor=dict(case.debtor), amount_due=case.outstanding, obligation=case.obligation,
            enforcer=None, entrusted_from=str(case.id), by=actor.username,
        )
        args["new_case"] = str(new_case.id)
        return [new_case]

    def check_enforcer(self, username: object, agency: str) -> None:
        """The enforcer of a case must be an active enforcer or head of the case's agency."""
        user = self.users.get(username) if isinstance(username, str) else None
        if user is None or not user.active:
            raise InvalidValue(f"no active user {username!r}", field="enforcer", rule="unknown_enforcer")
        if user.role not in (Role.ENFORCER, Role.HEAD) or user.agency != agency:
            raise InvalidValue(
                f"{username} is not an enforcer of agency {agency}", field="enforcer",
                rule="unknown_enforcer",
            )

    def _conflict(self, case: EnforcementCase, expected: int) -> VersionConflict:
        last: Any = next(iter(self.events.get(case.id, desc=True, limit=1)))
        by = getattr(last, "by", None)
        return VersionConflict(
            f"the case is at version {case.version}, not {expected}: {by} changed it at "
            f"{last.timestamp.isoformat()}",
            details={"current_version": case.version, "changed_by": by,
                     "changed_at": last.timestamp.isoformat(), "event": type(last).__name__},
        )


HEAD_ONLY_COMMANDS = sorted(name for name, method in COMMANDS.items() if method in HEAD_ONLY)


"""Who may do what (SPEC §1): roles, the acting user, and the policy checks.

A user belongs to one agency and sees that agency and those below it. Enforcers act on cases
assigned to them; heads on every case in scope; auditors only read; admins manage users and
the directory and take no case actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from domain.errors import CaseError


class Role(StrEnum):
    ENFORCER = "enforcer"  # chấp hành viên
    HEAD = "head"  # thủ trưởng
    AUDITOR = "auditor"  # kiểm tra viên
    ADMIN = "admin"
    SERVICE = "service"  # workers' identity: reads in scope, never changes cases


HEAD_ONLY = frozenset({"reassign", "mark_difficult"})
"""Commands only a head may give (reassignment; the Council's difficulty finding)."""


class Forbidden(CaseError):
    """The user is known but may not do this (HTTP 403)."""

    rule = "forbidden"


class Scope(Protocol):
    def is_within(self, code: str, ancestor: str) -> bool: ...


@dataclass(frozen=True)
class Actor:
    """The authenticated user on whose behalf a command runs."""

    username: str
    role: str
    agency: str

    def sees(self, agency: str, directory: Scope) -> bool:
        """Whether ``agency`` lies in this user's scope."""
        return directory.is_within(agency, self.agency)

    def may_read_cases(self) -> bool:
        return self.role in (Role.ENFORCER, Role.HEAD, Role.AUDITOR, Role.SERVICE)

    def check_may_create(self, agency: str, directory: Scope) -> None:
        if self.role not in (Role.ENFORCER, Role.HEAD):
            raise Forbidden(f"a user with role {self.role} may not create cases")
        if not self.sees(agency, directory):
            raise Forbidden(f"agency {agency} is outside your scope ({self.agency})", field="agency")
        if self.role == Role.ENFORCER and agency != self.agency:
            raise Forbidden("an enforcer creates cases only in their own office", field="agency")

    def check_may_command(self, command: str, assigned_to: str | None) -> None:
        """Raise ``Forbidden`` unless this user may give ``command`` on a case in scope
        assigned to ``assigned_to``. Scope itself is checked by the caller (404, not 403)."""
        if self.role not in (Role.ENFORCER, Role.HEAD):
            raise Forbidden(f"a user with role {self.role} may not change cases")
        if command in HEAD_ONLY and self.role != Role.HEAD:
            raise Forbidden(f"only a head may {command.replace('_', '-')} a case")
        if self.role == Role.ENFORCER and assigned_to != self.username:
            who = assigned_to or "nobody yet"
            raise Forbidden(f"the case is assigned to {who}; an enforcer acts only on their own cases")

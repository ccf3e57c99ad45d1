"""Every action of one user (SPEC §6), as the API and the auditor's page both ask for it: who
may ask, which usernames are known, and the read models it waits for."""

from __future__ import annotations

from datetime import datetime

from domain.access import Actor
from domain.errors import CaseNotFound
from projections.action_query import Actions, acted, check_auditor, user_actions
from service.services import Services

READ_MODEL = "actions"
CASES_MODEL = "cases"  # the case's number and agency, and the caller's scope


def actions_of(svc: Services, actor: Actor, username: str, *, before: int | None = None,
               limit: int = 50, since: datetime | None = None, until: datetime | None = None,
               event_type: str | None = None, min_position: int | None = None) -> Actions:
    """One page of ``username``'s actions on cases in the caller's scope. A username is known
    when the user store has it in the caller's scope, or when the log holds actions of it
    there (an account since removed, the demo's generated cases, whose ``by`` is no account):
    any other is 404, as for a case outside the scope."""
    check_auditor(actor)
    read_models = svc.read_models
    svc.read_models.wait_for(min_position, [READ_MODEL, CASES_MODEL])
    names, summary = read_models.names(READ_MODEL), read_models.names(CASES_MODEL)["summary"]
    user = svc.cases.users.get(username)
    known = user is not None and actor.sees(user.agency, svc.directory)
    if not known and not acted(svc.cases.db, names, summary, svc.directory, actor, username):
        raise CaseNotFound(f"no user {username!r} in your scope, and no action by that name",
                           field="username")
    return user_actions(svc.cases.db, names, summary, svc.directory, actor, username, before=before,
                        limit=limit, since=since, until=until, event_type=event_type)

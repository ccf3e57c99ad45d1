"""Which commands a case accepts now, and from whom: what the case page offers as forms.

Only the rules that depend on the case's state are looked at here (a command may still be
refused for its arguments: an amount above what is due, a date before the last act). For
commands on an asset, the ids of the assets it applies to."""

from __future__ import annotations

from typing import Any

from domain.access import Actor, Forbidden
from domain.values import AssetStatus, CaseState, Initiation

ALL = object()
"""Marks a command that does not name an asset."""


def available(case: Any) -> dict[str, Any]:
    """Command name (as the method is called) → ALL, or the list of asset ids it applies to."""
    found: dict[str, Any] = {"note": ALL}
    if case.state in (CaseState.CLOSED, CaseState.ENTRUSTED):
        return found
    found["terminate"] = ALL
    if case.state in (CaseState.POSTPONED, CaseState.SUSPENDED):
        found["resume"] = ALL
        return found
    for name in ("verify", "postpone", "suspend", "entrust", "reassign", "mark_difficult", "correct"):
        found[name] = ALL
    if case.initiation == Initiation.ON_REQUEST:
        found["return_request"] = ALL
    if case.able is True:
        found["seize"] = ALL
    if case.collected < case.amount_due:
        found["collect"] = ALL
    if case.paid_out < case.collected:
        found["pay_out"] = ALL
    by_status: dict[str, list[int]] = {}
    for asset in case.assets:
        by_status.setdefault(asset.status, []).append(asset.id)
    assets = {
        "value": [*by_status.get(AssetStatus.SEIZED, []), *by_status.get(AssetStatus.VALUED, []),
                  *by_status.get(AssetStatus.UNSOLD, [])],
        "auction": by_status.get(AssetStatus.VALUED, []),
        "reduce_price": by_status.get(AssetStatus.UNSOLD, []),
        "hand_to_creditor": [a.id for a in case.assets if a.status == AssetStatus.UNSOLD
                             and a.price_reductions > 0] if case.collected < case.amount_due else [],
        "deliver": by_status.get(AssetStatus.SOLD, []),
    }
    found.update({name: sorted(ids) for name, ids in assets.items() if ids})
    if (case.collected >= case.amount_due and case.paid_out >= case.collected
            and not by_status.get(AssetStatus.SOLD)):
        found["close"] = ALL
    return found


def available_to(actor: Actor, case: Any) -> dict[str, Any]:
    """``available`` less what this user may not give (auditors and admins: nothing)."""
    allowed = {}
    for name, assets in available(case).items():
        try:
            actor.check_may_command(name, case.enforcer)
        except Forbidden:
            continue
        allowed[name] = assets
    return allowed

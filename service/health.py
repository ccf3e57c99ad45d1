"""How the parts this process sees are doing: the store (its log head), every read model's
position and lag, and Redis. ``GET /api/v1/health`` answers it as it is; ``thads check``
(``service.check``) prints it a line per part, with what only an operator should see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.services import Services

MAX_LAG = 1000
"""Events a read model may be behind the log before the system counts as degraded."""


def health(svc: Services, *, max_lag: int = MAX_LAG) -> dict[str, Any]:
    """The body of ``GET /api/v1/health``: ``status`` is ``ok``, ``degraded`` (Redis down, or a
    read model more than ``max_lag`` events behind) or ``down`` (the store does not answer)."""
    body: dict[str, Any] = {"status": "ok", "store": {"dialect": svc.cases.db.dialect}}
    try:
        head = svc.cases.log_head()
        body["store"].update(ok=True, log_head=head)
    except Exception as error:
        body.update(status="down", projections={}, redis={"configured": bool(svc.config.redis_url)})
        body["store"].update(ok=False, error=first_line(error))
        return body
    projections: dict[str, Any] = {}
    registry = svc.read_models.registry
    for generation in registry.generations():
        if generation.projection not in registry.projections:
            continue  # a read model of an earlier release (its tables wait for a clean-up)
        entry = projections.setdefault(generation.projection, {"rebuilding": None})
        if generation.status == "active":
            entry.update(position=generation.position, lag=head - generation.position,
                         generation=generation.generation, version=generation.version)
        elif generation.status == "building":
            entry["rebuilding"] = {"generation": generation.generation, "position": generation.position}
    body["projections"] = projections
    # Redis carries only the report queue: down, reports are unavailable, the rest works.
    redis_ok = svc.report_queue.available() if svc.config.redis_url else None
    body["redis"] = {"configured": bool(svc.config.redis_url), "ok": redis_ok}
    if redis_ok is False or any(p.get("lag", 0) > max_lag for p in projections.values()):
        body["status"] = "degraded"
    return body


def first_line(error: BaseException) -> str:
    """An error as one short line (a driver's message can run to many)."""
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]

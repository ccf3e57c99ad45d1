"""Checkpoints of the audit chain (SPEC §6): the chain's head — position, log hash, time —
signed with HMAC-SHA256 under a key from configuration (``THADS_AUDIT_KEY``), kept outside the
store; later, ``check`` proves the log still extends it: a log rewritten and chained again
from scratch has another hash at that position."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from service.audit.chain import read_head

FIELDS = ("position", "log_hash", "time")


class CheckpointError(Exception):
    """A checkpoint that cannot be taken or read."""


def _signature(body: dict[str, Any], key: str) -> str:
    message = json.dumps({k: body[k] for k in FIELDS}, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def take(app: Any, key: str | None, now: datetime | None = None) -> dict[str, Any]:
    if not key:
        raise CheckpointError("set THADS_AUDIT_KEY to sign checkpoints")
    head = read_head(app.db)
    if head is None:
        raise CheckpointError("the audit chain is empty: nothing to checkpoint")
    body = {"position": head[0], "log_hash": head[1],
            "time": (now or datetime.now(tz=UTC)).isoformat(timespec="seconds")}
    return {**body, "signature": _signature(body, key)}


def read(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except json.JSONDecodeError as error:
        raise CheckpointError(f"the checkpoint is not JSON: {error}") from None
    missing = [f for f in (*FIELDS, "signature") if not isinstance(found, dict) or f not in found]
    if missing:
        raise CheckpointError(f"the checkpoint lacks {', '.join(missing)}")
    if not isinstance(found["position"], int) or found["position"] < 1:
        raise CheckpointError("the checkpoint's position must be a positive integer")
    return found


def check(app: Any, checkpoint: dict[str, Any], key: str | None) -> str | None:
    """None when the stored chain extends ``checkpoint`` (run ``verify`` too: it proves the
    chain matches the events); else what is wrong."""
    if not key:
        raise CheckpointError("set THADS_AUDIT_KEY to check checkpoints")
    if not hmac.compare_digest(_signature(checkpoint, key), str(checkpoint["signature"])):
        return "the checkpoint's signature does not match: another key, or the file was changed"
    position = int(checkpoint["position"])
    rows = app.db.query("SELECT log_hash FROM audit_chain WHERE position = %s", (position,))
    if not rows:
        return f"position {position} of the checkpoint ({checkpoint['time']}) is no longer in the log"
    if rows[0]["log_hash"] != checkpoint["log_hash"]:
        return (f"the log at position {position} is not the one checkpointed at {checkpoint['time']}:"
                " it was rewritten")
    return None

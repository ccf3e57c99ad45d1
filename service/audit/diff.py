"""What changed between two states of a case, field by field (SPEC §6: an auditor's diff of
two versions, and the change each event made)."""

from __future__ import annotations

from typing import Any


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts and lists as dotted paths (``parties.debtor.name``, ``assets.0.kind``)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}."))
        return out if out or not prefix else {prefix[:-1]: {}}
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}{index}."))
        return out if out or not prefix else {prefix[:-1]: []}
    return {prefix[:-1]: value}


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each path whose value differs, with the value before and after (None where absent),
    in path order."""
    old, new = flatten(before or {}), flatten(after)
    return [{"field": path, "before": old.get(path), "after": new.get(path)}
            for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]

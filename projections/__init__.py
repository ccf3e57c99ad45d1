"""Read models of the event log: case summaries, statistics (SPEC §4), bottlenecks (§5)."""

from __future__ import annotations

from importlib import import_module

from projections.base import Projection

PROJECTIONS = (
    "projections.cases:CasesProjection",
    "projections.statistics:StatisticsProjection",
    "projections.bottlenecks:BottlenecksProjection",
)


def all_projections() -> list[Projection]:
    """Every read model the product keeps, in the order the runner applies them."""
    found = []
    for path in PROJECTIONS:
        module, _, cls = path.partition(":")
        try:
            found.append(getattr(import_module(module), cls)())
        except ModuleNotFoundError as error:  # TODO(issue 3): remove once all three exist
            if error.name != module:
                raise
    return found

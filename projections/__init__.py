"""Read models of the event log: case summaries, statistics (SPEC §4), bottlenecks (§5,
with the dashboard's counters) and every user's actions (§6)."""

from __future__ import annotations

from projections.base import Projection


def all_projections() -> list[Projection]:
    """Every read model the product keeps, in the order the runner applies them."""
    from projections.actions import ActionsProjection
    from projections.bottlenecks import BottlenecksProjection
    from projections.cases import CasesProjection
    from projections.statistics import StatisticsProjection

    return [CasesProjection(), StatisticsProjection(), BottlenecksProjection(), ActionsProjection()]

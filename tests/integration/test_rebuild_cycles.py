"""A rebuild leaves no reference cycles: it runs with the cycle collector off and freezes what
each batch keeps (``Runner._build``), so a cycle made per event or per batch (a folder holding
its own bound methods, say) would never be freed while it runs. Both stores."""

from __future__ import annotations

import gc
from collections import Counter
from datetime import date

from domain.agencies import default_directory
from projections import all_projections
from projections.registry import Registry
from projections.runner import Runner
from service.application import CaseApplication
from service.demo.synthetic import generate


def test_rebuilding_every_read_model_leaves_no_reference_cycles(store_url: str) -> None:
    app = CaseApplication(store_url, default_directory())
    try:
        offices = [a.code for a in app.directory.offices(date(2026, 1, 1))][:20]
        generate(app, 300, agencies=offices, year=2026)
        registry = Registry(app.db, all_projections())
        registry.create_tables()
        runner = Runner(app, registry, rebuild_batch=400)  # several batches, each with cases cached
        gc.collect()
        automatic = gc.isenabled()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds, to name it
        try:
            runner.rebuild_many(list(registry.projections))
            found = gc.collect()
            kinds = Counter(type(o).__name__ for o in gc.garbage).most_common(5)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            if automatic:
                gc.enable()
        assert found == 0, f"a rebuild left {found} objects in reference cycles: {kinds}"
        assert all(g.position == app.log_head() for g in registry.generations() if g.status == "active")
    finally:
        app.close()

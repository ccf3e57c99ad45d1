"""The baseline of the command benchmark: a bare Flask endpoint on the same store that loads,
changes and saves one aggregate per request — no schema, no auth, no rules, no idempotency."""

from __future__ import annotations

import os
from datetime import date
from typing import Any
from uuid import UUID

from flask import Flask

from domain.agencies import default_directory
from service.application import CaseApplication


def create() -> Flask:
    app = Flask(__name__)
    cases = CaseApplication(os.environ["THADS_DATABASE_URL"], default_directory(), create_tables=False)

    @app.post("/bare/<uuid:case_id>")
    def bare(case_id: UUID) -> Any:
        case: Any = cases.repository.get(case_id)
        case._note_added("bench", date.today(), "bench")
        cases.save(case)
        return {"version": case.version}

    @app.get("/ping")
    def ping() -> Any:
        return {"ok": True}

    return app

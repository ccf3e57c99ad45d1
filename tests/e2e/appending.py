"""A writer process of the runner crash tests: it imports only the application, so that eight
of them start in a fraction of the time that importing the test module (the projections, the
demo, pytest) took each."""

from __future__ import annotations

from datetime import date

from domain.agencies import default_directory
from service.application import CaseApplication


def append(url: str, worker: int, cases: int) -> None:
    """``cases`` cases written one command at a time: received, verified, 10 VND collected."""
    app = CaseApplication(url, default_directory(), create_tables=False)
    actor = app.users.get("chv.khuvuc").actor  # type: ignore[union-attr]
    for i in range(cases):
        written = app.create_case(actor, {
            "agency": "T25-KV01", "received_on": date(2026, 1, 5), "initiation": "on_request",
            "judgment": {"court": "TAND", "number": f"{worker}-{i}", "date": date(2025, 12, 1),
                         "kind": "civil"},
            "creditor": {"name": "Trần Văn Bình", "kind": "individual"},
            "debtor": {"name": f"Lê Thị {worker}-{i}", "kind": "individual"}, "amount_due": 1000})
        app.command(actor, written.case.id, "verify", {"result": "able", "on": date(2026, 1, 6)})
        app.command(actor, written.case.id, "collect", {"amount": 10, "source": "voluntary",
                                                        "on": date(2026, 1, 7)})
    app.close()

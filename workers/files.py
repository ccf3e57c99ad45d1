"""Report files on disk: written under a temporary name, made durable, checksummed and
renamed to their final name in one step, so that a report's final path either does not
exist or holds the whole file — never a part of one, whatever kills the writer."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path

PART = ".part"
"""The suffix of a file being written; such files are never served."""


def final_path(directory: Path, report_id: str, attempt: int, fmt: str) -> Path:
    """Each attempt its own final name: the record names the file of the attempt that
    finished, so a dead attempt that comes back to life never overwrites it."""
    return directory / f"{report_id}-{attempt}.{fmt}"


def temporary_path(directory: Path, report_id: str) -> Path:
    """A fresh name to write a report to (one per attempt: a retry never reuses a dead
    attempt's file)."""
    return directory / f"{report_id}.{uuid.uuid4().hex[:12]}{PART}"


def clear_temporary(directory: Path, report_id: str) -> int:
    """Delete what earlier attempts at this report left half-written (a killed worker);
    answers how many files went."""
    removed = 0
    for path in directory.glob(f"{report_id}.*{PART}"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def clear_other_attempts(directory: Path, report_id: str, keep: Path) -> None:
    """Delete the complete files of earlier attempts (one killed after its rename, before it
    could record it): only ``keep`` is the report's."""
    for path in directory.glob(f"{report_id}-*"):
        if path != keep:
            path.unlink(missing_ok=True)


def sweep(directory: Path, older_than: float) -> int:
    """Delete every temporary file not touched for ``older_than`` seconds: no live attempt
    runs that long (the job timeout), so its writer is dead."""
    if not directory.is_dir():
        return 0
    limit, removed = time.time() - older_than, 0
    for path in directory.glob(f"*{PART}"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def publish(temporary: Path, final: Path) -> tuple[int, str]:
    """Make the written file durable and give it its final name; answers its size and its
    SHA-256 (hex). The data reaches the disk before the rename, and the rename before this
    returns, so a crash leaves either no final file or the complete one."""
    digest = hashlib.sha256()
    with temporary.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
        os.fsync(file.fileno())
        size = file.tell()
    os.replace(temporary, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return size, digest.hexdigest()

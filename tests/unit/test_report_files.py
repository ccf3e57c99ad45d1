"""Report files on disk: published whole under their final name with their checksum; what
killed attempts leave (half-written files, a complete file never recorded) is cleared."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from workers import files


def test_a_file_is_published_whole_with_its_checksum(tmp_path: Path) -> None:
    temporary = files.temporary_path(tmp_path, "r1")
    assert temporary.name.startswith("r1.") and temporary.name.endswith(files.PART)
    temporary.write_bytes(b"a,b\r\n1,2\r\n")
    final = files.final_path(tmp_path, "r1", 2, "csv")
    size, digest = files.publish(temporary, final)
    assert (size, digest) == (10, hashlib.sha256(b"a,b\r\n1,2\r\n").hexdigest())
    assert not temporary.exists() and final.name == "r1-2.csv" and final.read_bytes() == b"a,b\r\n1,2\r\n"


def test_what_killed_attempts_leave_is_cleared(tmp_path: Path) -> None:
    half = [files.temporary_path(tmp_path, "r1") for _ in range(2)]
    other = files.temporary_path(tmp_path, "r2")
    for path in (*half, other):
        path.write_text("half")
    assert files.clear_temporary(tmp_path, "r1") == 2 and other.exists()
    unrecorded, kept = files.final_path(tmp_path, "r1", 1, "csv"), files.final_path(tmp_path, "r1", 2, "csv")
    for path in (unrecorded, kept):
        path.write_text("whole")
    files.clear_other_attempts(tmp_path, "r1", keep=kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == [kept.name, other.name]


def test_a_worker_starting_sweeps_only_old_temporary_files(tmp_path: Path) -> None:
    old, new = files.temporary_path(tmp_path, "r1"), files.temporary_path(tmp_path, "r2")
    done = files.final_path(tmp_path, "r3", 1, "csv")
    for path in (old, new, done):
        path.write_text("x")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    os.utime(done, (hour_ago, hour_ago))
    assert files.sweep(tmp_path, older_than=720) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.name, done.name])
    assert files.sweep(tmp_path / "none", older_than=1) == 0

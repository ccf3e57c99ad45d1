"""The event log for auditors' and process-mining tools (SPEC §6): the whole log, or one
agency (with the agencies below it) and a period of recorded time (``service.audit.traces``),
as XES (``service.audit.xes``) or OCEL 2.0 JSON (``service.audit.ocel``); streamed in chunks
for the API, or saved to a file that appears only when complete (the command line, and the
report workers)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from service.audit import ocel, xes
from service.audit.traces import LogReader, Progress

FORMATS = {"xes": ("application/xml", "xes"), "ocel": ("application/json", "ocel.json")}
"""Format → content type and file extension."""
CHUNK = 1 << 16


class LogExport(LogReader):
    """One export of the log: a reading of its scope and how it is named and written."""

    def filename(self, fmt: str) -> str:
        parts = ["thads-log", self.scope.agency, self.scope.start, self.scope.end]
        return "-".join(str(p) for p in parts if p is not None) + f".{FORMATS[fmt][1]}"

    def about(self) -> dict[str, Any]:
        """What the export is of: the log position it was taken at and the scope."""
        scope = self.scope
        return {"position": self.head, "agency": scope.agency or "*",
                "from": scope.start and scope.start.isoformat(), "to": scope.end and scope.end.isoformat()}

    def chunks(self, fmt: str, progress: Progress | None = None) -> Iterator[str]:
        """The file in ``fmt`` as text, in pieces of about 64 KiB."""
        traces = self.traces(progress)
        if fmt == "xes":
            return _buffered(xes.encode(traces, self.about()))
        return _buffered(ocel.encode(traces, self.app.directory))

    def save(self, fmt: str, path: Path, progress: Progress | None = None) -> None:
        """Write the export to ``path`` through a temporary file beside it, renamed when
        complete: an interrupted export leaves no half-written file."""
        temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            with temporary.open("w", encoding="utf-8") as out:
                for chunk in self.chunks(fmt, progress):
                    out.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def _buffered(pieces: Iterable[str]) -> Iterator[str]:
    """Small pieces joined into chunks of about ``CHUNK`` characters (a write each)."""
    held: list[str] = []
    size = 0
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(held)
            held, size = [], 0
    if held:
        yield "".join(held)

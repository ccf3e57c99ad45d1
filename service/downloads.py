"""Files the pages and the API hand out: a download's headers, and CSV as Excel reads it
(UTF-8 with a byte-order mark, so that Vietnamese shows; CRLF line ends)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask import Response

BOM = "\ufeff"


def attachment(filename: str) -> dict[str, str]:
    """The headers of a download named ``filename`` (never cached: it holds case data)."""
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


def csv_response(rows: Iterable[list[Any]], filename: str) -> Response:
    """The rows as a CSV download named ``filename``."""
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv", headers=attachment(filename))

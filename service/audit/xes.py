"""The event log as XES (IEEE 1849-2016), the process-mining tools' common format.

One trace per case, its ``concept:name`` the case id (case numbers repeat across agencies and
years, and tools group events into cases by that name), with the case's ``number`` and
``agency``. One event per domain event: ``concept:name`` the event type, ``time:timestamp`` the
recorded time, ``org:resource`` who did it, ``lifecycle:transition`` complete, and
``business_date``, ``version``, ``position`` (in the log) and the event's own scalar fields
(``amount``, ``result``, ``asset_id``…); nested fields (a judgment, a party) are left to the
case history. Written as text pieces, a trace at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from service.audit.traces import LogEvent, Trace

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
<global scope="trace">
<string key="concept:name" value="UNKNOWN"/>
</global>
<global scope="event">
<string key="concept:name" value="UNKNOWN"/>
<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
<string key="lifecycle:transition" value="complete"/>
</global>
<classifier name="Activity" keys="concept:name"/>
<classifier name="Activity and resource" keys="concept:name org:resource"/>
<string key="concept:name" value="THADS case events"/>
"""
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold (control characters a free text may carry)."""


def attribute(key: str, value: Any) -> str:
    """One typed XES attribute; None gives nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        kind, text = "boolean", "true" if value else "false"
    elif isinstance(value, int):
        kind, text = "int", str(value)
    elif isinstance(value, float):
        kind, text = "float", repr(value)
    elif isinstance(value, datetime):
        kind, text = "date", value.isoformat(timespec="milliseconds")
    elif isinstance(value, date):
        kind, text = "string", value.isoformat()
    else:
        kind, text = "string", NOT_XML.sub("", str(value))
    return f"<{kind} key={quoteattr(key)} value={quoteattr(text)}/>"


def event(e: LogEvent) -> str:
    known = {"concept:name": e.type, "time:timestamp": e.recorded_at, "org:resource": e.by,
             "lifecycle:transition": "complete", "business_date": e.on, "version": e.version,
             "position": e.position}
    own = {k: v for k, v in e.data.items() if k not in known and not isinstance(v, dict | list)}
    return "<event>" + "".join(attribute(k, v) for k, v in (known | own).items()) + "</event>\n"


def trace(t: Trace) -> str:
    head = "".join(attribute(k, v) for k, v in
                   (("concept:name", t.case_id), ("number", t.number), ("agency", t.agency)))
    return f"<trace>{head}\n" + "".join(event(e) for e in t.events) + "</trace>\n"


def encode(traces: Iterable[Trace], about: dict[str, Any]) -> Iterator[str]:
    """The XES file of ``traces``, the log's attributes from ``about``."""
    yield HEADER + "".join(attribute(k, v) for k, v in about.items()) + "\n"
    for t in traces:
        yield trace(t)
    yield "</log>\n"

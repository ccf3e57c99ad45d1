"""Queries of the statistics read model: SPEC §4's table for an agency and period with its
splits, the rates and the ranks of provinces and offices.

One statement reads everything an answer needs — the agency's rows in every split, the
peers' rows it is ranked against, and the read model's position — so the figures, the rank
and the position always come from the same snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.agencies import Directory, Level
from domain.values import Initiation, JudgmentKind
from projections import stats_model
from projections.base import Names
from projections.stats_model import CATEGORIES, FLOWS, METRICS, STATES, Vector
from service.store import Database

COLUMNS = ("carried_over", "newly_accepted", "total_accepted", "entrusted", "to_execute",
           "without_conditions", "with_conditions", "completed", "terminated", "returned",
           "postponed", "suspended", "in_progress", "carried_forward")
SUMS = ("n_open", "m_open", *FLOWS, *STATES)
"""What is summed per (node, split): open before the period, flows in it, open at its end."""

INITIATIONS = tuple(f"init:{i.value}" for i in Initiation)
PEER = "peer"
"""The pseudo split of a peer's sums: all its cases, and only the sums its rates need."""
RATE_SUMS = ("n_open", "m_open", "n_received", "m_received", "n_entrusted", "m_entrusted", "n_unable",
             "m_unable", "n_completed", "n_terminated", "m_terminated", "m_collected")
Sums = dict[str, int]


@dataclass(frozen=True)
class Period:
    """From 1 October of year − 1 to the end of month ``through`` (yyyymm)."""

    year: int
    through: int

    @property
    def first(self) -> int:
        return (self.year - 1) * 100 + 10

    @property
    def start(self) -> date:
        return date(self.year - 1, 10, 1)

    @property
    def end(self) -> date:
        y, m = divmod(self.through, 100)
        return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.through // 100:04d}-{self.through % 100:02d}"

    @property
    def last(self) -> int:
        """September of ``year``, the year's last month (yyyymm)."""
        return self.year * 100 + 9

    @property
    def within_year(self) -> bool:
        """Whether ``through`` is a month of the statistical year (October to September)."""
        return self.first <= self.through <= self.last

    def __contains__(self, month: int) -> bool:
        return self.first <= month <= self.through


def outside_year(through: str, year: int) -> str:
    """The refusal of a ``through`` month outside the statistical year."""
    return f"through {through} is outside statistical year {year} ({year - 1}-10 to {year}-09)"


@dataclass(frozen=True)
class Cut:
    """The log as known at a past moment: the ``known`` buckets before ``bucket`` and the
    deltas of the events from there up to ``position``, replayed (node, split, month)."""

    position: int
    bucket: int
    extra: dict[tuple[str, str, int], Vector] = field(default_factory=dict)


# ------------------------------------------------------------------ reading


def read_sums(db: Database, names: Names, period: Period, *, node: str | None,
              peers: Sequence[str], cut: Cut | None = None) -> tuple[int, dict[tuple[str, str], Sums]]:
    """Sums per (node, split) for ``node`` in every split and ``all``, the sums the rates of
    ``peers`` need (split PEER), and the position they are at: one statement, one snapshot."""
    first, last = int(period.first), int(period.through)
    n_open = " + ".join(f"n_{c}" for c in CATEGORIES)
    m_open = " + ".join(f"m_{c}" for c in CATEGORIES)
    sums = {"n_open": f"CASE WHEN month < {first} THEN {n_open} ELSE 0 END",
            "m_open": f"CASE WHEN month < {first} THEN {m_open} ELSE 0 END",
            **{f: f"CASE WHEN month >= {first} THEN {f} ELSE 0 END" for f in FLOWS},
            **{s: s for s in STATES}}
    branches, params = [], []
    if node is not None:
        source, times = summed_rows(names, cut, f"month <= {last} AND node = %s")
        columns = ", ".join(f"SUM({expr}) AS {name}" for name, expr in sums.items())
        branches.append(f"SELECT node, split, {columns} FROM {source} GROUP BY node, split")
        params += [node] * times
    if peers:
        inits, places = ", ".join(["%s"] * len(INITIATIONS)), ", ".join(["%s"] * len(peers))
        source, times = summed_rows(names, cut,
                                    f"month <= {last} AND split IN ({inits}) AND node IN ({places})")
        columns = ", ".join(f"SUM({expr}) AS {name}" if name in RATE_SUMS else f"0 AS {name}"
                            for name, expr in sums.items())
        branches.append(f"SELECT node, '{PEER}' AS split, {columns} FROM {source} GROUP BY node")
        params += [*INITIATIONS, *peers] * times
    if not branches:  # nobody to sum (no peers in the period, say): the position alone
        zeros = ", ".join(f"0 AS {name}" for name in sums)
        branches.append(f"SELECT NULL AS node, NULL AS split, {zeros} WHERE 1 = 0")
    rows = db.query(
        f"SELECT g.position AS position, s.* FROM rm_generations g LEFT JOIN ("
        f"{' UNION ALL '.join(branches)}) s ON 1 = 1 WHERE g.projection = %s AND g.generation = %s",
        (*params, names.projection, names.generation))
    found: dict[tuple[str, str], Sums] = {}
    for row in rows:
        if row["node"] is not None:
            found[(row["node"], row["split"])] = {s: int(row[s] or 0) for s in SUMS}
    position = int(rows[0]["position"]) if rows else 0
    if cut is not None:
        add_extra(found, cut.extra, period, node, set(peers))
        position = cut.position
    if node is not None:
        whole = found.setdefault((node, "all"), dict.fromkeys(SUMS, 0))
        for split in INITIATIONS:  # all cases = the sum of the initiations
            for name, value in found.get((node, split), {}).items():
                whole[name] += value
    return position, found


def summed_rows(names: Names, cut: Cut | None, where: str) -> tuple[str, int]:
    """The rows to sum (and how many times ``where``'s parameters occur): the monthly sums,
    or as known at a cut, the last snapshot before it and the buckets from there to the cut
    (a node's ``known`` rows are those of its ``lineage`` members, summed under its code, so
    that ``where`` names ``node`` in both)."""
    if cut is None:
        return f"{names['months']} WHERE {where}", 1
    every = int(stats_model.MARK_BUCKETS)
    mark = f"(SELECT COALESCE(MAX(mark), 0) FROM {names['marks']} WHERE mark <= {cut.bucket // every})"
    metrics = ", ".join(METRICS)
    known = ", ".join(f"k.{m} AS {m}" for m in METRICS)
    return (f"(SELECT node, split, month, {metrics} FROM {names['snapshots']} WHERE mark = {mark}"
            f" AND {where} UNION ALL SELECT node, split, month, {metrics} FROM"
            f" (SELECT l.target AS node, k.split AS split, k.month AS month, {known}"
            f" FROM {names['lineage']} l JOIN {names['known']} k ON k.node = l.member"
            f" WHERE k.bucket >= {mark} * {every} AND k.bucket < {int(cut.bucket)}) b"
            f" WHERE {where}) u"), 2


def add_extra(found: dict[tuple[str, str], Sums], extra: Mapping[tuple[str, str, int], Vector],
              period: Period, node: str | None, peers: set[str]) -> None:
    """The deltas a cut replayed (up to the period's last month) added to the sums of
    ``node`` in their own split and to the PEER sums of ``peers``."""
    for (code, split, month), vector in extra.items():
        if month > period.through:
            continue
        keys = [(code, split)] if code == node else []
        if code in peers and split in INITIATIONS:
            keys.append((code, PEER))
        for key in keys:
            sums = found.setdefault(key, dict.fromkeys(SUMS, 0))
            for name, value in vector.items():
                if name in STATES:
                    sums[name] += value
                    if month < period.first:
                        sums[f"{name[0]}_open"] += value
                elif month >= period.first:
                    sums[name] += value


# ------------------------------------------------------------------ the table


def rate(done: int, base: int) -> float:
    """done / base in percent, one decimal, rounded half up; 0.0 when base is 0."""
    if base <= 0:
        return 0.0
    return ((2000 * done + base) // (2 * base)) / 10


def table(sums: Sums | None) -> dict[str, dict[str, Any]]:
    """SPEC §4's columns, in cases and in money, from the sums of one node and split."""
    s = sums or dict.fromkeys(SUMS, 0)
    out: dict[str, dict[str, Any]] = {}
    for unit, k in (("cases", "n"), ("money", "m")):
        c: dict[str, Any] = {"carried_over": s[f"{k}_open"], "newly_accepted": s[f"{k}_received"]}
        c["total_accepted"] = c["carried_over"] + c["newly_accepted"]
        c["entrusted"] = s[f"{k}_entrusted"]
        c["to_execute"] = c["total_accepted"] - c["entrusted"]
        c["without_conditions"] = s[f"{k}_unable"]
        c["with_conditions"] = c["to_execute"] - c["without_conditions"]
        c["completed"] = s["n_completed"] if k == "n" else s["m_collected"]
        c["terminated"] = s[f"{k}_terminated"]
        c["returned"] = s[f"{k}_returned"]
        c["postponed"] = s[f"{k}_postponed"]
        c["suspended"] = s[f"{k}_suspended"]
        c["in_progress"] = s[f"{k}_progress"]
        c["carried_forward"] = c["to_execute"] - c["completed"] - c["terminated"] - c["returned"]
        c["rate"] = rate(c["completed"] + c["terminated"], c["with_conditions"])
        out[unit] = c
    return out


def competition_ranks(rates: Mapping[str, float]) -> dict[str, int]:
    """Rank 1 = highest; equal rates share a rank and the next rank is skipped (1, 2, 2, 4)."""
    ordered = sorted(rates.values(), reverse=True)
    return {code: ordered.index(value) + 1 for code, value in rates.items()}


# ------------------------------------------------------------------ answers


def peers_of(directory: Directory, agency: str, on: date) -> tuple[str, list[str]] | None:
    """The level and the agencies ``agency`` is ranked against on ``on`` (None: not ranked)."""
    found = directory.get(agency)
    if found.level == Level.PROVINCE:
        peers = [a.code for a in directory.provinces(on)]
    elif found.level == Level.OFFICE and found.parent is not None:
        peers = [a.code for a in directory.offices(on, found.parent)]
    else:
        return None
    return (found.level, peers) if agency in peers else None


def peers_below(directory: Directory, agency: str, on: date) -> list[str]:
    """The agencies just below ``agency`` that GET /rankings ranks against each other on
    ``on``: the provinces below the nation, a province's offices (none below an office)."""
    found = directory.get(agency)
    if found.level == Level.NATIONAL:
        return [a.code for a in directory.provinces(on)]
    if found.level == Level.PROVINCE:
        return [a.code for a in directory.offices(on, agency)]
    return []


def ranking(sums: Mapping[tuple[str, str], Sums], peers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each peer's rates and ranks by cases and by money."""
    tables = {code: table(sums.get((code, PEER))) for code in peers}
    out: dict[str, dict[str, Any]] = {code: {"rate": {}, "rank": {}} for code in peers}
    for unit in ("cases", "money"):
        rates = {code: t[unit]["rate"] for code, t in tables.items()}
        for code, rank in competition_ranks(rates).items():
            out[code]["rate"][unit] = rates[code]
            out[code]["rank"][unit] = rank
    return out


def statistics(db: Database, names: Names, directory: Directory, agency: str, period: Period,
               cut: Cut | None = None) -> dict[str, Any]:
    """The answer of GET /stats: SPEC §4's table, its splits, the rank and the position."""
    ranked = peers_of(directory, agency, period.end)
    position, sums = read_sums(db, names, period, node=agency, peers=ranked[1] if ranked else (), cut=cut)
    rank = None
    if ranked is not None:
        mine = ranking(sums, ranked[1])[agency]["rank"]
        rank = {**mine, "of": len(ranked[1]), "level": ranked[0]}
    return {
        "agency": agency, "year": period.year, "through": period.label,
        "period": {"start": period.start, "end": period.end},
        **table(sums.get((agency, "all"))),
        "by_initiation": {i.value: table(sums.get((agency, f"init:{i.value}"))) for i in Initiation},
        "by_judgment_kind": {k.value: table(sums.get((agency, f"kind:{k.value}"))) for k in JudgmentKind},
        "rank": rank, "position": position,
    }


def rankings(db: Database, names: Names, directory: Directory, peers: Sequence[str], period: Period,
             cut: Cut | None = None) -> tuple[int, list[dict[str, Any]]]:
    """The peers with both rates and both ranks, by rank by cases (then by money, then code)."""
    position, sums = read_sums(db, names, period, node=None, peers=peers, cut=cut)
    ranked = ranking(sums, peers)
    items = [{"agency": code, "name": directory.get(code).name, **ranked[code]} for code in peers]
    items.sort(key=lambda i: (i["rank"]["cases"], i["rank"]["money"], i["agency"]))
    return position, items

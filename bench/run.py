"""``make bench``: run the benchmarks and record their figures in BENCHMARKS.md."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bench import audit, commands, projections, reports, web

BENCHMARKS: dict[str, Callable[..., Any]] = {"commands": commands.run, "projections": projections.run,
                                             "web": web.run, "audit": audit.run, "reports": reports.run}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--cases", type=int, default=1_000_000,
                        help="size of the national store of the projections benchmark")
    parser.add_argument("--resume", action="store_true",
                        help="projections: keep the figures a stopped run already measured")
    args = parser.parse_args()
    for name in args.only or sorted(BENCHMARKS):
        BENCHMARKS[name](args.stores.split(","), rounds=args.rounds, seconds=args.seconds,
                         cases=args.cases, resume=args.resume)


if __name__ == "__main__":
    main()

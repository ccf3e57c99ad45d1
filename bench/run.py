"""``make bench``: run the benchmarks and record their figures in BENCHMARKS.md."""

from __future__ import annotations

import argparse

from bench import commands

BENCHMARKS = {"commands": commands.run}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    for name in args.only or sorted(BENCHMARKS):
        BENCHMARKS[name](args.stores.split(","), rounds=args.rounds, seconds=args.seconds)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Peak memory and time of `features` and `shifts` at 10k, 100k and 1M synthetic tweets.

The same as `attribution bench scale --json`, with the sizes as an option:

    python scripts/bench_scale.py --data ../shared/corpora --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import logging
import sys

from attribution.bench.scale import SIZES, run
from attribution.report.jsonio import print_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="shared corpora folder (default: $ATTRIBUTION_DATA)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--transform-rows", type=int, default=None, help="stop the features transform after N rows")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    result = {"bench": "scale", "seed": args.seed, **run(
            args.data, seed=args.seed, sizes=tuple(int(s) for s in args.sizes.split(",")), transform_rows=args.transform_rows
        )}
    print_json(result, also_to=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

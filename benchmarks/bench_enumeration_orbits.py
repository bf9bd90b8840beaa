"""Colour-by-colour enumeration with centraliser orbits against fixing only sigma_1 and sigma_2.

Both sides compute canonical codes only (no Bubble objects); the last column is the full
``enumerate_bubbles`` call, which also builds one networkx-backed Bubble per class. The baseline,
measured in the same run, is the plain scheme: sigma_1 = id, sigma_2 one
cycle-type representative per partition of n, and every (sigma_3, ..., sigma_d) in S_n^(d-2),
deduplicated by the same canonical codes. Both must list the same number of classes.

Run: python benchmarks/bench_enumeration_orbits.py [--max-rank3-order 7] [--max-rank4-order 5]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from tensornn.bubbles import count_bubbles, enumerate_bubbles  # noqa: E402
from tensornn.bubbles.canonical import canonical_code  # noqa: E402
from tensornn.bubbles.counting import partitions  # noqa: E402
from tensornn.bubbles.enumerate import _complex_table, _complex_tables, _cycle_representative  # noqa: E402


def _plain(rank, n):
    kinds = [0] * n + [1] * n
    rest = list(itertools.permutations(range(n)))
    seen = set()
    for lam in partitions(n):
        head = [list(range(n)), _cycle_representative(lam)]
        for tail in itertools.product(rest, repeat=rank - 2):
            seen.add(canonical_code(_complex_table(head + [list(t) for t in tail], n), kinds))
    return len(seen)


def _orbits(rank, n):
    _, tables = _complex_tables(rank, n)
    return len({canonical_code(adjacency, kinds) for adjacency, kinds in tables})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rank3-order", type=int, default=7)
    parser.add_argument("--max-rank4-order", type=int, default=5)
    args = parser.parse_args()
    print("rank, order, bubbles, orbits [s], plain [s], plain/orbits, enumerate_bubbles incl. Bubble objects [s]")
    for rank, top in ((3, args.max_rank3_order), (4, args.max_rank4_order)):
        for n in range(3, top + 1):
            t0 = time.perf_counter()
            count = _orbits(rank, n)
            fast = time.perf_counter() - t0
            t0 = time.perf_counter()
            listed = sum(1 for _ in enumerate_bubbles(rank, n, "complex", progress=False))
            full = time.perf_counter() - t0
            t0 = time.perf_counter()
            plain = _plain(rank, n)
            slow = time.perf_counter() - t0
            assert count == plain == listed == count_bubbles(rank, n, "complex"), (count, plain, listed)
            print(f"  d={rank} n={n}  {count:6d}  {fast:8.2f}  {slow:8.2f}  {slow / fast:6.1f}x  {full:8.2f}", flush=True)


if __name__ == "__main__":
    main()

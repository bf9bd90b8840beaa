"""The exact colour-by-colour orbit enumeration against two baselines measured in the same run.

- ours: the representatives of all complex classes (``_complex_blocks``: the vectorised
  conjugation-orbit step, no deduplication), and the full ``enumerate_bubbles`` call that also
  makes one Bubble per class (last column);
- loop: the same centraliser orbits found by a Python loop over S_n that marks the orbit of each
  permutation element by element (the orbit step as a loop over tuples);
- plain: sigma_1 = id, sigma_2 one cycle-type representative per partition of n, and every
  (sigma_3, ..., sigma_d) in S_n^(d-2), deduplicated by canonical code.

All must list Z_U(d, n) classes (the Burnside count). Ratios are baseline / ours.

Run: python benchmarks/bench_enumeration_orbits.py [--max-rank3-order 8] [--max-rank4-order 5]
     [--loop-max-order 7] [--plain-max-order 7]
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
from tensornn.bubbles.enumerate import _complex_blocks, _cycle_representative  # noqa: E402


def _table(perms, n):
    """Adjacency table of the complex bubble given by a list of permutations (black i -- white n + sigma_c(i))."""
    adjacency = [[n + p[i] for p in perms] for i in range(n)]
    inverse = [[0] * len(perms) for _ in range(n)]
    for c, p in enumerate(perms):
        for i in range(n):
            inverse[p[i]][c] = i
    return adjacency + inverse


def _loop_orbit_representatives(others, candidates):
    """One candidate per orbit of the common centraliser of ``others``, marking orbits element by element."""
    n = len(candidates[0])
    centraliser = [h for h in candidates if all(all(p[h[i]] == h[p[i]] for i in range(n)) for p in others)]
    inverses = []
    for h in centraliser:
        inv = [0] * n
        for i, j in enumerate(h):
            inv[j] = i
        inverses.append(inv)
    seen, out = set(), []
    for sigma in candidates:
        if sigma in seen:
            continue
        seen.update(tuple(h[sigma[hinv[i]]] for i in range(n)) for h, hinv in zip(centraliser, inverses))
        out.append(sigma)
    return out


def _loop(rank, n):
    rest = list(itertools.permutations(range(n)))
    prefixes = [[tuple(range(n)), tuple(_cycle_representative(lam))] for lam in partitions(n)]
    for _ in range(rank - 2):
        prefixes = [p + [s] for p in prefixes for s in _loop_orbit_representatives(p[1:], rest)]
    return len(prefixes)


def _plain(rank, n):
    kinds = [0] * n + [1] * n
    rest = list(itertools.permutations(range(n)))
    seen = set()
    for lam in partitions(n):
        head = [list(range(n)), _cycle_representative(lam)]
        for tail in itertools.product(rest, repeat=rank - 2):
            seen.add(canonical_code(_table(head + [list(t) for t in tail], n), kinds))
    return len(seen)


def _ours(rank, n):
    return sum(len(tails) for _, tails in _complex_blocks(rank, n))


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rank3-order", type=int, default=8)
    parser.add_argument("--max-rank4-order", type=int, default=5)
    parser.add_argument("--loop-max-order", type=int, default=7, help="largest order of the Python-loop baseline")
    parser.add_argument("--plain-max-order", type=int, default=6, help="largest order of the plain baseline")
    args = parser.parse_args()
    print("(the machine may be shared: compare the ratios, measured in the same run)")
    print(f"{'rank':>4} {'n':>2} {'classes':>8} {'ours s':>8} {'loop s':>8} {'loop/ours':>9} {'plain s':>8} "
          f"{'plain/ours':>10} {'enumerate_bubbles s':>20}")
    nan = float("nan")
    _ours(3, 3)  # load scipy.sparse before timing
    for rank, top in ((3, args.max_rank3_order), (4, args.max_rank4_order)):
        for n in range(3, top + 1):
            fast, count = _timed(_ours, rank, n)
            full, listed = _timed(lambda: sum(1 for _ in enumerate_bubbles(rank, n, "complex", progress=False)))
            loop = plain = nan
            if n <= args.loop_max_order and (rank == 3 or n <= 5):
                loop, found = _timed(_loop, rank, n)
                assert found == count
            if n <= args.plain_max_order and (rank == 3 or n <= 4):
                plain, found = _timed(_plain, rank, n)
                assert found == count
            assert count == listed == count_bubbles(rank, n, "complex"), (count, listed)
            print(f"{rank:>4} {n:>2} {count:>8} {fast:>8.3f} {loop:>8.3f} {loop / fast:>9.1f} {plain:>8.3f} "
                  f"{plain / fast:>10.1f} {full:>20.3f}", flush=True)


if __name__ == "__main__":
    main()

"""Enumeration and evaluation timings of bubbles, with baselines measured in the same run.

Enumeration: time per listed bubble of :func:`enumerate_bubbles` against a baseline that runs
over labelled candidates (colour 1 fixed, every other colour free) and deduplicates them by
pairwise ``networkx.is_isomorphic`` with node/edge matching. The baseline is skipped at orders
where its previous order already took more than ``--baseline-budget`` seconds.

Evaluation: one bubble on tensors of one shape: the first call (path search + compilation),
later calls (cached compiled expression) and ``opt_einsum.contract`` without a compiled
expression.

Usage: python benchmarks/bench_enumeration.py [--max-complex-order 7] [--baseline-budget 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from itertools import permutations, product

import networkx as nx
import numpy as np
import opt_einsum

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from tensornn.bubbles import Bubble, enumerate_bubbles, evaluate_bubble, k33_wheel
from tensornn.bubbles.enumerate import perfect_matchings
from tensornn.bubbles.evaluate import clear_cache, einsum_subscripts


def _baseline(rank, n, field):
    if field == "complex":
        first = [tuple(range(n))]
        rest = list(permutations(range(n)))
        build = Bubble.from_permutations
    else:
        first = [tuple((2 * i, 2 * i + 1) for i in range(n))]
        rest = list(perfect_matchings(range(2 * n)))
        build = Bubble.from_matchings
    node_match = lambda a, b: a["kind"] == b["kind"]  # noqa: E731
    edge_match = lambda a, b: sorted(d["colour"] for d in a.values()) == sorted(d["colour"] for d in b.values())  # noqa: E731
    reps = []
    for tail in product(rest, repeat=rank - 1):
        g = build(first + list(tail)).graph
        if not any(nx.is_isomorphic(g, h, node_match=node_match, edge_match=edge_match) for h in reps):
            reps.append(g)
    return len(reps)


def _enumeration(field, orders, budget):
    print(f"\n{field} rank 3: order, bubbles, time [s], us/bubble, baseline [s], baseline/enumerate")
    baseline_ok = True
    for n in orders:
        t0 = time.perf_counter()
        count = sum(1 for _ in enumerate_bubbles(3, n, field, progress=False))
        t = time.perf_counter() - t0
        line = f"  n={n}  {count:6d}  {t:9.3f}  {1e6 * t / count:9.1f}"
        if baseline_ok:
            t0 = time.perf_counter()
            base = _baseline(3, n, field)
            tb = time.perf_counter() - t0
            assert base == count, (base, count)
            line += f"  {tb:9.3f}  {tb / t:8.1f}x"
            baseline_ok = tb < budget
        else:
            line += "  (baseline skipped: previous order exceeded the budget)"
        print(line, flush=True)


def _evaluation(repeats=200):
    b = k33_wheel()
    rng = np.random.default_rng(0)
    shape = (8, 8, 8)
    tensors = [rng.normal(size=shape) + 1j * rng.normal(size=shape) for _ in range(repeats)]
    clear_cache()
    t0 = time.perf_counter()
    evaluate_bubble(b, tensors[0])
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in tensors:
        evaluate_bubble(b, t)
    cached = (time.perf_counter() - t0) / repeats
    expr = einsum_subscripts(b)
    t0 = time.perf_counter()
    for t in tensors:
        ops = [t if k == "black" else np.conj(t) for k in b.kinds]
        opt_einsum.contract(expr, *ops)
    plain = (time.perf_counter() - t0) / repeats
    print(f"\nevaluation of the K33 wheel on complex {shape} tensors ({repeats} calls):")
    print(f"  first call {1e6 * first:.0f} us, cached call {1e6 * cached:.0f} us "
          f"(first/cached {first / cached:.1f}x), opt_einsum.contract {1e6 * plain:.0f} us "
          f"(contract/cached {plain / cached:.1f}x)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-complex-order", type=int, default=7)
    parser.add_argument("--max-real-order", type=int, default=5)
    parser.add_argument("--baseline-budget", type=float, default=1.0)
    args = parser.parse_args()
    _evaluation()
    _enumeration("complex", range(3, args.max_complex_order + 1), args.baseline_budget)
    _enumeration("real", range(2, args.max_real_order + 1), args.baseline_budget)


if __name__ == "__main__":
    main()

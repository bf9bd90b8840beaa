"""Enumeration and evaluation cost of bubbles, with baselines measured in the same run.

Enumeration: time per listed bubble against the order, and the ratio to a baseline that
deduplicates the same candidates by pairwise networkx isomorphism (nx.is_isomorphic with node
and edge matching) at the orders where that baseline finishes in reasonable time.
Evaluation: a compiled, cached contraction against opt_einsum.contract with a path search per call.

Run: python benchmarks/bench_bubbles.py [--max-order 7] [--baseline-max-order 5]
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np
import opt_einsum

from tensornn.bubbles import enumerate_bubbles, tetrahedron
from tensornn.bubbles.enumerate import _complex_tables
from tensornn.bubbles._tables import from_table
from tensornn.bubbles.evaluate import bubble_equation, evaluate_bubble


def _baseline(rank, order):
    """Same candidates, deduplicated by pairwise isomorphism tests against the classes found so far."""
    _, tables = _complex_tables(rank, order)
    classes = []
    node_match = nx.algorithms.isomorphism.categorical_node_match("kind", None)
    edge_match = nx.algorithms.isomorphism.categorical_multiedge_match("colour", None)
    for adjacency, kinds in tables:
        graph = from_table(adjacency, kinds, rank, "complex").graph
        if not any(nx.is_isomorphic(graph, seen, node_match=node_match, edge_match=edge_match) for seen in classes):
            classes.append(graph)
    return len(classes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-order", type=int, default=7)
    parser.add_argument("--baseline-max-order", type=int, default=5)
    args = parser.parse_args()
    print("complex rank-3 enumeration")
    print(f"{'n':>2} {'bubbles':>8} {'seconds':>9} {'us/bubble':>10} {'baseline s':>11} {'ratio':>7}")
    for order in range(3, args.max_order + 1):
        start = time.perf_counter()
        count = sum(1 for _ in enumerate_bubbles(3, order, "complex", progress=False))
        ours = time.perf_counter() - start
        base = ratio = float("nan")
        if order <= args.baseline_max_order:
            start = time.perf_counter()
            assert _baseline(3, order) == count
            base = time.perf_counter() - start
            ratio = base / ours
        print(f"{order:>2} {count:>8} {ours:>9.3f} {1e6 * ours / count:>10.1f} {base:>11.3f} {ratio:>7.1f}")
    print("\nreal rank-3 enumeration")
    for order in range(2, 6):
        start = time.perf_counter()
        count = sum(1 for _ in enumerate_bubbles(3, order, "real", progress=False))
        took = time.perf_counter() - start
        print(f"{order:>2} {count:>8} {took:>9.3f} {1e6 * took / count:>10.1f}")

    print("\nevaluation of the tetrahedron on 8x8x8 tensors (200 calls)")
    rng = np.random.default_rng(0)
    tensors = [rng.normal(size=(8, 8, 8)) for _ in range(200)]
    b = tetrahedron()
    start = time.perf_counter()
    evaluate_bubble(b, tensors[0])
    first = time.perf_counter() - start
    start = time.perf_counter()
    for t in tensors:
        evaluate_bubble(b, t)
    compiled = (time.perf_counter() - start) / len(tensors)
    equation = bubble_equation(b)
    start = time.perf_counter()
    for t in tensors:
        opt_einsum.contract(equation, t, t, t, t)
    uncompiled = (time.perf_counter() - start) / len(tensors)
    print(f"first call (path search + contraction): {1e6 * first:9.1f} us")
    print(f"cached call:                            {1e6 * compiled:9.1f} us")
    print(f"opt_einsum.contract per call:           {1e6 * uncompiled:9.1f} us  (ratio {uncompiled / compiled:.2f})")


if __name__ == "__main__":
    main()

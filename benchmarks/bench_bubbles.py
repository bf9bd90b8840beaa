"""Enumeration and evaluation cost of bubbles, with baselines measured in the same run.

Enumeration (complex, rank 3): ``enumerate_bubbles`` listing every class as a Bubble, against two
baselines that deduplicate the same candidate tables (built beforehand and not timed, which
favours the baselines): pairwise networkx isomorphism (``nx.is_isomorphic`` with node and edge
matching against every class found so far) and nauty certificates (pynauty, an optional
dependency of this benchmark only: ``pip install pynauty``; skipped with a note when missing),
each edge subdivided by a vertex coloured by the edge's colour. Ratio = baseline / ours.
Then the full command line ``python -m tensornn bubbles list`` at order 8 (a subprocess, output
discarded) against the in-process listing with the same per-bubble description, and order 9 in a
subprocess with its count checked against the Burnside formula, peak memory (tracemalloc and
the process's maximum resident set) and the estimate the command line checks.
Evaluation: a compiled, cached contraction against opt_einsum.contract with a path search per call.

Run: python benchmarks/bench_bubbles.py [--max-order 8] [--nx-max-order 6] [--nauty-max-order 8] [--no-order9]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import opt_einsum

from tensornn.bubbles import count_bubbles, enumerate_bubbles, tetrahedron
from tensornn.bubbles._tables import from_table
from tensornn.bubbles.enumerate import _complex_tables
from tensornn.bubbles.evaluate import bubble_equation, evaluate_bubble

ROOT = Path(__file__).resolve().parents[1]

try:
    import pynauty
except ImportError:  # optional: only this benchmark uses it
    pynauty = None


def _candidates(rank, order):
    return list(_complex_tables(rank, order)[1])


def _networkx_pairwise(tables, rank):
    """Keep a candidate when no class found so far is isomorphic to it (networkx VF2 with matchers)."""
    classes = []
    node_match = nx.algorithms.isomorphism.categorical_node_match("kind", None)
    edge_match = nx.algorithms.isomorphism.categorical_multiedge_match("colour", None)
    for adjacency, kinds in tables:
        graph = from_table(adjacency, kinds, rank, "complex").graph
        if not any(nx.is_isomorphic(graph, seen, node_match=node_match, edge_match=edge_match) for seen in classes):
            classes.append(graph)
    return len(classes)


def _nauty_certificates(tables, rank):
    """Deduplicate by nauty certificates of the subdivided graph (vertex colours: black, white, colour 1..d)."""
    seen = set()
    for adjacency, kinds in tables:
        size = len(adjacency)
        links = {v: [] for v in range(size + size * rank // 2)}
        by_colour = [set() for _ in range(rank)]
        extra = size
        for v, row in enumerate(adjacency):
            for c, w in enumerate(row):
                if v < w:
                    links[v].append(extra)
                    links[w].append(extra)
                    by_colour[c].add(extra)
                    extra += 1
        colouring = [{v for v in range(size) if kinds[v] == 0}, {v for v in range(size) if kinds[v] == 1}] + by_colour
        graph = pynauty.Graph(extra, adjacency_dict=links, vertex_coloring=colouring)
        seen.add(pynauty.certificate(graph))
    return len(seen)


def _best(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def _enumeration_table(args):
    print("complex rank-3 enumeration: enumerate_bubbles (every class as a Bubble) against deduplicating the same")
    print("candidate tables by pairwise networkx isomorphism and by nauty certificates (ratio = baseline / ours)")
    if pynauty is None:
        print("  note: pynauty is not installed (pip install pynauty); the certificate baseline is skipped")
    print(f"{'n':>2} {'bubbles':>8} {'ours s':>8} {'us/bubble':>10} {'networkx s':>11} {'ratio':>8} "
          f"{'nauty s':>9} {'ratio':>7}")
    for order in range(3, args.max_order + 1):
        ours, count = _best(lambda: sum(1 for _ in enumerate_bubbles(3, order, "complex", progress=False)),
                            args.repeat if order <= 7 else 1)
        assert count == count_bubbles(3, order, "complex")
        tables = _candidates(3, order)
        nx_time = nx_ratio = nauty_time = nauty_ratio = float("nan")
        if order <= args.nx_max_order:
            nx_time, found = _best(lambda: _networkx_pairwise(tables, 3), 1)
            assert found == count
            nx_ratio = nx_time / ours
        if pynauty is not None and order <= args.nauty_max_order:
            nauty_time, found = _best(lambda: _nauty_certificates(tables, 3), 1)
            assert found == count
            nauty_ratio = nauty_time / ours
        print(f"{order:>2} {count:>8} {ours:>8.3f} {1e6 * ours / count:>10.1f} {nx_time:>11.3f} {nx_ratio:>8.0f} "
              f"{nauty_time:>9.3f} {nauty_ratio:>7.1f}", flush=True)
    print("\nreal rank-3 enumeration (candidates deduplicated by canonical code)")
    for order in range(2, 6):
        took, count = _best(lambda: sum(1 for _ in enumerate_bubbles(3, order, "real", progress=False)), 1)
        print(f"{order:>2} {count:>8} {took:>8.3f} {1e6 * took / count:>10.1f}")


def _cli_order8():
    from tensornn.bubbles._describe import describe_tables
    from tensornn.bubbles.enumerate import table_chunks

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tensornn", "bubbles", "list", "--rank", "3", "--order", "8"],
                   check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    cli = time.perf_counter() - start
    start = time.perf_counter()
    for tables, kinds, aut in table_chunks(3, 8, "complex", progress=False):
        describe_tables(tables, kinds, 3, "complex", aut)
    inside = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensornn.cli.main"], check=True, env=env, cwd=ROOT)
    startup = time.perf_counter() - start
    print("\ncommand line, complex rank 3 order 8 (43206 lines)")
    print(f"python -m tensornn bubbles list --rank 3 --order 8:   {cli:7.2f} s")
    print(f"in process, enumerate + describe (columns) every bubble: {inside:7.2f} s  "
          f"(command line / in process {cli / inside:.2f})")
    print(f"interpreter start-up and import of the command line:  {startup:7.2f} s")


_ORDER9 = """
import json, resource, time, tracemalloc
from tensornn.bubbles import count_bubbles, enumerate_bubbles
from tensornn.bubbles.memory import enumeration_memory
tracemalloc.start()
start = time.perf_counter()
count = sum(1 for _ in enumerate_bubbles(3, 9, "complex", progress=False, max_bubbles=None))
took = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"count": count, "burnside": count_bubbles(3, 9, "complex"), "seconds": took, "traced_peak": peak,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "estimate": enumeration_memory(3, 9)}))
"""


def _order9():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    plain = subprocess.run([sys.executable, "-c", _ORDER9.replace("tracemalloc.start()", "")], check=True,
                           capture_output=True, text=True, env=env, cwd=ROOT)
    untraced = json.loads(plain.stdout)
    traced = json.loads(subprocess.run([sys.executable, "-c", _ORDER9], check=True, capture_output=True, text=True,
                                       env=env, cwd=ROOT).stdout)
    assert untraced["count"] == untraced["burnside"] == 378360
    print("\ncomplex rank 3 order 9 (fresh process)")
    print(f"bubbles listed {untraced['count']}, Burnside count {untraced['burnside']}")
    print(f"enumeration: {untraced['seconds']:.2f} s ({1e6 * untraced['seconds'] / untraced['count']:.1f} us/bubble); "
          f"process total {time.perf_counter() - start:.2f} s for both runs")
    print(f"peak memory: {traced['traced_peak'] / 2**20:.1f} MiB traced (numpy and Python objects), "
          f"{untraced['maxrss_kib'] / 1024:.0f} MiB maximum resident set of the whole process; "
          f"estimate checked by the command line {traced['estimate'] / 2**20:.1f} MiB")


def _estimates():
    from tensornn.bubbles.memory import enumeration_memory

    print("\nmemory estimates the command line checks against --max-memory (complex rank 3)")
    print("  " + ", ".join(f"order {n}: {enumeration_memory(3, n) / 2**20:.0f} MiB" for n in range(7, 12)))


def _evaluation():
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-order", type=int, default=8)
    parser.add_argument("--nx-max-order", type=int, default=6, help="largest order of the networkx baseline")
    parser.add_argument("--nauty-max-order", type=int, default=8, help="largest order of the pynauty baseline")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs for our timings up to order 7")
    parser.add_argument("--no-order9", action="store_true", help="skip the order-9 run (about 10-30 s)")
    args = parser.parse_args()
    print("(the machine may be shared: compare the ratios, measured in the same run)\n")
    _enumeration_table(args)
    if args.max_order >= 8:
        _cli_order8()
    if not args.no_order9:
        _order9()
    _estimates()
    _evaluation()


if __name__ == "__main__":
    main()

"""Benchmark the flow engine: derivation, evaluation strategy, memory, and the cost of one RHS.

Run: python benchmarks/bench_flow_engine.py [--max-order N] [--max-order-rank4 N4] [--compare-order M]

1. Derivation CPU time (truncation building excluded) for rank 3 and 4 melonic truncations up to
   ``--max-order`` (Bubble.order: order n = 2n fields) and the full quartic and sextic truncations of
   rank 3; up to ``--compare-order`` also the same derivation without the colour-symmetry reduction
   (``symmetric=False``, the baseline measured in the same run) and the ratio.
2. Evaluation strategy, rank-3 melonic LPA' up to ``--max-order``: one dimensionless RHS evaluation
   with the compiled straight-line kernel and with the index arrays, for one coupling vector and for a
   batch of 8, and the ratio of what ``evaluation="auto"`` picks to the better of the two.
3. Memory: the tracemalloc peak of building the DerivedFlow of the largest truncation and evaluating it
   (one vector and a batch of 16), and its build time.
4. One evaluation of the dimensionless beta functions of the derived flow against a hand-written
   numpy version of the same equations, for the scalar phi^6 truncation (D = 3) and the complex
   rank-3 pillow truncation (melonic, LPA). Printed as ratios derived / hand-written, measured in
   the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
import tracemalloc
from math import gamma, pi
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornn.flow import derive_flow  # noqa: E402
from tensornn.flow.betas import DerivedFlow  # noqa: E402
from tensornn.flow.rules import derive_terms  # noqa: E402
from tensornn.theory import (  # noqa: E402
    ContinuumColour,
    Theory,
    full_truncation,
    melonic_truncation,
    scalar_truncation,
)


def time_derivation(label, truncation, projection, budget, compare):
    start = time.process_time()
    terms = derive_terms(truncation, projection=projection)
    elapsed = time.process_time() - start
    ratio = ""
    if compare:
        start = time.process_time()
        plain = derive_terms(truncation, projection=projection, symmetric=False)
        baseline = time.process_time() - start
        assert plain == terms
        ratio = f"{baseline:>10.3f} {baseline / max(elapsed, 1e-9):>7.1f}"
    print(f"{label:<34} {len(truncation):>6} {len(terms):>8} {elapsed:>10.3f} {ratio}")
    return elapsed < budget, terms


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def hand_scalar(D):
    V = 1 / (2**D * pi ** (D / 2) * gamma(D / 2 + 1))
    L = 2 * V  # L_n = 2 V_D / (1 + 2 g2)^n at k = 1
    dims = np.array([2.0, 4 - D, 6 - 2 * D])

    def beta(g):
        g2, g4, g6 = g
        d = 1.0 / (1.0 + 2.0 * g2)
        d2 = d * d
        return np.array([
            -6.0 * g4 * L * d2,
            -15.0 * g6 * L * d2 + 72.0 * g4 * g4 * L * d2 * d,
            360.0 * g4 * g6 * L * d2 * d - 864.0 * g4**3 * L * d2 * d2,
        ]) - dims * g

    return beta


def hand_pillows(d, s, batch=False):
    Bc = (2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s)
    dims = np.array([s] + [2 * s - (d - 1)] * d)
    if batch:
        dims = dims[:, None]

    def beta(g):
        mu, lam = g[0], g[1:]
        inv = 1.0 / (1.0 + mu)
        out = np.empty_like(g)
        out[0] = -2.0 * s * Bc * inv * inv * lam.sum(axis=0)
        out[1:] = 4.0 * s * Bc * inv**3 * lam * lam
        return out - dims * g

    return beta


BATCHES = (1, 8, 1000)


def strands(d, s):
    return tuple(ContinuumColour(1, power=s, density=1.0, role="pairing") for _ in range(d))


def strategy_table(derived):
    """Compiled vs index arrays for the derived rank-3 melonic truncations, LPA'."""
    print("\nevaluation strategy, rank-3 melonic LPA': one dimensionless beta of m coupling vectors, compiled and "
          "sparse (ms), and auto / the better of the two")
    print(f"{'order':>5} {'terms':>7}" + "".join(f" {'compiled':>9} {'sparse':>9} {'auto':>6} (m = {m:<4})"
                                                 for m in BATCHES))
    for order, (truncation, terms) in sorted(derived.items()):
        theory = Theory(strands(3, 2.0), "complex", truncation)
        flows = {ev: DerivedFlow(theory, terms, "melonic", True, evaluation=ev) for ev in ("compiled", "sparse", "auto")}
        rng = np.random.default_rng(0)
        line = f"{order:>5} {len(terms):>7}"
        for m in BATCHES:
            g = rng.uniform(0.0, 1e-3, (len(truncation), m))
            g = g[:, 0] if m == 1 else g
            number = max(1, int(3000 / (len(terms) * (1 + m / 100))))
            for f in flows.values():
                f.beta(g)  # compile on first use, outside the timing
            times = {ev: float("inf") for ev in flows}
            for _ in range(7):  # interleaved rounds: the three see the same load of the shared machine
                for ev, f in flows.items():
                    times[ev] = min(times[ev], timeit.timeit(lambda f=f: f.beta(g), number=number) / number)
            np.testing.assert_allclose(flows["compiled"].beta(g), flows["sparse"].beta(g), rtol=1e-10, atol=1e-16)
            ratio = times["auto"] / min(times["compiled"], times["sparse"])
            line += f" {times['compiled'] * 1e3:>9.4f} {times['sparse'] * 1e3:>9.4f} {ratio:>6.2f}           "
        print(line)


def memory_table(order, truncation, terms):
    theory = Theory(strands(3, 2.0), "complex", truncation)
    tracemalloc.start()
    start = time.perf_counter()
    flow = DerivedFlow(theory, terms, "melonic", True)
    build = time.perf_counter() - start
    rng = np.random.default_rng(1)
    flow.beta(rng.uniform(0.0, 1e-3, len(flow.names)))
    flow.beta(rng.uniform(0.0, 1e-3, (len(flow.names), 16)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"\nmemory: DerivedFlow of rank-3 melonic order {order} ({len(terms)} terms, {len(truncation)} couplings) "
          f"built in {build:.2f} s and evaluated (1 and 16 vectors): tracemalloc peak {peak / 2**20:.1f} MiB "
          f"(a dense couplings x terms matrix would take {len(truncation) * len(terms) * 8 / 2**20:.0f} MiB)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-order", type=int, default=5, help="largest rank-3 melonic order (black vertices)")
    parser.add_argument("--max-order-rank4", type=int, default=5, help="largest rank-4 melonic order")
    parser.add_argument("--compare-order", type=int, default=5,
                        help="largest order also derived without the colour-symmetry reduction (the baseline)")
    parser.add_argument("--budget", type=float, default=60.0, help="stop a family once a derivation exceeds this (s)")
    args = parser.parse_args(argv)

    print("derivation CPU time (s), truncation building excluded; baseline: the same without colour symmetry")
    print(f"{'truncation':<34} {'size':>6} {'terms':>8} {'seconds':>10} {'baseline':>10} {'ratio':>7}")
    derived = {}
    for rank in (3, 4):
        for order in range(2, (args.max_order if rank == 3 else args.max_order_rank4) + 1):
            start = time.perf_counter()
            truncation = melonic_truncation(rank, order)
            build = time.perf_counter() - start
            ok, terms = time_derivation(f"rank {rank} melonic order {order} ({2 * order} fields)", truncation,
                                        "melonic", args.budget, order <= args.compare_order)
            if rank == 3:
                derived[order] = (truncation, terms)
            print(f"{'':<34} building the truncation: {build:.3f} s")
            if not ok:
                print(f"  stopping rank {rank}: over the {args.budget} s budget")
                break
    for order, label in ((2, "quartic"), (3, "sextic")):
        for field in ("complex", "real"):
            time_derivation(f"rank 3 full {label} ({field})", full_truncation(3, order, field), "full", args.budget,
                            True)

    strategy_table(derived)
    top = max(derived)
    memory_table(top, *derived[top])

    print("\none RHS evaluation (dimensionless beta), derived / hand-written numpy")
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(3)))
    hand = hand_scalar(3)
    g = np.array([-0.02, 0.3, 0.5])
    np.testing.assert_allclose(flow.beta(g), hand(g), rtol=1e-12)
    t_flow, t_hand = best(lambda: flow.beta(g), 2000), best(lambda: hand(g), 2000)
    print(f"scalar phi^6 (D = 3):      derived {t_flow * 1e6:7.1f} us, hand {t_hand * 1e6:7.1f} us, "
          f"ratio {t_flow / t_hand:5.2f}")

    d, s = 3, 1.0
    colours = tuple(ContinuumColour(1, power=s, density=1.0, role="pairing") for _ in range(d))
    flow = derive_flow(Theory(colours, "complex", melonic_truncation(d, 2)), projection="melonic")
    hand = hand_pillows(d, s)
    g = np.array([0.1, 0.02, 0.03, 0.04])
    np.testing.assert_allclose(flow.beta(g), hand(g), rtol=1e-12)
    t_flow, t_hand = best(lambda: flow.beta(g), 2000), best(lambda: hand(g), 2000)
    print(f"rank-3 pillows (melonic):  derived {t_flow * 1e6:7.1f} us, hand {t_hand * 1e6:7.1f} us, "
          f"ratio {t_flow / t_hand:5.2f}")
    G = np.random.default_rng(0).uniform(0.0, 0.1, (4, 1000))
    hand_batch = hand_pillows(d, s, batch=True)
    np.testing.assert_allclose(flow.beta(G), hand_batch(G), rtol=1e-12)
    t_flow, t_hand = best(lambda: flow.beta(G), 200), best(lambda: hand_batch(G), 200)
    print(f"  same, 1000 coupling vectors at once: derived {t_flow * 1e6:7.1f} us, hand {t_hand * 1e6:7.1f} us, "
          f"ratio {t_flow / t_hand:5.2f}")


if __name__ == "__main__":
    main()

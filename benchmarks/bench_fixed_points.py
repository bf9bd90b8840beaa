"""Time fixed-point searches with exponents, as ratios to one root solve from a good start.

Baseline: one :func:`refine_fixed_point` solve (hybr from a start 0.1% off the fixed point) of the
broken-phase LPA expansion at order 8 (D = 3, N = 1), measured in the same run. Timed:

- ``potential_fixed_point`` (multi-start search at the lowest order, then order-by-order
  continuation, then stability matrix and exponents) for the expansion around the minimum and
  around rho = 0 at several orders;
- ``find_fixed_points`` with 64 random starts (hybr and lm each) on the order-4 minimum expansion;
- ``find_fixed_points`` with 64 random starts on the hand-written melonic tensor LPA' system
  (tests/_handwritten_flows.py).

Run: python benchmarks/bench_fixed_points.py [--repeat 3]
"""

import argparse
import pathlib
import sys

import numpy as np

from tensornn.flow.fixed_points import find_fixed_points, refine_fixed_point
from tensornn.flow.potential import MinimumPotential, potential_fixed_point

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from _handwritten_flows import TensorMelonic  # noqa: E402
from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    system8 = MinimumPotential(3, 1, 8)
    fp8 = potential_fixed_point(3, 1, 8)
    start = fp8.couplings * 1.001
    base, fp = best_time(lambda: refine_fixed_point(system8, start), args.repeat)
    assert fp is not None and np.allclose(fp.couplings, fp8.couplings, rtol=1e-8)
    print(f"baseline: one root solve from a good start (minimum expansion, order 8): {base * 1e3:.2f} ms\n")
    print(f"{'task':<58} {'time [s]':>9} {'ratio':>8}  result")

    def report(label, seconds, result):
        print(f"{label:<58} {seconds:>9.4f} {seconds / base:>8.1f}  {result}")

    for expansion in ("minimum", "zero"):
        for order in (4, 8, 12):
            seconds, fp = best_time(lambda: potential_fixed_point(3, 1, order, expansion=expansion), args.repeat)
            report(f"potential_fixed_point D=3 N=1 {expansion} order {order}", seconds,
                   f"nu={fp.nu:.6f} omega={fp.omega:.6f}")
    seconds, fp = best_time(lambda: potential_fixed_point(3, 1000, 8), args.repeat)
    report("potential_fixed_point D=3 N=1000 minimum order 8", seconds, f"nu={fp.nu:.6f}")

    system4 = MinimumPotential(3, 1, 4)
    bounds = [(0.0, 0.1), (0.0, 20.0), (-200.0, 200.0), (-3000.0, 3000.0)]
    seconds, search = best_time(lambda: find_fixed_points(system4, n_starts=64, bounds=bounds, seed=0), args.repeat)
    report("find_fixed_points minimum order 4, 64 starts", seconds,
           f"{len(search)} roots, {len(search.valid)} valid, {search.n_converged} converged solves")

    tensor = TensorMelonic(d=3, s=1.5, lpa_prime=True)
    seconds, search = best_time(
        lambda: find_fixed_points(tensor, n_starts=64, bounds=[(-0.9, 3.0), (-3.0, 3.0)], seed=0), args.repeat)
    report("find_fixed_points tensor melonic LPA' (d=3, s=1.5), 64 starts", seconds,
           f"{len(search)} roots, {len(search.valid)} valid, {search.n_converged} converged solves")


if __name__ == "__main__":
    main()

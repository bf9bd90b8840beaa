"""Time fixed-point searches with exponents, as ratios to one root solve from a good start.

Baseline: one :func:`refine_fixed_point` solve (hybr from a start 0.1% off the fixed point) of the
broken-phase LPA expansion at order 8 (D = 3, N = 1), measured in the same run. Timed:

- ``potential_fixed_point`` (multi-start search at the lowest order, then order-by-order
  continuation, then stability matrix and exponents) for the expansion around the minimum and
  around rho = 0 at several orders;
- ``find_fixed_points`` with 64 random starts (hybr and lm each) on the order-4 minimum expansion;
- ``find_fixed_points`` with 64 random starts on the hand-written melonic tensor LPA' system
  (tests/_handwritten_flows.py).

Then two before/after pairs measured in the same run, as ratios before / after:

- the lowest truncation of the continuation solved from its closed form (one refine) against the
  24-start search that used to find it;
- the power-series arithmetic of one beta-function evaluation of the O(3) minimum expansion at
  order 8 (a batch of 17 points, as for a central-difference Jacobian): the radial and Goldstone
  reciprocals inverted as one batch against one reciprocal each with the former loop
  (``np.sum`` per order).

Run: python benchmarks/bench_fixed_points.py [--repeat 3]
"""

import argparse
import math
import pathlib
import sys

import numpy as np

from tensornn.flow.fixed_points import find_fixed_points, refine_fixed_point
from tensornn.flow.potential import (
    MinimumPotential,
    SymmetricPotential,
    _first_order_start,
    _w_flow,
    litim_volume,
    potential_fixed_point,
)

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

    print("\nbefore / after in the same run")
    _lowest_order(args.repeat)
    _series(args.repeat)


def _searched_first_order(dim, n_components, expansion):
    """The former way to the lowest truncation: a 24-start search for the valid non-Gaussian root."""
    if expansion == "zero":
        system = SymmetricPotential(dim, n_components, 2)
        bounds = [(-0.9, 0.0), (0.0, 50.0 * n_components * system.vd + 1.0)]
    else:
        system = MinimumPotential(dim, n_components, 2)
        bounds = [(0.0, 2.0 * n_components * system.vd + 0.1), (0.0, 20.0)]
    for fp in find_fixed_points(system, n_starts=24, bounds=bounds, seed=0).valid:
        if fp.n_relevant == 1 and not fp.is_gaussian:
            return fp
    return None


def _lowest_order(repeat):
    for n_components in (1, 3):
        for expansion in ("zero", "minimum"):
            after, fp = best_time(lambda: _first_order_start(3, n_components, expansion, 0), repeat)
            before, old = best_time(lambda: _searched_first_order(3, n_components, expansion), repeat)
            print(f"lowest truncation D=3 N={n_components} {expansion:<8} closed form {after * 1e3:7.2f} ms, "
                  f"24-start search {before * 1e3:7.2f} ms, ratio {before / after:6.1f}, "
                  f"|d nu| = {abs(fp.nu - old.nu):.1e}")


def _loop_reciprocal(a):
    r = np.zeros_like(a)
    r[0] = 1.0 / a[0]
    for j in range(1, len(a)):
        r[j] = -np.sum(a[1 : j + 1] * r[j - 1 :: -1][:j], axis=0) * r[0]
    return r


def _loop_w_flow(c, rho0, dim, n_components, vd):
    """The series arithmetic of the beta functions with the former per-series reciprocal."""
    L = c.shape[0]
    cc = np.concatenate([c, np.zeros((1,) + c.shape[1:], dtype=c.dtype)])
    dw = np.zeros_like(cc)
    dw[:-1] = np.arange(1, L + 1).reshape((-1,) + (1,) * (c.ndim - 1)) * cc[1:]
    rho_dw = rho0 * dw
    rho_dw[1:] += dw[:-1]
    radial = cc + 2.0 * rho_dw
    radial[0] += 1.0
    loop = _loop_reciprocal(radial)
    if n_components != 1:
        goldstone = cc.copy()
        goldstone[0] += 1.0
        loop = loop + (n_components - 1) * _loop_reciprocal(goldstone)
    dloop = np.arange(1, L + 1).reshape((-1,) + (1,) * (c.ndim - 1)) * loop[1:]
    return -2.0 * c + (dim - 2.0) * rho_dw[:L] + vd * dloop


def _series(repeat):
    fp = potential_fixed_point(3, 3, 8)
    rng = np.random.default_rng(0)
    lam = fp.couplings[1:, None] * (1 + 1e-3 * rng.normal(size=(7, 17)))
    c = np.zeros((8, 17))
    c[1:] = lam / np.array([math.factorial(j) for j in range(1, 8)])[:, None]
    vd, kappa = litim_volume(3), fp.couplings[0]
    calls = 200
    after, new = best_time(lambda: [_w_flow(c, kappa, 3.0, 3.0, vd) for _ in range(calls)][-1], repeat)
    before, old = best_time(lambda: [_loop_w_flow(c, kappa, 3.0, 3.0, vd) for _ in range(calls)][-1], repeat)
    print(f"series arithmetic (O(3) minimum order 8, 17 points): batched {1e6 * after / calls:7.1f} us, "
          f"former loop {1e6 * before / calls:7.1f} us, ratio {before / after:5.2f}, "
          f"max relative difference {np.max(np.abs(new - old) / np.maximum(np.abs(old), 1e-300)):.1e}")


if __name__ == "__main__":
    main()

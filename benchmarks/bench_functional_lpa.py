"""Time the functional LPA: a fixed point with its exponents against a plain collocation, the search, a flow, resolution.

Baselines, measured in the same run:

- a plain Chebyshev collocation of Wilson-Fisher at D = 3, N = 1: 49 points on [0, 5 kappa] (kappa of the
  order-2 closed form of the expansion around the minimum), that closed form as the start, Newton's method on
  the collocation equations with numpy's solver until the relative residual is below 1e-11, and the eigenvalues
  of the Jacobian. It knows where the answer is and checks nothing. Target: ``functional_fixed_point(3, 1)``
  within 3 times it.
- ``potential_fixed_point(3, 1, 12)`` (the polynomial expansion around the minimum at order 12), for the other
  timings:

- ``functional_fixed_point(3, 1)`` with and without the resolution and domain checks, and with the exponential
  regulator;
- the same at fixed resolutions n (``resolve_fixed_point`` from the converged point: one Newton solve and the
  spectrum on the new grid), with nu and its error against the literature value 0.649561773880;
- ``functional_fixed_points(2.5, 1)``: all four fixed points at D = 2.5;
- ``functional_flow`` of the scalar in D = 3 from k = 3 to 0.1 (BDF, 97 points).

The machine's BLAS may use several threads; one thread is the fair "one core" number, so the script sets
OPENBLAS_NUM_THREADS=1 (and the MKL/OMP equivalents) unless they are already set.

Run: python benchmarks/bench_functional_lpa.py [--repeat 3]
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - the thread settings must come before numpy is imported

from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script

import numpy as np  # noqa: E402

from tensornn.flow import potential_fixed_point  # noqa: E402
from tensornn.flow.chebyshev import ChebyshevGrid  # noqa: E402
from tensornn.flow.functional import lpa_residual  # noqa: E402
from tensornn.flow.potential import _lowest_order_guesses, litim_volume  # noqa: E402
from tensornn.flow.functional_flow import functional_flow  # noqa: E402
from tensornn.flow.functional_result import resolve_fixed_point  # noqa: E402
from tensornn.flow.functional_search import functional_fixed_point, functional_fixed_points  # noqa: E402

NU_LITERATURE = 0.649561773880  # LPA, Litim regulator, N = 1, D = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    base, poly = best_time(lambda: potential_fixed_point(3, 1, 12), args.repeat)
    print(f"baseline: potential_fixed_point(3, 1, 12) (minimum expansion, order 12): {base:.4f} s, "
          f"nu = {poly.nu:.9f}\n")
    print(f"{'task':<62} {'time [s]':>9} {'ratio':>7}  result")

    def report(label, seconds, result):
        print(f"{label:<62} {seconds:>9.4f} {seconds / base:>7.2f}  {result}")

    plain, (nu_plain, omega_plain) = best_time(lambda: _plain_collocation(3.0, 1.0), args.repeat)
    report("plain Chebyshev collocation, 49 points, known start", plain,
           f"nu={nu_plain:.12f} omega={omega_plain:.9f}")
    for check in (False, True):
        seconds, fp = best_time(lambda: functional_fixed_point(3.0, 1, check=check), args.repeat)
        report(f"functional_fixed_point(3, 1), check={check}", seconds,
               f"nu={fp.nu:.12f} omega={fp.omega:.9f}; {seconds / plain:.2f} x the plain collocation (target 3)")
    seconds, other = best_time(lambda: functional_fixed_point(3.0, 1, regulator="exponential"), args.repeat)
    report("functional_fixed_point(3, 1, regulator='exponential')", seconds,
           f"nu={other.nu:.12f} omega={other.omega:.9f}; {seconds / plain:.2f} x the plain collocation")
    print("\ncost against resolution (one Newton solve + spectrum on the grid of the converged point):")
    for n in (16, 24, 32, 48, 64, 96, 128):
        seconds, other = best_time(lambda: resolve_fixed_point(fp, resolution=n), args.repeat)
        report(f"  resolution n = {n}", seconds, f"|nu - {NU_LITERATURE}| = {abs(other.nu - NU_LITERATURE):.1e}")
    print()
    seconds, search = best_time(lambda: functional_fixed_points(2.5, 1), args.repeat)
    report("functional_fixed_points(2.5, 1): all fixed points", seconds,
           ", ".join(f"{p.label.split()[0]}({p.n_relevant})" for p in search))
    seconds, flow = best_time(lambda: functional_flow(3.0, 1, {"g2": 0.25, "g4": 0.02}, k_start=3.0, k_stop=0.1),
                              args.repeat)
    report("functional_flow D=3, k 3 -> 0.1", seconds, f"{flow.status}, {flow.nfev} evaluations")


def _plain_collocation(dim, n_components, points=48):
    """Wilson-Fisher by plain collocation: the order-2 closed form as start, Newton's method, eigenvalues."""
    vd = litim_volume(dim)
    kappa, lam = _lowest_order_guesses(dim, n_components, "minimum")[0]
    grid = ChebyshevGrid(points, 5.0 * kappa / vd)
    w = lam * (grid.x * vd - kappa)
    for _ in range(60):
        F, scale, J = lpa_residual(w, grid, dim, n_components, jacobian=True)
        if np.max(np.abs(F) / scale) < 1e-11:
            break
        w = w - np.linalg.solve(J, F)
    theta = np.sort(-np.linalg.eigvals(lpa_residual(w, grid, dim, n_components, jacobian=True)[2]).real)[::-1]
    return 1.0 / theta[0], -theta[1]


if __name__ == "__main__":
    main()

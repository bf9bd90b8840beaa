"""Time the derivative expansion: LPA, LPA' and order d^2 fixed points, and the cost against resolution.

Baseline, measured in the same run: ``functional_fixed_point(3, 1, check=False)`` (the functional LPA of the
Litim regulator: continuation from the Gaussian bifurcation, Newton solves, adaptive domain, the spectrum), which
every derivative-expansion solve also runs first, as its start. Timed, for N = 1 and N = 3 at D = 3:

- ``derivative_expansion_fixed_point(3, N, order=..., regulator=...)`` for the orders lpa, lpa_prime and d2, the
  Litim and the exponential regulator, without the convergence checks (``check=False``) and, for d2, with them
  (two more Newton solves and spectra: 3/4 of the points, a 1.25 times longer domain);
- d2 at fixed resolutions n (Litim, N = 1), with the change of nu against n = 96.

One BLAS thread (OPENBLAS_NUM_THREADS=1 and the MKL/OMP equivalents, unless set) is the fair "one core" number.

Run: python benchmarks/bench_derivative_expansion.py [--repeat 3]
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - the thread settings must come before numpy is imported

from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script

from tensornn.flow import derivative_expansion_fixed_point, functional_fixed_point  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    base, lpa = best_time(lambda: functional_fixed_point(3.0, 1, check=False), args.repeat)
    print(f"baseline: functional_fixed_point(3, 1, check=False) (functional LPA, Litim): {base:.4f} s, "
          f"nu = {lpa.nu:.12f}\n")
    print(f"{'task':<66} {'time [s]':>9} {'ratio':>7}  result")

    def report(label, seconds, result):
        print(f"{label:<66} {seconds:>9.4f} {seconds / base:>7.2f}  {result}")

    for n in (1, 3):
        for regulator in ("litim", "exponential"):
            for order, check in (("lpa", False), ("lpa_prime", False), ("d2", False), ("d2", True)):
                seconds, fp = best_time(lambda: derivative_expansion_fixed_point(
                    3.0, n, regulator=regulator, order=order, check=check), args.repeat)
                report(f"N={n} {regulator:<11} {order:<9} check={check}", seconds,
                       f"eta={fp.eta:.10f} nu={fp.nu:.10f} omega={fp.omega:.8f} ({fp.status})")
    print("\ncost against resolution (d2, Litim, N = 1, no checks):")
    reference = derivative_expansion_fixed_point(3.0, 1, resolution=96, check=False)
    for n in (24, 32, 48, 64, 96):
        seconds, fp = best_time(lambda: derivative_expansion_fixed_point(3.0, 1, resolution=n, check=False),
                                args.repeat)
        report(f"  resolution n = {n}", seconds, f"|nu - nu(96)| = {abs(fp.nu - reference.nu):.1e}")


if __name__ == "__main__":
    main()

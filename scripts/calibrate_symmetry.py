"""Calibrate the O(n) symmetry test (tensornn.readings.symmetry): false rejections and power, over many seeds.

For networks whose law is invariant under the tested group (dense layers of every activation under O(n); CP layers
under the colour-wise product group) the rate of p < alpha must lie within the binomial interval of alpha; against the
CP layer under O(n) the test must reject (power). Each seed draws a new design, new rotations and a new ensemble.
Prints a markdown table (the one in docs/symmetry.md) with the rate, its 95% Clopper-Pearson interval, the
Kolmogorov-Smirnov p-value of the p-values against the uniform law (null rows), the fractions called invariant /
not invariant / undecided, and the median detectable relative change.

    python scripts/calibrate_symmetry.py                 # null rows, small sizes (about 2 minutes)
    python scripts/calibrate_symmetry.py --power         # the default size of tensornn compare (about 15 minutes)
    python scripts/calibrate_symmetry.py --effect        # the exact change ||D|| / ||G4c|| of the linear CP layer
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from scipy.stats import beta, kstest

from tensornn.data import synthetic_kronecker
from tensornn.networks import StructuredNetwork
from tensornn.readings.design import quadruple_design
from tensornn.readings.symmetry import symmetry_test

ACTIVATIONS = ("linear", "relu", "erf", "tanh", "gauss")


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    lo = 0.0 if k == 0 else float(beta.ppf((1 - level) / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - (1 - level) / 2, k + 1, n - k))
    return lo, hi


def run(label, make, group, *, sizes, seeds, n_networks, n_groups, n_points, n_quadruples, n_rotations, alpha,
        width, null):
    data = synthetic_kronecker(sizes, 400, seed=0)
    p_values, verdicts, detectable = [], [], []
    start = time.perf_counter()
    for seed in range(seeds):
        design = quadruple_design(data, n_points=n_points, n_quadruples=n_quadruples, seed=seed)
        test = symmetry_test(make(sizes, width), design, n_networks=n_networks, n_groups=n_groups,
                             n_rotations=n_rotations, group=group, seed=seed, alpha=alpha)
        p_values.append(test.p_value)
        verdicts.append(test.invariant)
        detectable.append(test.detectable)
    p = np.array(p_values)
    k = int(np.sum(p < alpha))
    lo, hi = clopper_pearson(k, seeds)
    ks = float(kstest(p, "uniform").pvalue) if null else float("nan")
    frac = {v: sum(1 for x in verdicts if x is v) / seeds for v in (True, False, None)}
    return (f"| {label} | {group} | {'null' if null else 'power'} | {seeds} | {k / seeds:.3f} [{lo:.3f}, {hi:.3f}] | "
            f"{'' if not null else f'{ks:.2f}'} | {frac[True]:.2f} / {frac[False]:.2f} / {frac[None]:.2f} | "
            f"{np.median(detectable):.3g} | {time.perf_counter() - start:.0f} s |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--power", action="store_true", help="power against the CP layer at the compare default")
    parser.add_argument("--effect", action="store_true", help="exact relative change of the linear CP layer's G4c")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args(argv)
    dense = lambda act: (lambda sizes, width: StructuredNetwork(sizes, None, act, width))  # noqa: E731
    cp = lambda act: (lambda sizes, width: StructuredNetwork(sizes, 1, act, width))  # noqa: E731
    header = ("| network | group | case | seeds | rate of p < alpha [95% interval] | KS p (uniform) | "
              "invariant / not / undecided | median detectable | time |\n|---|---|---|---|---|---|---|---|---|")
    if args.effect:
        from tensornn.data import load_data
        from tensornn.readings.symmetry import haar_rotation, rotate_inputs

        data = load_data("synthetic")
        net = StructuredNetwork(data.index_sizes, 1, "linear", 8)
        print("exact ||G4c(g x) - G4c(x)|| / ||G4c(x)|| of the linear CP layer (rank 1, width 8) on the compare default "
              "design (10 points, 40 quadruples), Haar O(n) rotations:")
        for seed in range(args.seeds or 3):
            design = quadruple_design(data, n_points=10, n_quadruples=40, seed=seed)
            y = net.exact_four_point(design.inputs, design.quadruples)
            rng = np.random.default_rng(seed)
            changes = []
            for _ in range(2):
                moved = net.exact_four_point(rotate_inputs(design.inputs, haar_rotation(64, rng)), design.quadruples)
                changes.append(np.linalg.norm(moved - y) / np.linalg.norm(y))
            print(f"  design seed {seed}: " + ", ".join(f"{c:.3f}" for c in changes))
    elif not args.power:
        seeds = args.seeds or 200
        small = dict(sizes=(2, 2, 2), seeds=seeds, n_networks=8192, n_groups=32, n_points=6, n_quadruples=12,
                     n_rotations=1, alpha=args.alpha, width=4, null=True)
        print(f"null rows: index sizes (2, 2, 2), width 4, 8192 networks in 32 groups, 6 points, 12 quadruples, "
              f"1 rotation, alpha = {args.alpha}")
        print(header)
        for act in ACTIVATIONS:
            print(run(f"dense {act}", dense(act), "O(n)", **small), flush=True)
        for act in ("linear", "relu"):
            print(run(f"CP rank 1 {act}", cp(act), "colour-wise", **small), flush=True)
    else:
        seeds = args.seeds or 20
        default = dict(sizes=(4, 4, 4), seeds=seeds, n_networks=131_072, n_groups=128, n_points=10, n_quadruples=40,
                       n_rotations=1, alpha=0.01, width=8, null=False)
        print("default rows: the default of tensornn compare: index sizes (4, 4, 4), width 8, 2^17 networks in 128 "
              "groups, 10 points, 40 quadruples, 1 rotation, alpha = 0.01")
        print(header)
        for act in ("linear", "relu", "erf"):
            print(run(f"CP rank 1 {act}", cp(act), "O(n)", **default), flush=True)
        for act in ACTIVATIONS:
            print(run(f"dense {act}", dense(act), "O(n)", **{**default, "null": True, "seeds": (seeds + 1) // 2}),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fixed points of the complex melonic LPA' tensor family (docs/theory/flow.md), printed as a markdown table.

Complex rank-d field, U(1)^d colours with kinetic sum of |p_i|^s in the continuum approximation of
the strand sums, one colour-symmetric coupling g4 for the sum of the d pillows (g4 = lambda/2),
Litim regulator with eta inside d_t R. Every root found by ``find_fixed_points`` on the
engine-derived flow is listed: kept roots first, then the discarded ones with the reason.

Run: python examples/tensor_melonic_fixed_points.py

Runtime: about 5 s (measured by default on a shared, loaded 2-core machine).
"""

from __future__ import annotations

import sys
import argparse

import numpy as np

from tensornn.flow import tensor_preset
from tensornn.errors import MissingDependencyError

FAMILY = ((3, 1.0), (3, 2.0), (4, 2.0), (5, 2.0))
MARGINAL = 1e-3  # roots this close to 0 (not exactly 0): the Gaussian point met along a marginal direction


def family_fixed_points(d, s, *, n_starts=48, seed=0):
    """[(FixedPoint, reason or None), ...] for one (d, s); reason says why a root is discarded."""
    preset = tensor_preset(rank=d, field="complex", kinetic_power=s, order=2, melonic=True, eta=True)
    out = []
    for fp in preset.fixed_points(n_starts=n_starts, seed=seed, merge_marginal=False):
        size = float(np.max(np.abs(fp.couplings)))
        if 0 < size < MARGINAL:
            reason = f"Gaussian point approached along the marginal coupling (|g| = {size:.1e}, beta ~ g^2 < tol)"
        elif fp.spurious:
            reason = "; ".join(f.split(":")[0] for f in fp.flags)
        else:
            reason = None
        out.append((fp, reason))
    return preset, out


def _theta(fp):
    return ", ".join(f"{complex(x).real + 0.0:.6g}" + (f"{complex(x).imag:+.4g}i" if abs(complex(x).imag) > 1e-12 else "")
                     for x in fp.exponents)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-starts", type=int, default=48)
    args = parser.parse_args(argv)
    print("| (d, s) | mu* = m/k^s | g4* (lambda* = 2 g4*) | eta* | theta | nu | status |")
    print("|---|---|---|---|---|---|---|")
    for d, s in FAMILY:
        _, roots = family_fixed_points(d, s, n_starts=args.n_starts)
        for fp, reason in roots:
            if reason is not None and "marginal" in reason:
                continue
            mu, g4 = fp.couplings
            status = "kept" if reason is None else f"discarded: {reason}"
            if fp.is_gaussian:
                status = "Gaussian"
            mu, g4, eta = mu + 0.0, g4 + 0.0, float(fp.eta) + 0.0  # + 0.0 prints -0 as 0
            print(f"| ({d}, {s:g}) | {mu:.6g} | {g4:.6g} ({2 * g4:.6g}) | {eta:.6g} | {_theta(fp)} | "
                  f"{fp.nu:.6g} | {status} |")
        marginal = sum(1 for _, r in roots if r is not None and "marginal" in r)
        if marginal:
            print(f"| ({d}, {s:g}) | | | | | | {marginal} root(s) discarded: Gaussian point approached along the "
                  "marginal coupling |")


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

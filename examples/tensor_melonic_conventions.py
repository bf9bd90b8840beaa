"""Melonic quartic fixed points with eta in d_t R or without it, their closed forms, and their regulator dependence.

Complex rank-d field whose strands are U(1) modes with kinetic term |p|^s, in the continuum approximation
of the strand sums, one colour-symmetric coupling g4 for the sum of the d pillows (lambda = 2 g4),
melonic projection, LPA'. Two tables in markdown:

1. Litim regulator, d_t R = Z [s k^s - eta (k^s - E)] theta (``regulator_eta="include"``) against
   d_t R = Z s k^s theta (``"omit"``): every valid non-Gaussian root of ``tensor_preset(...).fixed_points()``,
   with the closed form where one is known (docs/flow.md derives them) and the difference to it.
2. Regulator dependence: the root with g4* > 0 for the Litim and the exponential regulator
   R = Z E/(exp(E/k^s) - 1), in the LPA (eta = 0) and in the LPA' under both conventions, from a multi-start
   search in the box mu in (-0.95, 3), g4 in (-0.2, 0.2) that also starts from the Litim roots. When no valid root exists the table says so and
   names the roots that were found outside the range of validity. As a check independent of the root
   solver, the last column counts the cells of a 120 x 120 grid (mu in [-0.95, 2], g4 in [1e-5, 0.3],
   logarithmic in g4) inside the range of validity where both beta functions change sign (Litim / exponential):
   a fixed point with g4* > 0 there shows up as a few such cells.

Run: python examples/tensor_melonic_conventions.py

Runtime: about 35 s (measured by default on a shared, loaded 2-core machine).
"""

from __future__ import annotations

import sys
import argparse
from math import gamma, sqrt

import numpy as np

from tensornn.flow import find_fixed_points, tensor_preset
from tensornn.errors import MissingDependencyError

FAMILY = ((3, 1.0), (3, 2.0), (4, 2.0), (5, 2.0))
CONVENTIONS = ("include", "omit")


def B(d, s):
    """N_S = B k^(d-1) for d - 1 continuum strands |p|^s (density 1)."""
    return (2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s)


def closed_form(d, s, regulator_eta):
    """(text, mu*, g4*, eta*) of the closed form of the g4* > 0 root, or None (docs/flow.md)."""
    forms = {
        ((3, 1.0), "omit"): ("mu* = eta* = -1/2, lambda* = 1/(16 s B)", -0.5, 1 / 8, -0.5),
        ((5, 2.0), "omit"): ("mu* = eta* = -1/2, lambda* = 1/(16 s B)", -0.5, 1 / 16, -0.5),
        ((3, 2.0), "omit"): ("mu* = 2 - sqrt 7, eta* = (1 - sqrt 7)/3", 2 - sqrt(7), (sqrt(7) - 1) / 12,
                             (1 - sqrt(7)) / 3),
        ((4, 2.0), "omit"): ("mu* = (7 - sqrt 337)/18, eta* = (1 - sqrt 337)/28", (7 - sqrt(337)) / 18,
                             (sqrt(337) - 1) / 168, (1 - sqrt(337)) / 28),
        ((3, 1.0), "include"): ("mu* = -2/3 + sqrt 7/21, eta* = 2 - sqrt 7", -2 / 3 + sqrt(7) / 21,
                                0.5 - sqrt(7) / 7, 2 - sqrt(7)),
        ((5, 2.0), "include"): ("mu* = (sqrt 34 - 23)/33, eta* = (10 - 2 sqrt 34)/3", (sqrt(34) - 23) / 33,
                                13 / 22 - sqrt(34) / 11, (10 - 2 * sqrt(34)) / 3),
    }
    found = forms.get(((d, s), regulator_eta))
    if found is None:
        return None
    text, mu, y, eta = found
    return text, mu, y * (1 + mu) ** 2 / B(d, s), eta  # y = B g4/(1 + mu)^2


def non_gaussian(d, s, regulator_eta, regulator="litim", n_starts=48):
    """The valid roots with |g4| > 1e-3, g4* > 0 first."""
    preset = tensor_preset(rank=d, kinetic_power=s, eta=True, regulator_eta=regulator_eta, regulator=regulator)
    roots = [fp for fp in preset.fixed_points(n_starts=n_starts, seed=0).valid if abs(fp.couplings[1]) > 1e-3]
    return sorted(roots, key=lambda fp: -fp.couplings[1])


def _theta(fp):
    return ", ".join(f"{complex(x).real + 0.0:.6g}" + (f"{complex(x).imag:+.4g}i" if abs(complex(x).imag) > 1e-12
                                                      else "") for x in fp.exponents)


def conventions_table(n_starts, family=FAMILY):
    print("| (d, s) | regulator_eta | mu* | g4* | eta* | theta | nu | closed form (max deviation) |")
    print("|---|---|---|---|---|---|---|---|")
    for d, s in family:
        for convention in CONVENTIONS:
            form = closed_form(d, s, convention)
            for i, fp in enumerate(non_gaussian(d, s, convention, n_starts=n_starts)):
                mu, g4 = fp.couplings
                note = ""
                if i == 0 and form is not None:
                    dev = max(abs(mu - form[1]), abs(g4 - form[2]), abs(fp.eta - form[3]))
                    note = f"{form[0]} ({dev:.1e})"
                elif i == 0:
                    note = "root of a cubic (no short form)"
                if g4 < 0:
                    note = "g4* < 0 (potential unbounded below)"
                print(f"| ({d}, {s:g}) | {convention} | {mu + 0.0:.8g} | {g4:.8g} | {fp.eta + 0.0:.8g} | {_theta(fp)} | "
                      f"{fp.nu:.6g} | {note} |")


def _regulator_roots(d, s, eta, convention, regulator, n_starts):
    preset = tensor_preset(rank=d, kinetic_power=s, eta=eta, regulator_eta=convention, regulator=regulator)
    litim = tensor_preset(rank=d, kinetic_power=s, eta=eta, regulator_eta=convention)
    guided = [fp.couplings for fp in litim.fixed_points(n_starts=n_starts, seed=0).valid]  # Litim roots as starts
    search = find_fixed_points(preset.system, n_starts=n_starts, bounds=[(-0.95, 3.0), (-0.2, 0.2)],
                               starts=[np.zeros(2)] + guided, seed=0)
    return [fp for fp in search if fp.couplings[1] > 1e-3]


def _cell(roots):
    valid = [fp for fp in roots if not fp.spurious]
    if valid:
        fp = valid[0]
        return f"{fp.couplings[0] + 0.0:.6g} | {fp.eta + 0.0:.6g} | {_theta(fp)}"
    if roots:
        etas = ", ".join(f"{fp.eta:.3g}" for fp in roots)
        return f"no valid root | | only beyond the eta pole (eta = {etas})"
    return "no root | | "


def sign_change_cells(d, s, eta, convention, regulator, size=120):
    """Grid cells in the range of validity where both beta functions change sign (mu in [-0.95, 2], g4 in [1e-5, 0.3])."""
    system = tensor_preset(rank=d, kinetic_power=s, eta=eta, regulator_eta=convention, regulator=regulator).system
    mu, g4 = np.meshgrid(np.linspace(-0.95, 2.0, size), np.geomspace(1e-5, 0.3, size), indexing="ij")
    points = np.array([mu.ravel(), g4.ravel()])
    beta = np.concatenate([system.beta(points[:, i:i + 2400]) for i in range(0, points.shape[1], 2400)], axis=1)
    valid = np.concatenate([system.validity(points[:, i:i + 2400]) for i in range(0, points.shape[1], 2400)], axis=1)
    b0, b1 = (b.reshape(mu.shape) for b in beta)
    ok = np.all(valid > 0, axis=0).reshape(mu.shape)

    def changes(b):
        corners = np.stack([b[:-1, :-1], b[1:, :-1], b[:-1, 1:], b[1:, 1:]])
        return (corners.min(axis=0) < 0) & (corners.max(axis=0) > 0)

    inside = ok[:-1, :-1] & ok[1:, :-1] & ok[:-1, 1:] & ok[1:, 1:]
    return int(np.sum(changes(b0) & changes(b1) & inside))


def regulator_table(n_starts, family=FAMILY, grid=120):
    print("| (d, s) | approximation | Litim: mu* | eta* | theta | exponential: mu* | eta* | theta | "
          "sign-change cells (Litim / exp.) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for d, s in family:
        for label, eta, convention in (("LPA", False, "include"), ("LPA', eta in d_t R", True, "include"),
                                       ("LPA', eta not in d_t R", True, "omit")):
            cells = [_cell(_regulator_roots(d, s, eta, convention, regulator, n_starts))
                     for regulator in ("litim", "exponential")]
            crossings = " / ".join(str(sign_change_cells(d, s, eta, convention, regulator, grid))
                                   for regulator in ("litim", "exponential"))
            print(f"| ({d}, {s:g}) | {label} | " + " | ".join(cells) + f" | {crossings} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-starts", type=int, default=48)
    parser.add_argument("--table", choices=("conventions", "regulators", "both"), default="both")
    parser.add_argument("--family", default=None, help="(d, s) cases as d:s,d:s (default 3:1,3:2,4:2,5:2)")
    parser.add_argument("--grid", type=int, default=120, help="points per axis of the sign-change grid")
    args = parser.parse_args(argv)
    family = FAMILY if args.family is None else tuple(
        (int(item.split(":")[0]), float(item.split(":")[1])) for item in args.family.split(","))
    if args.table in ("conventions", "both"):
        conventions_table(args.n_starts, family)
    if args.table == "both":
        print()
    if args.table in ("regulators", "both"):
        regulator_table(args.n_starts, family, args.grid)


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

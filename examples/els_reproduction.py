"""The set-up of Erbin, Lahoche and Ousmane Samary (ELS) for the active/passive comparison, reproduced with tensornn.

Run: python examples/els_reproduction.py [--figure docs/figures/els_reproduction.png] [--networks N]
     (a few seconds with the exact couplings; --networks N replaces them by a Monte Carlo of N networks per point).

Their set-up (tensornn.rg.els): Gauss-nets in d_in = 1 with biases (sigma_b = 1) at six fixed inputs of order
0.01, the raw coupling u4_f averaged over the 126 quadruples of these inputs, measured at sigma_w = 1, 1.5, ...,
10, 20, ..., 100 for N = 5 ... 1000 (active); the Litim LPA with p^2, started at k = 1e-10 from u2 = m0^2 = 2,
u4 = u4_f(sigma_w = 1) and u6 = 50 and run to k = 99.99 (passive). Every number printed is computed here.

Runtime: about 20 s (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse

from tensornn.rg.els import els_reproduction
from tensornn.errors import MissingDependencyError


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", default="els_reproduction.png", help="where to save the figure")
    parser.add_argument("--networks", type=int, default=None, help="Monte Carlo instead of the exact u4")
    parser.add_argument("--widths", type=int, nargs="+", default=[5, 10, 50, 100, 500, 1000])
    args = parser.parse_args(argv)

    rep = els_reproduction(widths=args.widths, n_networks=args.networks)
    print(f"ELS set-up ({rep.parameters['source']} u4; u6 = {rep.parameters['u6']:g}, kinetic "
          f"{rep.parameters['kinetic']}, k from {rep.parameters['k_range'][0]:g} to {rep.parameters['k_range'][1]:g})")
    print("    N   u4_f(sigma_w=1)  active slope (fit / structural)  passive: sigma_w(k_UV)  u4(k_UV)   "
          "slope IR / over the curve")
    for r in rep.table():
        print(f"{r['width']:>5}  {r['u4_0']:15.5g}  {r['active_fit_slope']:10.3f} / {r['structural_slope']:<3d}"
              f"                {r['sigma_w_end']:10.4f}  {r['u4_end']:9.4g}   {r['passive_slope_ir']:9.4g} / "
              f"{r['passive_slope']:.3g}   ({r['passive_status']})")
    # the same curves with the network's own kinetic function
    gauss = els_reproduction(widths=args.widths, n_networks=args.networks, kinetic="gauss")
    print("with the network's kinetic function m0^2 (exp(p^2/m0^2) - 1) instead of p^2:")
    for r in gauss.table():
        print(f"{r['width']:>5}  sigma_w(k_UV) = {r['sigma_w_end']:.4f}, u4(k_UV) = {r['u4_end']:.4g}, "
              f"slope over the curve {r['passive_slope']:.3g} ({r['passive_status']})")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = rep.plot()
    fig.savefig(args.figure, dpi=110)
    plt.close(fig)
    print(f"figure saved to {args.figure}")
    return rep


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

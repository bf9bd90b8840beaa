"""Active against passive RG for Gauss-nets (docs/theory/nn_qft.md): do networks at different sigma_w lie on one trajectory?

Run: python examples/scalar_rg_experiment.py [--full] [--out docs/figures/rg_experiment.png] [--networks N]
     [--d-in 1 2 3] [--widths 10 100] [--seed 0] [--conventions tensornn els]
Runtime: under a minute by default (8192 networks per ensemble, width 10); --full is the run of
docs/rg_experiment.md (100000 networks, widths 10 and 100: about two minutes on a shared 2-core machine).
Every number printed is computed here.

The story, step by step:

1. A Gauss-net of width N in d_in dimensions has the kinetic operator K_w(p)^-1 = Z (p^2 + m^2) + O(p^4)
   with m^2 = 2 sigma_w^2/d_in. In the field phi = sqrt(Z) f the quadratic action is the textbook
   (p^2 + m^2)/2 and the amputated quartic coupling is u4 = Z^-2 u4_f (phi^4/4!).
2. Passive RG: keep the network at sigma_w0 and run the LPA flow of phi upward from k_IR << m, with
   its measured u4 as initial data, once with the network's own kinetic function m^2 (exp(p^2/m^2) - 1)
   and once with p^2. Read the running mass as a weight scale: sigma_w(k) = sqrt(d_in u2(k)/2).
3. Active RG: initialise networks at the sigma_w values the passive map reaches, and measure their u4.
4. Structural part (any network, no measurement): at fixed rescaled inputs the active family is a change of
   units, so its slope d ln|u4|/d ln sigma_w is the canonical dimension 4 - d_in and u4/m^(4 - d_in) does not
   move; the passive slope is -12 u2/(P_kin + u2) + 2 u2 u6/u4^2, -12 at k_IR for u6 = 0 whatever the network.
5. The test: the passive coupling in units of its running mass against the active one, at the sigma_w the
   passive map reaches, with errors.
6. The same with the normalisation of Erbin, Lahoche and Ousmane Samary (convention "els": the raw u4_f, u6 = 50).
"""

import sys
import argparse

from tensornn.rg.experiment import active_passive_experiment
from tensornn.rg.structural import structural_slopes
from tensornn.errors import MissingDependencyError


def _report(result):
    print("case          kinetic  struct act / pas IR   active slope     passive   dimless pas  running p/a     "
          "ratio top (exact)         chi2/dof      p")
    for r in result.table():
        print(f"d={r['d_in']} N={r['width']:<5} {r['kinetic']:>6}   {r['structural_slope']:>4d} / {r['passive_slope_ir']:7.2f}    "
              f"{r['active_slope']:6.3f} +- {r['active_slope_error']:<6.2g} {r['passive_slope']:7.3f}   "
              f"{r['passive_dimensionless_slope']:7.3f}    {r['passive_running']:6.3g}/{r['active_running']:<6.3g} "
              f"{r['ratio_top']:8.3g} +- {r['ratio_top_error']:<7.2g} ({r['ratio_exact_top']:.3g})   "
              f"{r['chi2']:8.3g}/{r['dof']}  {r['p_value']:8.2g}")
    for kin in result.kinetics:
        print("verdict " + result.verdict_line(kin))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="rg_experiment.png", help="where to save the overlay (default convention)")
    parser.add_argument("--full", action="store_true",
                        help="the run of docs/rg_experiment.md: 100000 networks, widths 10 and 100 (about two minutes)")
    parser.add_argument("--networks", type=int, default=None, help="networks per ensemble (default 8192; --full 100000)")
    parser.add_argument("--d-in", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--widths", type=int, nargs="+", default=None, help="widths (default 10; --full 10 100)")
    parser.add_argument("--n-sigma", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--conventions", nargs="+", default=["tensornn", "els"], choices=["tensornn", "els"])
    args = parser.parse_args(argv)
    if args.networks is None:
        args.networks = 100_000 if args.full else 8192
    if args.widths is None:
        args.widths = [10, 100] if args.full else [10]

    # The structural slopes, from the IR data alone: the active slope is the canonical dimension, the passive
    # slope at k_IR is -12 for u6 = 0 whatever u4 (here u4 = -1 and -1000: the same number).
    print("Structural slopes d ln|u4| / d ln sigma_w (no measurement; k_IR = 1e-3 m0):")
    for d in args.d_in:
        for conv in ("tensornn", "els"):
            s = [structural_slopes(d, u4, u6_ir=0.0, kinetic="gauss", convention=conv) for u4 in (-1.0, -1000.0)]
            print(f"  d_in = {d}, {conv:8s}: active {s[0].active:+d}, in units of the mass {s[0].active_dimensionless:+d}; "
                  f"passive at k_IR with u6 = 0: {s[0].passive_ir:.4f} (u4 = -1), {s[1].passive_ir:.4f} (u4 = -1000); "
                  f"u6 closing the IR gap: {s[0].u6_closing:.4g} u4^2 (sigma_w0 = 1)")

    # The field normalisation: the raw u4_f is Z^2 times the coupling of phi = sqrt(Z) f (convention "els" feeds it raw).
    from tensornn.networks.kernels import gauss_fourier

    print("Z of the Gauss-net at sigma_w0 = 1: " + ", ".join(
        f"d_in = {d}: Z = {gauss_fourier(1.0, d).Z:.5g}, Z^2 = {gauss_fourier(1.0, d).Z ** 2:.4g} "
        f"(1/Z^2 = {gauss_fourier(1.0, d).Z ** -2:.4g})" for d in args.d_in))

    results = {}
    for conv in args.conventions:
        result = active_passive_experiment(args.d_in, args.widths, n_sigma=args.n_sigma, n_networks=args.networks,
                                           seed=args.seed, convention=conv)
        results[conv] = result
        print()
        print(f"convention {conv}: {result.parameters['normalisation']}, u6(k_IR) = {result.parameters['u6']:g}")
        _report(result)
        print(f"runtime {result.runtime:.1f} s")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = results[args.conventions[0]]
    fig = first.plot()
    fig.savefig(args.out, dpi=110)
    plt.close(fig)
    print(f"overlay saved to {args.out}")
    return first


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

"""The Gauss-net's own kinetic function in the passive flow: how far sigma_w(k) and u4(k) move against p^2.

The passive flow (tensornn.rg.passive) starts at k_IR = 1e-3 m0 from the infrared data of a Gauss-net
(sigma_w0 = 1, u2 = m0^2 = 2/d_in, u4 = Z^-2 u4_f from the exact finite-width oracle at width N and the default
rescaled inputs of the active/passive experiment, u6 = 0) and runs up to k_UV = 100 m0, once with the p^2 kinetic
term (the plain Litim flow) and once with the network's kinetic function P_kin = m0^2 (exp(p^2/m0^2) - 1). Prints

1. the small-k/m0 limit: the relative difference of the running u2(k) - u2(k_IR) between the two, divided by
   (k/m0)^2, against the prediction (D + 2)/(D + 4) (the integrand k P_kin'(k) N(k) / (2 k^2 N(k)) = 1 + k^2/m0^2);
2. sigma_w and u4 at k = m0, 3 m0 and k_UV for both kinetic functions;

and draws both flows (docs/figures/kinetic_passive_flow.png).

Run: python examples/kinetic_passive_flow.py [--figure docs/figures/kinetic_passive_flow.png] [--width 10]

Runtime: about 10 s; --quick: a few seconds (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse
import math

import numpy as np

from tensornn.couplings import inputs_from_rescaled, u4_exact
from tensornn.networks.kernels import gauss_fourier
from tensornn.rg.passive import passive_flow
from tensornn.rg.experiment import default_rescaled_inputs
from tensornn.errors import MissingDependencyError


def ir_u4(d_in, width, sigma_w0=1.0):
    """Z^-2 u4_f of the Gauss-net at sigma_w0, from the exact finite-width oracle (no sampling noise)."""
    x = inputs_from_rescaled(default_rescaled_inputs(d_in), sigma_w=sigma_w0)
    exact = float(u4_exact("gauss", *x, width=width, sigma_w=sigma_w0, bias=False))
    return exact / gauss_fourier(sigma_w0, d_in).Z ** 2


def limit_table(d_ins, ratios):
    rows = ["| d_in = D | k/m0 | relative difference of u2(k) - u2(k_IR) | divided by (k/m0)^2 | (D+2)/(D+4) |",
            "|---|---|---|---|---|"]
    for d_in in d_ins:
        for ratio in ratios:
            a = passive_flow(d_in, 1.0, -1.0, k_uv_ratio=ratio, kinetic="p2", rtol=1e-12, atol=1e-15)
            b = passive_flow(d_in, 1.0, -1.0, k_uv_ratio=ratio, kinetic="gauss", rtol=1e-12, atol=1e-15)
            rel = (b.u2[-1] - b.u2[0]) / (a.u2[-1] - a.u2[0]) - 1
            rows.append(f"| {d_in} | {ratio:g} | {rel:.3e} | {rel / ratio**2:.4f} | {(d_in + 2) / (d_in + 4):.4f} |")
    return "\n".join(rows)


def at(flow, k):
    """(sigma_w, u4) at scale k (linear interpolation in ln k), nan beyond the end of the flow."""
    if k > flow.k[-1] * (1 + 1e-12):
        return float("nan"), float("nan")
    t = np.log(flow.k)
    return float(np.interp(math.log(k), t, flow.sigma_w)), float(np.interp(math.log(k), t, flow.u4))


def flows(width, d_ins):
    out = {}
    for d_in in d_ins:
        u4 = ir_u4(d_in, width)
        out[d_in] = (u4, {kin: passive_flow(d_in, 1.0, u4, kinetic=kin) for kin in ("p2", "gauss")})
    return out


def comparison_table(results):
    rows = ["| d_in | u4(k_IR) | k/m0 | sigma_w (p2) | sigma_w (gauss) | u4 (p2) | u4 (gauss) | status p2 / gauss |",
            "|---|---|---|---|---|---|---|---|"]
    for d_in, (u4, pair) in results.items():
        m0 = math.sqrt(2.0 / d_in)
        for ratio in (1.0, 3.0, 100.0):
            (sa, ua), (sb, ub) = at(pair["p2"], ratio * m0), at(pair["gauss"], ratio * m0)
            rows.append(f"| {d_in} | {u4:.4g} | {ratio:g} | {sa:.5f} | {sb:.5f} | {ua:.5g} | {ub:.5g} | "
                        f"{pair['p2'].status} / {pair['gauss'].status} |")
    return "\n".join(rows)


def figure(results, width, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    for c, (d_in, (_, pair)) in zip(colours, results.items()):
        m0 = math.sqrt(2.0 / d_in)
        for kin, style in (("p2", "--"), ("gauss", "-")):
            f = pair[kin]
            ax.semilogx(f.k / m0, f.sigma_w, style, color=c, label=f"d_in = {d_in}, {kin}")
            bx.semilogx(f.k / m0, f.u4 / f.u4[0], style, color=c, label=f"d_in = {d_in}, {kin}")
    ax.set_xlabel("k / m0")
    ax.set_ylabel("sigma_w(k) = sqrt(d_in u2(k) / 2)")
    ax.set_title(f"passive flow of a Gauss-net (N = {width}, sigma_w0 = 1)")
    bx.set_xlabel("k / m0")
    bx.set_ylabel("u4(k) / u4(k_IR)")
    bx.set_title("solid: P_kin = m0^2 (exp(p^2/m0^2) - 1), dashed: p^2")
    ax.legend(fontsize="x-small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", default=None, help="where to save the figure (PNG)")
    parser.add_argument("--width", type=int, default=10, help="hidden width N of the network (default 10)")
    parser.add_argument("--quick", action="store_true", help="d_in = 1 only (a smoke run)")
    args = parser.parse_args(argv)
    d_ins = (1,) if args.quick else (1, 2, 3)
    print("## The limit k/m0 -> 0 (u4(k_IR) = -1, u6 = 0)\n")
    print(limit_table(d_ins, (0.03, 0.3) if args.quick else (0.03, 0.1, 0.3, 1.0)))
    results = flows(args.width, d_ins)
    print(f"\n## sigma_w and u4 with both kinetic functions (width N = {args.width}, exact IR u4)\n")
    print(comparison_table(results))
    if args.figure:
        figure(results, args.width, args.figure)
        print(f"\nfigure: {args.figure}")


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

"""Deep networks as field theories: the numbers of docs/depth.md.

Prints, as markdown tables: the deep kernels against their closed-form compositions; kappa = G4c/(3 G2^2) of linear
and ReLU networks without biases (exact finite-width law, leading order, measured) on the grid of widths 4, 8, 16
and depths 2-6; the leading order against the exact law at large width; the critical points and the edge of chaos;
the depth flow at and away from criticality with the Wetterich running of a layer beside it. With --figures DIR it
writes depth_kappa.png and depth_flow.png there.

Run: python examples/deep_networks.py [--networks 60000] [--figures docs/figures] [--quick]
(the default takes well under a minute on one core; --quick is the smoke test's smaller version).

Runtime: about 25-50 s; --quick: a few seconds (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse
import math
import time
from pathlib import Path

import numpy as np

from tensornn._random import child_seed
from tensornn.correlators.depth import measure_layers
from tensornn.networks.criticality import critical_line, find_critical_points
from tensornn.networks.deep import DeepNetwork
from tensornn.networks.deep_exact import kappa_standard_error, scale_invariant_kappa, unit_moments
from tensornn.networks.deep_recursions import single_input_kappa
from tensornn.rg.depth_flow import depth_flow, layer_wetterich_flow
from tensornn.errors import MissingDependencyError

CRITICAL_SIGMA_W = {"relu": math.sqrt(2.0), "linear": 1.0}


def kernels_table():
    """Deep ReLU and erf kernels on three inputs against the closed-form compositions (largest relative difference)."""
    x = np.array([[0.5, 1.0], [-0.7, 0.2], [0.3, -0.4]])

    def arccos(k, cw, cb):
        d = np.sqrt(np.diag(k))
        t = np.arccos(np.clip(k / np.outer(d, d), -1, 1))
        return cb + cw / (2 * np.pi) * np.outer(d, d) * (np.sin(t) + (np.pi - t) * np.cos(t))

    def arcsin(k, cw, cb):
        d = 1 + 2 * np.diag(k)
        return cb + cw * 2 / np.pi * np.arcsin(2 * k / np.sqrt(np.outer(d, d)))

    rows = ["| activation | depth | max relative difference |", "|---|---|---|"]
    for name, step in (("relu", arccos), ("erf", arcsin)):
        for depth in (3, 5):
            net = DeepNetwork(name, (8,) * depth, 2, sigma_w=1.3, sigma_b=0.4)
            k = 0.16 + 1.69 * x @ x.T / 2
            for cw in net.weight_variances:
                k = step(k, cw, 0.16)
            rows.append(f"| {name} | {depth} | {np.max(np.abs(net.kernel(x) / k - 1)):.1e} |")
    return "\n".join(rows)


def _needed(activation, widths):
    """Networks for a 10 % relative error of the output's kappa and a skewness of the mean below 0.2."""
    r = unit_moments(activation, widths[0], 6)
    m = r ** len(widths)
    y_var, y_mu3 = m[4] - m[2] ** 2, m[6] - 3 * m[2] * m[4] + 2 * m[2] ** 3
    skew = y_mu3 / y_var**1.5
    per = kappa_standard_error(activation, widths, 1)[-1] / scale_invariant_kappa(activation, widths)[-1]
    return int(max((per / 0.1) ** 2, (skew / 0.2) ** 2))


def kappa_table(n_max, seed, widths_grid, depths):
    rows = ["| activation | width n | depth L | L/n | kappa exact | kappa leading | measured +- s.e. | "
            "predicted s.e. | (meas - exact)/pred. s.e. | networks | networks for a normal estimate |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    row = 0
    for activation in ("linear", "relu"):
        for n in widths_grid:
            for depth in depths:
                row += 1
                widths = [n] * depth
                exact = scale_invariant_kappa(activation, widths)[-1]
                lead = single_input_kappa(activation, 1.0, [CRITICAL_SIGMA_W[activation] ** 2] * depth, 0.0,
                                          [1] + widths)[-1]
                needed = _needed(activation, widths)
                n_networks = int(min(n_max, max(20_000, needed)))
                net = DeepNetwork(activation, widths, sigma_w=CRITICAL_SIGMA_W[activation])
                m = measure_layers(net, [[1.0]], n_networks, seed=child_seed(seed, row), block_size=1024)
                sigma = kappa_standard_error(activation, widths, n_networks)[-1]
                z = (m.kappa[-1, 0] - exact) / sigma
                rows.append(f"| {activation} | {n} | {depth} | {depth / n:.3g} | {exact:.4g} | {lead:.4g} | "
                            f"{m.kappa[-1, 0]:.4g} +- {m.kappa_error[-1, 0]:.2g} | {sigma:.2g} | {z:+.2f} | "
                            f"{n_networks} | {needed:.1e} |")
    return "\n".join(rows)


def large_width_table():
    rows = ["| activation | width n | depth L | kappa exact | kappa leading | (exact - leading)/leading |",
            "|---|---|---|---|---|---|"]
    for activation, a in (("linear", 2), ("relu", 5)):
        for n in (100, 1000, 10_000):
            widths = [n] * 6
            exact = scale_invariant_kappa(activation, widths)[-1]
            lead = 6 * a / n
            rows.append(f"| {activation} | {n} | 6 | {exact:.6g} | {lead:.6g} | {(exact - lead) / lead:.3e} |")
    return "\n".join(rows)


def criticality_tables():
    rows = ["| activation | sigma_w | sigma_w^2 | sigma_b | K* | status |", "|---|---|---|---|---|---|"]
    for activation in ("relu", "tanh", "erf", "gelu"):
        for p in find_critical_points(activation):
            rows.append(f"| {activation} | {p.sigma_w:.10f} | {p.sigma_w ** 2:.10f} | {p.sigma_b:.6f} | "
                        f"{p.kernel:.6g} | {p.status} |")
    edge = ["| sigma_b | tanh: sigma_w | K* | chi_par | erf: sigma_w | K* | chi_par |", "|---|---|---|---|---|---|---|"]
    lines = {a: critical_line(a, (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)) for a in ("tanh", "erf")}
    for j, b in enumerate(lines["tanh"].sigma_b):
        cells = [f"{b:g}"]
        for a in ("tanh", "erf"):
            line = lines[a]
            cells += [f"{line.sigma_w[j]:.6f}", f"{line.kernel[j]:.4g}", f"{line.chi_par[j]:.4f}"]
        edge.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows), "\n".join(edge)


REGIMES = (("tanh", 1.0, "critical"), ("tanh", 0.8, "ordered"), ("tanh", 1.5, "chaotic"),
           ("relu", math.sqrt(2.0), "critical"), ("relu", 1.3, "ordered"))


def depth_flow_tables(width, depth):
    flows = [depth_flow(DeepNetwork(a, (width,) * depth, sigma_w=s)) for a, s, _ in REGIMES]
    show = [l for l in (1, 2, 3, 5, 10, 20, 30) if l <= depth + 1]
    rows = ["| network | regime | " + " | ".join(f"l={l}" for l in show) + " |", "|---|---|" + "---|" * len(show)]
    for (a, s, regime), f in zip(REGIMES, flows):
        rows.append(f"| {a}, sigma_w={s:.4g} | {regime}: K | " + " | ".join(f"{f.kernel[l - 1]:.4g}" for l in show)
                    + " |")
        rows.append(f"| | n kappa | " + " | ".join(f"{width * f.kappa[l - 1]:.4g}" for l in show) + " |")
    beside = ["| network | layer l | g4 = -3 kappa | depth step of g4 | Wetterich running of g4 in layer l |",
              "|---|---|---|---|---|"]
    for (a, s, regime), f in zip(REGIMES[:1] + REGIMES[3:4], flows[:1] + flows[3:4]):
        for layer in (3, 10, depth + 1):
            w = layer_wetterich_flow(f, layer)
            g2 = f.g2[layer - 1]
            running = (w.u4[-1] - w.u4[0]) * g2**2  # the running of u4, in units of the layer's G2^2
            beside.append(f"| {a} ({regime}) | {layer} | {f.g4[layer - 1]:.4g} | "
                          f"{f.g4[layer - 1] - f.g4[layer - 2]:.3g} | {running:.3g} ({w.status}) |")
    return flows, "\n".join(rows), "\n".join(beside)


def figures(folder, flows, n_networks, seed):
    from tensornn.plotting.depth import depth_flow_figure, depth_study_figure
    from tensornn.plotting.figures import save_figure
    from tensornn.rg.depth_study import depth_study

    folder = Path(folder)
    study = depth_study(DeepNetwork("relu", (8,) * 4, sigma_w=math.sqrt(2.0)), [[1.0]], n_networks, seed=seed,
                        criticality=False)
    save_figure(depth_study_figure(study), folder / "depth_kappa.png")
    labels = [f"{a}, sigma_w = {s:.3g} ({r})" for a, s, r in REGIMES]
    save_figure(depth_flow_figure(flows, labels), folder / "depth_flow.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=60_000, help="largest ensemble of one kappa measurement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figures", type=Path, default=None, help="write depth_kappa.png and depth_flow.png here")
    parser.add_argument("--quick", action="store_true", help="a small grid and ensemble (the smoke test)")
    args = parser.parse_args()
    start = time.perf_counter()
    grid, depths, n_max = ((8,), (2,), 20_000) if args.quick else ((4, 8, 16), (2, 3, 4, 5, 6), args.networks)
    print("## Deep kernels against the closed-form compositions\n")
    print(kernels_table())
    print(f"\n## kappa of deep networks without biases at criticality (at most {n_max} networks per row)\n")
    print(kappa_table(n_max, args.seed, grid, depths))
    print("\n## Leading order against the exact law at large width\n")
    print(large_width_table())
    points, edge = criticality_tables()
    print("\n## Critical points (chi_par = chi_perp = 1), found by the search\n")
    print(points)
    print("\n## The edge of chaos (chi_perp = 1)\n")
    print(edge)
    width, depth = (100, 10) if args.quick else (100, 29)
    flows, table, beside = depth_flow_tables(width, depth)
    print(f"\n## The depth flow at one input, width n = {width} (leading order)\n")
    print(table)
    print("\n## The depth flow beside the Wetterich flow of each layer (engine LPA, zero dimensions)\n")
    print(beside)
    if args.figures is not None:
        figures(args.figures, flows, n_max, args.seed)
    print(f"\n(ran in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

"""Let the data decide the reading: spectra, Kronecker distance and the quartic readings of networks.

Run: python examples/readings_verdicts.py [--seeds K] [--small] [--no-digits]
Runtime: a few minutes by default (20 seeds of 2^17 networks, the digits); --small: about 5 s (measured on a shared,
loaded 2-core machine). The verdicts' own calibration is scripts/calibrate_verdicts.py.
Every number of docs/readings.md comes from this script (one run; the Monte-Carlo numbers depend on the
seeds printed). Sections:

1. the embedded synthetic data and the scikit-learn digits: spectra and Kronecker distance;
2. exact fits of the linear CP layer on the embedded data (weights 6 : 18 : 18 : 18 : 18, 3/R);
3. Monte-Carlo readings of the CP rank-1 layer and its dense twin at the default size;
4. the same fits over K seeds, how often goodness of fit alone or AIC alone would pick each reading, and the
   mean pulls of the couplings with and without cross-fitting (the verdict's calibration is
   scripts/calibrate_verdicts.py);
5. the block Gauss-net: how well the first-order (amputated) basis describes its exact G4c;
6. the digits: readings of a CP rank-1 layer and its dense twin.

--small uses 8x fewer networks, 2 seeds and skips the digits (a smoke run).
"""

import argparse

import numpy as np

from tensornn.data import load_data, summarise_data
from tensornn.readings import (
    amputation_patterns,
    exact_couplings,
    exact_fit,
    exact_four_point,
    fit_readings,
    measure_four_point,
    monte_carlo_fit,
    pattern_space,
    quadruple_design,
    quartic_classes,
    read_network,
)
from tensornn.networks import BlockGaussNetwork, StructuredNetwork

WIDTH = 8


def data_section(names):
    print("== 1. data: spectra and Kronecker distance")
    out = {}
    for name in names:
        summary = summarise_data(load_data(name))
        out[name] = load_data(name)
        print(summary.text())
        print()
    return out


def exact_section(data):
    print("== 2. exact G4c of the linear CP layer on the embedded data, fitted on the quartic classes")
    for rank in (1, 2, 3, None):
        net = StructuredNetwork(data.index_sizes, cp_rank=rank, width=WIDTH)
        result = read_network(net, data)
        tensor = result.readings["tensor"]
        lam = np.array([c.value for c in tensor.couplings.values()])
        ratios = " : ".join(f"{v:.12g}" for v in 6 * lam / lam[0])
        rel = max(abs(c.value - c.exact) / abs(c.exact) for c in tensor.couplings.values() if c.exact)
        print(f"R={rank!s:<5} selected {result.selected:<7} tensor relative residual {tensor.relative_residual:.2g}, "
              f"vector {result.readings['vector'].relative_residual:.3g}, scalar "
              f"{result.readings['scalar'].relative_residual:.3g}; weights (double trace = 6): {ratios}; "
              f"max |lambda - exact| / |exact| = {rel:.2g}")
    print()


def monte_carlo_section(data, n_networks, seed=0):
    print(f"== 3. Monte-Carlo readings at the default size ({n_networks} networks, 128 groups, 40 quadruples "
          f"of 10 points, width {WIDTH}, seed {seed})")
    for rank in (1, None):
        net = StructuredNetwork(data.index_sizes, cp_rank=rank, width=WIDTH)
        result = read_network(net, data, method="monte-carlo", n_networks=n_networks, seed=seed)
        print(result.text())
        tensor = result.readings["tensor"]
        pulls = ", ".join(f"{name} {c.pull:+.2f}" for name, c in tensor.couplings.items())
        print(f"  tensor-reading pulls (fit - exact)/error: {pulls}")
        print()


def calibration_section(data, n_networks, seeds):
    print(f"== 4. verdicts over seeds 100..{99 + seeds} ({n_networks} networks each)")
    classes = quartic_classes(data.order)
    tensor_idx = [k for k, c in enumerate(classes) if c.kind == "bubble"]
    for rank in (1, None):
        net = StructuredNetwork(data.index_sizes, cp_rank=rank, width=WIDTH)
        exact = exact_couplings(net, classes)
        tensor_fits = vector_fails = vector_fits = bubbles_zero = 0
        selected, aic_choice, p_tensor, p_vector, worst, cross, same = [], [], [], [], [], [], []
        for seed in range(100, 100 + seeds):
            design = quadruple_design(data, seed=seed)  # what read_network(net, data, seed=seed) does
            measurement = measure_four_point(net, design, n_networks, seed=seed)
            matrix = amputation_patterns(pattern_space(net), classes, design.inputs, design.quadruples)
            fits, _ = fit_readings(measurement.values, matrix, classes, measurement=measurement, reference=False,
                                   exact=exact)
            t, v = fits["tensor"], fits["vector"]
            tensor_fits += t.p_value > 0.01
            vector_fails += v.p_value < 1e-6
            vector_fits += v.p_value > 0.01
            p_tensor.append(t.p_value)
            p_vector.append(v.p_value)
            bubbles = [c for name, c in t.couplings.items() if name != "double trace"]
            bubbles_zero += all(abs(c.value) < 3 * c.error for c in bubbles)
            pulls = np.array([c.pull for c in t.couplings.values()])
            worst.append(np.max(np.abs(pulls)))
            cross.append(pulls)
            plain = monte_carlo_fit(measurement, matrix[:, tensor_idx], cross_fit=False)
            truth = np.array([exact[classes[k].name] for k in tensor_idx])
            same.append((-plain.coefficients - truth) / plain.error)
            passing = [f for f in fits.values() if f.fits]  # goodness of fit alone (the verdict: calibrate_verdicts.py)
            if passing:
                selected.append(min(passing, key=lambda f: (len(f.classes), f.aic)).reading)
            else:
                selected.append(min(fits.values(), key=lambda f: f.aic).reading + " (no reading fits)")
            aic_choice.append(min(fits.values(), key=lambda f: f.aic).reading)
        kind = f"CP R={rank}" if rank else "dense"
        print(f"{kind}: tensor p > 0.01 in {tensor_fits}/{seeds}, vector p < 1e-6 in {vector_fails}/{seeds}, "
              f"vector p > 0.01 in {vector_fits}/{seeds}; pillows and tetrahedron within 3 errors of 0 in "
              f"{bubbles_zero}/{seeds}")
        print(f"   median p: tensor {np.median(p_tensor):.3g}, vector {np.median(p_vector):.3g}; largest |pull| of "
              f"the tensor couplings: median {np.median(worst):.2f}, max {max(worst):.2f}")
        counts = dict((r, selected.count(r)) for r in sorted(set(selected), key=str))
        print(f"   fewest classes passing: {counts}; smallest AIC "
              f"alone: {dict((r, aic_choice.count(r)) for r in sorted(set(aic_choice)))}")
        names = [classes[k].name for k in tensor_idx]
        print("   mean pull of the tensor couplings, cross-fitted: "
              + ", ".join(f"{n} {m:+.2f}" for n, m in zip(names, np.mean(cross, axis=0))))
        print("   mean pull with weights from the same networks:  "
              + ", ".join(f"{n} {m:+.2f}" for n, m in zip(names, np.mean(same, axis=0))))
    print()


def block_section(data):
    print("== 5. block Gauss-net (blocks = colour marginals of the embedded data, D_c = 4, sigma_c = 1, N = 10): "
          "exact G4c on the amputated basis")
    marginals = data.colour_marginals()
    rms = float(np.sqrt(np.mean(np.sum(marginals.values**2, axis=1))))
    classes = quartic_classes(3)
    names = [c.name for c in classes]
    models = {"scalar": ["local"], "vector": ["double trace"], "local+double trace": ["local", "double trace"],
              "tensor": names[1:6], "local+bubbles": names[:6], "full": names}
    print("relative residual ||G4c - fit|| / ||G4c|| (condition number) per class set")
    for sigma_b in (0.0, 1.0):
        net = BlockGaussNetwork((4, 4, 4), (1.0, 1.0, 1.0), width=10, sigma_w=1.0, sigma_b=sigma_b,
                                bias=sigma_b > 0)
        for scale in (0.1, 0.3, 1.0, 3.0):
            design = quadruple_design(marginals.values * scale / rms, seed=0)
            y = exact_four_point(net, design.inputs, design.quadruples)
            a = amputation_patterns(pattern_space(net), classes, design.inputs, design.quadruples)
            cells = []
            for label, members in models.items():
                fit = exact_fit(y, a[:, [names.index(n) for n in members]])
                cells.append(f"{label} {fit.relative_residual:.3g} ({fit.condition_number:.1g})")
            print(f"  sigma_b={sigma_b:g} rms|x|={scale:g}: " + "; ".join(cells))
    print()


def digits_section(digits, n_networks):
    print(f"== 6. digits (8 x 8, rows and columns as colours): linear CP rank-1 layer and dense twin, width {WIDTH}")
    for rank in (1, None):
        net = StructuredNetwork(digits.index_sizes, cp_rank=rank, width=WIDTH)
        exact = read_network(net, digits)
        print(f"exact oracle: selected {exact.selected}; relative residuals "
              + ", ".join(f"{k} {v.relative_residual:.3g}" for k, v in exact.readings.items()))
        print(read_network(net, digits, method="monte-carlo", n_networks=n_networks, seed=0).text())
        print()


def main():
    parser = argparse.ArgumentParser(description="Spectra, Kronecker distance and quartic readings of networks.")
    parser.add_argument("--seeds", type=int, default=20, help="seeds of the calibration section (default 20)")
    parser.add_argument("--small", action="store_true", help="8x fewer networks, 2 seeds, no digits (smoke run)")
    parser.add_argument("--no-digits", action="store_true", help="skip the digits (needs scikit-learn)")
    args = parser.parse_args()
    networks = 131_072 // (8 if args.small else 1)
    with_digits = not (args.small or args.no_digits)
    sets = data_section(["synthetic", "digits"] if with_digits else ["synthetic"])
    exact_section(sets["synthetic"])
    monte_carlo_section(sets["synthetic"], networks)
    calibration_section(sets["synthetic"], networks, 2 if args.small else args.seeds)
    block_section(sets["synthetic"])
    if with_digits:
        digits_section(sets["digits"], networks)


if __name__ == "__main__":
    import sys

    from tensornn.errors import MissingDependencyError

    try:
        main()
    except MissingDependencyError as exc:
        sys.exit(f"{__file__}: {exc}")

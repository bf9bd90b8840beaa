"""How much of a dense nonlinear layer's exact G4c each class of its own kernel basis describes.

On the default design of `tensornn compare` (10 points, 40 quadruples of the (4, 4, 4) synthetic data, seed 0; a
dense layer of width 8, sigma_w = sigma_v = 1, no biases) the exact G4c is fitted by least squares on the hidden-unit
contact alone, the double trace alone, and both (docs/theory/structured_inputs.md, "The propagator of a nonlinear
layer"); the table gives the relative residuals ||G4c - fit|| / ||G4c|| and the two-class couplings against
-+1/(8 N s^4). The contact uses the exact oracle's quadrature, so the two-class fit agrees to rounding.

    python scripts/kernel_basis.py          # about a minute (Gauss-Hermite at four distinct inputs)
"""

from __future__ import annotations

import numpy as np

from tensornn.data import load_data
from tensornn.networks import StructuredNetwork
from tensornn.readings import quadruple_design, quartic_classes
from tensornn.readings.patterns import amputation_patterns


def main() -> None:
    data = load_data("synthetic")
    design = quadruple_design(data, n_points=10, n_quadruples=40, seed=0)
    classes = quartic_classes(1)
    print("| activation | contact alone | double trace alone | both | lambda N s^4 (contact, double trace) |")
    print("|---|---|---|---|---|")
    for activation in ("relu", "erf", "tanh", "gelu", "gauss", "exp"):
        net = StructuredNetwork(data.index_sizes, None, activation, width=8)
        y = net.exact_four_point(design.inputs, design.quadruples)
        a = amputation_patterns(net, classes, design.inputs, design.quadruples)
        cells = []
        for cols in ([0], [1], [0, 1]):
            beta = np.linalg.lstsq(a[:, cols], y, rcond=None)[0]
            cells.append(np.linalg.norm(y - a[:, cols] @ beta) / np.linalg.norm(y))
        scale = net.width * net.pattern_space().propagator_scale ** 2
        lam = -np.linalg.lstsq(a, y, rcond=None)[0] * scale
        print(f"| {activation} | {cells[0]:.3f} | {cells[1]:.3f} | {cells[2]:.1e} | {lam[0]:+.6f}, {lam[1]:+.6f} |",
              flush=True)


if __name__ == "__main__":
    main()

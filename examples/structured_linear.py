"""Linear CP-structured networks: exact cumulants, Monte Carlo, bubble content and the bubble fit.

The bubble fit is the tensor reading of tensornn.readings (generalised least squares of the measured G4c
on the amputation patterns of the quartic bubbles, couplings cross-fitted, docs/readings.md).

Run: python examples/structured_linear.py  (about a minute; --small for a quick smoke run with 20x fewer
networks). Every number printed is computed here.

Runtime: about 15 s; --small: a few seconds (measured by default on a shared, loaded 2-core machine).
"""

import argparse
import itertools

import numpy as np

from tensornn.readings import QuadrupleDesign, read_network
from tensornn.correlators.cp_cumulants import linear_four_point, linear_two_point
from tensornn.networks import StructuredNetwork
from tensornn.readings.content import linear_tensor_action, quartic_content
from tensornn.structured import estimate_correlators


def deviations(sizes, rank, width, n_networks, seed=7):
    """Largest |MC - exact| / standard error of G2 and G4c on 4 inputs and 6 quadruples."""
    net = StructuredNetwork(sizes, cp_rank=rank, width=width, sigma_w=1.3, sigma_v=0.8)
    x = np.random.default_rng(1).standard_normal((4, *sizes))
    quads = np.array([[0, 1, 2, 3], [0, 0, 1, 1], [0, 1, 0, 1], [2, 2, 2, 2], [0, 1, 2, 2], [1, 3, 3, 3]])
    est = estimate_correlators(net, x, quads, n_networks, seed=seed, n_blocks=100, centred=False)
    z4 = (est.g4c - linear_four_point(net, x, quads)) / est.g4c_error
    z2 = (est.g2 - linear_two_point(net, x)) / est.g2_error
    return np.max(np.abs(z2)), np.max(np.abs(z4)), np.max(np.abs(linear_four_point(net, x, quads)) / est.g4c_error)


def bubble_fit(sizes, rank, width, n_networks=400_000, seed=3):
    """The tensor reading of a Monte-Carlo G4c on 20 quadruples of 6 random inputs (128 groups)."""
    net = StructuredNetwork(sizes, cp_rank=rank, width=width)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, *sizes))
    quads = np.array(list(itertools.combinations_with_replacement(range(6), 4)))
    quads = quads[rng.choice(len(quads), 20, replace=False)]
    design = QuadrupleDesign(x, np.arange(6), quads, "random")
    return read_network(net, design=design, method="monte-carlo", n_networks=n_networks, seed=seed,
                        readings=("tensor",), reference=False).readings["tensor"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Linear CP-structured networks against their exact cumulants.")
    parser.add_argument("--small", action="store_true", help="20x fewer networks (a smoke run; larger errors)")
    scale = 20 if parser.parse_args().small else 1
    print(quartic_content(3).table())
    print()
    print(linear_tensor_action(StructuredNetwork((2, 2, 2), cp_rank=1, width=10)))
    print("\nMC vs exact (max |deviation| in standard errors; last column: max |exact G4c| / error)")
    for sizes, rank, width, n in [((2,), 1, 2, 200_000), ((2, 3), 1, 2, 200_000), ((2, 2, 2), 1, 4, 600_000),
                                  ((2, 2, 2), 3, 2, 300_000), ((2, 2, 2), 16, 2, 200_000),
                                  ((2, 2, 2), None, 2, 200_000)]:
        z2, z4, signal = deviations(sizes, rank, width, n // scale)
        print(f"  sizes={sizes!s:<10} R={rank!s:<5} N={width} networks={n:>7}:  G2 {z2:.2f}  G4c {z4:.2f}  "
              f"signal {signal:.1f}")
    print("\nbubble fits (coupling lambda_B +- error, exact, pull; tensor reading of tensornn.readings)")
    for sizes, rank, width in [((2, 3), 1, 2), ((2, 2, 2), 1, 4), ((2, 2, 2), 3, 2), ((2, 2, 2), None, 2)]:
        fit = bubble_fit(sizes, rank, width, n_networks=400_000 // scale)
        print(f"  sizes={sizes} R={rank} N={width}: chi2/dof = {fit.chi2:.1f}/{fit.dof}, p = {fit.p_value:.3g}")
        for name, c in fit.couplings.items():
            print(f"    {name:<14} {c.value: .5g} +- {c.error:.3g}   exact {c.exact:.5g}   pull {c.pull: .2f}")

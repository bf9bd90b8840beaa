"""Deep structured networks as theories: the symmetry their law keeps, and the reading the data select.

A CP-structured first layer followed by dense layers, and its dense twin, read on the synthetic Kronecker data of
shape (3, 3, 3) (docs/depth.md, "Deep structured networks"): for each, the rotation test (G4c at the design and at
the design rotated by a Haar-random g in O(27), the same networks) and the verdict of the readings. Prints a
markdown table. Run: python examples/deep_structured_readings.py [--networks 65536] [--depth 2] [--width 8]
(about half a minute by default).

Runtime: about half a minute (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse
import time

from tensornn.data import synthetic_kronecker
from tensornn.networks.deep import DeepNetwork
from tensornn.networks.input_layers import CPInput
from tensornn.errors import InvalidTypeError, MissingDependencyError, UnsupportedReadingError
from tensornn.readings.design import quadruple_design
from tensornn.readings.fit import read_network
from tensornn.readings.symmetry import symmetry_test


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=65_536)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    data = synthetic_kronecker((3, 3, 3), 200, seed=0)
    design = quadruple_design(data, seed=args.seed)
    print("| activation | first layer | law invariant under | rotation test: p | relative change of G4c | "
          "invariant | verdict |")
    print("|---|---|---|---|---|---|---|")
    for activation in ("linear", "relu", "tanh"):
        for rank, name in ((1, "CP rank 1"), (None, "dense")):
            net = DeepNetwork(activation, (args.width,) * args.depth, CPInput((3, 3, 3), rank))
            s = symmetry_test(net, design, n_networks=args.networks, seed=args.seed)
            try:
                verdict = read_network(net, design=design, n_networks=args.networks, seed=args.seed,
                                       symmetry=s).decision.selected
            except (UnsupportedReadingError, InvalidTypeError):
                verdict = "not read (no first-order basis; the rotation test alone)"
            print(f"| {activation} | {name} | {net.symmetry} | {s.p_value:.2g} | {s.relative_change:.3g} | "
                  f"{s.invariant} | {verdict} |")
    print(f"\n(ran in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

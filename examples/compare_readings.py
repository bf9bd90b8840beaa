"""Which field theory does a network have? Let the data decide, then run the flows that follow.

Run: python examples/compare_readings.py [--small] [--out DIR]
(the default comparison, about 15-25 s on two cores; a few seconds with --small, which fits the exact G4c).

The story (docs/compare.md):

1. Data with several indices: the embedded synthetic tensors of shape (4, 4, 4), whose covariance is a
   Kronecker product (its distance from one is printed against its sampling floor).
2. Two networks on the same data: a linear CP rank-1 layer, whose weights tie the three colours together, and
   its dense twin, whose weights do not. Same first- and second-moment laws.
3. Each network's connected 4-point function on 40 quadruples of data points, fitted on the quartic classes of
   three readings: scalar (local phi^4), vector (the double trace), tensor (double trace, pillows, tetrahedron).
   The data select the CP layer's tensor reading and the dense layer's vector reading.
4. Every reading's flow from its own fitted couplings (the selected one with Monte-Carlo bands over the fit's
   covariance), and the fixed points of the readings' continuum idealisations.

Runtime: about 20 s; --small: a few seconds (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse

from tensornn.compare import CompareConfig, run_compare, write_compare_report
from tensornn.errors import MissingDependencyError


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the exact G4c instead of Monte Carlo (a smoke run)")
    parser.add_argument("--out", default=None, help="also write the report folder here")
    args = parser.parse_args(argv)
    config = CompareConfig(method="exact", flow_points=40, fixed_point_starts=4) if args.small else CompareConfig()
    result = run_compare(config)
    print(f"1. data: {result.data.data!r}; Kronecker distance {result.data.kronecker.distance:.3g} "
          f"(sampling floor {result.data.kronecker.noise_floor:.3g})")
    for i, net in enumerate(result.networks, start=2):
        print(f"{i}. {net.conclusion()}\n")
    if args.out:
        print(f"report written to {write_compare_report(result, args.out, overwrite=True)}")
    return result


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

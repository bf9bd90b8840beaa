"""Critical exponents of the O(N) model in the LPA (Litim regulator) against the truncation order.

Prints, for each polynomial truncation, the Wilson-Fisher fixed point's nu and omega, for the
expansion around the running minimum (converges) and around rho = 0 (oscillates), as markdown
tables. Run: python examples/lpa_exponents_table.py [--dim 3] [--n 1] [--max-order 12]

Runtime: about 5 s (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse

from tensornn.flow.potential import exponents_by_order
from tensornn.errors import MissingDependencyError


def table(dim, n_components, max_order, expansion):
    rows = ["| order | nu | omega | theta_1 | theta_2 | relevant |", "|---|---|---|---|---|---|"]
    for order, fp in exponents_by_order(dim, n_components, range(2, max_order + 1), expansion=expansion):
        if fp is None:
            rows.append(f"| {order} | lost | | | | |")
            continue
        theta = [complex(x) for x in fp.exponents[:2]]
        fmt = [f"{x.real:.6f}" if abs(x.imag) < 1e-12 else f"{x.real:.4f}{x.imag:+.4f}i" for x in theta]
        rows.append(f"| {order} | {fp.nu:.6f} | {fp.omega:.6f} | {fmt[0]} | {fmt[1]} | {fp.n_relevant} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=float, default=3.0)
    parser.add_argument("--n", type=float, default=1.0, help="number of field components N")
    parser.add_argument("--max-order", type=int, default=12)
    args = parser.parse_args()
    for expansion, title in (("minimum", "around the running minimum kappa"), ("zero", "around rho = 0")):
        print(f"\nD = {args.dim:g}, N = {args.n:g}, expansion {title}\n")
        print(table(args.dim, args.n, args.max_order, expansion))


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

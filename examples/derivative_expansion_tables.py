"""The derivative expansion of the O(N) model: exponents, limits and convergence, as the tables of
docs/derivative_expansion.md.

Default (under a minute): the Ising model in D = 3 at every order (LPA, LPA', d^2 with both normalisations) with
the Litim and the exponential regulator, with the change of each number against 3/4 of the points and against a
1.25 times longer domain. With ``--full``: also the O(N) models N = 1-4 and 10, the resolution, domain and
quadrature studies, the approach to D = 4, the large-N sequence (minutes), and the figure of z*(r).

Run: python examples/derivative_expansion_tables.py [--full] [--figure docs/figures/derivative_expansion_z.png]

Runtime: about 10 s; --full: several minutes (every table of the docs page) (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse
import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # small dense matrices: one BLAS thread is the fastest

import numpy as np  # noqa: E402

from tensornn.flow import derivative_expansion_fixed_point  # noqa: E402
from tensornn.flow.derivative_expansion import loop_terms, momentum_quadrature  # noqa: E402
from tensornn.flow.potential import litim_volume  # noqa: E402
from tensornn.errors import MissingDependencyError

REGULATORS = ("litim", "exponential")


def _change(fp, key):
    """The largest change of nu, omega, eta against the check's re-solve ``key``."""
    changes = fp.diagnostics.get(key)
    return "failed" if changes is None else f"{max(changes.values()):.0e}"


def ising_table():
    rows = ["| regulator | order | z = 1 at | eta | nu | omega | change (3/4 points) | change (1.25 L) |",
            "|---|---|---|---|---|---|---|---|"]
    for regulator in REGULATORS:
        for order, norm in (("lpa", "-"), ("lpa_prime", "minimum"), ("d2", "minimum"), ("d2", "origin")):
            fp = derivative_expansion_fixed_point(3.0, 1, regulator=regulator, order=order,
                                                  normalisation="minimum" if norm == "-" else norm)
            rows.append(f"| {regulator} | {order} | {norm} | {fp.eta:.10f} | {fp.nu:.10f} | {fp.omega:.8f} | "
                        f"{_change(fp, 'resolution_change')} | {_change(fp, 'domain_change')} |")
    return "\n".join(rows)


def on_table():
    rows = ["| N | regulator | nu (LPA) | eta (LPA') | nu (LPA') | eta (d^2) | nu (d^2) | omega (d^2) | "
            "largest change, every order (3/4 points / 1.25 L) |", "|---|---|---|---|---|---|---|---|---|"]
    for n in (1, 2, 3, 4, 10):
        for regulator in REGULATORS:
            lpa, prime, d2 = (derivative_expansion_fixed_point(3.0, n, regulator=regulator, order=order)
                              for order in ("lpa", "lpa_prime", "d2"))
            changes = [max(max(fp.diagnostics[key].values()) for fp in (lpa, prime, d2))
                       for key in ("resolution_change", "domain_change")]
            rows.append(f"| {n} | {regulator} | {lpa.nu:.6f} | {prime.eta:.6f} | {prime.nu:.6f} | {d2.eta:.8f} | "
                        f"{d2.nu:.8f} | {d2.omega:.6f} | {changes[0]:.0e} / {changes[1]:.0e} |")
    return "\n".join(rows)


def resolution_table():
    rows = ["| order | regulator | n | eta | nu | omega | nu - nu(128) | eta - eta(128) |",
            "|---|---|---|---|---|---|---|---|"]
    cases = [("d2", regulator, (16, 24, 32, 48, 64, 96)) for regulator in REGULATORS]
    cases.append(("lpa_prime", "litim", (32, 48, 64, 80, 96)))
    for order, regulator, sizes in cases:
        ref = derivative_expansion_fixed_point(3.0, 1, regulator=regulator, order=order, resolution=128, check=False)
        for n in sizes:
            fp = derivative_expansion_fixed_point(3.0, 1, regulator=regulator, order=order, resolution=n, check=False)
            rows.append(f"| {order} | {regulator} | {n} | {fp.eta:.12f} | {fp.nu:.12f} | {fp.omega:.10f} | "
                        f"{fp.nu - ref.nu:+.1e} | {fp.eta - ref.eta:+.1e} |")
    return "\n".join(rows)


def domain_table():
    fp = derivative_expansion_fixed_point(3.0, 1, check=False)
    rows = ["| r_max / r_max(auto) | r_max | boundary decay (w, z) | eta | nu | nu - nu(auto) |",
            "|---|---|---|---|---|---|"]
    for factor in (0.5, 0.6, 0.75, 1.0, 1.25, 1.5):
        other = derivative_expansion_fixed_point(3.0, 1, r_max=factor * fp.r_max, resolution=64, check=False)
        decay = other.diagnostics["boundary_decay"]
        rows.append(f"| {factor:g} | {other.r_max:.4f} | {decay['w']:.1f}, {decay['z']:.1f} | {other.eta:.12f} | "
                    f"{other.nu:.12f} | {other.nu - fp.nu:+.1e} |")
    return "\n".join(rows)


def quadrature_table():
    """Largest change of the loop terms at the fixed point's grid values against 32 nodes per panel."""
    rows = ["| regulator | nodes per panel | nodes | max relative change of the loops |", "|---|---|---|---|"]
    for regulator in ("exponential",):
        fp = derivative_expansion_fixed_point(3.0, 2, regulator=regulator, check=False)
        grid, vd = fp.grid, litim_volume(3.0)
        loc = {}
        for name, values in (("w", fp.w), ("z", fp.z), ("y", fp.y * vd)):
            loc[name], loc[name + "1"], loc[name + "2"] = values, grid.d1 @ values, grid.d2 @ values

        def loops(nodes):
            q = momentum_quadrature(regulator, 3.0, nodes_per_panel=nodes)
            return np.concatenate(loop_terms(loc, grid.x, fp.eta, 2, q)), len(q.y)

        ref, _ = loops(32)
        for nodes in (8, 12, 16, 24):
            got, total = loops(nodes)
            rows.append(f"| {regulator} | {nodes} | {total} | {np.max(np.abs(got - ref)) / np.max(np.abs(ref)):.1e} |")
    return "\n".join(rows)


def four_dimensions_table():
    rows = ["| N | D | eta / eps^2 | limit at order d^2: 3 (N + 2)/(4 (N + 8)^2) | exact: (N + 2)/(2 (N + 8)^2) | "
            "(nu - 1/2)/eps | limit: (N + 2)/(4 (N + 8)) | omega / eps |", "|---|---|---|---|---|---|---|---|"]
    for n in (1, 3):
        for eps in (0.2, 0.1, 0.05, 0.02, 0.01):
            fp = derivative_expansion_fixed_point(4.0 - eps, n, check=False)
            rows.append(f"| {n} | {4 - eps:g} | {fp.eta / eps**2:.5f} | {3 * (n + 2) / (4 * (n + 8) ** 2):.5f} | "
                        f"{(n + 2) / (2 * (n + 8) ** 2):.5f} | {(fp.nu - 0.5) / eps:.6f} | "
                        f"{(n + 2) / (4 * (n + 8)):.6f} | {fp.omega / eps:.5f} |")
    return "\n".join(rows)


def large_n_table():
    rows = ["| N | resolution | eta | N eta | nu | 1 - nu | omega |", "|---|---|---|---|---|---|---|"]
    for n in (10, 30, 100, 300, 1000):
        fp = derivative_expansion_fixed_point(3.0, n, check=False)
        rows.append(f"| {n} | {fp.resolution} | {fp.eta:.3e} | {n * fp.eta:.5f} | {fp.nu:.8f} | {1 - fp.nu:.3e} | "
                    f"{fp.omega:.6f} |")
    return "\n".join(rows)


def z_figure(path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    for n, style in zip((1, 2, 3, 4), ("-", "--", "-.", ":")):
        fp = derivative_expansion_fixed_point(3.0, n, check=False)
        r = np.linspace(0.0, min(3.0 * fp.r0, fp.r_max), 300)
        f = fp.functions(r)
        axes[0].plot(r / fp.r0, f["z"], style, color="k", label=f"N = {n}")
        if n > 1:
            axes[1].plot(r / fp.r0, f["z"] + r * f["y"], style, color="k", label=f"N = {n}")
    axes[0].set(xlabel=r"$\rho / \rho_0$", ylabel=r"$z^*(\rho)$ (transverse; N = 1: the only one)",
                title="field-dependent Z at the fixed point")
    axes[1].set(xlabel=r"$\rho / \rho_0$", ylabel=r"$z^* + \rho\, y^*$ (longitudinal)", title="N > 1, radial mode")
    for ax, where in zip(axes, ("lower center", "lower right")):
        ax.axvline(1.0, color="0.7", lw=0.8)
        ax.legend(frameon=False, loc=where)
    fig.suptitle("Wilson-Fisher point at order $\\partial^2$, D = 3, Litim regulator, z = 1 at the minimum $\\rho_0$")
    fig.savefig(path, dpi=150)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="every table of the docs page (minutes)")
    parser.add_argument("--figure", default=None, help="write the figure of z*(rho) to this PNG file")
    args = parser.parse_args()
    print("## Ising model, D = 3\n\n" + ising_table())
    if args.full:
        print("\n## O(N) models, D = 3\n\n" + on_table())
        print("\n## Resolution (N = 1)\n\n" + resolution_table())
        print("\n## Domain (d^2, N = 1, Litim, n = 64)\n\n" + domain_table())
        print("\n## Momentum quadrature (d^2, N = 2)\n\n" + quadrature_table())
        print("\n## Approach to D = 4 (d^2, Litim)\n\n" + four_dimensions_table())
        print("\n## Large N (d^2, Litim, D = 3)\n\n" + large_n_table())
    if args.figure:
        z_figure(args.figure)
        print(f"\nfigure written to {args.figure}")


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

"""The functional LPA's convergence evidence and exponents, as the markdown tables of docs/functional_lpa.md.

Tables: (1) resolution study and (2) domain study of the Ising Wilson-Fisher point in D = 3; (3) nu and omega of
the O(N) models in D = 3 against the polynomial expansion around the minimum and the literature; (4) non-integer
D, where the polynomial expansion loses Wilson-Fisher below D ~ 2.85; (5) Wilson-Fisher near D = 2 with the
digits of its convergence; (6) every fixed point found at D = 2.5, 2.8 and 2.3 (N = 1) and at D = 2.5 for N = 10,
with the exponents and the branches whose continuation failed; (7) the approach to the spherical limit
nu -> 1/(D - 2); (8) the exponential regulator family against the minimum expansion. The figure shows the
fixed-point potentials at D = 2.5.

Run: python examples/functional_lpa_tables.py [--figure docs/figures/functional_fixed_points.png] [--quick]

Runtime: about 30 s; --quick: a few seconds (measured by default on a shared, loaded 2-core machine).
"""

import sys
import argparse
import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # small dense matrices: one BLAS thread is the fastest

import numpy as np  # noqa: E402

from tensornn.flow import exponents_by_order  # noqa: E402
from tensornn.flow.functional_result import resolve_fixed_point  # noqa: E402
from tensornn.flow.functional_search import functional_fixed_point, functional_fixed_points  # noqa: E402
from tensornn.errors import MissingDependencyError

NU_ISING, OMEGA_ISING = 0.649561773880, 0.655745939  # LPA, Litim regulator (hep-th/0203006, hep-th/0701172)


def _theta(x):
    x = complex(x)
    return f"{x.real:.6f}" if x.imag == 0 else f"{x.real:.4f}{x.imag:+.4f}i"


def resolution_table(fp, quick):
    rows = ["| n | nu | omega | nu - nu_lit | omega - omega_lit | Chebyshev tail | residual between nodes |",
            "|---|---|---|---|---|---|---|"]
    for n in (16, 32) if quick else (12, 16, 20, 24, 32, 48, 64):
        other = resolve_fixed_point(fp, resolution=n)
        d = other.diagnostics
        rows.append(f"| {n} | {other.nu:.12f} | {other.omega:.10f} | {other.nu - NU_ISING:+.1e} | "
                    f"{other.omega - OMEGA_ISING:+.1e} | {d['chebyshev_tail']:.1e} | "
                    f"{d['residual_between_nodes']:.1e} |")
    return "\n".join(rows)


def domain_table(fp, quick):
    rows = ["| r_max / r_max(auto) | r_max | boundary_decay I(L/2) | nu | omega | nu - nu(auto) |",
            "|---|---|---|---|---|---|"]
    for factor in (0.5, 1.0) if quick else (0.4, 0.5, 0.6, 0.75, 1.0, 1.5, 2.0):
        other = resolve_fixed_point(fp, r_max=factor * fp.r_max, resolution=64)
        rows.append(f"| {factor:g} | {other.r_max:.4f} | {other.diagnostics['boundary_decay']:.1f} | "
                    f"{other.nu:.12f} | {other.omega:.10f} | {other.nu - fp.nu:+.1e} |")
    return "\n".join(rows)


def on_table(quick):
    rows = ["| N | nu (functional) | omega (functional) | nu (minimum exp., order 12 / 16) | "
            "omega (order 12 / 16) | literature |", "|---|---|---|---|---|---|"]
    for n in (1,) if quick else (1, 2, 3, 4, 10, 100):
        fp = functional_fixed_point(3.0, n)
        (_, p12), (_, p16) = exponents_by_order(3, n, [12, 16])
        lit = f"nu = {NU_ISING}, omega = {OMEGA_ISING}" if n == 1 else ""
        rows.append(f"| {n} | {fp.nu:.10f} | {fp.omega:.10f} | {p12.nu:.8f} / {p16.nu:.8f} | "
                    f"{p12.omega:.8f} / {p16.omega:.8f} | {lit} |")
    return "\n".join(rows)


def dimension_table(quick):
    rows = ["| D | nu (functional) | omega (functional) | flags | nu (minimum exp., order 8 / 12 / 16) |",
            "|---|---|---|---|---|"]
    for dim in (3.5,) if quick else (2.2, 2.4, 2.5, 2.6, 2.8, 2.85, 2.9, 3.0, 3.2, 3.5, 3.8, 3.95):
        fp = functional_fixed_point(dim, 1)
        poly = [p for _, p in exponents_by_order(dim, 1, [8, 12, 16])]
        text = " / ".join("lost" if p is None else f"{p.nu:.6f}" for p in poly)
        rows.append(f"| {dim:g} | {fp.nu:.10f} | {fp.omega:.8f} | {len(fp.flags)} | {text} |")
    return "\n".join(rows)


def near_two_table(quick):
    rows = ["| D | resolution | nu | omega | theta_3 | digits nu / omega / theta_3 | r_max | flags |",
            "|---|---|---|---|---|---|---|---|"]
    for dim, resolution in ((2.2, None),) if quick else ((2.2, None), (2.2, 128), (2.1, None)):
        fp = functional_fixed_point(dim, 1, resolution=resolution)
        d = fp.digits
        rows.append(f"| {dim:g} | {fp.resolution}{' (asked)' if resolution else ''} | {fp.nu:.10f} | {fp.omega:.10f} | "
                    f"{np.real(fp.exponents[2]):.10f} | {d['nu']} / {d['omega']} / {d['theta_3']} | "
                    f"{fp.r_max:.4f} | {len(fp.flags)} |")
    return "\n".join(rows)


def regulator_table(quick):
    rows = ["| regulator | nu (functional) | omega (functional) | digits nu / omega | "
            "nu (minimum exp., order 12 / 16) | omega (order 12 / 16) |", "|---|---|---|---|---|---|"]
    members = ("litim", "exponential") if quick else ("litim", "exponential(alpha=0.5)", "exponential",
                                                      "exponential(alpha=2)", "exponential(alpha=6)")
    for regulator in members:
        fp = functional_fixed_point(3.0, 1, regulator=regulator)
        (_, p12), (_, p16) = exponents_by_order(3, 1, [12, 16], regulator=regulator)
        text = " / ".join("lost" if p is None else f"{p.nu:.9f}" for p in (p12, p16))
        omega = " / ".join("lost" if p is None else f"{p.omega:.9f}" for p in (p12, p16))
        rows.append(f"| {regulator} | {fp.nu:.10f} | {fp.omega:.10f} | {fp.digits['nu']} / {fp.digits['omega']} | "
                    f"{text} | {omega} |")
    return "\n".join(rows)


def multicritical_table(cases):
    rows = ["| D | N | fixed point | relevant | u*'(0) | theta_1 | theta_2 | theta_3 | theta_4 | zeros of u*' | flags |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    searches = []
    for dim, n in cases:
        search = functional_fixed_points(dim, n)
        searches.append(search)
        for fp in search:
            theta = " | ".join(_theta(t) for t in fp.exponents[:4])
            zeros = "" if fp.is_gaussian else str(len(fp.zeros()))
            rows.append(f"| {dim:g} | {n} | {fp.label} | {fp.n_relevant} | {fp.sigma:.8f} | {theta} | {zeros} | "
                        f"{len(fp.flags)} |")
        for failure in search.failures:
            rows.append(f"| {dim:g} | {n} | failed: {failure} | | | | | | | | |")
    return "\n".join(rows), searches


def large_n_table(quick):
    rows = ["| D | N | nu | 1/(D-2) - nu | N (1/(D-2) - nu) | flags |", "|---|---|---|---|---|---|"]
    for dim in (3.0,) if quick else (2.5, 3.0, 3.5):
        for n in (100,) if quick else (100, 500, 1000, 2000):
            fp = functional_fixed_point(dim, n)
            gap = 1 / (dim - 2) - fp.nu
            rows.append(f"| {dim:g} | {n} | {fp.nu:.9f} | {gap:.3e} | {n * gap:.4f} | {len(fp.flags)} |")
    return "\n".join(rows)


def figure(search, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    for fp in search:
        if fp.is_gaussian:
            continue
        zeros = fp.zeros()
        scale = float(zeros[-1])
        r = np.linspace(0.0, min(1.6 * scale, fp.r_max), 400)
        ax.plot(r / scale, fp.potential(r) / abs(fp.sigma), label=f"{fp.label} ({fp.n_relevant} relevant)")
        coef = np.abs(fp.grid.coefficients(fp.w))
        bx.semilogy(coef / coef.max(), ".-", label=fp.label.split(" (")[0])
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_ylim(-1.5, 3.0)
    ax.set_xlabel("r / r_0 (r_0: the largest zero of u*')")
    ax.set_ylabel("u*'(r) / |u*'(0)|")
    ax.set_title(f"fixed points of the functional LPA, D = {search.dim:g}, N = 1")
    ax.legend(fontsize="small")
    bx.set_xlabel("k")
    bx.set_ylabel("|a_k| / max |a_k| (Chebyshev coefficients of u*')")
    bx.set_title("spectral convergence")
    bx.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", default=None, help="where to save the figure of the potentials (PNG)")
    parser.add_argument("--quick", action="store_true", help="fewer rows (a smoke run)")
    args = parser.parse_args(argv)

    wf = functional_fixed_point(3.0, 1)
    print(f"Wilson-Fisher, D = 3, N = 1: {wf!r}\n")
    print("## Resolution (D = 3, N = 1, the automatic domain)\n")
    print(resolution_table(wf, args.quick))
    print("\n## Domain (D = 3, N = 1, n = 64)\n")
    print(domain_table(wf, args.quick))
    print("\n## O(N) in D = 3\n")
    print(on_table(args.quick))
    print("\n## Non-integer D (N = 1)\n")
    print(dimension_table(args.quick))
    print("\n## Near D = 2 (N = 1)\n")
    print(near_two_table(args.quick))
    table, searches = multicritical_table(((2.5, 1),) if args.quick else ((2.5, 1), (2.8, 1), (2.3, 1), (2.5, 10)))
    print("\n## Every fixed point\n")
    print(table)
    print("\n## Large N\n")
    print(large_n_table(args.quick))
    print("\n## Regulators (D = 3, N = 1)\n")
    print(regulator_table(args.quick))
    if args.figure:
        figure(searches[0], args.figure)
        print(f"\nfigure: {args.figure}")


if __name__ == "__main__":
    try:
        main()
    except MissingDependencyError as exc:  # an optional extra is missing: one line naming it, not a traceback
        sys.exit(f"{__file__}: {exc}")

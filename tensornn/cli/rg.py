"""``tensornn rg-experiment``: active against passive RG for Gauss-nets (docs/theory/nn_qft.md)."""

from __future__ import annotations

import argparse
import math


from ..errors import InvalidArgumentError
from ._common import add_list, claimed_outputs, failure, progress_wanted, worker_pool, write_text
from ._common import harden as _harden

__all__ = ["register"]


def register(subparsers):
    p = subparsers.add_parser(
        "rg-experiment",
        help="active (networks at several sigma_w) vs passive (upward LPA flow) RG for Gauss-nets",
        description=(
            "Measure the quartic coupling u4 of Gauss-nets on a grid of sigma_w (active RG) and compare it with "
            "the scalar LPA flow integrated upward from the IR data of the network at --sigma-w-min (passive RG, "
            "sigma_w(k) = sqrt(d_in u2(k)/2)), for each kinetic function of the flow. Prints, per (d_in, width, "
            "kinetic function), the structural slopes (active: the canonical dimension; passive: "
            "-12 u2/(P_kin + u2) + 2 u2 u6/u4^2, the same for any network), the measured slopes, the same in "
            "units of the mass (u4/m^(4 - d_in)), ratios and chi^2, and one verdict line per kinetic function "
            "naming the convention, u6, k_IR and k_UV."),
    )
    add_list(p, "--d-in", kind=int, default=[1, 2, 3], help="input dimensions (default 1,2,3)")
    add_list(p, "--widths", kind=int, default=[10, 100], help="hidden widths (default 10,100)")
    p.add_argument("--sigma-w-min", type=float, default=None,
                   help="sigma_w0: the IR network and the bottom of the grid (default 1)")
    p.add_argument("--sigma-w-max", type=float, default=None,
                   help="top of the active grid (default: the top of the passive range of each case)")
    p.add_argument("--n-sigma", type=int, default=None, help="active grid points (default 5)")
    p.add_argument("--n-networks", "--networks", type=int, default=100_000, dest="n_networks",
                   help="networks per ensemble (default 100000; --networks is the old spelling)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--convention", choices=["tensornn", "els"], default="tensornn",
                   help="coupling fed to the flow: tensornn = Z^-2 u4_f of phi = sqrt(Z) f (default); els = the raw "
                        "u4_f with the Z-normalised mass and u6 = 50 (Erbin-Lahoche-Ousmane Samary)")
    p.add_argument("--kinetic", choices=["gauss", "p2"], nargs="+", default=["gauss", "p2"],
                   help="kinetic functions of the passive flow, the first one primary (default: gauss p2; gauss = "
                        "the network's m0^2 (exp(p^2/m0^2) - 1), p2 = plain Litim)")
    p.add_argument("--u6", type=float, default=None,
                   help="stated IR u6 (phi^6/6! in the flow's normalisation; default 0, or 50 with --convention els)")
    p.add_argument("--k-uv", type=float, default=1e2, help="k_UV / m0 of the passive flow (default 100)")
    p.add_argument("--k-ir", type=float, default=1e-3, help="k_IR / m0 of the passive flow (default 0.001)")
    p.add_argument("--workers", type=int, default=None, help="processes for the sampling (numbers unchanged)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when stderr is a terminal)")
    p.add_argument("--json", metavar="FILE", help="write the full result as JSON ('-' for stdout)")
    p.add_argument("--plot", metavar="FILE.png", help="save the overlay (one panel per d_in)")
    p.set_defaults(handler=_run)
    _harden(p)


def _fmt(v, spec=".3g"):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan"
    return format(v, spec)


def _run(args):
    from .._json import document, dumps_json
    from ._common import vars_config
    from ..plotting.figures import save_figure
    from ..plotting.rg import plot_result
    from ..rg.experiment import active_passive_experiment

    if args.workers is not None and args.workers < 1:
        raise InvalidArgumentError(f"--workers must be >= 1, got {args.workers}")
    kwargs = dict(sigma_w_min=args.sigma_w_min, sigma_w_max=args.sigma_w_max, n_sigma=args.n_sigma,
                  n_networks=args.n_networks, seed=args.seed, convention=args.convention, kinetic=args.kinetic,
                  u6=args.u6, k_ir_ratio=args.k_ir,
                  k_uv_ratio=args.k_uv, progress=True if progress_wanted(args.progress) else None)
    with claimed_outputs([("--plot", args.plot)], text=[("--json", args.json)]):
        with worker_pool(args.workers) as ex:
            result = active_passive_experiment(args.d_in, args.widths, executor=ex, **kwargs)
        record = document("rg-experiment", result.to_dict(), config=vars_config(args), seed=args.seed)
        if args.json == "-":
            write_text("-", dumps_json(record, indent=1))
        else:
            _print_table(result)
            if args.json:
                write_text(args.json, dumps_json(record, indent=1))
                print(f"JSON written to {args.json}")
        if args.plot:
            save_figure(plot_result(result), args.plot, dpi=120)
            if args.json != "-":
                print(f"plot written to {args.plot}")
    if not result.success:
        failed = [f"d_in={c.d_in}, N={c.width}: {c.passive.status} ({c.passive.message})"
                  for c in result.cases if not c.passive.success]
        return failure(f"rg-experiment: {len(failed)} passive flow(s) did not complete: {'; '.join(failed)}")
    return 0


def _print_table(result):
    p = result.parameters
    print(f"active vs passive RG, Gauss-net; convention {p['convention']}: {p['normalisation']}; "
          f"U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!, u6(k_IR) = {p['u6']:g}, k_IR = {p['k_ir_ratio']:g} m0, "
          f"k_UV = {p['k_uv_ratio']:g} m0")
    print("slopes d ln|u4| / d ln sigma_w. structural = the same for any network (active: the canonical dimension; "
          "passive at k_IR: -12 u2/(P_kin + u2) + 2 u2 u6/u4^2); in mass units = the slopes of u4/m^(4 - d_in); "
          "running = u4/m^(4 - d_in) at the top over its IR value (exact; passive/active); ratio = passive/active "
          "at the top")
    print(f"{'d_in':>4} {'N':>5} {'kinetic':>7} {'sigma_w':>12} | {'structural':>16} | {'measured slopes':>24} | "
          f"{'in mass units':>24} | {'running':>13} | {'ratio top (exact)':>25} | {'chi2/dof':>12} {'p':>8}  verdict")
    print(f"{'':>31} | {'active':>6} {'pas IR':>9} | {'active':>15} {'passive':>8} | {'active':>15} {'passive':>8} | "
          f"{'pas/act':>13} |")
    for r in result.table():
        print(f"{r['d_in']:>4} {r['width']:>5} {r['kinetic']:>7} {r['sigma_w0']:>4.3g}-{_fmt(r['sigma_w_top'], '<7.4g')} | "
              f"{r['structural_slope']:>6d} {_fmt(r['passive_slope_ir'], '9.4g')} | "
              f"{_fmt(r['active_slope'], '6.3f')} +- {_fmt(r['active_slope_error'], '<5.2g')} "
              f"{_fmt(r['passive_slope'], '8.3f')} | "
              f"{_fmt(r['active_dimensionless_slope'], '6.3f')} +- {_fmt(r['active_slope_error'], '<5.2g')} "
              f"{_fmt(r['passive_dimensionless_slope'], '8.3f')} | "
              f"{_fmt(r['passive_running'], '6.3g')}/{_fmt(r['active_running'], '<6.3g')} | "
              f"{_fmt(r['ratio_top'], '7.3g')} +- {_fmt(r['ratio_top_error'], '<7.2g')} ({_fmt(r['ratio_exact_top'], '.3g')})"
              f"{'':<3} | {_fmt(r['chi2'], '8.3g')}/{r['dof']:<3} {_fmt(r['p_value'], '8.2g')}  "
              f"{r['verdict']}{'' if r['passive_status'] == 'completed' else ' (flow ' + r['passive_status'] + ')'}")
    for kin in result.kinetics:
        print(result.structural_line(kin))
    for kin in result.kinetics:
        print("verdict " + result.verdict_line(kin))
    print(f"runtime {result.runtime:.1f} s")

"""``tensornn rg-experiment``: active against passive RG for Gauss-nets (docs/theory/nn_qft.md)."""

from __future__ import annotations

import math

from concurrent.futures import ProcessPoolExecutor

from ..errors import InvalidArgumentError

__all__ = ["register"]


def register(subparsers):
    p = subparsers.add_parser(
        "rg-experiment",
        help="active (networks at several sigma_w) vs passive (upward LPA flow) RG for Gauss-nets",
        description=(
            "Measure the Z-normalised quartic coupling u4 (phi = sqrt(Z) f, phi^4/4!) of Gauss-nets on a grid of "
            "sigma_w (active RG) and compare it with the scalar LPA flow integrated upward from the IR data of "
            "the network at --sigma-w-min (passive RG, sigma_w(k) = sqrt(d_in u2(k)/2)). Prints slopes, "
            "ratios and chi^2 per (d_in, width)."),
    )
    p.add_argument("--d-in", type=int, nargs="+", default=[1, 2, 3], help="input dimensions (default 1 2 3)")
    p.add_argument("--widths", type=int, nargs="+", default=[10, 100], help="hidden widths (default 10 100)")
    p.add_argument("--sigma-w-min", type=float, default=None,
                   help="sigma_w0: the IR network and the bottom of the grid (default 1)")
    p.add_argument("--sigma-w-max", type=float, default=None,
                   help="top of the active grid (default: the top of the passive range of each case)")
    p.add_argument("--n-sigma", type=int, default=None, help="active grid points (default 5)")
    p.add_argument("--n-networks", "--networks", type=int, default=100_000, dest="n_networks",
                   help="networks per ensemble (default 100000; --networks is the old spelling)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--u6", type=float, default=0.0, help="stated IR u6 (phi^6/6!, Z-normalised; default 0)")
    p.add_argument("--k-uv", type=float, default=1e2, help="k_UV / m0 of the passive flow (default 100)")
    p.add_argument("--k-ir", type=float, default=1e-3, help="k_IR / m0 of the passive flow (default 0.001)")
    p.add_argument("--workers", type=int, default=None, help="processes for the sampling (numbers unchanged)")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.add_argument("--json", metavar="FILE", help="write the full result as JSON ('-' for stdout)")
    p.add_argument("--plot", metavar="FILE.png", help="save the overlay (one panel per d_in)")
    p.set_defaults(handler=_run)


def _fmt(v, spec=".3g"):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan"
    return format(v, spec)


def _run(args):
    from .._json import dumps_json
    from ..plotting.figures import save_figure
    from ..plotting.rg import plot_result
    from ..report import atomic_write_text
    from ..rg.experiment import active_passive_experiment

    if args.workers is not None and args.workers < 1:
        raise InvalidArgumentError(f"--workers must be >= 1, got {args.workers}")
    kwargs = dict(sigma_w_min=args.sigma_w_min, sigma_w_max=args.sigma_w_max, n_sigma=args.n_sigma,
                  n_networks=args.n_networks, seed=args.seed, u6=args.u6, k_ir_ratio=args.k_ir,
                  k_uv_ratio=args.k_uv, progress=True if args.progress else None)
    if args.workers and args.workers > 1:
        with ProcessPoolExecutor(args.workers) as ex:
            result = active_passive_experiment(args.d_in, args.widths, executor=ex, **kwargs)
    else:
        result = active_passive_experiment(args.d_in, args.widths, **kwargs)
    if args.json == "-":
        print(dumps_json(result.to_dict(), indent=1))
    else:
        _print_table(result)
        if args.json:
            atomic_write_text(args.json, dumps_json(result.to_dict(), indent=1))
            print(f"JSON written to {args.json}")
    if args.plot:
        save_figure(plot_result(result), args.plot, dpi=120)
        if args.json != "-":
            print(f"plot written to {args.plot}")
    return 0 if result.success else 1


def _print_table(result):
    print("active vs passive RG, Gauss-net (u4 of phi = sqrt(Z) f, phi^4/4!; slopes d ln|u4| / d ln sigma_w)")
    head = (f"{'d_in':>4} {'N':>5} {'sigma range':>15} {'active slope':>16} {'pred':>5} {'passive':>8} "
            f"{'IR':>6} {'UV':>6} {'ratio top':>16} {'exact':>7} {'chi2/dof':>12} {'p':>8}  verdict / flow")
    print(head)
    for r in result.table():
        print(f"{r['d_in']:>4} {r['width']:>5} {r['sigma_w0']:>7.3g}-{_fmt(r['sigma_w_top'], '<7.3g')} "
              f"{_fmt(r['active_slope'], '7.3f')} +- {_fmt(r['active_slope_error'], '<5.2g')} "
              f"{_fmt(r['predicted_slope'], '5.2f')} {_fmt(r['passive_slope'], '8.3f')} "
              f"{_fmt(r['passive_slope_ir'], '6.2f')} {_fmt(r['passive_slope_uv'], '6.2f')} "
              f"{_fmt(r['ratio_top'], '7.3g')} +- {_fmt(r['ratio_top_error'], '<5.2g')} "
              f"{_fmt(r['ratio_exact_top'], '7.3g')} {_fmt(r['chi2'], '7.3g')}/{r['dof']:<4} "
              f"{_fmt(r['p_value'], '8.2g')}  {r['verdict']} / {r['passive_status']}")
    s = result.summary
    counts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items() if n)
    verdict = "consistent" if s["one_trajectory_consistent"] else "NOT consistent"
    print(f"one RG trajectory (p >= 0.01 in every case): {verdict} ({counts}); runtime {result.runtime:.1f} s")

"""``tensornn depth``: a deep network layer by layer (kernel, kappa leading/exact/measured) and its criticality.

Example::

    tensornn depth --activation relu --widths 8 --depth 4 --sigma-w 1.41421356 --networks 200000 --seed 0

prints, for every layer l and input, the kernel K^(l)(x, x), the measured G2 with its error, kappa at leading
order, exact where known (linear and ReLU without biases) and measured +- its jackknife error, and a flag where
the leading order fails; then the activation's critical points and its edge of chaos.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from pathlib import Path

import numpy as np

from ..errors import InvalidArgumentError
from ..networks.activations import activation_names
from ._common import add_list, claimed_outputs, parse_inputs, progress_wanted, read_inputs_file, write_text
from ._common import harden as _harden
from ._scheduler import add_scheduler_option, cluster_executor

__all__ = ["register", "run"]


def register(subparsers):
    """Add the ``depth`` command."""
    p = subparsers.add_parser(
        "depth",
        help="a deep network layer by layer: kernels, kappa (leading, exact, measured) and criticality",
        description="Study a deep network of L hidden layers: per layer the kernel, the normalised four-point "
        "function kappa = G4c/(3 G2^2) at leading order in 1/width, exact where known and measured with errors, "
        "and the activation's critical points (chi_par = chi_perp = 1) and edge of chaos.",
    )
    p.add_argument("--activation", required=True, choices=activation_names(), help="hidden activation")
    add_list(p, "--widths", kind=int, required=True,
             help="hidden widths n_1,...,n_L; one width with --depth L repeats it L times")
    p.add_argument("--depth", type=int, default=None, help="number of hidden layers L (default: as many as --widths)")
    p.add_argument("--sigma-w", type=float, default=1.0, help="weight scale, C_W = sigma_w^2 (default 1)")
    p.add_argument("--sigma-b", type=float, default=0.0, help="bias scale, C_b = sigma_b^2; biases exist when > 0")
    p.add_argument("--sigma-v", type=float, default=None, help="read-out scale (default: sigma_w)")
    p.add_argument("--d-in", type=int, default=1, help="input dimension (default 1)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--inputs", help="comma-separated inputs; for d_in > 1 separate inputs by ';' "
                     "(default: one input of ones, K^(1) = sigma_b^2 + sigma_w^2)")
    src.add_argument("--inputs-file", type=Path, help="a .npy or .csv file with one input per row")
    p.add_argument("--networks", "--n-networks", type=int, default=100_000, dest="n_networks",
                   help="networks to sample (default 100000; 0: theory only)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    add_scheduler_option(p)
    p.add_argument("--no-criticality", action="store_true", help="skip the critical points and the edge of chaos")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when stderr is a terminal)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", metavar="FILE", help="write the results as JSON ('-' for standard output)")
    out.add_argument("--output", metavar="FILE", help="write the text report to FILE ('-' for standard output)")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="plot kappa and the kernel against the layer")
    p.set_defaults(handler=run)
    _harden(p)


def _widths(args) -> tuple[int, ...]:
    widths = tuple(args.widths)
    if args.depth is None:
        return widths
    if args.depth < 1:
        raise InvalidArgumentError(f"--depth must be >= 1, got {args.depth}")
    if len(widths) == 1:
        return widths * args.depth
    if len(widths) != args.depth:
        raise InvalidArgumentError(f"--depth {args.depth} contradicts --widths {','.join(map(str, widths))} "
                                   f"({len(widths)} layers); give one width, or one per layer")
    return widths


def _inputs(args):
    if args.inputs is not None:
        return np.array(parse_inputs(args.inputs, args.d_in))
    if args.inputs_file is not None:
        return read_inputs_file("--inputs-file", args.inputs_file)
    return np.ones((1, args.d_in))


def _fmt(v, spec=".5g"):
    return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, spec)


def _pm(v, e):
    return "-" if v is None else f"{_fmt(v)} +- {_fmt(e, '.2g')}"


def format_study(study) -> str:
    """The text report of a :class:`~tensornn.rg.depth_study.DepthStudy`."""
    lines = [f"# {study.network.describe()}"]
    if study.measurement is not None:
        lines.append(f"# measured on {study.measurement.n_networks} networks ({study.measurement.n_groups} "
                     "jackknife groups; G2 and kappa from the variance of each unit given the layer before)")
    lines.append(f"{'layer':>5} {'input':>5} {'sum 1/n':>8} {'K':>11} {'G2 measured':>20} {'kappa leading':>13} "
                 f"{'kappa exact':>12} {'kappa measured':>22} {'chi_par':>8} {'chi_perp':>8}  flag")
    for r in study.rows():
        lines.append(f"{r['layer']:>5} {r['input']:>5} {r['depth_over_width']:>8.3g} {_fmt(r['kernel']):>11} "
                     f"{_pm(r['g2_measured'], r['g2_error']):>20} {_fmt(r['kappa_leading']):>13} "
                     f"{_fmt(r['kappa_exact']):>12} {_pm(r['kappa_measured'], r['kappa_error']):>22} "
                     f"{_fmt(r['chi_par'], '.4g'):>8} {_fmt(r['chi_perp'], '.4g'):>8}  "
                     f"{'leading order fails' if r['leading_order_fails'] else ''}")
    lines.append("# flag: the exact kappa differs from the leading order by more than 10 %, or (no exact value) the "
                 "measurement by more than 3 standard errors")
    if study.critical_points is not None:
        lines.append("")
        lines.append(f"# critical points of {study.network.activation} (chi_par = chi_perp = 1 at a fixed point K*)")
        for p in study.critical_points:
            lines.append(f"sigma_w = {p.sigma_w:.10g}  (sigma_w^2 = {p.sigma_w ** 2:.10g})  sigma_b = {p.sigma_b:.10g}"
                         f"  K* = {p.kernel:.6g}  ({p.status})")
        if not study.critical_points:
            lines.append("none")
        line = study.edge_of_chaos
        lines.append("# edge of chaos: sigma_w(sigma_b) where chi_perp(K*) = 1")
        lines.append(f"{'sigma_b':>8} {'sigma_w':>12} {'K*':>11} {'chi_par':>8}")
        for b, w, k, c in zip(line.sigma_b, line.sigma_w, line.kernel, line.chi_par):
            if not math.isfinite(w):
                lines.append(f"{b:>8.4g}  none: no fixed point has chi_perp = 1 (K* runs away first)")
                continue
            lines.append(f"{b:>8.4g} {_fmt(float(w), '.8g'):>12} {_fmt(float(k), '.5g'):>11} "
                         f"{_fmt(float(c), '.4g'):>8}")
    for note in study.notes:
        lines.append(f"# note: {note}")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    """Handler of ``tensornn depth``."""
    from .._json import document, dumps_json
    from ..networks.deep import deep_model
    from ..rg.depth_study import depth_study

    if args.n_networks < 0:
        raise InvalidArgumentError(f"--networks must be >= 0, got {args.n_networks}")
    widths = _widths(args)
    network = deep_model(activation=args.activation, widths=widths, d_in=args.d_in, sigma_w=args.sigma_w,
                         sigma_b=args.sigma_b, sigma_v=args.sigma_v)
    x = network.check_inputs(_inputs(args))
    with claimed_outputs([("--plot", args.plot)], text=[("--json", args.json), ("--output", args.output)],
                         inputs=[("--inputs-file", args.inputs_file)]), \
            (cluster_executor(args.scheduler) if args.scheduler else contextlib.nullcontext()) as executor:
        study = depth_study(network, x, args.n_networks, seed=args.seed, progress=progress_wanted(args.progress),
                            criticality=not args.no_criticality, executor=executor)
        if args.json:
            config = {"command": "depth", **network.to_dict(), "widths": list(widths), "inputs": x.tolist(),
                      "n_networks": args.n_networks, "seed": args.seed}
            write_text(args.json, dumps_json(document("depth", study.to_dict(), config=config, seed=args.seed),
                                             indent=1))
        elif args.output:
            write_text(args.output, format_study(study))
        else:
            sys.stdout.write(format_study(study))
        if args.plot:
            from ..plotting.depth import depth_study_figure
            from ..plotting.figures import save_figure

            save_figure(depth_study_figure(study), args.plot)
    return 0

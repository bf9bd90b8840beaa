"""``tensornn flow``: fixed points, flows and equations of the model presets.

Layout: ``tensornn flow ACTION MODEL [model options] [action options]`` with ACTION one of
``fixed-points``, ``run``, ``equations`` and MODEL one of ``scalar``, ``on``, ``tensor``
(:data:`tensornn.flow.presets.PRESETS`). Examples::

    tensornn flow fixed-points scalar --dim 3 --order 2 --json
    tensornn flow fixed-points on --N 3 --dim 3 --order 10 --expansion minimum
    tensornn flow fixed-points tensor --rank 3 --field complex --kinetic-power 2 --order 2 --melonic --eta
    tensornn flow fixed-points tensor --rank 3 --kinetic-power 1 --eta --regulator-eta omit --regulator exponential
    tensornn flow run scalar --dim 3 --order 2 --set g2=-0.01 --set g4=0.1 --k-start 1 --k-stop 1e-3 --json
    tensornn flow run tensor --group su2 --colours lattice --cutoff 8 --set mass=0.5 --set g4=0.001 --k-start 4 --k-stop 1
    tensornn flow equations tensor --rank 3 --kinetic-power 1 --eta --dimensionless
    tensornn flow equations tensor --rank 3 --latex
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path

from .._json import dumps_json
from ..errors import InvalidArgumentError
from ..flow.integrate import run_flow
from ..flow.presets import make_preset
from ..plotting.figures import save_figure
from ..plotting.flow import flow_figure
from ..report import atomic_write_text

__all__ = ["register", "fixed_points_command", "run_command", "equations_command"]

MODELS = ("scalar", "on", "tensor")


# ----------------------------------------------------------------------------- parser
def _model_options(parser, model):
    if model == "on":
        parser.add_argument("--N", type=int, default=3, dest="n_components", help="number of components (default 3)")
    if model in ("scalar", "on"):
        parser.add_argument("--dim", type=int, default=3, help="space(-time) dimension D (default 3)")
        parser.add_argument("--order", type=int, default=2,
                            help="highest power phi^(2 order) = rho^order, >= 2 (default 2: phi^4)")
        parser.add_argument("--expansion", choices=("zero", "minimum"), default="zero",
                            help="around phi = 0 (engine flow of g2, g4, ...) or around the running minimum "
                                 "(kappa, lambda2, ...) (default zero)")
    else:
        parser.add_argument("--rank", type=int, default=3, help="tensor rank d (default 3)")
        parser.add_argument("--field", choices=("complex", "real"), default="complex")
        parser.add_argument("--kinetic-power", type=float, default=2.0, dest="kinetic_power",
                            help="s in e = sum_c |p_c|^s (default 2)")
        parser.add_argument("--order", type=int, default=2, help="highest bubble order (2 order fields; default 2)")
        parser.add_argument("--melonic", action=argparse.BooleanOptionalAction, default=True,
                            help="melonic truncation and projection (default) or the full one (--no-melonic)")
        parser.add_argument("--eta", action="store_true", help="LPA': anomalous dimension from the tadpole")
        parser.add_argument("--regulator-eta", choices=("include", "omit"), default="include", dest="regulator_eta",
                            help="keep eta in the regulator derivative, d_t R = Z [s k^s - eta (k^s - E)] theta "
                                 "(include, default), or leave it out, d_t R = Z s k^s theta (omit)")
        parser.add_argument("--regulator", default="litim",
                            help="regulator: litim (mode counting, default) or exponential (R = Z E/(exp(E/k^s) - 1))")
        parser.add_argument("--group", choices=("u1", "su2"), default="u1",
                            help="group of each strand: u1 (modes p in Z, e = |p|^s; default) or su2 (spins j, "
                                 "e = (j(j+1))^(s/2), multiplicity (2j+1)^2)")
        parser.add_argument("--colours", choices=("continuum", "lattice"), default="continuum",
                            help="continuum approximation of the strand sums (default) or exact sums over the "
                                 "group's modes")
        parser.add_argument("--cutoff", type=float, default=None,
                            help="with --colours lattice: keep |p| <= CUTOFF (u1, an integer) or j <= CUTOFF (su2, a "
                                 "multiple of 1/2); default: every mode")
        parser.add_argument("--no-colour-symmetric", action="store_false", dest="colour_symmetric",
                            help="keep one coupling per bubble instead of one per colour-permutation orbit")


def _action_options(parser, action):
    if action == "fixed-points":
        parser.add_argument("--n-starts", type=int, default=None,
                            help="random starts besides the guided ones (default 48 for <= 3 couplings, else 8)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--valid-only", action="store_true", help="drop flagged (spurious) roots")
        parser.add_argument("--at-k", type=float, default=None, dest="at_k", metavar="K",
                            help="non-autonomous flows (exact lattice or su2 sums): roots of the beta functions at "
                                 "the frozen scale k = K (not fixed points of the flow)")
        parser.add_argument("--json", action="store_true", help="print a JSON list of fixed points")
    elif action == "run":
        parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                            help="initial coupling (repeatable); unset couplings start at 0")
        parser.add_argument("--k-start", type=float, default=1.0)
        parser.add_argument("--k-stop", type=float, default=1e-3)
        parser.add_argument("--dimensionless", action="store_true",
                            help="integrate the dimensionless couplings (default: dimensionful)")
        parser.add_argument("--method", default="LSODA", help="solve_ivp method (default LSODA)")
        parser.add_argument("--n-points", type=int, default=200, help="recorded points (default 200)")
        fmt = parser.add_mutually_exclusive_group()
        fmt.add_argument("--json", action="store_true", help="print the trajectory as JSON")
        fmt.add_argument("--csv", action="store_true", help="print the trajectory as CSV")
        parser.add_argument("--plot", type=Path, metavar="FILE.png", help="plot the couplings against ln k")
    else:
        parser.add_argument("--latex", action="store_true", help="LaTeX instead of text")
        parser.add_argument("--dimensionless", action="store_true",
                            help="the dimensionless system: canonical scaling terms, thresholds at k = 1")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")


def register(subparsers) -> None:
    """Add ``flow`` with its actions and models."""
    flow = subparsers.add_parser(
        "flow", help="fixed points, flows and beta functions of the scalar, O(N) and tensor presets",
        description="LPA/LPA' Wetterich flows of model presets: tensornn flow ACTION MODEL [options].")
    actions = flow.add_subparsers(dest="flow_action", metavar="ACTION", parser_class=type(flow))
    handlers = {"fixed-points": fixed_points_command, "run": run_command, "equations": equations_command}
    helps = {"fixed-points": "search fixed points and their critical exponents",
             "run": "integrate the flow from initial couplings (exit code 1 unless it completes)",
             "equations": "print the beta functions"}
    for action, handler in handlers.items():
        ap = actions.add_parser(action, help=helps[action], description=helps[action])
        models = ap.add_subparsers(dest="model", metavar="MODEL", parser_class=type(flow))
        for model in MODELS:
            mp = models.add_parser(model, help=f"the {model} preset")
            _model_options(mp, model)
            _action_options(mp, action)
            mp.set_defaults(handler=handler, model=model)
        ap.set_defaults(handler=_missing("model", MODELS))
    flow.set_defaults(handler=_missing("action", tuple(handlers)))


def _missing(what, choices):
    def handler(args):
        raise InvalidArgumentError(f"tensornn flow: give the {what}, one of {', '.join(choices)}")
    return handler


# ----------------------------------------------------------------------------- helpers
def _preset(args):
    if args.model in ("scalar", "on"):
        options = dict(dim=args.dim, order=args.order, expansion=args.expansion)
        if args.model == "on":
            options["n_components"] = args.n_components
    else:
        cutoff = args.cutoff
        if cutoff is not None and args.group == "u1" and float(cutoff).is_integer():
            cutoff = int(cutoff)
        options = dict(rank=args.rank, field=args.field, kinetic_power=args.kinetic_power, order=args.order,
                       melonic=args.melonic, eta=args.eta, colours=args.colours,
                       colour_symmetric=args.colour_symmetric, group=args.group, cutoff=cutoff,
                       regulator=args.regulator, regulator_eta=args.regulator_eta)
    return make_preset(args.model, **options)


def _emit(text, output):
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        atomic_write_text(output, text if text.endswith("\n") else text + "\n")


def conventions_of(system) -> dict:
    """The conventions a system declares (regulator, eta in d_t R, ...); the potential expansions are LPA, Litim."""
    found = getattr(system, "conventions", None)
    if found:
        return dict(found)
    return {"regulator": "litim", "regulator_eta": "include", "anomalous_dimension": "LPA (eta = 0)",
            "projection": "potential expansion"}


def _conventions_line(system) -> str:
    return "conventions: " + ", ".join(f"{k} = {v}" for k, v in conventions_of(system).items())


def _record(item, system) -> dict:
    """``item.to_dict()`` with the conventions of ``system`` when the item does not carry its own."""
    record = item.to_dict()
    if not record.get("conventions"):
        record["conventions"] = conventions_of(system)
    return record


# ----------------------------------------------------------------------------- actions
def fixed_points_command(args) -> int:
    """``tensornn flow fixed-points MODEL``: every root found, valid ones first, with exponents."""
    preset = _preset(args)
    if args.at_k is not None:
        from ..flow import find_fixed_points

        if args.at_k <= 0 or not math.isfinite(args.at_k):
            raise InvalidArgumentError(f"--at-k must be a positive scale, got {args.at_k}")
        n_starts = 48 if args.n_starts is None else args.n_starts
        search = find_fixed_points(preset.system, n_starts=n_starts, bounds=list(preset.bounds),
                                   starts=[[0.0] * len(preset.names)], seed=args.seed, t=math.log(args.at_k))
        what = f"root(s) of the beta functions at the frozen scale k = {args.at_k:g}"
    else:
        search = preset.fixed_points(n_starts=args.n_starts, seed=args.seed)
        what = "fixed point(s)"
    points = [fp for fp in search if not (args.valid_only and fp.spurious)]
    if args.json:
        _emit(dumps_json([_record(fp, preset.system) for fp in points]), args.output)
        return 0
    lines = [f"{preset!r}: {len(points)} {what}", _conventions_line(preset.system)]
    for fp in points:
        lines.append(repr(fp) + "".join(f"\n  note: {note}" for note in fp.notes))
    _emit("\n".join(lines), args.output)
    return 0


def _initial(preset, assignments):
    values = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgumentError(f"--set expects NAME=VALUE (e.g. --set g4=0.1), got {item!r}")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            raise InvalidArgumentError(f"--set {item!r}: the value {value!r} is not a number") from None
    return preset.couplings(values)


def run_command(args) -> int:
    """``tensornn flow run MODEL``: integrate from --k-start to --k-stop; a pole or blow-up is a status.

    The output is written in every case; the exit code is 0 for a completed flow and 1 otherwise.
    """
    preset = _preset(args)
    g0 = _initial(preset, args.set)
    res = run_flow(preset.system, g0, k_start=args.k_start, k_stop=args.k_stop, dimensionless=args.dimensionless,
                   method=args.method, n_points=args.n_points)
    if args.plot is not None:
        save_figure(flow_figure(res), args.plot)
    d_eff, leading = _effective_dimension(preset.system, res.k)
    if args.json:
        record = _record(res, preset.system)
        if d_eff is not None:
            record["effective_dimension"] = {"colours": leading, "values": [float(v) for v in d_eff]}
        _emit(dumps_json(record), args.output)
    elif args.csv:
        buf = io.StringIO()
        buf.write(f"# status: {res.status}\n# message: {res.message}\n# {_conventions_line(preset.system)}\n")
        if d_eff is not None:
            buf.write(f"# d_eff = d ln N_S/d ln k of the leading loop, colours {leading}\n")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["t", "k", *res.names] + (["d_eff"] if d_eff is not None else []))
        for j in range(len(res.t)):
            writer.writerow([repr(float(res.t[j])), repr(float(res.k[j]))]
                            + [repr(float(v)) for v in res.couplings[:, j]]
                            + ([repr(float(d_eff[j]))] if d_eff is not None else []))
        _emit(buf.getvalue(), args.output)
    else:
        final = ", ".join(f"{n}={v:.6g}" for n, v in res.final.items())
        lines = [f"{res.status}: {res.message}", f"k = {res.k_stop_reached:.6g}: {final}", _conventions_line(preset.system)]
        if d_eff is not None:
            lines.append(f"d ln N_S/d ln k of the leading loop (colours {leading}): {d_eff[0]:.4g} at k = {res.k[0]:.4g}, "
                         f"{d_eff[-1]:.4g} at k = {res.k[-1]:.4g}")
        _emit("\n".join(lines), args.output)
    return 0 if res.status == "completed" else 1


def _effective_dimension(system, ks):
    """d ln N_S/d ln k of the leading loop along the flow, for non-autonomous engine flows (else None)."""
    leading = getattr(system, "leading_set", None)
    if system.autonomous or leading is None:
        return None, None
    labels = [i + 1 for i in leading]
    return system.effective_dimension(ks, leading), labels


def equations_command(args) -> int:
    """``tensornn flow equations MODEL``: the derived beta functions as text or LaTeX."""
    preset = _preset(args)
    system = preset.system
    if not hasattr(system, "equations"):
        raise InvalidArgumentError(
            f"the {args.model} preset with expansion={args.expansion!r} is the series-arithmetic potential "
            "expansion, which has no symbolic equations; use --expansion zero")
    _emit(system.equations("latex" if args.latex else "text", dimensionless=args.dimensionless), args.output)
    return 0


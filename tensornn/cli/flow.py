"""``tensornn flow``: fixed points, flows and equations of the model presets.

Layout: ``tensornn flow ACTION MODEL [model options] [action options]`` with ACTION one of
``fixed-points``, ``run``, ``equations`` and MODEL one of ``scalar``, ``on``, ``tensor``
(:data:`tensornn.flow.presets.PRESETS`). Examples::

    tensornn flow fixed-points scalar --dim 3 --order 2 --json
    tensornn flow fixed-points on --N 3 --dim 3 --order 10 --expansion minimum
    tensornn flow fixed-points scalar --functional --dim 2.5 --plot potentials.png
    tensornn flow fixed-points on --N 2 --dim 3 --derivative-expansion d2 --regulator exponential
    tensornn flow run scalar --functional --set g2=0.3 --set g4=0.1 --k-start 1 --k-stop 0.1 --json
    tensornn flow fixed-points tensor --rank 3 --field complex --kinetic-power 2 --order 2 --melonic --eta
    tensornn flow fixed-points tensor --rank 3 --kinetic-power 1 --eta --regulator-eta omit --regulator exponential
    tensornn flow run scalar --dim 3 --order 2 --set g2=-0.01 --set g4=0.1 --k-start 1 --k-stop 1e-3 --json
    tensornn flow run tensor --group su2 --colours lattice --cutoff 8 --set mass=0.5 --set g4=0.001 --k-start 4 --k-stop 1
    tensornn flow equations tensor --rank 3 --kinetic-power 1 --eta --dimensionless
    tensornn flow equations tensor --rank 3 --latex
    tensornn flow fixed-points scalar --dim 3 --order 8 --expansion minimum --regulator exponential
    tensornn flow pms scalar --dim 3 --functional --regulator exponential --parameters 1,2,4,8,16 --json -

A search that misses a fixed point it should find (Wilson-Fisher for scalar and O(N) in 2 < D < 4) writes its
output and exits with status 1 and the reason on stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path

from .._json import document, dumps_json
from ..errors import InvalidArgumentError
from ._common import parse_number, add_list, claimed_outputs, failure, progress_wanted, vars_config, working, write_text
from ._common import harden as _harden

__all__ = ["register", "fixed_points_command", "run_command", "equations_command", "pms_command"]

MODELS = ("scalar", "on", "tensor")


# ----------------------------------------------------------------------------- parser
def _model_options(parser, model):
    if model == "on":
        parser.add_argument("--N", type=int, default=3, dest="n_components", help="number of components (default 3)")
    if model in ("scalar", "on"):
        parser.add_argument("--dim", type=float, default=3.0,
                            help="space(-time) dimension D, any real number (default 3; the functional LPA and the "
                                 "minimum expansion need D > 2)")
        parser.add_argument("--order", type=int, default=None,
                            help="highest power phi^(2 order) = rho^order, >= 2 (default 2: phi^4)")
        parser.add_argument("--expansion", choices=("zero", "minimum"), default=None,
                            help="around phi = 0 (engine flow of g2, g4, ...) or around the running minimum "
                                 "(kappa, lambda2, ...) (default zero)")
        parser.add_argument("--regulator", default=None,
                            help="regulator of the truncation, the functional LPA or the derivative expansion: litim "
                                 "(default), exponential (R = Z p^2/(exp(p^2/k^2) - 1)) or a member of its family, "
                                 "'exponential(alpha=A)'")
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
        parser.add_argument("--ward", action="store_true",
                            help="with --eta: eta from the Ward identity of the unitary symmetry (the Ward-constrained "
                                 "melonic flow of the quartic theory) instead of the tadpole")


def _functional_options(parser, action):
    group = parser.add_argument_group("functional LPA (no polynomial truncation; D in (2, 4])")
    group.add_argument("--functional", action="store_true",
                       help="the full potential on a Chebyshev grid instead of a polynomial truncation")
    group.add_argument("--resolution", type=int, default=None,
                       help="polynomial degree of the collocation (default 48 up to N = 10, 64 up to 30, 128 up "
                            "to 300, else 192; twice that for flows)")
    if action == "fixed-points":
        group.add_argument("--max-multicriticality", type=int, default=None, metavar="n",
                           help="look for the phi^(2n) points up to this n (default: every n with D < 2n/(n-1), "
                                "at most 12)")
        de = parser.add_argument_group("derivative expansion (Wilson-Fisher point with Z(rho), Y(rho); D in (2, 4))")
        de.add_argument("--derivative-expansion", choices=("lpa", "lpa_prime", "d2"), default=None,
                        dest="derivative_expansion", metavar="ORDER",
                        help="the functional fixed point at this order: d2 (Z(rho), Y(rho)), lpa_prime (Z independent "
                             "of rho, eta from the two-point function at the minimum) or lpa; --resolution applies")
        de.add_argument("--normalisation", choices=("minimum", "origin"), default=None,
                        help="with --derivative-expansion: where z = 1 fixes eta, at the minimum of the potential "
                             "(default) or at rho = 0 (d2 only)")
    else:
        group.add_argument("--grid-max", type=float, default=None,
                           help="end of the grid in rho (in r with --dimensionless); default: where the initial "
                                "potential is loop-free")
    if action == "run":
        kin = parser.add_argument_group("kinetic function (spectrally adjusted Litim regulator)")
        kin.add_argument("--kinetic", choices=("p2", "gauss"), default=None,
                         help="P_kin(p) = p^2 (default) or the Gauss-net's m^2 (exp(p^2/m^2) - 1); with "
                              "--functional or the engine's flow (--expansion zero)")
        kin.add_argument("--kinetic-mass", type=float, default=None, metavar="M",
                         help="the mass m of --kinetic gauss (in the units of k)")


def _action_options(parser, action):
    if action == "fixed-points":
        parser.add_argument("--n-starts", type=int, default=None,
                            help="random starts besides the guided ones (default: none for scalar/O(N) when the "
                                 "guided continuation converges, else 48 for <= 3 couplings and 8 beyond)")
        parser.add_argument("--exhaustive", action="store_true",
                            help="always add the default random starts, to look for further roots (multicritical "
                                 "or spurious points)")
        parser.add_argument("--seed", type=int, default=None, help="seed of the random starts (default 0)")
        parser.add_argument("--valid-only", action="store_true", help="drop flagged (spurious) roots")
        parser.add_argument("--at-k", type=float, default=None, dest="at_k", metavar="K",
                            help="non-autonomous flows (exact lattice or su2 sums): roots of the beta functions at "
                                 "the frozen scale k = K (not fixed points of the flow)")
        parser.add_argument("--json", action="store_true", help="print a JSON list of fixed points")
        parser.add_argument("--plot", type=Path, metavar="FILE.png",
                            help="with --functional: plot the fixed-point potentials u*'(r) (needs matplotlib)")
    elif action == "run":
        parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                            help="initial coupling (repeatable); unset couplings start at 0")
        parser.add_argument("--k-start", type=float, default=1.0)
        parser.add_argument("--k-stop", type=float, default=1e-3)
        parser.add_argument("--dimensionless", action="store_true",
                            help="integrate the dimensionless couplings (default: dimensionful)")
        parser.add_argument("--method", default=None,
                            help="solve_ivp method (default LSODA; BDF or Radau with --functional, default BDF)")
        parser.add_argument("--n-points", type=int, default=200, help="recorded points (default 200)")
        fmt = parser.add_mutually_exclusive_group()
        fmt.add_argument("--json", action="store_true", help="print the trajectory as JSON")
        fmt.add_argument("--csv", action="store_true", help="print the trajectory as CSV")
        parser.add_argument("--plot", type=Path, metavar="FILE.png", help="plot the couplings against ln k")
    else:
        parser.add_argument("--latex", action="store_true", help="LaTeX instead of text")
        parser.add_argument("--dimensionless", action="store_true",
                            help="the dimensionless system: canonical scaling terms, thresholds at k = 1")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write to FILE instead of standard output ('-' is standard output)")


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
            if model in ("scalar", "on") and action != "equations":
                _functional_options(mp, action)
            mp.set_defaults(handler=_claiming(handler), model=model)
        ap.set_defaults(handler=_missing("model", MODELS))
    _register_pms(actions, type(flow))
    flow.set_defaults(handler=_missing("action", tuple(handlers) + ("pms",)))
    _harden(flow)


def _register_pms(actions, parser_class) -> None:
    """``flow pms MODEL``: nu of the Wilson-Fisher point along a regulator family and its stationary point."""
    text = "nu(regulator parameter) of the Wilson-Fisher point and its stationary point (principle of minimal sensitivity)"
    ap = actions.add_parser("pms", help=text, description=text)
    models = ap.add_subparsers(dest="model", metavar="MODEL", parser_class=parser_class)
    for model in ("scalar", "on"):
        mp = models.add_parser(model, help=f"the {model} preset")
        if model == "on":
            mp.add_argument("--N", type=int, default=3, dest="n_components", help="number of components (default 3)")
        mp.add_argument("--dim", type=float, default=3.0, help="dimension D in (2, 4) (default 3)")
        mp.add_argument("--regulator", default="exponential",
                        help="regulator family with a parameter (default exponential: R = alpha Z p^2/(exp(p^2/k^2) - 1))")
        add_list(mp, "--parameters", default=None,
                 help="parameter values, comma-separated (default: 22 values from 0.25 to 32, evenly spaced in log)")
        mp.add_argument("--functional", action="store_true",
                        help="the functional LPA (default when --expansion is not given)")
        mp.add_argument("--expansion", choices=("minimum", "zero"), default=None,
                        help="a polynomial truncation instead of the functional LPA")
        mp.add_argument("--order", type=int, default=None, help="order of the polynomial truncation (default 12)")
        mp.add_argument("--no-refine", action="store_false", dest="refine",
                        help="report the sampled values only, without refining the stationary point")
        mp.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="write the scan as JSON to FILE ('-' is standard output)")
        mp.add_argument("--csv", type=Path, default=None, metavar="FILE",
                        help="write the scan as CSV to FILE ('-' is standard output)")
        mp.add_argument("--plot", type=Path, metavar="FILE.png", help="plot nu against the parameter (needs matplotlib)")
        mp.add_argument("--output", type=Path, metavar="FILE",
                        help="write the text summary to FILE instead of standard output ('-' is standard output)")
        mp.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show progress on stderr (default: when stderr is a terminal)")
        mp.set_defaults(handler=_claiming_pms(pms_command), model=model)
    ap.set_defaults(handler=_missing("model", ("scalar", "on")))


def _claiming(handler):
    """Claim --output and --plot before the work (a file that cannot be written is refused first)."""
    def claimed(args):
        with claimed_outputs([("--plot", getattr(args, "plot", None))], text=[("--output", args.output)]):
            return handler(args)
    return claimed


def _claiming_pms(handler):
    """Claim --output, --json, --csv and --plot before the scan."""
    def claimed(args):
        text = [("--output", args.output), ("--json", args.json), ("--csv", args.csv)]
        with claimed_outputs([("--plot", args.plot)], text=text):
            return handler(args)
    return claimed


def _missing(what, choices):
    def handler(args):
        raise InvalidArgumentError(f"tensornn flow: give the {what}, one of {', '.join(choices)}")
    return handler


# ----------------------------------------------------------------------------- helpers
def _polynomial(args):
    """Fill in the defaults of the polynomial truncations (refusing options that do not apply)."""
    if args.model in ("scalar", "on"):
        args.order = 2 if args.order is None else args.order
        args.expansion = "zero" if args.expansion is None else args.expansion
    for name in ("resolution", "max_multicriticality", "grid_max"):
        if getattr(args, name, None) is not None:
            raise InvalidArgumentError(f"--{name.replace('_', '-')} belongs to the functional LPA; add --functional")
    if getattr(args, "plot", None) is not None and args.flow_action == "fixed-points":
        raise InvalidArgumentError("--plot of fixed points draws the functional potentials; add --functional")
    if getattr(args, "seed", None) is None:
        args.seed = 0
    if getattr(args, "method", None) is None:
        args.method = "LSODA"


def _functional(args):
    """Refuse the options of the polynomial truncations with --functional."""
    given = [f"--{name.replace('_', '-')}" for name in ("order", "expansion", "n_starts", "seed")
             if getattr(args, name, None) is not None]
    if given:
        raise InvalidArgumentError(
            f"{', '.join(given)} belong(s) to the polynomial truncations; the functional LPA (--functional) has no "
            "truncation order and no random starts: drop them")
    if getattr(args, "valid_only", False):
        raise InvalidArgumentError("--valid-only: every functional fixed point is a global solution; drop it")


def _preset(args):
    from ..flow.presets import make_preset

    if args.model in ("scalar", "on"):
        options = dict(dim=args.dim, order=args.order, expansion=args.expansion, regulator=args.regulator or "litim")
        if args.model == "on":
            options["n_components"] = args.n_components
    else:
        cutoff = args.cutoff
        if cutoff is not None and args.group == "u1" and float(cutoff).is_integer():
            cutoff = int(cutoff)
        options = dict(rank=args.rank, field=args.field, kinetic_power=args.kinetic_power, order=args.order,
                       melonic=args.melonic, eta=args.eta, colours=args.colours,
                       colour_symmetric=args.colour_symmetric, group=args.group, cutoff=cutoff,
                       regulator=args.regulator, regulator_eta=args.regulator_eta, ward=args.ward)
    return make_preset(args.model, **options)


def _emit(text, output):
    write_text("-" if output is None else output, text)


def _conventions_line(system) -> str:
    return "conventions: " + ", ".join(f"{k} = {v}" for k, v in system.conventions.items())


# ----------------------------------------------------------------------------- actions
def fixed_points_command(args) -> int:
    """``tensornn flow fixed-points MODEL``: every root found, valid ones first, with exponents."""
    if getattr(args, "derivative_expansion", None) is not None:
        return _derivative_expansion_fixed_point(args)
    if args.model != "tensor" and args.normalisation is not None:
        raise InvalidArgumentError("--normalisation belongs to the derivative expansion; add --derivative-expansion "
                                   "ORDER")
    if getattr(args, "functional", False):
        return _functional_fixed_points(args)
    _polynomial(args)
    preset = _preset(args)
    if args.at_k is not None:
        from ..flow import find_fixed_points

        if args.at_k <= 0 or not math.isfinite(args.at_k):
            raise InvalidArgumentError(f"--at-k must be a positive scale, got {args.at_k}")
        n_starts = 48 if args.n_starts is None else args.n_starts
        search = find_fixed_points(preset.system, n_starts=n_starts, bounds=list(preset.bounds),
                                   starts=[[0.0] * len(preset.names)], seed=0 if args.seed is None else args.seed, t=math.log(args.at_k))
        what = f"root(s) of the beta functions at the frozen scale k = {args.at_k:g}"
    else:
        if not getattr(preset.system, "autonomous", True):
            raise InvalidArgumentError(
                "the flow of these options depends on k itself (exact lattice sums or data spectra do not scale as a "
                "power of k), so no point is a fixed point; integrate it with 'tensornn flow run', or add --at-k K "
                "for the roots of the beta functions at that frozen scale")
        search = preset.fixed_points(n_starts=args.n_starts, seed=args.seed, exhaustive=args.exhaustive)
        what = "fixed point(s)"
    points = [fp for fp in search if not (args.valid_only and fp.spurious)]
    if args.json:
        payload = {"status": search.status, "message": search.message,
                   "fixed_points": [fp.to_dict() for fp in points]}
        _emit(dumps_json(document("fixed-points", payload, config=vars_config(args), seed=args.seed)), args.output)
    else:
        lines = [f"{preset!r}: {len(points)} {what}", _conventions_line(preset.system)]
        if search.status != "complete":
            lines.append(f"status: {search.status}: {search.message}")
        for fp in points:
            lines.append(repr(fp) + "".join(f"\n  note: {note}" for note in fp.notes))
        _emit("\n".join(lines), args.output)
    if search.status != "complete":
        return failure(f"flow fixed-points: {search.message}")
    return 0


def _functional_fixed_points(args) -> int:
    from ..flow.functional_search import functional_fixed_points
    from ..plotting.figures import save_figure
    from ..plotting.flow import potentials_figure

    _functional(args)
    n = 1 if args.model == "scalar" else args.n_components
    with working(f"following the branches of the functional LPA at D = {args.dim:g}, N = {n:g}"):
        search = functional_fixed_points(args.dim, n, resolution=args.resolution,
                                         max_multicriticality=args.max_multicriticality,
                                         regulator=args.regulator or "litim")
    if args.plot is not None:
        save_figure(potentials_figure(search), args.plot)
    if args.json:
        payload = {"status": search.status, "message": search.message,
                   "fixed_points": [fp.to_dict() for fp in search], "failures": list(search.failures)}
        _emit(dumps_json(document("functional-fixed-points", payload, config=vars_config(args))), args.output)
    else:
        _emit(repr(search), args.output)
    if search.status != "complete":
        return failure(f"flow fixed-points --functional: {search.message}")
    return 0


def _derivative_expansion_fixed_point(args) -> int:
    """``--derivative-expansion ORDER``: the Wilson-Fisher point of the derivative expansion (exit 1 if none)."""
    from ..flow.derivative_expansion_solve import derivative_expansion_fixed_point

    given = [f"--{name.replace('_', '-')}" for name in ("order", "expansion", "n_starts", "seed",
                                                          "max_multicriticality", "at_k", "plot")
             if getattr(args, name, None) is not None]
    given += [flag for flag, name in (("--functional", "functional"), ("--valid-only", "valid_only"),
                                      ("--exhaustive", "exhaustive")) if getattr(args, name, False)]
    if given:
        raise InvalidArgumentError(
            f"{', '.join(given)} do(es) not apply to --derivative-expansion (one functional fixed point, no polynomial "
            "truncation or random starts): drop them")
    n = 1 if args.model == "scalar" else args.n_components
    with working(f"solving the derivative expansion ({args.derivative_expansion}) at D = {args.dim:g}, N = {n:g}"):
        fp = derivative_expansion_fixed_point(args.dim, n, regulator=args.regulator or "litim",
                                              order=args.derivative_expansion,
                                              normalisation=args.normalisation or "minimum", resolution=args.resolution)
    if args.json:
        _emit(dumps_json(document("derivative-expansion-fixed-points", {"fixed_points": [fp.to_dict()]},
                                  config=vars_config(args))), args.output)
    else:
        lines = [repr(fp)]
        for key, against in (("resolution_change", "3/4 of the points"), ("domain_change", "a 1.25 times longer domain")):
            if fp.diagnostics.get(key):
                changes = ", ".join(f"{k} {v:.1g}" for k, v in fp.diagnostics[key].items())
                lines.append(f"  change against {against}: {changes}")
        _emit("\n".join(lines), args.output)
    if fp.status == "failed":
        return failure(f"flow fixed-points: no derivative-expansion fixed point: {fp.message}")
    return 0


def _initial(preset, assignments):
    return preset.couplings(_assignments(assignments))


def run_command(args) -> int:
    """``tensornn flow run MODEL``: integrate from --k-start to --k-stop; a pole or blow-up is a status.

    The output is written in every case; the exit code is 0 for a completed flow and 1 otherwise.
    """
    from ..flow.integrate import run_flow
    from ..plotting.figures import save_figure
    from ..plotting.flow import flow_figure

    if getattr(args, "functional", False):
        return _functional_run(args)
    _polynomial(args)
    preset = _preset(args)
    g0 = _initial(preset, args.set)
    system = preset.system
    if getattr(args, "kinetic", None) is not None or getattr(args, "kinetic_mass", None) is not None:
        from ..flow.kinetic import KineticFlow

        if preset.theory is None:
            raise InvalidArgumentError("--kinetic applies to the engine's flow (--expansion zero) or to --functional")
        system = KineticFlow(system, args.kinetic or "p2", mass=args.kinetic_mass)
    res = run_flow(system, g0, k_start=args.k_start, k_stop=args.k_stop, dimensionless=args.dimensionless,
                   method=args.method, n_points=args.n_points)
    if args.plot is not None:
        save_figure(flow_figure(res), args.plot)
    d_eff, leading = _effective_dimension(preset.system, res.k)
    if args.json:
        record = res.to_dict()
        if d_eff is not None:
            record["effective_dimension"] = {"colours": leading, "values": [float(v) for v in d_eff]}
        _emit(dumps_json(document("flow-run", record, config=vars_config(args))), args.output)
    elif args.csv:
        comments = [f"status: {res.status}", f"message: {res.message}", _conventions_line(preset.system)]
        columns = dict(zip(res.names, res.couplings))
        if d_eff is not None:
            comments.append(f"d_eff = d ln N_S/d ln k of the leading loop, colours {leading}")
            columns["d_eff"] = d_eff
        _emit(_trajectory_csv(comments, res.t, res.k, columns), args.output)
    else:
        final = ", ".join(f"{n}={v:.6g}" for n, v in res.final.items())
        lines = [f"{res.status}: {res.message}", f"k = {res.k_stop_reached:.6g}: {final}", _conventions_line(preset.system)]
        if d_eff is not None:
            lines.append(f"d ln N_S/d ln k of the leading loop (colours {leading}): {d_eff[0]:.4g} at k = {res.k[0]:.4g}, "
                         f"{d_eff[-1]:.4g} at k = {res.k[-1]:.4g}")
        _emit("\n".join(lines), args.output)
    if res.status != "completed":
        return failure(f"flow run: the flow did not complete ({res.status}): {res.message}")
    return 0


def _assignments(assignments) -> dict:
    values: dict[str, float] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgumentError(f"--set expects NAME=VALUE (e.g. --set g4=0.1), got {item!r}")
        name = name.strip()
        if name in values:
            raise InvalidArgumentError(f"--set {name} is given more than once ({item!r} after {name}={values[name]:g}); "
                                       "give each coupling once")
        try:
            values[name] = parse_number(value, float)
        except ValueError:
            raise InvalidArgumentError(f"--set {item!r}: the value {value!r} is not a number (without '_')") from None
        if not math.isfinite(values[name]):
            raise InvalidArgumentError(f"--set {item!r}: the value must be a finite number, got {value!r}")
    return values


def _functional_run(args) -> int:
    """``tensornn flow run MODEL --functional``: the full potential from polynomial initial data."""
    from types import SimpleNamespace

    import numpy as np

    from ..flow.functional_flow import functional_flow
    from ..plotting.figures import save_figure
    from ..plotting.flow import flow_figure

    _functional(args)
    if args.regulator not in (None, "litim"):
        raise InvalidArgumentError(
            f"--regulator {args.regulator}: the functional flow (run --functional) uses the Litim regulator and its "
            "spectrally adjusted kinetic functions; drop --regulator, or use the engine's flow (--expansion zero)")
    n = 1 if args.model == "scalar" else args.n_components
    initial = _assignments(args.set) or {"g2": 0.0}
    res = functional_flow(args.dim, n, initial, k_start=args.k_start, k_stop=args.k_stop,
                          kinetic=args.kinetic or "p2", mass=args.kinetic_mass, dimensionless=args.dimensionless,
                          resolution=args.resolution, grid_max=args.grid_max, method=args.method or "BDF",
                          n_points=args.n_points)
    g = res.couplings(dimensionless=args.dimensionless)
    view = SimpleNamespace(names=res.names, couplings=g, t=res.t, k=res.k, status=res.status,
                           message=res.message, k_stop_reached=res.k_stop_reached, dimensionless=args.dimensionless,
                           final={n: float(v) for n, v in zip(res.names, g[:, -1])})
    if args.plot is not None:
        save_figure(flow_figure(view), args.plot)
    if args.json:
        _emit(dumps_json(document("functional-flow-run", res.to_dict(), config=vars_config(args))), args.output)
    elif args.csv:
        comments = [f"status: {res.status}", f"message: {res.message}"]
        _emit(_trajectory_csv(comments, res.t, res.k, dict(zip(res.names, g))), args.output)
    else:
        final = ", ".join(f"{n}={v:.6g}" for n, v in view.final.items())
        kind = "dimensionless" if args.dimensionless else "dimensionful"
        _emit(f"{res.status}: {res.message}\nk = {res.k_stop_reached:.6g} ({kind} at rho = 0): {final}\n"
              f"grid: {len(res.points)} points up to {'r' if res.dimensionless else 'rho'} = "
              f"{float(np.max(res.points)):.6g}", args.output)
    if res.status != "completed":
        return failure(f"flow run: the flow did not complete ({res.status}): {res.message}")
    return 0


def _trajectory_csv(comments, t, k, columns) -> str:
    """CSV of a trajectory: ``# comment`` lines, then ``t, k`` and one column per name, values as repr floats."""
    buf = io.StringIO()
    buf.writelines(f"# {line}\n" for line in comments)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["t", "k", *columns])
    for j in range(len(t)):
        writer.writerow([repr(float(t[j])), repr(float(k[j]))] + [repr(float(v[j])) for v in columns.values()])
    return buf.getvalue()


def _effective_dimension(system, ks):
    """d ln N_S/d ln k of the leading loop along the flow, for non-autonomous engine flows (else None)."""
    leading = getattr(system, "leading_set", None)
    if system.autonomous or leading is None:
        return None, None
    labels = [i + 1 for i in leading]
    return system.effective_dimension(ks, leading), labels


def equations_command(args) -> int:
    """``tensornn flow equations MODEL``: the derived beta functions as text or LaTeX."""
    _polynomial(args)
    preset = _preset(args)
    system = preset.system
    if not hasattr(system, "equations"):
        raise InvalidArgumentError(
            f"the {args.model} preset with expansion={args.expansion!r} is the series-arithmetic potential "
            "expansion, which has no symbolic equations; use --expansion zero")
    _emit(system.equations("latex" if args.latex else "text", dimensionless=args.dimensionless), args.output)
    return 0



def pms_command(args) -> int:
    """``tensornn flow pms MODEL``: nu along a regulator family and its stationary point; status 1 without one."""
    from ..flow.pms import pms_scan

    if args.functional and args.expansion is not None:
        raise InvalidArgumentError("give --functional or --expansion, not both")
    if args.expansion is None and args.order is not None:
        raise InvalidArgumentError("--order belongs to the polynomial truncations; add --expansion minimum or zero")
    method = args.expansion or "functional"
    n = 1 if args.model == "scalar" else args.n_components
    show = progress_wanted(args.progress)

    def progress(done, total):
        print(f"\rtensornn flow pms: {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    scan = pms_scan(args.dim, n, family=args.regulator, parameters=args.parameters, method=method,
                    order=12 if args.order is None else args.order, refine=args.refine,
                    progress=progress if show else None)
    if args.plot is not None:
        from ..plotting.figures import save_figure
        from ..plotting.regulators import pms_figure

        save_figure(pms_figure(scan), args.plot)
    if args.json is not None:
        write_text(args.json, dumps_json(scan.to_dict()))
    if args.csv is not None:
        buf = io.StringIO()
        buf.write(f"# status: {scan.status}\n")
        if scan.stationary is not None:
            buf.write(f"# stationary: {scan.parameter_name} = {scan.stationary['parameter']!r}, "
                      f"nu = {scan.stationary['nu']!r}, omega = {scan.stationary['omega']!r}\n")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([scan.parameter_name, "nu", "omega"])
        for a, nu, omega in zip(scan.parameters, scan.nu, scan.omega):
            writer.writerow([repr(float(a)), repr(float(nu)), repr(float(omega))])
        write_text(args.csv, buf.getvalue())
    if args.output is not None or (args.json is None and args.csv is None):
        _emit(repr(scan), args.output)
    if scan.status != "stationary":
        return failure(f"flow pms: {scan.message}")
    return 0

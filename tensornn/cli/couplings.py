"""``tensornn couplings {width,sigma-w,cutoff}``: scans of the quartic coupling u4 with power-law fits."""

from __future__ import annotations

from ..errors import InvalidArgumentError
from ._common import add_list, claimed_outputs, distinct, failure, parse_inputs, speaks_cli
from ._common import harden as _harden

__all__ = ["register"]

_NORMALISATION = "u4 multiplies f^4/4! (HMS lambda = u4/4!); measured normalisation"


def _quadruple(text, d_in):
    """'a,b,c,d' (d_in = 1) or 'x1;x2;x3;x4' with each x a comma-separated vector of length d_in."""
    try:
        points = parse_inputs(text, d_in)
    except InvalidArgumentError:
        points = []
    if len(points) != 4:
        raise InvalidArgumentError(
            f"--inputs must give 4 inputs of dimension d_in={d_in} ('a,b,c,d' for d_in = 1, "
            f"'x1;x2;x3;x4' with comma-separated components otherwise), got {text!r}"
        )
    return points


def _add_common(p, *, activation=True):
    if activation:
        p.add_argument("--activation", default="relu", help="a registered activation: gauss, exp, erf, relu, linear, tanh, gelu (default relu)")
    p.add_argument("--d-in", type=int, default=1, help="input dimension (default 1)")
    p.add_argument("--sigma-b", type=float, default=0.0, help="bias scale (default 0)")
    p.add_argument("--no-bias", action="store_true", help="networks without biases")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--plot", metavar="FILE.png", help="save a log-log plot of |u4| with the fitted power law")


def register(subparsers):
    parser = subparsers.add_parser(
        "couplings",
        help="scan the quartic coupling u4 against width, sigma_w or the input cutoff",
        description=f"Scans of the amputated quartic coupling u4 ({_NORMALISATION}) with log-log fits.",
    )
    scans = parser.add_subparsers(dest="scan", metavar="SCAN")
    parser.set_defaults(handler=lambda args: _usage(parser))

    p = scans.add_parser("width", help="u4 against the width N (expected slope -1)")
    _add_common(p)
    p.add_argument("--inputs", default="0.2,0.4,0.6,0.8", help="the input quadruple (default 0.2,0.4,0.6,0.8)")
    add_list(p, "--widths", default=[2.0, 4.0, 8.0, 16.0, 32.0], help="widths (default 2,4,8,16,32)")
    p.add_argument("--sigma-w", type=float, default=1.0, help="weight scale (default 1)")
    p.add_argument("--cutoff", type=float, help="input-space cutoff Lambda (required except for gauss)")
    p.add_argument("--n-networks", "--networks", type=int, dest="n_networks",
                   help="measure from this many networks per point (default: exact; --networks is the old spelling)")
    p.add_argument("--seed", type=int, default=0, help="root seed of the measured scan (default 0)")
    p.set_defaults(handler=_claiming(_run_width))

    p = scans.add_parser("sigma-w", help="Gauss-net u4 against sigma_w at fixed rescaled inputs (slope d_in - 4)")
    _add_common(p, activation=False)
    p.add_argument("--inputs", default="-0.5,-0.1,0.2,0.6",
                   help="rescaled inputs y = sigma_w x / sqrt(d_in) (default -0.5,-0.1,0.2,0.6)")
    add_list(p, "--sigma-ws", default=[1.0, 2.0, 4.0, 8.0, 16.0], help="weight scales (default 1,2,4,8,16)")
    p.add_argument("--width", type=int, default=10, help="hidden width N (default 10)")
    p.add_argument("--n-networks", "--networks", type=int, dest="n_networks",
                   help="measure from this many networks per point (default: exact; --networks is the old spelling)")
    p.add_argument("--seed", type=int, default=0, help="root seed of the measured scan (default 0)")
    p.set_defaults(handler=_claiming(_run_sigma_w))

    p = scans.add_parser("cutoff", help="exact u4 against the input cutoff Lambda (ReLU slope -(d_in + 4))")
    _add_common(p)
    p.add_argument("--inputs", default="0.2,0.4,0.6,0.8", help="the input quadruple (default 0.2,0.4,0.6,0.8)")
    add_list(p, "--cutoffs", default=[10.0, 20.0, 40.0, 80.0, 160.0], help="cutoffs (default 10,20,40,80,160)")
    p.add_argument("--sigma-w", type=float, default=1.0, help="weight scale (default 1)")
    p.add_argument("--width", type=int, default=10, help="hidden width N (default 10)")
    p.set_defaults(handler=_claiming(_run_cutoff))
    _harden(parser)


def _claiming(handler):
    """Claim --plot before the scan, so that a file that cannot be written is refused before any sampling."""
    @speaks_cli
    def claimed(args):
        if args.no_bias and args.sigma_b != 0:
            raise InvalidArgumentError(f"--no-bias and --sigma-b {args.sigma_b:g} contradict each other; drop one")
        with claimed_outputs([("--plot", args.plot)]):
            return handler(args)
    return claimed


def _usage(parser):
    parser.print_help()
    return 2


def _check_networks(args):
    if args.n_networks is not None and args.n_networks < 2:
        raise InvalidArgumentError(f"--n-networks must be >= 2, got {args.n_networks}")


def _run_width(args):
    from ..couplings.scans import scan_width

    _check_networks(args)
    widths = distinct("--widths", args.widths)
    scan = scan_width(args.activation, _quadruple(args.inputs, args.d_in), widths,
                      sigma_w=args.sigma_w, sigma_b=args.sigma_b, bias=not args.no_bias, cutoff=args.cutoff,
                      n_networks=args.n_networks, seed=args.seed)
    return _report(scan, args, "N")


def _run_sigma_w(args):
    from ..couplings.scans import scan_sigma_w

    _check_networks(args)
    scan = scan_sigma_w(_quadruple(args.inputs, args.d_in), distinct("--sigma-ws", args.sigma_ws), width=args.width,
                        sigma_b=args.sigma_b, bias=not args.no_bias, n_networks=args.n_networks, seed=args.seed)
    return _report(scan, args, "sigma_w")


def _run_cutoff(args):
    from ..couplings.scans import scan_cutoff

    scan = scan_cutoff(args.activation, _quadruple(args.inputs, args.d_in), distinct("--cutoffs", args.cutoffs),
                       width=args.width, sigma_w=args.sigma_w, sigma_b=args.sigma_b, bias=not args.no_bias)
    return _report(scan, args, "Lambda")


def _report(scan, args, label):
    from .._json import document, dumps_json
    from ._common import vars_config
    from ..plotting.couplings import scan_figure
    from ..plotting.figures import save_figure

    if args.plot:
        save_figure(scan_figure(scan, label), args.plot)
    if args.json:
        print(dumps_json(document("couplings-scan", scan.to_dict(), config=vars_config(args))))
        return 0 if scan.success else failure(f"couplings: no power-law fit: {scan.message}")
    print(f"u4 against {label} ({scan.mode}; {_NORMALISATION})")
    print(f"{label:>12}  {'u4':>14}  {'stderr':>10}")
    for v, u, e in zip(scan.values, scan.u4, scan.u4_error):
        print(f"{v:12.6g}  {u:14.6g}  {e:10.3g}")
    if scan.fit is None:
        print(f"no fit: {scan.message}")
        return failure(f"couplings: no power-law fit: {scan.message}")
    print(f"slope {scan.fit.slope:.5g} +- {scan.fit.error:.2g} (expected {scan.expected_slope}), "
          f"chi2/dof = {scan.fit.chi2:.3g}/{scan.fit.dof}")
    if scan.normalised_fit is not None:
        print(f"Z^-2 u4 slope {scan.normalised_fit.slope:.5g} +- {scan.normalised_fit.error:.2g} "
              f"(expected {-scan.expected_slope})")
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0

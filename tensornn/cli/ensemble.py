"""``tensornn ensemble``: sample network ensembles at several widths and report their correlators.

Example::

    tensornn ensemble --activation gauss --d-in 1 --widths 2 10 100 --sigma-w 1 \
        --inputs 0.01,-0.01,0.02 --n-networks 100000 --seed 0 --plot deviations.png

With ``--checkpoint DIR`` every width keeps its partial sums in ``DIR/width-<N>.npz`` after each
completed chunk; rerunning the same command after an interruption (Ctrl-C, a killed job) resumes
from the completed chunks and gives bitwise the same numbers. JSON and CSV outputs are written
atomically and carry the package version, the seed and the full configuration.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np

from ..errors import InvalidArgumentError, NoisyEstimateWarning
from ..networks.activations import activation_names
from ..networks.sampling import DEFAULT_BLOCK_SIZE, DEFAULT_N_GROUPS
from ..networks.streams import BIT_GENERATORS, PRECISIONS
from ._common import add_list, claimed_outputs, parse_inputs, progress_wanted, read_inputs_file, worker_pool, write_text
from ._common import harden as _harden
from ._scheduler import add_scheduler_option, cluster_executor

__all__ = ["register", "run", "exact_g4c_oracle"]


def register(subparsers):
    """Add the ``ensemble`` command."""
    p = subparsers.add_parser(
        "ensemble",
        help="sample one-hidden-layer network ensembles and measure their correlators",
        description="Sample one-hidden-layer networks at each width and print G2, connected G4 (and G6) "
        "with jackknife errors, GP/exact values beside them, and normalised deviations from the GP.",
    )
    p.add_argument("--activation", required=True, choices=activation_names())
    p.add_argument("--d-in", type=int, default=1, help="input dimension (default 1)")
    add_list(p, "--widths", kind=int, required=True, help="hidden widths (2,10,100 or 2 10 100)")
    p.add_argument("--sigma-w", type=float, default=1.0, help="first-layer weight scale (default 1)")
    p.add_argument("--sigma-v", type=float, default=None, help="read-out scale (default: sigma_w)")
    p.add_argument("--sigma-b", type=float, default=0.0, help="bias scale; biases exist when > 0 (default 0)")
    p.add_argument("--no-bias", action="store_true", help="no biases (the same as --sigma-b 0)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--inputs",
        help="comma-separated inputs; for d_in > 1 separate inputs by ';' (e.g. '0.1,0.2;0.3,0.4'); "
        "negative numbers need no '=' (--inputs -0.1,0.2)",
    )
    src.add_argument("--inputs-file", type=Path, help="a .npy or .csv file with one input per row")
    p.add_argument("--n-networks", "--networks", type=int, default=100_000, dest="n_networks",
                   help="networks per width (default 100000; --networks is the old spelling)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--chunk-size", type=int, default=None, help="networks per task (does not change results)")
    p.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE, help="networks per seeded block")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1: serial)")
    add_scheduler_option(p)
    p.add_argument("--six-point", action="store_true", help="also accumulate and report 6-point functions")
    p.add_argument("--precision", choices=list(PRECISIONS), default="float64",
                   help="precision of the draws and the network evaluation; sums are float64 either way "
                   "(default float64; float32 draws other numbers, see docs/ensembles.md)")
    p.add_argument("--bit-generator", choices=list(BIT_GENERATORS), default="pcg64",
                   help="bit generator of the seeded blocks (default pcg64; sfc64 is faster, other numbers)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when stderr is a terminal)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", metavar="FILE", help="write the results as JSON ('-' for standard output)")
    out.add_argument("--csv", metavar="FILE", help="write the results as CSV ('-' for standard output)")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="plot normalised deviations against width")
    p.add_argument(
        "--checkpoint",
        type=Path,
        metavar="DIR",
        help="keep partial sums in DIR/width-<N>.npz after every chunk; rerunning the same command resumes "
        "(bitwise the same result); another configuration with the same DIR is an error",
    )
    p.set_defaults(handler=run)
    _harden(p)


def _read_inputs(args):
    if args.inputs is not None:
        return np.array(parse_inputs(args.inputs, args.d_in))
    return read_inputs_file("--inputs-file", args.inputs_file)


def exact_g4c_oracle(network, inputs):
    """Return ``exact(indices)``: the exact G4c at four of the inputs
    (:func:`tensornn.correlators.exact.g4_connected_oracle`), None for other orders."""
    from ..correlators.exact import g4_connected_oracle


    def exact(idx):
        if len(idx) != 4:
            return None
        with np.errstate(over="ignore", invalid="ignore"):  # a value beyond float64 is flagged, not warned
            return float(g4_connected_oracle(network, *(inputs[a] for a in idx)))

    return exact


def _checkpoint(args, width):
    return None if args.checkpoint is None else args.checkpoint / f"width-{width}.npz"


def _measure_width(args, x, width, executor):
    from ..correlators.estimators import correlator_table, normalised_deviation
    from ..networks.sampling import sample_ensemble
    from ..networks.model import get_model

    net = get_model("scalar", activation=args.activation, d_in=args.d_in, width=width, sigma_w=args.sigma_w,
                    sigma_b=args.sigma_b, bias=False if args.no_bias else None, sigma_v=args.sigma_v)
    x = net.check_inputs(x)
    moments = sample_ensemble(
        net,
        x,
        args.n_networks,
        seed=args.seed,
        chunk_size=args.chunk_size,
        executor=executor,
        progress=progress_wanted(args.progress),
        tuples=6 if args.six_point else 4,
        block_size=args.block_size,
        checkpoint=_checkpoint(args, width),
        precision=args.precision,
        bit_generator=args.bit_generator,
    )
    K = net.kernel_matrix(x)
    exact = exact_g4c_oracle(net, x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoisyEstimateWarning)
        table = correlator_table(moments, K, orders=(2, 4, 6), exact=exact)
    deviations = [normalised_deviation(moments, t, K) for t in moments.tuples if len(t) in (4, 6)]
    return net, moments, table, deviations, exact is not None


def _value(e, v):
    """A measured number of estimate ``e`` as it may be shown: None where it is not a value."""
    return v if e.success else None


def _rows(results):
    for width, (_, moments, table, deviations, _) in results.items():
        dev = {d.indices: d for d in deviations}
        for e in table:
            d = dev.get(e.indices)
            shown = d is not None and d.defined and e.success
            yield {
                "width": width,
                "n_networks": moments.n_networks,
                "seed": moments.entropy,
                "name": e.name,
                "indices": " ".join(map(str, e.indices)),
                "value": _value(e, e.value),
                "error": _value(e, e.stderr),
                "gp": None if "gp overflow" in e.flags else e.gp,
                "exact": None if "exact overflow" in e.flags else e.exact,
                "noise_dominated": e.noise_dominated,
                "success": e.success,
                "flags": " ".join(f.replace(" ", "_") for f in e.flags),
                "deviation": d.value if shown else None,
                "deviation_error": d.stderr if shown else None,
                "background": d.background if shown else None,
                "deviation_defined": None if d is None else d.defined,
            }


def _fmt(v, spec=".6g"):
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, spec)


_FLAG_WORDS = {"overflow": "OVERFLOW", "underflow": "UNDERFLOW", "gp overflow": "GP-OVERFLOW",
               "exact overflow": "EXACT-OVERFLOW"}


_NOTES = {
    "overflow": "the network outputs overflowed float64; the measured value is not a number",
    "underflow": "the network outputs at input(s) {inputs} underflowed float64 (their products are not representable), "
                 "so the measured value is not a measurement and is not shown",
    "gp overflow": "the GP value is not finite (the kernel overflowed float64)",
    "exact overflow": "the exact value overflowed float64 and is not shown",
}


def _flag(estimate, deviation=None) -> str:
    words = [_FLAG_WORDS[f] for f in estimate.flags]
    if deviation is not None and not deviation.defined and estimate.success:
        words.append("delta-undefined")
    if estimate.success and estimate.noise_dominated:
        words.append("noise")
    return ",".join(words)


def _print(results, stream):
    for width, (net, moments, table, deviations, has_exact) in results.items():
        print(f"# {net!r}", file=stream)
        print(f"# {moments!r}", file=stream)
        if not has_exact:
            print("# exact G4c: tensornn.exact.g4_connected_exact not available (column left empty)", file=stream)
        dev = {d.indices: d for d in deviations}
        print(
            f"{'name':<5} {'indices':<13} {'value':>12} {'stderr':>9} {'GP':>12} {'exact':>12} "
            f"{'delta':>9} {'backgr':>8}  flag",
            file=stream,
        )
        for e in table:
            d = dev.get(e.indices)
            shown = d is not None and d.defined and e.success
            value = f"{e.value:>12.6g} {e.stderr:>9.2g}" if e.success else f"{'-':>12} {'-':>9}"
            gp = "-" if "gp overflow" in e.flags else _fmt(e.gp)
            exact = "-" if "exact overflow" in e.flags else _fmt(e.exact)
            print(
                f"{e.name:<5} {' '.join(map(str, e.indices)):<13} {value} "
                f"{gp:>12} {exact:>12} {_fmt(d.value if shown else None, '.3g'):>9} "
                f"{_fmt(d.background if shown else None, '.2g'):>8}  {_flag(e, d)}",
                file=stream,
            )
        for flag, word in _FLAG_WORDS.items():
            flagged = [e for e in table if flag in e.flags]
            if flagged:
                inputs = sorted({a for e in flagged for a in e.underflowed})
                print(f"# {word}: {_NOTES[flag].format(inputs=', '.join(map(str, inputs)))}", file=stream)
        if any("delta-undefined" in _flag(e, dev.get(e.indices)) for e in table):
            print("# delta-undefined: the GP value is 0 (or not finite), so the relative deviation does not exist",
                  file=stream)
        print(file=stream)


def _config(args, x) -> dict:
    """Every setting that determines the numbers (for the output's metadata)."""
    return {
        "command": "ensemble",
        "activation": args.activation,
        "d_in": args.d_in,
        "widths": list(args.widths),
        "sigma_w": args.sigma_w,
        "sigma_v": args.sigma_w if args.sigma_v is None else args.sigma_v,
        "sigma_b": args.sigma_b,
        "bias": args.sigma_b > 0,
        "inputs": np.asarray(x, dtype=float).tolist(),
        "n_networks": args.n_networks,
        "seed": args.seed,
        "block_size": args.block_size,
        "n_groups": DEFAULT_N_GROUPS,
        "six_point": args.six_point,
        "precision": args.precision,
        "bit_generator": args.bit_generator,
        "chunk_size": args.chunk_size,  # chunk_size and workers do not change the numbers
        "workers": args.workers,
    }


def _check_checkpoint_folder(args) -> None:
    folder = args.checkpoint
    if folder is None:
        return
    if folder.exists() and not folder.is_dir():
        raise InvalidArgumentError(f"--checkpoint {folder} is a file; it must be a folder (created if missing)")
    # the folder itself is created by the claims on its files (after every output has been checked)


def run(args) -> int:
    """Handler of ``tensornn ensemble``."""
    from .._json import SCHEMA_VERSION, dumps_json
    from ..plotting.ensemble import deviation_figure
    from ..plotting.figures import save_figure
    from ..report import metadata

    x = _read_inputs(args)
    if args.workers < 1:
        raise InvalidArgumentError(f"--workers must be >= 1, got {args.workers}")
    _check_checkpoint_folder(args)
    checkpoints = [(f"--checkpoint ({w})", _checkpoint(args, w)) for w in args.widths]
    with claimed_outputs([("--plot", args.plot)] + checkpoints, text=[("--json", args.json), ("--csv", args.csv)],
                         inputs=[("--inputs-file", args.inputs_file)]):
        pool = cluster_executor(args.scheduler) if args.scheduler else worker_pool(args.workers)
        with pool as executor:
            results = {w: _measure_width(args, x, w, executor) for w in args.widths}
        rows = list(_rows(results))
        if args.json or args.csv:
            meta = metadata(_config(args, x), seed=args.seed)
        if args.json:
            write_text(args.json, dumps_json({"schema": "tensornn/ensemble", "schema_version": SCHEMA_VERSION,
                                              "metadata": meta, "rows": rows}, indent=1))
        elif args.csv:
            version, config = meta["tensornn_version"], json.dumps(meta["config"], sort_keys=True)
            buffer = io.StringIO(newline="")
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) + ["tensornn_version", "config"])
            writer.writeheader()
            writer.writerows({**row, "tensornn_version": version, "config": config} for row in rows)
            write_text(args.csv, buffer.getvalue())
        else:
            _print(results, sys.stdout)
        if args.plot:
            save_figure(deviation_figure(results), args.plot)
    return 0

"""``tensornn compare``: which field theory the data select for each network, and the flows that follow."""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidArgumentError
from ._scheduler import add_scheduler_option, cluster_executor

from ._common import harden as _harden

__all__ = ["register"]

DEFAULT_OUT = "tensornn-report"


def register(subparsers):
    p = subparsers.add_parser(
        "compare",
        help="measure which reading (scalar, vector, tensor) the data select for each network, and run the flows",
        description=(
            "Read networks on data with several indices: measure each network's connected 4-point function on "
            "quadruples of data points, fit it on the quartic classes of the scalar (local phi^4), vector (double "
            "trace) and tensor (bubbles) readings by generalised least squares, decide the reading by nested tests (a "
            "reading, or 'undetermined' when the run lacks the power, or 'none'), run "
            "every reading's flow from its fitted couplings (the selected one with Monte-Carlo bands over the fit's "
            "covariance), find the fixed points "
            "of the readings' continuum idealisations, and write a report folder: report.json, summary.md (the "
            "conclusion first), fits.png, couplings.png, flows.png, spectra.png. Without --config: the embedded "
            "synthetic data (shape (4, 4, 4), Kronecker covariance), a linear CP rank-1 network and its dense twin."),
    )
    p.add_argument("--config", metavar="FILE.toml",
                   help="the comparison (flat TOML keys; see docs/compare.md); a relative data path in it is read "
                   "from the file's folder")
    p.add_argument("--data", metavar="SOURCE", help="override the data: synthetic, digits or FILE.npy")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"report folder (default ./{DEFAULT_OUT})")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing report folder (only an empty one or a tensornn report)")
    p.add_argument("--workers", type=int, default=None, help="processes for the sampling (numbers unchanged)")
    add_scheduler_option(p)
    p.add_argument("--quiet", action="store_true", help="do not print the progress of each stage")
    p.set_defaults(handler=_run)
    _harden(p)


_NAMED_DATA = ("synthetic", "digits")


def _load(path):
    """The configuration file, its data path resolved against the file's folder (not the working directory)."""
    from dataclasses import replace

    from ..compare.config import load_config

    from ._common import input_file

    if not str(path).strip():
        raise InvalidArgumentError("--config is empty; give the path of a TOML file")
    path = Path(path)
    if path.is_dir():
        raise InvalidArgumentError(f"--config {path} is a folder; give the TOML file (e.g. {path / 'compare.toml'})")
    config = load_config(input_file("--config", path))
    data = config.data
    if isinstance(data, str) and data not in _NAMED_DATA and not Path(data).expanduser().is_absolute():
        config = replace(config, data=str(path.parent / Path(data)))
    return config


def _run(args):
    from dataclasses import replace

    from ..compare.config import CompareConfig
    from ..compare.report import write_compare_report
    from ..compare.run import run_compare
    from ._common import claimed_outputs, failure, worker_pool

    config = _load(args.config) if args.config is not None else CompareConfig()
    if args.data is not None:
        config = replace(config, data=args.data)
    if args.workers is not None and args.workers < 1:
        raise InvalidArgumentError(f"--workers must be >= 1, got {args.workers}")
    inputs = [("--config", args.config)]
    if config.data not in _NAMED_DATA:
        inputs.append(("--data" if args.data is not None else "the configuration's data", config.data))
    # The folder is claimed (and checked) before any sampling, and held until the report is in place.
    with claimed_outputs(report=("--out", args.out), overwrite=args.overwrite, inputs=inputs):
        pool = cluster_executor(args.scheduler) if args.scheduler else worker_pool(args.workers)
        with pool as ex:
            result = run_compare(config, executor=ex, progress=not args.quiet)
        folder = write_compare_report(result, Path(args.out), overwrite=args.overwrite)
    print(f"wrote {folder}/ (report.json, summary.md, figures) in {result.runtime:.1f} s")
    for net in result.networks:
        r = net.readings
        quality = ", ".join(f"{name} p = {fit.p_value:.2g}" if fit.reference != "none" else
                            f"{name} residual {fit.relative_residual:.2g}" for name, fit in r.readings.items())
        print(f"  {net.label}: selected {r.selected}{'' if r.selected_fits else ' (no reading fits)'} ({quality})")
    if not result.success:  # exit status 1 with the reason on stderr (the report is still written)
        failed = "; ".join(f"{n.label}: {n.readings.message}" for n in result.networks if not n.readings.success)
        return failure(f"compare: no reading for every network ({failed})")
    return 0

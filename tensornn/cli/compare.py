"""``tensornn compare``: the scalar and the tensor reading of one network, side by side, as a report folder."""

from __future__ import annotations

from pathlib import Path

__all__ = ["register"]

DEFAULT_OUT = "tensornn-report"


def register(subparsers):
    p = subparsers.add_parser(
        "compare",
        help="compare the scalar and the tensor field-theory readings of a block-structured Gauss-net",
        description=(
            "Measure the IR data (mass, Z, kinetic coefficients, u4 by Monte Carlo with the exact value beside) of a "
            "block-structured Gauss-net, run the scalar reading (local R^d_in, LPA) and the tensor reading (the "
            "blocks as pairing colours, melonic pillows, LPA') upward from the same IR data, find both readings' "
            "fixed points and exponents, and write a report folder: report.json, summary.md, flows.png, "
            "sigma_w_map.png, active_passive.png, bubbles.png. Without --config the default network is used "
            "(d_in = 3 split into three blocks of size 1, widths 10 100 1000)."),
    )
    p.add_argument("--config", metavar="FILE.toml", help="the network specification (flat TOML keys; see docs/compare.md)")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"report folder (default ./{DEFAULT_OUT})")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing report folder (only an empty one or a tensornn report)")
    p.add_argument("--workers", type=int, default=None, help="processes for the sampling (numbers unchanged)")
    p.add_argument("--quiet", action="store_true", help="do not print the progress of each stage")
    p.set_defaults(handler=_run)


def _failed_trajectories(result) -> list[str]:
    return [f"{r.name} N={t['width']} ({t['source']} u4): {t['status']} at k = {t['k_stop_reached']:.4g}"
            for r in (result.scalar, result.tensor) for t in r.trajectories if t["status"] != "completed"]


def _run(args):
    from ..compare import CompareConfig, load_config, run_compare, write_compare_report
    from ..errors import InvalidArgumentError
    from ._common import claimed_outputs, failure

    config = load_config(args.config) if args.config else CompareConfig()
    if args.workers is not None and args.workers < 1:
        raise InvalidArgumentError(f"--workers must be >= 1, got {args.workers}")
    # The folder is claimed (and checked) before any sampling, and held until the report is in place.
    with claimed_outputs(report=("--out", args.out), overwrite=args.overwrite):
        if args.workers and args.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(args.workers) as ex:
                result = run_compare(config, executor=ex, progress=not args.quiet)
        else:
            result = run_compare(config, progress=not args.quiet)
        folder = write_compare_report(result, Path(args.out), overwrite=args.overwrite)
    s, t = result.scalar.non_gaussian(), result.tensor.non_gaussian()

    def line(name, fp):
        if fp is None:
            return f"  {name}: no non-Gaussian fixed point found"
        return f"  {name}: eta = {fp['eta']:.4g}, nu = {fp['nu']}, relevant directions = {fp['n_relevant']}"

    print(f"wrote {folder}/ (report.json, summary.md, figures) in {result.runtime:.1f} s")
    print(line("scalar reading", s))
    print(line("tensor reading", t))
    if not result.success:
        failed = _failed_trajectories(result)
        return failure(f"compare: {len(failed)} trajectory(ies) did not complete: {'; '.join(failed)} "
                       f"(the report shows each with its status)")
    return 0

"""``tensornn data summary``: spectra and Kronecker distance of a data set with several indices.

Examples::

    tensornn data summary                                 # the embedded synthetic data
    tensornn data summary --data digits --json -          # scikit-learn digits, JSON on stdout
    tensornn data summary --data images.npy --plot spectra.png --json summary.json

``--data`` is "synthetic" (seeded Gaussian tensors with a known Kronecker covariance), "digits" (needs
``pip install "tensornn[data]"``) or a ``.npy`` file holding an array of shape (P, n_1, ..., n_d).
"""

from __future__ import annotations

import sys


from ..errors import InvalidArgumentError
from ._common import harden as _harden

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``data`` command."""
    parser = subparsers.add_parser(
        "data",
        help="data with several indices: covariance spectra and distance from Kronecker form",
        description="Data sets whose samples carry several indices (colours).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    parser.set_defaults(handler=lambda args: _usage(parser))
    p = actions.add_parser(
        "summary",
        help="full and per-colour covariance spectra and the Kronecker distance of a data set",
        description="Print the full covariance spectrum, each colour's spectrum (mode-c unfolding), the product "
        "spectrum a Kronecker covariance would have, and the relative Frobenius distance of the covariance from "
        "the nearest Kronecker product with its sampling floor.",
    )
    p.add_argument("--data", default="synthetic", metavar="{synthetic,digits,FILE.npy}",
                   help="the data set (default synthetic)")
    p.add_argument("--seed", type=int, default=None, help="seed of the synthetic data (default 0; only for synthetic)")
    p.add_argument("--no-centre", action="store_true", help="do not subtract the sample mean")
    p.add_argument("--json", metavar="FILE|-", help="write the summary as JSON to FILE ('-' for stdout)")
    p.add_argument("--plot", metavar="FILE.png", help="plot the full, product and per-colour spectra")
    p.set_defaults(handler=_run_summary)
    _harden(parser)


def _usage(parser) -> int:
    parser.print_help()
    return 2


def _run_summary(args) -> int:
    from .._json import SCHEMA_VERSION, dumps_json
    from ..data import load_data, summarise_data
    from ..plotting.data import spectra_figure
    from ..plotting.figures import save_figure
    from ..report import metadata

    from ._common import claimed_outputs, input_file, working, write_text

    if args.seed is not None and args.data != "synthetic":
        raise InvalidArgumentError(f"--seed applies to the synthetic data only, not to --data {args.data}; drop it")
    seed = 0 if args.seed is None else args.seed
    source = None if args.data in ("synthetic", "digits") else ("--data", args.data)
    if source is not None and args.data.endswith(".npy"):
        input_file("--data", args.data)
    with claimed_outputs([("--plot", args.plot)], text=[("--json", args.json)], inputs=[source] if source else ()):
        data = load_data(args.data, seed=seed)
        with working(f"spectra and Kronecker fit of {data.name} (index sizes {data.index_sizes})"):
            summary = summarise_data(data, centre=not args.no_centre)
        if args.plot:
            save_figure(spectra_figure(summary), args.plot)
        if args.json:
            text = dumps_json({"schema": "tensornn/data-summary", "schema_version": SCHEMA_VERSION,
                               "metadata": metadata({"data": args.data, "centre": not args.no_centre},
                                                   seed=seed if args.data == "synthetic" else None),
                               **summary.to_dict()})
            write_text(args.json, text)
            if args.json == "-":
                return 0
    print(summary.text())
    if args.json:
        print(f"JSON written to {args.json}")
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0

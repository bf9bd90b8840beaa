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

from ..report import atomic_write, atomic_write_text, dumps_json, metadata

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
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    p.add_argument("--no-centre", action="store_true", help="do not subtract the sample mean")
    p.add_argument("--json", metavar="FILE|-", help="write the summary as JSON to FILE ('-' for stdout)")
    p.add_argument("--plot", metavar="FILE.png", help="plot the full, product and per-colour spectra")
    p.set_defaults(handler=_run_summary)


def _usage(parser) -> int:
    parser.print_help()
    return 2


def _run_summary(args) -> int:
    from ..data import load_data, summarise_data

    data = load_data(args.data, seed=args.seed)
    summary = summarise_data(data, centre=not args.no_centre)
    if args.plot:
        _plot(summary, args.plot)
    if args.json:
        text = dumps_json({"metadata": metadata({"data": args.data, "centre": not args.no_centre}, seed=args.seed),
                           **summary.to_dict()})
        if args.json == "-":
            sys.stdout.write(text + "\n")
            return 0
        atomic_write_text(args.json, text)
    print(summary.text())
    if args.json:
        print(f"JSON written to {args.json}")
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0


def _plot(summary, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    spectra = summary.spectra
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    rank = np.arange(1, len(spectra.full) + 1)
    positive = spectra.full > 0
    left.plot(rank[positive], spectra.full[positive], "o", markersize=3, label="full covariance")
    left.plot(rank, spectra.product, "-", label="product of colour spectra / mbar^(d-1)")
    left.set_yscale("log")
    left.set_xlabel("mode (descending)")
    left.set_ylabel("eigenvalue (data units squared)")
    k = summary.kronecker
    floor = "" if k.noise_floor is None else f", floor {k.noise_floor:.2g}"
    left.set_title(f"{summary.data.name}: Kronecker distance {k.distance:.3g}{floor}", fontsize=10)
    left.legend(loc="lower left", fontsize=8)
    for c, lam in enumerate(spectra.colours, start=1):
        right.plot(np.arange(1, len(lam) + 1), lam, "o-", label=f"colour {c} (n = {len(lam)})")
    right.set_yscale("log")
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_xlabel("mode of the colour (descending)")
    right.set_ylabel("eigenvalue of C_c")
    right.set_title("per-colour spectra (mode-c unfoldings)", fontsize=10)
    right.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    try:
        atomic_write(path, fig.savefig)
    finally:
        plt.close(fig)

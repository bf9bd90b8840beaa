"""Figures of data with several indices: covariance spectra."""

from __future__ import annotations

import numpy as np

from .figures import figure_function, pyplot

__all__ = ["spectra_figure"]


@figure_function
def spectra_figure(summary):
    """The full, product and per-colour covariance spectra of a :class:`~tensornn.data.summary.DataSummary`."""
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()

    spectra = summary.spectra
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    rank = np.arange(1, len(spectra.full) + 1)
    positive = spectra.full > 0
    left.plot(rank[positive], spectra.full[positive], "o", markersize=3, label="full covariance")
    left.plot(rank, spectra.product, "-", label=r"product of colour spectra / $\bar m^{d-1}$")
    left.set_yscale("log")
    left.set_xlabel("mode (descending)")
    left.set_ylabel("eigenvalue (data units$^2$)")
    k = summary.kronecker
    floor = "" if k.noise_floor is None else f", floor {k.noise_floor:.2g}"
    left.set_title(f"{summary.data.name}: Kronecker distance {k.distance:.3g}{floor}")
    left.legend(loc="lower left")
    for c, lam in enumerate(spectra.colours, start=1):
        right.plot(np.arange(1, len(lam) + 1), lam, "o-", label=f"colour {c} (n = {len(lam)})")
    right.set_yscale("log")
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_xlabel("mode of the colour (descending)")
    right.set_ylabel("eigenvalue of $C_c$ (data units$^2$)")
    right.set_title("per-colour spectra (mode-$c$ unfoldings)")
    right.legend(loc="lower left")
    fig.tight_layout()
    return fig

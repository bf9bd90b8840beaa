"""Figures of flows: couplings against ln k, and functional fixed-point potentials."""

from __future__ import annotations

import numpy as np

from .figures import pyplot

__all__ = ["flow_figure", "potentials_figure"]


def flow_figure(result):
    """The couplings of a :class:`~tensornn.flow.FlowTrajectory` against ln k, legend outside the data."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, row in zip(result.names, result.couplings):
        ax.plot(result.t, row, label=name)
    ax.set_xlabel("ln k")
    ax.set_ylabel("dimensionless couplings" if result.dimensionless else "couplings")
    ax.set_title(f"{result.status}: k_stop = {result.k_stop_reached:.4g}")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def potentials_figure(search):
    """u*'(r) of every non-Gaussian functional fixed point of a search, scaled by its largest zero."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for fp in search:
        if fp.is_gaussian:
            continue
        zeros = fp.zeros()
        scale = float(zeros[-1]) if zeros.size else fp.r_max / 4
        r = np.linspace(0.0, min(1.6 * scale, fp.r_max), 400)
        ax.plot(r / scale, fp.potential(r) / abs(fp.sigma), label=f"{fp.label} ({fp.n_relevant} relevant)")
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_ylim(-1.5, 3.0)
    ax.set_xlabel("r / r_0 (r_0: the largest zero of u*')")
    ax.set_ylabel("u*'(r) / |u*'(0)|")
    ax.set_title(f"functional LPA fixed points, D = {search.dim:g}, N = {search.n_components:g}")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig

"""Figures of flows: couplings against the scale k, and functional fixed-point potentials."""

from __future__ import annotations

import re

import numpy as np

from .axes import mark_stop, stop_legend_handles, symlog_axis
from .figures import figure_function, pyplot

__all__ = ["flow_figure", "potentials_figure", "coupling_label"]


def coupling_label(name: str) -> str:
    """A coupling name in mathtext: 'g4' -> '$g_{4}$', 'g4_1' -> '$g_{4,1}$', 'mass' -> '$\\mu$'.

    Examples
    --------
    >>> coupling_label("g4"), coupling_label("g6_2"), coupling_label("mass")
    ('$g_{4}$', '$g_{6,2}$', '$\\\\mu$')
    """
    if name == "mass":
        return r"$\mu$"
    m = re.match(r"^([A-Za-z]+)_?([0-9][0-9_]*)$", name)
    if not m:
        return name.replace("_", r"\_")
    return f"${m.group(1)}_{{{m.group(2).replace('_', ',')}}}$"


@figure_function
def flow_figure(result):
    """The couplings of a :class:`~tensornn.flow.FlowTrajectory` against k (log axis), on a symmetric-log y axis,
    with a marker where the flow stopped early and why (a pole, a divergence, a failed step)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    k = np.asarray(result.k, dtype=float)
    couplings = np.atleast_2d(np.asarray(result.couplings, dtype=float))
    for i, (name, row) in enumerate(zip(result.names, couplings)):
        ax.plot(k, row, color=f"C{i % 10}", label=coupling_label(name))
    finite = couplings[np.isfinite(couplings)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        pad = 0.08 * (high - low or abs(high) or 1.0)
        ax.set_ylim(low - pad, high + pad)
        nonzero = np.abs(finite[finite != 0])
        top = float(np.max(nonzero)) if nonzero.size else 1.0
        symlog_axis(ax, max(float(np.min(nonzero)) if nonzero.size else 1.0, 1e-3 * top))
    ax.set_xscale("log")
    stopped = [mark_stop(ax, k, row, result.status, f"C{i % 10}", annotate=(i == 0))
               for i, row in enumerate(couplings)]
    ax.set_xlabel(r"scale $k$")
    ax.set_ylabel("dimensionless couplings $\\tilde g_i$" if result.dimensionless else "couplings $g_i(k)$")
    ax.set_title(f"flow {result.status}: $k$ from {k[0]:.3g} to {result.k_stop_reached:.3g}")
    handles, _ = ax.get_legend_handles_labels()
    if any(s is not None for s in stopped):
        handles += stop_legend_handles({result.status})
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


@figure_function
def potentials_figure(search):
    """u*'(r) of every non-Gaussian functional fixed point of a search, scaled by its largest zero."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for fp in search:
        if fp.is_gaussian:
            continue
        zeros = fp.zeros()
        scale = float(zeros[-1]) if zeros.size else fp.r_max / 4
        r = np.linspace(0.0, min(1.6 * scale, fp.r_max), 400)
        ax.plot(r / scale, fp.potential(r) / abs(fp.sigma), label=f"{fp.label} ({fp.n_relevant} relevant)")
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_ylim(-1.5, 3.0)
    ax.set_xlabel(r"$r/r_0$ ($r_0$: the largest zero of $u_*'$)")
    ax.set_ylabel(r"$u_*'(r)\,/\,|u_*'(0)|$")
    ax.set_title(f"functional LPA fixed points, $D$ = {search.dim:g}, $N$ = {search.n_components:g}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig

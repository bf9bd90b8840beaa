"""Figures of coupling scans: |u4| against a parameter on log-log axes with the fitted power law."""

from __future__ import annotations

import math

from .figures import figure_function, pyplot

__all__ = ["scan_figure"]


@figure_function
def scan_figure(scan, label: str):
    """|u4| of a :class:`~tensornn.couplings.scans.CouplingScan` against its parameter (axis ``label``)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.errorbar(scan.values, abs(scan.u4), yerr=scan.u4_error if scan.mode == "measured" else None, fmt="o",
                label=f"$|u_4|$ ({scan.mode})")
    if scan.fit is not None:
        fit = scan.fit
        ax.plot(scan.values, [math.exp(fit.intercept) * v**fit.slope for v in scan.values], "-",
                label=f"fit: slope {fit.slope:.3f} $\\pm$ {fit.error:.2g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(label)
    ax.set_ylabel(r"$|u_4|$ (coefficient of $f^4/4!$)")
    ax.legend(loc="best")
    fig.tight_layout()
    return fig

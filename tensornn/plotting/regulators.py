"""Figure of the regulator dependence of the LPA exponents (the principle of minimal sensitivity)."""

from __future__ import annotations

import numpy as np

from .figures import pyplot

__all__ = ["pms_figure"]


def pms_figure(scan):
    """nu against the regulator parameter (log axis) of a :class:`~tensornn.flow.pms.RegulatorScan`, the stationary point marked."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ok = np.isfinite(scan.nu)
    ax.plot(scan.parameters[ok], scan.nu[ok], "o-", ms=4, lw=1.2, label="nu (Wilson-Fisher)")
    if scan.stationary is not None:
        s = scan.stationary
        ax.plot([s["parameter"]], [s["nu"]], "s", ms=8, mfc="none", mec="C3",
                label=f"stationary: {scan.parameter_name} = {s['parameter']:.4g}, nu = {s['nu']:.6f}")
    ax.set_xscale("log")
    ax.set_xlabel(f"regulator parameter {scan.parameter_name} ({scan.family} family)")
    ax.set_ylabel("nu")
    what = "functional LPA" if scan.order is None else f"{scan.method} expansion, order {scan.order}"
    ax.set_title(f"{what}, D = {scan.dim:g}, N = {scan.n_components:g}")
    ax.legend(fontsize="small", loc="upper center")
    fig.tight_layout()
    return fig

"""Drawing of the active/passive RG overlay (matplotlib imported lazily)."""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError

__all__ = ["plot_result"]


def _draw_case(ax, case, colour, normalised):
    sx = case.sigma_w0 if normalised else 1.0
    sy = abs(case.u4_ir) if normalised else 1.0
    act = case.active
    label = f"d_in={case.d_in}, N={case.width}" if normalised else f"N={case.width}"
    ax.errorbar(act.sigma_ws / sx, np.abs(act.u4) / sy, yerr=act.u4_error / sy, fmt="o", color=colour, ms=4,
                capsize=2, label=f"active (MC) {label}")
    ax.plot(act.sigma_ws / sx, np.abs(act.u4_exact) / sy, "--", color=colour, lw=1, label=f"active exact {label}")
    p = case.passive
    ok = np.isfinite(p.sigma_w)
    ax.plot(p.sigma_w[ok] / sx, np.abs(p.u4[ok]) / sy, "-", color=colour, lw=2,
            label=f"passive flow {label} ({p.status})")
    for band in case.passive_band:
        ok = np.isfinite(band.sigma_w)
        ax.plot(band.sigma_w[ok] / sx, np.abs(band.u4[ok]) / sy, ":", color=colour, lw=1)


def plot_result(result, ax=None):
    """See :meth:`tensornn.rg.results.ActivePassiveResult.plot`."""
    import matplotlib

    if ax is None:
        import matplotlib.pyplot as plt

        d_ins = sorted({c.d_in for c in result.cases})
        fig, axes = plt.subplots(1, len(d_ins), figsize=(5.2 * len(d_ins), 4.4), squeeze=False)
        _panels(result, list(axes[0]), d_ins)
        fig.tight_layout()
        return fig
    if isinstance(ax, matplotlib.axes.Axes):
        colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        for i, case in enumerate(result.cases):
            _draw_case(ax, case, colours[i % len(colours)], normalised=True)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sigma_w / sigma_w0")
        ax.set_ylabel("|u4| / |u4(IR)|  (phi = sqrt(Z) f, phi^4/4!)")
        ax.set_title("active (points) vs passive (lines) RG")
        ax.legend(fontsize=6)
        return ax
    axes = list(ax)
    d_ins = sorted({c.d_in for c in result.cases})
    if len(axes) != len(d_ins):
        raise InvalidArgumentError(
            f"ax must be None, one Axes, or one Axes per d_in ({len(d_ins)}: {d_ins}), got {len(axes)} Axes")
    _panels(result, axes, d_ins)
    return axes


def _panels(result, axes, d_ins):
    import matplotlib
    import matplotlib.ticker

    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    for a, d in zip(axes, d_ins):
        cases = [c for c in result.cases if c.d_in == d]
        for i, case in enumerate(cases):
            _draw_case(a, case, colours[i % len(colours)], normalised=False)
        a.set_xscale("log")
        a.set_yscale("log")
        a.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        a.set_xlabel("sigma_w  (active: network; passive: sqrt(d_in u2(k)/2))")
        a.set_ylabel("|u4|  (phi = sqrt(Z) f, phi^4/4!)")
        slopes = ", ".join(
            f"N={c.width}: {c.row()['active_slope']:.2f}+-{c.row()['active_slope_error']:.2f} vs "
            f"{c.passive_slope:.2f}" for c in cases)
        a.set_title(f"d_in = {d}: slope active vs passive\n{slopes}", fontsize=8)
        a.legend(fontsize=6)

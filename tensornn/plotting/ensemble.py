"""Figures of ensemble measurements: finite-width deviations from the Gaussian process against N."""

from __future__ import annotations

import numpy as np

from .figures import figure_function, pyplot

__all__ = ["deviation_figure"]


@figure_function
def deviation_figure(results):
    """Mean |normalised deviation| of the 4- and 6-point functions against the width, with the background.

    Parameters
    ----------
    results : dict
        width -> a tuple whose entry 3 is the list of
        :class:`~tensornn.correlators.estimators.DeviationEstimate` of that width (as built by
        ``tensornn ensemble``).
    """
    plt = pyplot()
    widths = sorted(results)
    fig, ax = plt.subplots(figsize=(6, 4))
    for order, marker in ((4, "o"), (6, "s")):
        mean_abs, background = [], []
        for w in widths:
            devs = [d for d in results[w][3] if len(d.indices) == order]
            if devs:
                mean_abs.append(np.mean([abs(d.value) for d in devs]))
                background.append(np.mean([d.background for d in devs]))
        if mean_abs:
            ax.plot(widths, mean_abs, marker=marker, label=f"mean $|\\delta_{order}|$")
            ax.plot(widths, background, marker=marker, linestyle="--", label=f"background, {order}-point")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width $N$")
    ax.set_ylabel("normalised deviation from the Gaussian process")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig

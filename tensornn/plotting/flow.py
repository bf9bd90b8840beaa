"""Figures of flows: couplings against ln k."""

from __future__ import annotations

from .figures import pyplot

__all__ = ["flow_figure"]


def flow_figure(result):
    """The couplings of a :class:`~tensornn.flow.integrate.FlowResult` against ln k, legend outside the data."""
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

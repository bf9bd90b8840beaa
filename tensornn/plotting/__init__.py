"""Figures: every plot tensornn draws, as functions that return matplotlib figures (the ``plot`` extra)."""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "pyplot": ".figures",
        "save_figure": ".figures",
        "deviation_figure": ".ensemble",
        "scan_figure": ".couplings",
        "flow_figure": ".flow",
        "plot_result": ".rg",
        "flows_figure": ".compare",
        "sigma_figure": ".compare",
        "bubbles_figure": ".compare",
    },
)

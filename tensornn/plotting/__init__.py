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
        "potentials_figure": ".flow",
        "pms_figure": ".regulators",
        "spectra_figure": ".data",
        "plot_result": ".rg",
        "fits_figure": ".compare",
        "couplings_figure": ".compare",
        "plot_els_reproduction": ".rg",
        "flows_figure": ".compare",
    },
)

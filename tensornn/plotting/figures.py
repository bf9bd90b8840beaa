"""What every figure needs: pyplot on demand (matplotlib is the optional ``plot`` extra) and atomic saving.

Library functions in :mod:`tensornn.plotting` return matplotlib figures; :func:`save_figure` writes one
completely or not at all (:func:`tensornn.report.atomic_write`) and closes it. Without a display,
matplotlib selects its non-interactive backend by itself, so nothing here forces a backend.
"""

from __future__ import annotations

import importlib.util

from ..report import atomic_write

__all__ = ["pyplot", "available", "save_figure", "figure_writer"]


def pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("figures need matplotlib: pip install 'tensornn[plot]'") from exc
    return plt


def available() -> bool:
    """True when matplotlib can be imported (the ``plot`` extra is installed)."""
    return importlib.util.find_spec("matplotlib") is not None


def figure_writer(fig, *, dpi: int = 110):
    """A callable ``write(path)`` that saves ``fig`` as PNG to ``path`` and closes it (for report folders)."""

    def write(path):
        try:
            fig.savefig(path, dpi=dpi, format="png")
        finally:
            pyplot().close(fig)

    return write


def save_figure(fig, path, *, dpi: int = 110):
    """Write ``fig`` as PNG to ``path`` atomically, then close it; returns the path."""
    plt = pyplot()
    try:
        return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
    finally:
        plt.close(fig)

"""The versions behind the numbers: tensornn, Python, numpy and scipy (numpy may change Generator streams).

Recorded in the metadata of every output (:func:`tensornn.report.metadata`) and in the fingerprint of ensemble
checkpoints, so a number can be traced to the software that produced it. Read without importing scipy.
"""

from __future__ import annotations

import importlib.metadata
import platform

__all__ = ["versions"]


def versions() -> dict[str, str]:
    """``{"tensornn", "python", "numpy", "scipy"}`` version strings ("not installed" for a missing package).

    >>> sorted(versions())
    ['numpy', 'python', 'scipy', 'tensornn']
    """
    from ._version import __version__

    out = {"tensornn": __version__, "python": platform.python_version()}
    for package in ("numpy", "scipy"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
            out[package] = "not installed"
    return out

"""Attributes renamed in this release, readable under their old names for one more release with a warning.

One name for an uncertainty everywhere: ``error`` for a standard error (a number or an array of them, one per
value), ``covariance`` for a covariance matrix. A result class declares the old names it keeps:

    slope_error = renamed("slope_error", "error")

and reading ``fit.slope_error`` returns ``fit.error`` with a :class:`DeprecationWarning` that names the new one.
"""

from __future__ import annotations

import warnings

__all__ = ["renamed"]


def renamed(old: str, new: str) -> property:
    """A read-only property ``old`` returning the attribute ``new``, with a DeprecationWarning naming ``new``."""

    def get(self):
        warnings.warn(f"{type(self).__name__}.{old} is deprecated and will be removed in the next release; use "
                      f".{new}", DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of :attr:`{new}` (removed in the next release).")

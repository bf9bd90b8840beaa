"""The interface between beta functions and the tools that use them.

Integrators (:mod:`tensornn.flow.integrate`) and fixed-point finders
(:mod:`tensornn.flow.fixed_points`) work with any object that satisfies :class:`FlowSystem`:
the beta functions derived by the one-loop engine, the broken-phase potential expansion, or a
hand-written system in a test. Couplings are numpy arrays ordered as ``names``; ``t = ln k``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["FlowSystem"]


@runtime_checkable
class FlowSystem(Protocol):
    """Beta functions of a truncation, in dimensionless and dimensionful form.

    Attributes
    ----------
    names : tuple of str
        Coupling names, in the order of the coupling vectors.
    autonomous : bool
        True when the dimensionless flow does not depend on t (power-law counting functions);
        only then are fixed points meaningful.
    """

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def autonomous(self) -> bool: ...

    def beta(self, couplings: np.ndarray, t: float | None = None) -> np.ndarray:
        """Dimensionless beta functions d g_i / d t.

        ``couplings`` has shape ``(n,)`` or ``(n, m)`` (m coupling vectors evaluated at once);
        the result has the same shape. ``t`` is needed only when ``autonomous`` is False.
        """

    def beta_dimensionful(self, t: float, couplings: np.ndarray) -> np.ndarray:
        """d g_i / d t of the dimensionful couplings at scale k = exp(t); shapes as in beta."""

    def eta(self, couplings: np.ndarray, t: float | None = None) -> np.ndarray:
        """Anomalous dimension at dimensionless couplings (zero in the LPA); shape ``()`` or ``(m,)``."""

    def validity(self, couplings: np.ndarray, t: float | None = None) -> np.ndarray:
        """Quantities that are positive inside the range of validity of the truncation.

        For example the threshold denominators 1 + m^2/k^2 and the distance to the pole of eta.
        A sign change marks a pole: integrators stop there, fixed-point finders flag roots
        outside. Shape ``(p,)`` or ``(p, m)``.
        """

"""Linearisation of a flow at a point: the stability matrix and the critical exponents.

M_ij = d beta_i / d g_j of the dimensionless beta functions (t = ln k); theta = -eigenvalues(M),
so theta > 0 marks a relevant direction (growing towards the infrared).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_array, check_choice, check_real
from ..errors import InvalidArgumentError
from .system import FlowSystem

__all__ = ["stability_matrix", "critical_exponents", "relevant_count", "nu_omega", "DERIVATIVES", "ILL_CONDITIONED",
           "MARGINAL"]

#: Condition number of the stability matrix above which exponents are flagged as unreliable
#: (a nearly marginal direction); used by FixedPoint notes and by the health checks.
ILL_CONDITIONED = 1e8

#: |Re theta| at or below this is marginal: the direction counts as neither relevant nor irrelevant.
MARGINAL = 1e-8

#: Ways to differentiate the beta functions.
DERIVATIVES = ("central", "complex")
_EPS = np.finfo(float).eps


def stability_matrix(system: FlowSystem, couplings, *, t: float | None = None, derivative: str = "central",
                     step: float | None = None) -> np.ndarray:
    """Stability matrix M_ij = d beta_i / d g_j of the dimensionless flow at ``couplings``.

    ``derivative="central"`` uses the fourth-order five-point stencil
    ``M[:, j] = [-b(g + 2h e_j) + 8 b(g + h e_j) - 8 b(g - h e_j) + b(g - 2h e_j)] / (12 h_j)``
    with ``h_j = step * max(|g_j|, 0.01)``; the default ``step = eps**(1/5) ~ 7e-4`` balances the
    O(h^4) truncation error against the O(eps/h) rounding error, giving ~12 correct digits for
    smooth beta functions. ``derivative="complex"`` uses the complex step
    ``M[:, j] = Im b(g + i h e_j) / h`` with ``h = 1e-30`` (exact to rounding), valid only when
    ``system.beta`` is analytic and accepts complex couplings (no abs, max or comparisons).
    All displaced points are evaluated in one vectorised call of ``system.beta``.

    Parameters
    ----------
    system : FlowSystem
    couplings : array_like, shape (n,)
        Dimensionless couplings.
    t : float, optional
        Passed to ``system.beta`` (needed for non-autonomous systems only).
    derivative : {"central", "complex"}
    step : float, optional
        Relative step (see above).

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    InvalidArgumentError
        If ``derivative="complex"`` and the system does not return complex values.
    """
    g = check_array("couplings", couplings, ndim=1)
    n = len(g)
    derivative = check_choice("derivative", derivative, DERIVATIVES)
    eye = np.eye(n)
    if derivative == "complex":
        h = 1e-30 if step is None else check_real("step", step, positive=True)
        points = g[:, None] + 1j * h * eye
        values = np.asarray(system.beta(points, t))
        if not np.iscomplexobj(values):
            raise InvalidArgumentError(
                "derivative='complex' needs a system whose beta accepts complex couplings and returns complex values; "
                f"{type(system).__name__}.beta returned {values.dtype}; use derivative='central'"
            )
        return values.imag / h
    rel = _EPS ** 0.2 if step is None else check_real("step", step, positive=True)
    h = rel * np.maximum(np.abs(g), 1e-2)
    disp = eye * h
    points = np.concatenate([g[:, None] + 2 * disp, g[:, None] + disp, g[:, None] - disp, g[:, None] - 2 * disp], axis=1)
    values = np.asarray(system.beta(points, t), dtype=float)
    p2, p1, m1, m2 = np.split(values, 4, axis=1)
    return (-p2 + 8 * p1 - 8 * m1 + m2) / (12 * h[None, :])


def critical_exponents(matrix) -> np.ndarray:
    """Critical exponents theta = -eigenvalues of a stability matrix, largest real part first.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        d beta_i / d g_j with t = ln k.

    Returns
    -------
    ndarray, shape (n,)
        Real when all eigenvalues are real, complex otherwise; sorted by decreasing real part
        (ties by decreasing imaginary part). theta > 0 marks a relevant direction.

    Examples
    --------
    >>> critical_exponents([[-2.0, 0.0], [0.0, 1.0]])
    array([ 2., -1.])
    """
    m = check_array("matrix", matrix, ndim=2)
    if m.shape[0] != m.shape[1]:
        raise InvalidArgumentError(f"matrix must be square, got shape {m.shape}")
    theta = -np.linalg.eigvals(m)
    order = np.lexsort((-theta.imag, -theta.real))
    theta = theta[order]
    if np.all(np.abs(theta.imag) <= 1e-12 * np.maximum(1.0, np.abs(theta.real))):
        theta = theta.real.copy()
    return theta


def relevant_count(theta) -> int:
    """Number of relevant directions among the critical exponents ``theta`` (Re theta > :data:`MARGINAL`)."""
    return int(np.sum(np.real(np.asarray(theta)) > MARGINAL))


def nu_omega(theta) -> tuple[float, float]:
    """nu = 1 / Re theta_1 (NaN without a relevant direction) and omega = -Re theta of the least irrelevant
    direction (NaN if none) from the critical exponents ``theta``."""
    re = np.real(np.asarray(theta))
    nu = float(1.0 / re.max()) if np.any(re > MARGINAL) else float("nan")
    irrelevant = -re[re < -MARGINAL]
    return nu, float(irrelevant.min()) if irrelevant.size else float("nan")

"""The functional LPA of the scalar and O(N) models: the full potential on a Chebyshev grid.

With the Litim regulator and eta = 0 the dimensionless potential u(r), r = k^(2-D) rho (rho = phi.phi/2),
of N real scalars flows as

    d_t u = -D u + (D - 2) r u' + c_D [ (N - 1)/(1 + u') + 1/(1 + u' + 2 r u'') ],   c_D = V_D,

(V_D = 1/(2^D pi^(D/2) Gamma(D/2 + 1)), the normalisation of :mod:`tensornn.flow.potential`). The
code works with w = u' and the variable x = r / c_D, in which the loop factor disappears:

    d_t w = F[w] = -2 w + (D - 2) x w' - b [ (N - 1) w'/(1 + a w)^2 + (3 w' + 2 x w'')/(1 + a (w + 2 x w'))^2 ],

with a = b = 1 for the kinetic term p^2 (a = 1/p(k), b = q(k)/p(k)^2 for another kinetic function,
:mod:`tensornn.flow.kinetic`). A fixed point is a solution of F[w] = 0 on the whole half-line that is
regular at x = 0 and grows like x^(2/(D-2)) at infinity.

Discretisation (docs/functional_lpa.md): Chebyshev collocation on [0, L] (:class:`ChebyshevGrid`).
At x = 0 the equation is singular (the coefficient of w'' vanishes) and collocating it there imposes
regularity. At large x the equation is a singular perturbation: the term 2 x w''/(1 + w + 2 x w')^2
is small, and the second solution grows like exp(int (D - 2)(1 + w + 2 x w')^2 / 2 dx). At x = L the
grid therefore evolves w by the asymptotic (outer) equation, with w'' replaced by its power-law
value (p - 1) w'/x, p = 2/(D - 2): any error of this condition decays into the domain by the factor
exp(-I(x)), I(x) = int_x^L (D - 2)(1 + w + 2 x w')^2/2 dx, which :class:`FunctionalFixedPoint`
reports (``boundary_decay`` = I(L/2)). The boundary row is a dynamical equation like the interior
ones, so the linearisation d_t v = J v is a standard eigenvalue problem: u = u* + eps e^(-theta t) v
gives J v = -theta v.

References
----------
Borchardt, Knorr, arXiv:1502.07511 (pseudo-spectral methods for the functional RG); Morris,
hep-th/9410141 (LPA fixed points by shooting); Litim, hep-th/0203006 (LPA exponents, Litim regulator).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from .._checks import check_real
from ..errors import InvalidArgumentError
from .chebyshev import ChebyshevGrid

__all__ = ["boundary_decay", "check_dim", "lpa_residual", "regrid", "solve_lpa", "spectrum"]

#: Relative residual accepted by Newton's method.
NEWTON_TOL = 1e-11


def check_dim(dim) -> float:
    """D as a float in (2, 4]; the message says why."""
    dim = check_real("dim", dim)
    if not 2.0 < dim <= 4.0:
        raise InvalidArgumentError(
            f"dim must lie in (2, 4] for the functional LPA, got {dim}: at D <= 2 rho has no scaling dimension "
            "(r = k^(2-D) rho) and above 4 only the Gaussian fixed point exists")
    return dim


# ----------------------------------------------------------------------------- the equation


def lpa_residual(w, grid: ChebyshevGrid, dim: float, n_components: float, a=1.0, b=1.0, *, jacobian=False):
    """F[w] at the grid points (x = r / V_D), and optionally its Jacobian dF_i/dw_j.

    Parameters
    ----------
    w : ndarray, shape (n + 1,)
        w = u'(r) at the grid points.
    grid : ChebyshevGrid
    dim, n_components : float
    a, b : float
        1/p and q/p^2 of the kinetic function (1 and 1 for p^2).
    jacobian : bool

    Returns
    -------
    F : ndarray, shape (n + 1,)
        d_t w at the grid points; at x = L the outer equation, w'' = (p - 1) w'/x with p = 2/(D - 2).
    scale : ndarray, shape (n + 1,)
        1 + |2 w| + |(D - 2) x w'|, the size of the terms that cancel at a fixed point.
    J : ndarray, shape (n + 1, n + 1)
        Only when ``jacobian`` is True.
    """
    x, d1 = grid.x, grid.d1
    power = 2.0 / (dim - 2.0)
    w1 = d1 @ w
    w2 = grid.d2 @ w
    w2[-1] = (power - 1.0) * w1[-1] / x[-1]
    g = 1.0 + a * w
    h = 1.0 + a * (w + 2.0 * x * w1)
    s = 3.0 * w1 + 2.0 * x * w2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        goldstone = (n_components - 1.0) * w1 / g**2 if n_components != 1 else 0.0
        F = -2.0 * w + (dim - 2.0) * x * w1 - b * (goldstone + s / h**2)
        scale = 1.0 + np.abs(2.0 * w) + np.abs((dim - 2.0) * x * w1)
        if not jacobian:
            return F, scale
        dw = -2.0 + 2.0 * a * b * s / h**3
        dw1 = (dim - 2.0) * x - 3.0 * b / h**2 + 4.0 * a * b * x * s / h**3
        if n_components != 1:
            dw = dw + 2.0 * a * b * (n_components - 1.0) * w1 / g**3
            dw1 = dw1 - b * (n_components - 1.0) / g**2
        dw2 = -2.0 * b * x / h**2
    d2 = np.array(grid.d2)
    d2[-1] = (power - 1.0) * d1[-1] / x[-1]
    J = dw1[:, None] * d1 + dw2[:, None] * d2
    J[np.diag_indices_from(J)] += dw
    return F, scale, J


def solve_lpa(start, grid: ChebyshevGrid, dim: float, n_components: float, *, max_iterations: int = 60,
              tol: float = NEWTON_TOL):
    """Newton's method with backtracking for F[w] = 0 from ``start`` (values at the grid points).

    Returns
    -------
    w : ndarray or None
        The solution, or None when Newton's method failed (singular Jacobian, no decrease, non-finite).
    iterations : int
    residual : float
        max_i |F_i| / scale_i at the returned point (inf on failure).
    """
    w = np.array(start, dtype=float)
    F, scale = lpa_residual(w, grid, dim, n_components)
    merit = float(np.max(np.abs(F) / scale))
    if not np.isfinite(merit):
        return None, 0, math.inf
    for it in range(1, max_iterations + 1):
        F, scale, J = lpa_residual(w, grid, dim, n_components, jacobian=True)
        try:
            step = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            return None, it, math.inf
        if not np.all(np.isfinite(step)):
            return None, it, math.inf
        lam = 1.0
        while lam > 1e-4:
            trial = w + lam * step
            Ft, st = lpa_residual(trial, grid, dim, n_components)
            m_t = float(np.max(np.abs(Ft) / st))
            if np.isfinite(m_t) and (m_t < (1 - 1e-4 * lam) * merit or m_t < tol):
                break
            lam /= 2
        else:
            return (w, it, merit) if merit < tol else (None, it, math.inf)
        small = np.max(np.abs(lam * step)) <= 1e-13 * (1.0 + np.max(np.abs(w)))
        w, merit = trial, m_t
        if merit < tol and (small or lam == 1.0 and merit < 1e-3 * tol):
            return w, it, merit
        if merit < tol and it > 3 and small:
            return w, it, merit
    return (w, max_iterations, merit) if merit < tol else (None, max_iterations, math.inf)


def boundary_decay(w, grid: ChebyshevGrid, dim: float, n_components: float) -> float:
    """I(L/2) = int_{L/2}^{L} A/E dx, the damping exponent of the boundary condition's error in [0, L/2].

    Near x = L the linearised equation is E v'' + A v' + ... with E = 2 x / h^2 (h = 1 + w + 2 x w')
    and A = (D - 2) x - (N - 1)/(1 + w)^2 - 3/h^2 + 4 x (3 w' + 2 x w'')/h^3; the mode that the
    boundary condition controls grows like exp(int A/E) towards L (WKB), so an error made at L is
    damped by exp(-I) in the inner half of the domain.
    """
    fine = np.linspace(grid.length / 2, grid.length, 801)
    w0 = grid.interpolate(w, fine)
    w1 = grid.interpolate(grid.d1 @ w, fine)
    w2 = grid.interpolate(grid.d2 @ w, fine)
    h = 1.0 + w0 + 2.0 * fine * w1
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (dim - 2.0) * fine - (n_components - 1.0) / (1.0 + w0) ** 2 - 3.0 / h**2 \
            + 4.0 * fine * (3.0 * w1 + 2.0 * fine * w2) / h**3
        ratio = a * h**2 / (2.0 * fine)
    return float(np.sum((ratio[1:] + ratio[:-1]) * np.diff(fine)) / 2)


def spectrum(J: np.ndarray, n_keep: int):
    """theta = -eigenvalues of J (largest real part first) and the eigenvectors (columns)."""
    values, vectors = scipy.linalg.eig(J)
    theta = -values
    order = np.lexsort((-np.abs(np.imag(theta)), -np.real(theta)))[:n_keep]
    theta, vectors = theta[order], vectors[:, order]
    real = np.abs(np.imag(theta)) <= 1e-10 * (1 + np.abs(theta))
    theta = np.where(real, np.real(theta), theta)
    if np.all(real):
        theta = np.real(theta)
        vectors = np.real(vectors)
    return theta, vectors


def regrid(w, old: ChebyshevGrid, new: ChebyshevGrid, dim: float) -> np.ndarray:
    """Values on ``new`` from the solution on ``old``; beyond old L a power law with the local exponent continues w.

    The local exponent L w'(L)/w(L) lies between that of a polynomial-like (near-Gaussian) solution
    and the asymptotic 2/(D - 2); for w(L) <= 0 the continuation is linear.
    """
    inside = new.x <= old.length
    out = np.empty(new.n + 1)
    out[inside] = old.interpolate(w, np.minimum(new.x[inside], old.length))
    if np.any(~inside):
        wl, slope, length = w[-1], float((old.d1 @ w)[-1]), old.length
        if wl > 0 and slope > 0:
            power = min(length * slope / wl, 2.0 / (dim - 2.0))
            out[~inside] = wl * (new.x[~inside] / length) ** power
        else:
            out[~inside] = wl + slope * (new.x[~inside] - length)
    return out

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

Any regulator of the registry (:mod:`tensornn.flow.threshold_functions`): the loop 1/(1 + w) becomes the
threshold function lambda(w) (lambda = 1/(1 + w) for Litim), so that

    d_t w = F[w] = -2 w + (D - 2) x w' + (N - 1) lambda'(w) w' + lambda'(w + 2 x w') (3 w' + 2 x w''),

and every function below takes ``threshold`` (None: the Litim closed forms, exactly as written above).

References
----------
Borchardt, Knorr, arXiv:1502.07511 (pseudo-spectral methods for the functional RG); Morris,
hep-th/9410141 (LPA fixed points by shooting); Litim, hep-th/0203006 (LPA exponents, Litim regulator).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import scipy.linalg

from .._checks import check_real
from ..errors import InvalidArgumentError
from .chebyshev import ChebyshevGrid

__all__ = ["boundary_decay", "check_dim", "coefficients", "lpa_residual", "regrid", "solve_lpa", "spectrum"]

#: Relative residual accepted by Newton's method.
NEWTON_TOL = 1e-11

#: Relative residual accepted when Newton's method has stopped moving (the rounding floor of fine grids).
FLOOR_TOL = 1e-9


def check_dim(dim) -> float:
    """D as a float in (2, 4]; the message says why."""
    dim = check_real("dim", dim)
    if not 2.0 < dim <= 4.0:
        raise InvalidArgumentError(
            f"dim must lie in (2, 4] for the functional LPA, got {dim}: at D <= 2 rho has no scaling dimension "
            "(r = k^(2-D) rho) and above 4 only the Gaussian fixed point exists")
    return dim


# ----------------------------------------------------------------------------- the equation


def lpa_residual(w, grid: ChebyshevGrid, dim: float, n_components: float, a=1.0, b=1.0, *, jacobian=False,
                 threshold=None):
    """F[w] at the grid points (x = r / V_D), and optionally its Jacobian dF_i/dw_j.

    Parameters
    ----------
    w : ndarray, shape (n + 1,)
        w = u'(r) at the grid points.
    grid : ChebyshevGrid
    dim, n_components : float
    a, b : float
        1/p and q/p^2 of the kinetic function (1 and 1 for p^2; other values need the Litim regulator).
    jacobian : bool
    threshold : ThresholdFunction, optional
        The regulator's threshold function (:mod:`tensornn.flow.threshold_functions`); None or Litim: the
        closed form 1/(1 + w).

    Returns
    -------
    F : ndarray, shape (n + 1,)
        d_t w at the grid points; at x = L the outer equation, w'' = (p - 1) w'/x with p = 2/(D - 2).
    scale : ndarray, shape (n + 1,)
        1 + |2 w| + |(D - 2) x w'|, the size of the terms that cancel at a fixed point.
    J : ndarray, shape (n + 1, n + 1)
        Only when ``jacobian`` is True.
    """
    if threshold is not None and not threshold.is_litim:
        return _regulated_residual(w, grid, dim, n_components, threshold, jacobian)
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
    return F, scale, _assemble(grid, dim, dw, dw1, dw2)


def _assemble(grid, dim, dw, dw1, dw2):
    """J = diag(dw) + diag(dw1) D1 + diag(dw2) D2, with the outer equation's w'' in the last row."""
    power = 2.0 / (dim - 2.0)
    d2 = np.array(grid.d2)
    d2[-1] = (power - 1.0) * grid.d1[-1] / grid.x[-1]
    J = dw1[:, None] * grid.d1 + dw2[:, None] * d2
    J[np.diag_indices_from(J)] += dw
    return J


def _regulated_residual(w, grid, dim, n_components, threshold, jacobian):
    """lpa_residual with a threshold function lambda: F = -2 w + (D - 2) x w' + (N - 1) lambda'(w) w' + lambda'(h) s."""
    x = grid.x
    power = 2.0 / (dim - 2.0)
    w1 = grid.d1 @ w
    w2 = grid.d2 @ w
    w2[-1] = (power - 1.0) * w1[-1] / x[-1]
    h = w + 2.0 * x * w1
    s = 3.0 * w1 + 2.0 * x * w2
    count = 3 if jacobian else 2
    lam_h = threshold.derivatives(h, count)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        F = -2.0 * w + (dim - 2.0) * x * w1 + lam_h[1] * s
        if n_components != 1:
            lam_w = threshold.derivatives(w, count)
            F = F + (n_components - 1.0) * lam_w[1] * w1
        scale = 1.0 + np.abs(2.0 * w) + np.abs((dim - 2.0) * x * w1)
        if not jacobian:
            return F, scale
        dw = -2.0 + lam_h[2] * s
        dw1 = (dim - 2.0) * x + 3.0 * lam_h[1] + 2.0 * x * lam_h[2] * s
        if n_components != 1:
            dw = dw + (n_components - 1.0) * lam_w[2] * w1
            dw1 = dw1 + (n_components - 1.0) * lam_w[1]
        dw2 = 2.0 * x * lam_h[1]
    return F, scale, _assemble(grid, dim, dw, dw1, dw2)


@lru_cache(maxsize=64)
def _outer_half(n: int, length: float, nodes: int = 48):
    """Gauss-Legendre nodes and weights on [L/2, L] and the interpolation matrices of w, w', w'' there."""
    grid = ChebyshevGrid(n, length)
    t, weights = np.polynomial.legendre.leggauss(nodes)
    x = length * (3 + t) / 4
    m0 = grid.interpolation_matrix(x)
    return x, weights * length / 4, m0, m0 @ grid.d1, m0 @ grid.d2


def coefficients(w, grid: ChebyshevGrid, dim: float, n_components: float, threshold=None, points=None):
    """(A, E) at ``points`` (default the grid): the coefficients of w' and w'' in the linearised equation.

    E = -dF/dw'' = -2 x lambda'(h) (2 x / (1 + h)^2 for Litim, h = w + 2 x w') and A = dF/dw'; they set the
    growth exp(int A/E dx) of the mode the boundary condition controls (:func:`boundary_decay`).
    """
    if points is None:
        x, w0, w1, w2 = grid.x, w, grid.d1 @ w, grid.d2 @ w
    else:
        x = np.asarray(points, dtype=float)
        m = grid.interpolation_matrix(x)
        w0, w1, w2 = m @ w, m @ (grid.d1 @ w), m @ (grid.d2 @ w)
    return _coefficients(x, w0, w1, w2, dim, n_components, threshold)


def _coefficients(x, w0, w1, w2, dim, n_components, threshold):
    h = w0 + 2.0 * x * w1
    s = 3.0 * w1 + 2.0 * x * w2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if threshold is None or threshold.is_litim:
            l1h, l2h = -1.0 / (1.0 + h) ** 2, 2.0 / (1.0 + h) ** 3
            l1w = -1.0 / (1.0 + w0) ** 2
        else:
            lam = threshold.derivatives(h, 3)
            l1h, l2h = lam[1], lam[2]
            l1w = threshold.derivatives(w0, 2)[1]
        a = (dim - 2.0) * x + (n_components - 1.0) * l1w + 3.0 * l1h + 2.0 * x * l2h * s
        e = -2.0 * x * l1h
    return a, e


def solve_lpa(start, grid: ChebyshevGrid, dim: float, n_components: float, *, max_iterations: int = 60,
              tol: float = NEWTON_TOL, threshold=None):
    """Newton's method with backtracking for F[w] = 0 from ``start`` (values at the grid points).

    Converged when the relative residual is below ``tol``, or, on fine grids whose differentiation
    matrices amplify rounding (the residual then stalls near 1e-11 to 1e-10 for n >= 144), when no step
    decreases it any more, it is below :data:`FLOOR_TOL` and the full Newton step is below 1e-10 of max |w|.

    Returns
    -------
    w : ndarray or None
        The solution, or None when Newton's method failed (singular Jacobian, no decrease, non-finite).
    iterations : int
    residual : float
        max_i |F_i| / scale_i at the returned point (inf on failure).
    """
    w = np.array(start, dtype=float)
    F, scale = lpa_residual(w, grid, dim, n_components, threshold=threshold)
    merit = float(np.max(np.abs(F) / scale))
    if not np.isfinite(merit):
        return None, 0, math.inf
    for it in range(1, max_iterations + 1):
        F, scale, J = lpa_residual(w, grid, dim, n_components, jacobian=True, threshold=threshold)
        try:
            step = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            return None, it, math.inf
        if not np.all(np.isfinite(step)):
            return None, it, math.inf
        lam = 1.0
        while lam > 1e-4:
            trial = w + lam * step
            Ft, st = lpa_residual(trial, grid, dim, n_components, threshold=threshold)
            m_t = float(np.max(np.abs(Ft) / st))
            if np.isfinite(m_t) and (m_t < (1 - 1e-4 * lam) * merit or m_t < tol):
                break
            lam /= 2
        else:  # no decrease: converged, or at the rounding floor of a fine grid (the full step is negligible)
            at_floor = merit < FLOOR_TOL and np.max(np.abs(step)) <= 1e-10 * (1.0 + np.max(np.abs(w)))
            return (w, it, merit) if merit < tol or at_floor else (None, it, math.inf)
        small = np.max(np.abs(lam * step)) <= 1e-13 * (1.0 + np.max(np.abs(w)))
        w, merit = trial, m_t
        if merit < tol and (small or lam == 1.0 and merit < 1e-3 * tol):
            return w, it, merit
        if merit < tol and it > 3 and small:
            return w, it, merit
    return (w, max_iterations, merit) if merit < tol else (None, max_iterations, math.inf)


def boundary_decay(w, grid: ChebyshevGrid, dim: float, n_components: float, threshold=None) -> float:
    """I(L/2) = int_{L/2}^{L} A/E dx, the damping exponent of the boundary condition's error in [0, L/2].

    The integral is taken with 48 Gauss-Legendre nodes on [L/2, L] (interpolation matrices cached per grid).

    Near x = L the linearised equation is E v'' + A v' + ... with E = 2 x / h^2 (h = 1 + w + 2 x w')
    and A = (D - 2) x - (N - 1)/(1 + w)^2 - 3/h^2 + 4 x (3 w' + 2 x w'')/h^3 (Litim; :func:`coefficients`
    for any regulator); the mode that the boundary condition controls grows like exp(int A/E) towards L
    (WKB), so an error made at L is damped by exp(-I) in the inner half of the domain.
    """
    x, weights, m0, m1, m2 = _outer_half(grid.n, grid.length)
    a, e = _coefficients(x, m0 @ w, m1 @ w, m2 @ w, dim, n_components, threshold)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(weights * a / e))


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

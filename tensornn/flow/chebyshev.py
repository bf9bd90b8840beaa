"""Chebyshev collocation on a finite interval [0, L].

The functional LPA (:mod:`tensornn.flow.functional`) represents a function f(x) on [0, L] by its
values at the n + 1 Chebyshev-Gauss-Lobatto points x_j = L (1 + xi_j)/2, xi_j = -cos(pi j / n).
Derivatives are the exact derivatives of the interpolating polynomial (Trefethen, *Spectral
Methods in MATLAB*, ch. 6, the matrix ``cheb``), d/dx = (2/L) d/dxi. For a function analytic in a
neighbourhood of the interval the interpolation error decays exponentially with n;
:meth:`ChebyshevGrid.coefficients` gives the Chebyshev coefficients a_k (f = sum_k a_k T_k(xi)),
whose decay is the standard convergence diagnostic.

References
----------
Trefethen, *Spectral Methods in MATLAB* (SIAM 2000); Boyd, *Chebyshev and Fourier Spectral
Methods* (Dover 2001).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.polynomial import chebyshev as _cheb

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError

__all__ = ["ChebyshevGrid"]


@dataclass(frozen=True, repr=False)
class ChebyshevGrid:
    """Chebyshev-Gauss-Lobatto collocation points on [0, length] with differentiation matrices.

    Parameters
    ----------
    n : int
        Polynomial degree; the grid has n + 1 points (n >= 4).
    length : float
        L > 0, the right end of the interval.

    Attributes
    ----------
    xi : ndarray, shape (n + 1,)
        Points on [-1, 1], increasing (xi_0 = -1, xi_n = 1).
    x : ndarray, shape (n + 1,)
        Points on [0, L], increasing, x_0 = 0 and x_n = L.
    d1, d2 : ndarray, shape (n + 1, n + 1)
        First and second derivative matrices in x: (d1 @ f)_j = f'(x_j) of the interpolant.

    Examples
    --------
    >>> grid = ChebyshevGrid(12, 2.0)
    >>> f = grid.x**3
    >>> bool(np.allclose(grid.d1 @ f, 3 * grid.x**2) and np.allclose(grid.d2 @ f, 6 * grid.x))
    True
    """

    n: int
    length: float
    xi: np.ndarray = field(init=False)
    x: np.ndarray = field(init=False)
    d1: np.ndarray = field(init=False)
    d2: np.ndarray = field(init=False)
    _transform: np.ndarray = field(init=False)

    def __post_init__(self):
        n = check_int("n", self.n, minimum=4, maximum=2000)
        length = check_real("length", self.length, positive=True)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "length", length)
        xi = np.sin(np.pi * (2 * np.arange(n + 1) - n) / (2 * n))  # = -cos(pi j / n), exactly symmetric
        dxi = _cheb_matrix(xi)
        x = length * (1 + xi) / 2
        x[0], x[-1] = 0.0, length  # exact end points
        d1 = dxi * (2.0 / length)
        d2 = d1 @ d1
        # values -> Chebyshev coefficients: a_k = (2/n) sum''_j f_j T_k(xi_j), the ends of both sums halved
        transform = np.cos(np.pi * np.outer(np.arange(n + 1), np.arange(n, -1, -1)) / n) * (2.0 / n)
        transform[:, [0, -1]] /= 2
        transform[[0, -1], :] /= 2
        for name, value in (("xi", xi), ("x", x), ("d1", d1), ("d2", d2), ("_transform", transform)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    def to_xi(self, x) -> np.ndarray:
        """xi(x) = 2 x / L - 1."""
        return 2 * np.asarray(x, dtype=float) / self.length - 1

    def coefficients(self, values) -> np.ndarray:
        """Chebyshev coefficients a_k of the interpolant, f(x) = sum_k a_k T_k(xi(x)), along axis 0.

        ``values`` has shape (n + 1,) or (n + 1, m) (values at ``x``).
        """
        values = self._check_values(values)
        return self._transform @ values

    def interpolate(self, values, points) -> np.ndarray:
        """Evaluate the interpolant of ``values`` (at ``x``) at ``points`` in [0, L].

        Returns shape ``points.shape`` for one function, ``points.shape + (m,)`` for m columns.
        """
        values = self._check_values(values)
        points = np.asarray(points, dtype=float)
        if np.any(points < -1e-12 * self.length) or np.any(points > self.length * (1 + 1e-12)):
            raise InvalidArgumentError(
                f"points must lie in the grid's interval [0, {self.length:g}], got values in "
                f"[{float(np.min(points)):g}, {float(np.max(points)):g}]; the interpolant is not valid outside")
        out = _cheb.chebval(self.to_xi(points), self._transform @ values)
        return np.moveaxis(out, 0, -1) if values.ndim == 2 else out

    def interpolation_matrix(self, points) -> np.ndarray:
        """M with M @ values = the interpolant at ``points`` (shape (len(points), n + 1)): reuse it for many functions."""
        points = np.asarray(points, dtype=float)
        return _cheb.chebvander(self.to_xi(points), self.n) @ self._transform

    def integrate(self, values, points) -> np.ndarray:
        """int_0^x f(y) dy at ``points`` for the interpolant of ``values`` (one function), exactly."""
        values = self._check_values(values)
        if values.ndim != 1:
            raise InvalidArgumentError(
                f"integrate takes one function, values of shape ({self.n + 1},), got {values.shape}")
        coef = _cheb.chebint(self._transform @ values, lbnd=-1.0) * (self.length / 2)
        return _cheb.chebval(self.to_xi(np.asarray(points, dtype=float)), coef)

    def derivative_at_zero(self, values, order: int) -> float:
        """The ``order``-th x-derivative of the interpolant at x = 0 (exact for the polynomial in xi)."""
        values = self._check_values(values)
        order = check_int("order", order, minimum=0)
        f = np.asarray(values, dtype=float)
        for _ in range(order):
            f = self.d1 @ f
        return float(f[0])

    def _check_values(self, values):
        values = np.asarray(values, dtype=float)
        if values.ndim not in (1, 2) or values.shape[0] != self.n + 1:
            raise InvalidArgumentError(
                f"values must have shape ({self.n + 1},) or ({self.n + 1}, m) (one value per grid point), got "
                f"{values.shape}")
        return values

    def __repr__(self) -> str:
        return f"ChebyshevGrid(n={self.n}, [0, {self.length:.6g}])"


def _cheb_matrix(xi: np.ndarray) -> np.ndarray:
    """Differentiation matrix on the Chebyshev-Lobatto points xi (any order of the points).

    D_ij = (c_i/c_j) (-1)^(i+j) / (xi_i - xi_j) off the diagonal, c = 2 at the ends and 1 inside;
    the diagonal is minus the row sum (the derivative of a constant is zero exactly).
    """
    n = len(xi) - 1
    c = np.ones(n + 1)
    c[0] = c[-1] = 2.0
    c *= (-1.0) ** np.arange(n + 1)
    dx = xi[:, None] - xi[None, :]
    d = np.outer(c, 1.0 / c) / (dx + np.eye(n + 1))
    d -= np.diag(d.sum(axis=1))
    return d

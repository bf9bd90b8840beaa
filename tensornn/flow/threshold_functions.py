"""Threshold functions of the LPA potential of the scalar and O(N) models, for any regulator of the registry.

In the LPA a regulator R_k(p) = k^2 r(y), y = p^2/k^2 (:mod:`tensornn.theory.regulators`, s = 2), turns
the loop of one mode with mass m^2 = k^2 w into

    (1/2) int d^Dp/(2 pi)^D d_t R_k / (p^2 + R_k + m^2) = k^D V_D lambda(w),
    lambda(w) = (D/2) int_0^inf dy y^(D/2 - 1) (r - y r')(y) / (y + r(y) + w),

with V_D = 1/(2^D pi^(D/2) Gamma(D/2 + 1)) the loop factor of :mod:`tensornn.flow.potential`. The
normalisation makes the Litim regulator's threshold function lambda(w) = 1/(1 + w), so that every flow of
the potential reads

    d_t u = -D u + (D - 2) r u' + V_D [ (N - 1) lambda(u') + lambda(u' + 2 r u'') ]

for every regulator, the Litim flow being the case lambda = 1/(1 + w). The derivatives

    lambda^(n)(w) = (D/2) (-1)^n n! int_0^inf dy y^(D/2 - 1) (r - y r')(y) / (y + r(y) + w)^(n + 1)

are, up to constant factors, the threshold functions l_n^D(w) of Berges, Tetradis and Wetterich
(only lambda and its derivatives are used here).

:class:`ThresholdFunction` evaluates them: in closed form for the Litim regulator, by Gauss quadrature for
smooth ones (Gauss-Jacobi with the weight y^(D/2 - 1) on [0, 1], Gauss-Legendre on [1, 12] and Gauss-Laguerre
beyond, where the summand decays like e^-y). The nodes, the weights and the regulator's shape at the
nodes are computed once per regulator and dimension (:func:`threshold_function` caches the objects).

References
----------
Berges, Tetradis, Wetterich, hep-ph/0005122 (threshold functions); Litim, hep-th/0005245 (the optimised
regulator and its closed forms).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import roots_jacobi, roots_laguerre, roots_legendre

from .._checks import check_int, check_real
from ..theory.regulators import Regulator, get_regulator

__all__ = ["ThresholdFunction", "threshold_function", "QUADRATURE_NODES"]

#: Gauss nodes on each of the three pieces of the half-line (tests/test_threshold_functions.py checks the
#: result against adaptive quadrature to 1e-13 for the derivatives the solvers use).
QUADRATURE_NODES = 96

_MIDDLE = 12.0  # end of the Gauss-Legendre piece [1, _MIDDLE]


@lru_cache(maxsize=32)
def _rule(p: float, nodes: int):
    """Nodes y_j and weights W_j with int_0^inf y^(p-1) f(y) dy ~ sum_j W_j f(y_j)."""
    t, wt = roots_jacobi(nodes, 0.0, p - 1.0)
    inner_y, inner_w = (1 + t) / 2, wt * 2.0**-p
    t, wt = roots_legendre(nodes)
    mid_y = 1 + (_MIDDLE - 1) * (1 + t) / 2
    mid_w = wt * (_MIDDLE - 1) / 2 * mid_y ** (p - 1)
    y, wy = roots_laguerre(nodes)
    outer_y = _MIDDLE + y
    outer_w = wy * np.exp(y) * outer_y ** (p - 1)
    return np.concatenate([inner_y, mid_y, outer_y]), np.concatenate([inner_w, mid_w, outer_w])


class ThresholdFunction:
    """lambda(w) of one regulator in D dimensions and its derivatives (module docstring).

    Parameters
    ----------
    regulator : str or Regulator
        A name of :data:`~tensornn.theory.REGULATORS` or a member of a family ("exponential(alpha=2)").
    dim : float
        D > 0.
    nodes : int
        Gauss nodes per piece of the half-line (smooth regulators only).

    Attributes
    ----------
    regulator : Regulator
    dim : float
    is_litim : bool
        True for the closed form lambda(w) = 1/(1 + w).
    pole : float
        -min_y (y + r(y)): lambda has its pole at w = pole (-1 for Litim).

    Examples
    --------
    >>> lam = ThresholdFunction("litim", 3.0)
    >>> lam.derivatives(0.5, 3).tolist()   # 1/(1 + w), -1/(1 + w)^2, 2/(1 + w)^3 at w = 1/2
    [0.6666666666666666, -0.4444444444444444, 0.5925925925925926]
    >>> round(float(ThresholdFunction("exponential", 3.0)(0.0)), 10)
    2.6749397869
    """

    def __init__(self, regulator="litim", dim: float = 3.0, nodes: int = QUADRATURE_NODES):
        self.regulator = get_regulator(regulator)
        self.dim = check_real("dim", dim, positive=True)
        self.nodes = check_int("nodes", nodes, minimum=8, maximum=2000)
        self.is_litim = self.regulator.counting
        if self.is_litim:
            self.pole = -1.0
            return
        y, weights = _rule(self.dim / 2, self.nodes)
        r, r1, _ = self.regulator.shape_derivatives(y)
        self._p = y + r  # propagator shape y + r(y)
        self._a = (self.dim / 2) * weights * (r - y * r1)  # measure times d_t R / 2
        self._log_y = np.log(y) / 2  # d/dD of the measure y^(D/2 - 1)
        grid = np.linspace(0.0, 8.0, 4001)
        self.pole = -float(np.min(grid + self.regulator.shape(grid)))

    @property
    def name(self) -> str:
        return self.regulator.name

    def __call__(self, w):
        """lambda(w)."""
        return self.derivatives(w, 1)[0]

    def derivatives(self, w, count: int):
        """lambda^(k)(w) for k = 0 .. count - 1, shape (count,) + shape(w); w may be complex.

        For a smooth regulator the integral has no value at or beyond the pole (real w <= ``pole``): NaN
        there (the Litim closed form continues past it as a rational function).
        """
        w = np.asarray(w)
        count = check_int("count", count, minimum=1, maximum=200)
        k = np.arange(count).reshape((-1,) + (1,) * w.ndim)
        signs = (-1.0) ** k * np.array([math.factorial(j) for j in range(count)], dtype=float).reshape(k.shape)
        if self.is_litim:
            return signs / (1.0 + w[None]) ** (k + 1)
        if not np.iscomplexobj(w) and np.any(beyond := ~(w > self.pole)):
            w = np.where(beyond, np.nan, w)
        inv = 1.0 / (self._p.reshape((-1,) + (1,) * w.ndim) + w[None])  # (nodes, ...)
        out = np.empty((count,) + w.shape, dtype=np.result_type(w, float))
        power = inv * self._a.reshape((-1,) + (1,) * w.ndim)
        for j in range(count):
            out[j] = power.sum(axis=0)
            if j + 1 < count:
                power = power * inv
        return signs * out

    def dim_derivatives(self, w, count: int):
        """d lambda^(k)(w) / dD for k = 0 .. count - 1 (zero for Litim, whose lambda does not depend on D).

        d/dD of (D/2) int y^(D/2 - 1) f(y) dy is lambda/D + (D/2) int (ln y / 2) y^(D/2 - 1) f(y) dy; the
        Gauss-Jacobi nodes integrate the logarithm at y = 0 only to about 1e-6 relative, enough for the
        tangents and Newton corrections of a continuation in D (their residuals use lambda itself).
        """
        w = np.asarray(w)
        if self.is_litim:
            return np.zeros((check_int("count", count, minimum=1, maximum=200),) + w.shape)
        base = self.derivatives(w, count) / self.dim
        k = np.arange(count).reshape((-1,) + (1,) * w.ndim)
        signs = (-1.0) ** k * np.array([math.factorial(j) for j in range(count)], dtype=float).reshape(k.shape)
        if not np.iscomplexobj(w) and np.any(beyond := ~(w > self.pole)):
            w = np.where(beyond, np.nan, w)
        inv = 1.0 / (self._p.reshape((-1,) + (1,) * w.ndim) + w[None])
        power = inv * (self._a * self._log_y).reshape((-1,) + (1,) * w.ndim)
        out = np.empty((count,) + w.shape, dtype=np.result_type(w, float))
        for j in range(count):
            out[j] = power.sum(axis=0)
            if j + 1 < count:
                power = power * inv
        return base + signs * out

    def taylor(self, w0, order: int):
        """Taylor coefficients lambda^(k)(w0)/k!, k = 0..order, shape (order + 1,) + shape(w0)."""
        w0 = np.asarray(w0)
        order = check_int("order", order, minimum=0, maximum=199)
        k = np.arange(order + 1).reshape((-1,) + (1,) * w0.ndim)
        if self.is_litim:
            return (-1.0) ** k / (1.0 + w0[None]) ** (k + 1)
        fact = np.array([math.factorial(j) for j in range(order + 1)], dtype=float).reshape(k.shape)
        return self.derivatives(w0, order + 1) / fact

    def compose(self, series):
        """Truncated power series of lambda(s(x)) from that of s(x) (coefficients along axis 0, batch axes after).

        lambda(s0 + d) = sum_k lambda^(k)(s0)/k! d^k with d = s - s0 (no constant term), by Horner's
        rule in series arithmetic truncated at the length of ``series``.
        """
        s = np.asarray(series)
        length = s.shape[0]
        if self.is_litim:
            shifted = s.copy()
            shifted[0] = shifted[0] + 1.0
            return _reciprocal(shifted)
        coef = self.taylor(s[0], length - 1)  # (length, ...)
        d = s.copy()
        d[0] = 0.0
        out = np.zeros_like(s, dtype=np.result_type(s, coef))
        out[0] = coef[-1]
        for j in range(length - 2, -1, -1):
            out = _multiply(out, d)
            out[0] = out[0] + coef[j]
        return out

    def __repr__(self) -> str:
        return f"ThresholdFunction({self.name!r}, D={self.dim:g})"


def _reciprocal(a):
    """Truncated power series of 1/a (a[0] != 0), coefficients along axis 0 (forward substitution)."""
    r = np.empty_like(a)
    r[0] = 1.0 / a[0]
    for j in range(1, len(a)):
        r[j] = -(a[1 : j + 1] * r[j - 1 :: -1]).sum(axis=0) * r[0]
    return r


def _multiply(a, b):
    """Product of two truncated power series (same length), coefficients along axis 0."""
    out = np.zeros_like(a, dtype=np.result_type(a, b))
    for j in range(len(a)):
        out[j] = (a[: j + 1] * b[j::-1]).sum(axis=0)
    return out


@lru_cache(maxsize=64)
def _cached(regulator: Regulator, dim: float, nodes: int) -> ThresholdFunction:
    return ThresholdFunction(regulator, dim, nodes)


def threshold_function(regulator="litim", dim: float = 3.0, nodes: int = QUADRATURE_NODES) -> ThresholdFunction:
    """The (cached) :class:`ThresholdFunction` of ``regulator`` in ``dim`` dimensions."""
    return _cached(get_regulator(regulator), check_real("dim", dim, positive=True), int(nodes))

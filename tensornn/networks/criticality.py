"""Criticality of deep networks: the fixed point of the single-input kernel recursion and its susceptibilities.

For one input the kernel recursion is the map K -> C_b + C_W g(K), g(K) = E[phi(z)^2], z ~ N(0, K). Its
fixed point K* (the attractor reached from a starting variance K0) and the two susceptibilities

    chi_par  = C_W g'(K*)                  (how a perturbation of K(x, x) propagates: dK^(l+1)/dK^(l)),
    chi_perp = C_W E[phi'(z)^2]_{K*}       (how the distance of two nearby inputs propagates)

decide whether kernels of nearby inputs converge (chi_perp < 1, ordered), separate (chi_perp > 1, chaotic) or stay
apart with depth. A network is critical when chi_par = chi_perp = 1: deviations of the kernel then change only
algebraically with depth, and the four-point vertex grows linearly, so depth/width is the expansion parameter.

- :func:`fixed_point` gives K*, chi_par, chi_perp and a status for one (C_W, C_b);
- :func:`critical_line` the edge of chaos, the weight scale sigma_w(sigma_b) where chi_perp(K*) = 1, with
  chi_par along it;
- :func:`find_critical_points` the points where chi_par = chi_perp = 1. The three conditions (fixed point,
  two unit susceptibilities) fix C_W and C_b once K* is known, so the search runs along K: K* is a root of
  E[phi phi''](K) (the difference of the two susceptibilities over C_W), found on a grid. Nothing about the answer
  is assumed: ReLU comes out at sigma_w^2 = 2, sigma_b = 0 and tanh at sigma_w = 1, sigma_b = 0.

g, g' and E[phi'^2] come from :func:`~tensornn.networks.gaussian_expectations.single_input_maps` (closed forms or
one-dimensional quadrature). The Gauss-net is refused: its per-input normalisation makes g(K) = 1 for every K.

References
----------
Poole, Lahiri, Raghu, Sohl-Dickstein, Ganguli, arXiv:1606.05340; Schoenholz, Gilmer, Ganguli, Sohl-Dickstein,
arXiv:1611.01232; Roberts, Yaida, Hanin, arXiv:2106.10165 (chapter 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_real, check_scale
from ..errors import InvalidArgumentError
from .gaussian_expectations import resolve_activation, single_input_maps

__all__ = ["FixedPoint", "fixed_point", "CriticalLine", "critical_line", "CriticalPoint", "find_critical_points"]

#: Largest variance searched for a fixed point; beyond it the recursion counts as diverging.
K_MAX = 1e8
#: Grid of the fixed-point bracket search (log-spaced in K, plus K = 0).
_BRACKET_POINTS = 120


@dataclass(frozen=True)
class FixedPoint:
    """The attractor of the single-input kernel recursion and its susceptibilities.

    Attributes
    ----------
    sigma_w, sigma_b : float
    kernel : float
        K* (nan when there is none).
    chi_par, chi_perp : float
        The susceptibilities at K* (nan when there is none).
    status : str
        "fixed point", "diverges" (K grows without bound: no fixed point up to K_MAX) or "line of fixed points"
        (every K is fixed: C_b + C_W g(K) = K identically, as for ReLU at C_W = 2, C_b = 0; K* is then K0).
    """

    sigma_w: float
    sigma_b: float
    kernel: float
    chi_par: float
    chi_perp: float
    status: str

    @property
    def success(self) -> bool:
        return self.status != "diverges"

    @property
    def phase(self) -> str:
        """"ordered" (chi_perp < 1), "chaotic" (> 1) or "critical" (both susceptibilities 1 to 1e-9)."""
        if not self.success:
            return "no fixed point"
        if abs(self.chi_par - 1) < 1e-9 and abs(self.chi_perp - 1) < 1e-9:
            return "critical"
        return "ordered" if self.chi_perp < 1 else "chaotic"


def fixed_point(activation, sigma_w, sigma_b=0.0, *, k0: float = 1.0) -> FixedPoint:
    """The fixed point K* reached from K0 by K -> sigma_b^2 + sigma_w^2 g(K), and chi_par, chi_perp there.

    Parameters
    ----------
    activation : str or Activation
    sigma_w : float
        > 0 (C_W = sigma_w^2).
    sigma_b : float
        >= 0 (C_b = sigma_b^2).
    k0 : float
        The starting variance (K^(1) of the input), > 0; it picks the attractor when there are several.

    Returns
    -------
    FixedPoint

    Examples
    --------
    >>> fp = fixed_point("relu", math.sqrt(2.0), 0.0)
    >>> fp.status, round(fp.chi_par, 12), round(fp.chi_perp, 12)
    ('line of fixed points', 1.0, 1.0)
    >>> fixed_point("relu", 1.0, 0.5).kernel   # C_b / (1 - C_W / 2)
    0.5
    """
    phi = _critical_activation(activation)
    sigma_w = check_scale("sigma_w", sigma_w)
    sigma_b = check_scale("sigma_b", sigma_b, allow_zero=True)
    k0 = check_real("k0", k0, positive=True)
    cw, cb = sigma_w**2, sigma_b**2

    def h(k):
        return cb + cw * float(_single_input_maps(phi, np.array([k]))[0][0]) - k

    def result(k, status="fixed point"):
        _, slope, perp = (float(v[0]) for v in _single_input_maps(phi, np.array([float(k)])))
        return FixedPoint(sigma_w, sigma_b, float(k), cw * slope, cw * perp, status)

    grid = np.concatenate([[0.0], np.geomspace(1e-12, K_MAX, _BRACKET_POINTS)])
    grid = np.unique(np.concatenate([grid, [k0]]))
    with np.errstate(over="ignore", invalid="ignore"):
        values = cb + cw * _single_input_maps(phi, grid)[0] - grid
    scale = np.maximum(1.0, grid)
    if np.all(np.abs(values) <= 1e-12 * scale):
        return result(k0, "line of fixed points")
    start = int(np.searchsorted(grid, k0))
    from scipy.optimize import brentq

    if values[start] > 0:  # K grows: the first crossing to negative above K0
        for i in range(start, len(grid) - 1):
            if values[i + 1] <= 0:
                if values[i + 1] == 0:
                    return result(grid[i + 1])
                return result(brentq(h, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-14))
        return FixedPoint(sigma_w, sigma_b, math.nan, math.nan, math.nan, "diverges")
    if values[start] == 0:
        return result(k0)
    for i in range(start, 0, -1):  # K shrinks: the first crossing to positive below K0
        if values[i - 1] >= 0:
            if values[i - 1] == 0:
                return result(grid[i - 1])
            return result(brentq(h, grid[i - 1], grid[i], xtol=1e-300, rtol=1e-14))
    return result(0.0)


def _critical_activation(activation):
    phi = resolve_activation(activation)
    if phi.normalised:
        raise InvalidArgumentError(
            f"activation {phi.name!r} is normalised by the pre-activation variance, so g(K) = E[phi(z)^2] = 1 for "
            "every K and the single-input recursion has no susceptibility to speak of; use 'exp' or another activation")
    return phi


def _single_input_maps(phi, k):
    """g(K) = E[phi^2], g'(K) and g1(K) = E[phi'^2] on an array of variances K (one vectorised call)."""
    return tuple(np.asarray(v, dtype=float) for v in single_input_maps(phi, k))


def _roots(function, grid, values, tolerance):
    """Roots of ``function`` on ``grid``: points where |value| <= tolerance, and sign changes (by brentq)."""
    from scipy.optimize import brentq

    roots = [float(k) for k, v in zip(grid, values) if abs(v) <= tolerance]
    for i in range(len(grid) - 1):
        a, b = values[i], values[i + 1]
        if np.isfinite(a) and np.isfinite(b) and a * b < 0 and abs(a) > tolerance and abs(b) > tolerance:
            roots.append(float(brentq(function, grid[i], grid[i + 1], xtol=1e-300, rtol=1e-14)))
    return sorted(roots)


#: The variances K searched for the critical manifold.
_K_GRID = np.concatenate([[0.0], np.geomspace(1e-8, 1e4, 241)])


@dataclass(frozen=True)
class CriticalLine:
    """The edge of chaos: sigma_w(sigma_b) where chi_perp(K*) = 1, with the fixed point there.

    Attributes
    ----------
    activation : str
    sigma_b : ndarray
    sigma_w : ndarray
        nan where no sigma_w in the searched range gives chi_perp = 1 at a fixed point.
    kernel, chi_par : ndarray
        K* and chi_par on the line.
    """

    activation: str
    sigma_b: np.ndarray
    sigma_w: np.ndarray
    kernel: np.ndarray
    chi_par: np.ndarray

    def to_dict(self) -> dict:
        def clean(a):
            return [None if not np.isfinite(v) else float(v) for v in a]

        return {"activation": self.activation, "sigma_b": clean(self.sigma_b), "sigma_w": clean(self.sigma_w),
                "kernel": clean(self.kernel), "chi_par": clean(self.chi_par)}


def critical_line(activation, sigma_b=(0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)) -> CriticalLine:
    """The edge of chaos: for each sigma_b the weight scale sigma_w where a fixed point has chi_perp = 1.

    At a fixed point with chi_perp = 1, C_W = 1 / g1(K*) (g1 = E[phi'^2]) and K* = C_b + C_W g(K*), so K* is a
    root of r(K) = C_b + g(K) / g1(K) - K: a one-dimensional search on a grid of K in [0, 1e4] (then brentq),
    keeping the stable roots (chi_par = g'(K*) / g1(K*) <= 1), the smallest first. Then sigma_w = g1(K*)^(-1/2).
    Where r vanishes identically (ReLU at sigma_b = 0: every K is a fixed point at C_W = 2) K* is the
    smallest K of the grid where it does. nan where no K gives a root (ReLU with sigma_b > 0: K* = C_b /
    (1 - C_W/2) runs away as C_W -> 2).

    Examples
    --------
    >>> line = critical_line("relu", [0.0, 0.5])
    >>> np.round(line.sigma_w ** 2, 9).tolist()
    [2.0, nan]
    >>> round(float(critical_line("erf", [0.0]).sigma_w[0]), 9)   # sqrt(pi) / 2: chi_perp = C_W 4/pi at K* = 0
    0.886226925
    """
    phi = _critical_activation(activation)
    bs = np.atleast_1d(np.asarray(sigma_b, dtype=float))
    if bs.ndim != 1 or not np.all(np.isfinite(bs)) or np.any(bs < 0):
        raise InvalidArgumentError(f"sigma_b must be finite numbers >= 0, got {sigma_b!r}")
    g, slope, g1 = _single_input_maps(phi, _K_GRID)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(g1 > 0, g / g1, np.nan)
    out = np.full((3, len(bs)), math.nan)
    for j, b in enumerate(bs):
        def r(k, cb=b**2):
            gk, _, g1k = _single_input_maps(phi, np.array([k]))
            return float(cb + gk[0] / g1k[0] - k)

        values = b**2 + ratio - _K_GRID
        for k in _roots(r, _K_GRID, values, 1e-12 * max(1.0, b**2)):
            gk, sk, g1k = (float(v[0]) for v in _single_input_maps(phi, np.array([k])))
            if g1k > 0 and sk / g1k <= 1.0 + 1e-9:
                out[:, j] = 1.0 / math.sqrt(g1k), k, sk / g1k
                break
    return CriticalLine(phi.name, bs, out[0], out[1], out[2])


@dataclass(frozen=True)
class CriticalPoint:
    """A point of the (sigma_w, sigma_b) plane where chi_par = chi_perp = 1 (to ``residual``)."""

    activation: str
    sigma_w: float
    sigma_b: float
    kernel: float
    chi_par: float
    chi_perp: float
    residual: float
    status: str

    def to_dict(self) -> dict:
        """The fields as plain data."""
        return {k: getattr(self, k) for k in ("activation", "sigma_w", "sigma_b", "kernel", "chi_par", "chi_perp",
                                              "residual", "status")}


def find_critical_points(activation, *, k_max: float = 1e4) -> list[CriticalPoint]:
    """Search for the critical points: (sigma_w, sigma_b) with a fixed point where chi_par = chi_perp = 1.

    Both susceptibilities equal 1 at a fixed point K* when C_W g'(K*) = C_W g1(K*) = 1, i.e. K* is a root of
    D(K) = g'(K) - g1(K) = E[phi(z) phi''(z)] (Price's theorem), and then C_W = 1 / g1(K*) and
    C_b = K* - C_W g(K*), which must be >= 0. The roots are searched on a grid of K in [0, k_max] (|D| below
    1e-12 g1 counts as a root; sign changes are refined by brentq). Nothing about the answer is assumed: for
    ReLU D vanishes identically (phi phi'' = 0) and every K gives C_W = 2, C_b = 0 (a line of fixed points,
    reported once); for tanh and erf D < 0 for K > 0 and the root is K* = 0, giving C_W = 1 / phi'(0)^2 and C_b = 0.

    Returns
    -------
    list of CriticalPoint
        One per distinct (sigma_w, sigma_b) (to 1e-9), sorted by sigma_b.

    Examples
    --------
    >>> [(round(p.sigma_w ** 2, 9), round(p.sigma_b, 9), p.status) for p in find_critical_points("relu")]
    [(2.0, 0.0, 'line of fixed points')]
    >>> [(round(p.sigma_w, 9), round(p.sigma_b, 9)) for p in find_critical_points("erf")]   # sqrt(pi)/2, 0
    [(0.886226925, 0.0)]
    """
    phi = _critical_activation(activation)
    k_max = check_scale("k_max", k_max)
    grid = _K_GRID[_K_GRID <= k_max]
    g, slope, g1 = _single_input_maps(phi, grid)

    def d(k):
        _, sk, g1k = _single_input_maps(phi, np.array([k]))
        return float(sk[0] - g1k[0])

    roots = _roots(d, grid, slope - g1, 1e-12 * max(1.0, float(np.max(np.abs(g1)))))
    line = len(roots) > 1 and all(abs(d(k)) <= 1e-12 * max(1.0, float(np.max(np.abs(g1)))) for k in grid)
    found: list[CriticalPoint] = []
    for k in roots:
        gk, sk, g1k = (float(v[0]) for v in _single_input_maps(phi, np.array([k])))
        if not g1k > 0:
            continue
        cw = 1.0 / g1k
        cb = k - cw * gk
        if cb < -1e-12 * max(1.0, k):
            continue
        if abs(cb) <= 1e-12 * max(1.0, k):  # zero to rounding (K - C_W g(K) cancels)
            cb = 0.0
        sigma_w, sigma_b = math.sqrt(cw), math.sqrt(max(cb, 0.0))
        if any(abs(p.sigma_w - sigma_w) < 1e-9 and abs(p.sigma_b - sigma_b) < 1e-9 for p in found):
            continue
        residual = math.hypot(cw * sk - 1.0, cw * g1k - 1.0)
        found.append(CriticalPoint(phi.name, sigma_w, sigma_b, k, cw * sk, cw * g1k, residual,
                                   "line of fixed points" if line else "fixed point"))
    return sorted(found, key=lambda p: (p.sigma_b, p.sigma_w))

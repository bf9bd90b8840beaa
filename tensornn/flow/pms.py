"""Regulator dependence of the LPA exponents and the principle of minimal sensitivity (PMS).

A truncated flow depends on the regulator; the exact one does not. For a one-parameter family of regulators
R_k(alpha) the principle of minimal sensitivity takes the exponents where they are stationary in alpha,
d nu / d alpha = 0 (Stevenson 1981; for the FRG Canet, Delamotte, Mouhanna, Vidal, hep-th/0211055, and Litim,
hep-th/0203006, who shows that within the LPA the optimised regulator gives the smallest nu).

:func:`pms_scan` follows the Wilson-Fisher point of the scalar/O(N) LPA along a family of the registry
(:mod:`tensornn.theory.regulators`; ``"exponential"``: R_k = alpha Z p^2/(exp(p^2/k^2) - 1)): the first member is
solved from scratch (:func:`~tensornn.flow.functional_search.functional_fixed_point` or
:func:`~tensornn.flow.potential.potential_fixed_point`), every next one by Newton's method from its neighbour
(a continuation in alpha), and an interior extremum of nu(alpha) is refined by Brent's method
(:func:`scipy.optimize.minimize_scalar`) to the stationary point. The result is a :class:`RegulatorScan`.
"""

from __future__ import annotations

from typing import Any

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar

from .._checks import check_array, check_choice, check_int, check_real
from .._json import finite
from ..errors import InvalidArgumentError
from ..theory.regulators import REGULATORS, get_regulator
from .functional import lpa_residual, solve_lpa, spectrum
from .stability import nu_omega
from .functional_continuation import adapt_domain
from .functional_search import functional_fixed_point
from .potential import MinimumPotential, SymmetricPotential, potential_fixed_point
from .fixed_points import refine_fixed_point
from .threshold_functions import threshold_function

__all__ = ["RegulatorScan", "pms_scan", "METHODS", "DEFAULT_PARAMETERS"]

#: How the fixed point is computed: the functional LPA or a polynomial truncation (around the minimum or zero).
METHODS = ("functional", "minimum", "zero")

#: The default parameters of a scan: alpha from 1/4 to 32, 22 values evenly spaced in ln alpha.
DEFAULT_PARAMETERS = tuple(float(a) for a in np.geomspace(0.25, 32.0, 22))


@dataclass(frozen=True, repr=False)
class RegulatorScan:
    """nu and omega of the Wilson-Fisher point along a regulator family, and the stationary point.

    Attributes
    ----------
    family : str
        The regulator family (a name of :data:`~tensornn.theory.REGULATORS` with a parameter).
    parameter_name : str
        Its parameter ("alpha").
    parameters : ndarray, shape (m,)
    nu, omega : ndarray, shape (m,)
        NaN where the fixed point was not found.
    dim, n_components : float
    method : str
        A member of :data:`METHODS`.
    order : int or None
        The truncation order of a polynomial method.
    stationary : dict or None
        ``parameter``, ``nu``, ``omega`` and ``kind`` ("minimum" or "maximum" of nu) at d nu/d alpha = 0.
    status : str
        "stationary" (found), "monotonic" (nu has no interior extremum on the range) or "failed" (fewer
        than three fixed points).
    message : str
    """

    family: str
    parameter_name: str
    parameters: np.ndarray
    nu: np.ndarray
    omega: np.ndarray
    dim: float
    n_components: float
    method: str
    order: int | None = None
    stationary: dict | None = None
    status: str = "stationary"
    message: str = ""
    notes: tuple = field(default=())

    def rows(self) -> list[dict]:
        """One record per parameter value: parameter, nu, omega."""
        return [{self.parameter_name: float(a), "nu": finite(n), "omega": finite(o)}
                for a, n, o in zip(self.parameters, self.nu, self.omega)]

    def to_dict(self) -> dict:
        """JSON-ready record."""
        stationary = None if self.stationary is None else {
            k: (finite(v) if isinstance(v, float) else v) for k, v in self.stationary.items()}
        return {"family": self.family, "parameter_name": self.parameter_name, "dim": self.dim,
                "n_components": self.n_components, "method": self.method, "order": self.order,
                "status": self.status, "message": self.message, "stationary": stationary, "scan": self.rows(),
                "notes": list(self.notes)}

    def __repr__(self) -> str:
        what = self.method if self.order is None else f"{self.method} expansion, order {self.order}"
        lines = [f"RegulatorScan({self.family}, D={self.dim:g}, N={self.n_components:g}, {what}: "
                 f"{int(np.sum(np.isfinite(self.nu)))} of {len(self.parameters)} points; {self.status})"]
        if self.stationary is not None:
            s = self.stationary
            lines.append(f"  stationary ({s['kind']} of nu): {self.parameter_name} = {s['parameter']:.8g}, "
                         f"nu = {s['nu']:.10g}, omega = {s['omega']:.10g}")
        if self.message:
            lines.append(f"  {self.message}")
        lines += [f"  {self.parameter_name} = {a:<10.6g} nu = {n:.10g}  omega = {o:.10g}"
                  for a, n, o in zip(self.parameters, self.nu, self.omega)]
        return "\n".join(lines)


class _Functional:
    """Wilson-Fisher of the functional LPA at family members, each solved from the nearest one done."""

    def __init__(self, dim, n_components, family, resolution):
        self.dim, self.n, self.family, self.resolution = dim, n_components, family, resolution
        self.done = []  # (alpha, grid, w)

    def member(self, alpha):
        return REGULATORS[self.family].with_parameter(float(alpha)).name

    def __call__(self, alpha):
        regulator = self.member(alpha)
        if self.done:
            _, grid, w = min(self.done, key=lambda d: abs(math.log(d[0] / alpha)))
            threshold = threshold_function(regulator, self.dim)
            sol, _, _ = solve_lpa(w, grid, self.dim, self.n, threshold=threshold)
            if sol is not None:
                grid, sol = adapt_domain(grid, sol, self.dim, self.n, regulator, low=40.0, high=80.0)
                theta = spectrum(lpa_residual(sol, grid, self.dim, self.n, jacobian=True, threshold=threshold)[2],
                                 4)[0]
                self.done.append((alpha, grid, sol))
                return nu_omega(theta)
        fp = functional_fixed_point(self.dim, self.n, regulator=regulator, resolution=self.resolution, check=False)
        if fp is None:
            return math.nan, math.nan
        self.done.append((alpha, fp.grid, fp.w))
        return fp.nu, fp.omega


class _Polynomial:
    """Wilson-Fisher of a polynomial truncation at family members, each refined from the nearest one done."""

    def __init__(self, dim, n_components, family, expansion, order):
        self.dim, self.n, self.family, self.expansion, self.order = dim, n_components, family, expansion, order
        self.done = []  # (alpha, couplings)

    def __call__(self, alpha):
        regulator = REGULATORS[self.family].with_parameter(float(alpha)).name
        cls = MinimumPotential if self.expansion == "minimum" else SymmetricPotential
        fp = None
        if self.done:
            _, g = min(self.done, key=lambda d: abs(math.log(d[0] / alpha)))
            fp = refine_fixed_point(cls(self.dim, self.n, self.order, regulator), g)
        if fp is None or fp.n_relevant != 1:
            fp = potential_fixed_point(self.dim, self.n, self.order, expansion=self.expansion, regulator=regulator)
        if fp is None:
            return math.nan, math.nan
        self.done.append((alpha, fp.couplings))
        return fp.nu, fp.omega



def pms_scan(dim: float = 3.0, n_components: float = 1, *, family: str = "exponential", parameters=None,
             method: str = "functional", order: int = 12, resolution: int | None = None, refine: bool = True,
             progress=None) -> RegulatorScan:
    """nu(alpha) of the Wilson-Fisher point along a regulator family, and its stationary point (PMS).

    Parameters
    ----------
    dim : float
        D in (2, 4).
    n_components : float
        N >= 1.
    family : str
        A regulator family of :data:`~tensornn.theory.REGULATORS` (one with a parameter: "exponential",
        R_k = alpha Z p^2/(exp(p^2/k^2) - 1)).
    parameters : array_like, optional
        The parameter values, > 0 (default :data:`DEFAULT_PARAMETERS`); sorted before the scan.
    method : {"functional", "minimum", "zero"}
        The functional LPA (default) or the polynomial expansion around the minimum or around zero.
    order : int
        Truncation order of a polynomial method (ignored by the functional one).
    resolution : int, optional
        Polynomial degree of the functional LPA (default: as :func:`functional_fixed_point`).
    refine : bool
        Refine an interior extremum of the sampled nu to the stationary point (Brent's method, parameter to
        1e-7 relative).
    progress : callable, optional
        Called as ``progress(done, total)`` after each parameter value.

    Returns
    -------
    RegulatorScan

    Raises
    ------
    InvalidArgumentError
        For a family without a parameter, parameters that are not positive, or bad options.

    Examples
    --------
    >>> scan = pms_scan(3.0, 1, parameters=[1.0, 4.0, 16.0], refine=False)
    >>> scan.status, round(float(scan.nu[0]), 8)
    ('stationary', 0.65889306)

    References
    ----------
    Canet, Delamotte, Mouhanna, Vidal, hep-th/0211055 (PMS for the exponential family); Litim, hep-th/0203006.
    """
    dim = check_real("dim", dim)
    if not 2.0 < dim < 4.0:
        raise InvalidArgumentError(f"dim must lie in (2, 4) for a Wilson-Fisher point, got {dim}")
    n_components = check_real("n_components", n_components, minimum=1.0)
    base = get_regulator(family)
    if base.parameter_name is None:
        families = ", ".join(n for n, r in REGULATORS.items() if r.parameter_name)
        raise InvalidArgumentError(
            f"family {family!r} has no parameter to scan; families with one: {families}")
    family = base.family
    method = check_choice("method", method, METHODS)
    order = check_int("order", order, minimum=2, maximum=40)
    values = np.sort(check_array("parameters", DEFAULT_PARAMETERS if parameters is None else parameters, ndim=1))
    if values.size == 0 or np.any(values <= 0):
        raise InvalidArgumentError(f"parameters must be positive numbers, got {values.tolist()}")
    solve = (_Functional(dim, n_components, family, resolution) if method == "functional"
             else _Polynomial(dim, n_components, family, method, order))
    nu, omega = np.full(values.size, math.nan), np.full(values.size, math.nan)
    for i, alpha in enumerate(values):
        nu[i], omega[i] = solve(float(alpha))
        if progress is not None:
            progress(i + 1, values.size)
    common: dict[str, Any] = dict(family=family, parameter_name=base.parameter_name, parameters=values, nu=nu, omega=omega,
                  dim=dim, n_components=n_components, method=method,
                  order=None if method == "functional" else order)
    finite_nu = np.isfinite(nu)
    if int(np.sum(finite_nu)) < 3:
        return RegulatorScan(**common, status="failed",
                             message=f"the fixed point was found at {int(np.sum(finite_nu))} of {values.size} values")
    inside = [i for i in range(1, values.size - 1) if np.all(finite_nu[i - 1:i + 2])
              and (nu[i] - nu[i - 1]) * (nu[i + 1] - nu[i]) <= 0]
    if not inside:
        trend = "decreases" if nu[finite_nu][-1] < nu[finite_nu][0] else "increases"
        return RegulatorScan(**common, status="monotonic",
                             message=f"nu {trend} monotonically on [{values[0]:g}, {values[-1]:g}]: no stationary "
                                     "point in the range; widen it")
    i = inside[0]
    kind = "minimum" if nu[i] <= nu[i - 1] else "maximum"
    sign = 1.0 if kind == "minimum" else -1.0
    alpha, best = float(values[i]), float(nu[i])
    if refine:
        lo, hi = math.log(values[i - 1]), math.log(values[i + 1])
        result = minimize_scalar(lambda s: sign * solve(math.exp(s))[0], bounds=(lo, hi), method="bounded",
                                 options={"xatol": 1e-7})
        alpha = math.exp(float(result.x))
        best = sign * float(result.fun)
    at = solve(alpha)
    stationary = {"parameter": alpha, "nu": float(at[0]), "omega": float(at[1]), "kind": kind}
    notes = () if len(inside) == 1 else (f"{len(inside)} interior extrema of nu; the first is reported",)
    return RegulatorScan(**common, stationary=stationary, status="stationary", notes=notes,
                         message="" if math.isclose(best, at[0], rel_tol=1e-9) else
                         f"the refined nu {best:.10g} and the re-solved one {at[0]:.10g} differ")

"""Every fixed point of the functional LPA: continuation in D from the Gaussian bifurcations.

At the Gaussian fixed point w = 0 the linearised LPA operator maps polynomials to polynomials of
the same degree; its eigenfunctions are Laguerre polynomials L_m^(N/2)((D - 2) x / 2) with

    theta_m = 2 - (D - 2) m,    m = 0, 1, 2, ...   (w = u'; the constant of u is dropped),

so the direction m = n - 1 (the phi^(2n) operator) turns marginal at D_n = 2n/(n - 1) = 4, 3, 8/3,
5/2, ... There the phi^(2n) multicritical fixed point branches off the Gaussian (a transcritical
bifurcation) and exists for every D < D_n (n = 2 is Wilson-Fisher). The search follows each branch:

1. the discrete bifurcation point D_b (the eigenvalue of the collocation Jacobian at w = 0 that
   continues theta_(n-1) crosses zero; secant iteration from D_n);
2. the amplitude of the branch just below D_b from the normal form: w = eps e with
   eps = -lambda / <l, Q(e, e)> (lambda the eigenvalue, e and l the right and left eigenvectors, Q the
   quadratic part of F), then Newton's method;
3. pseudo-arclength continuation in D down to the requested D
   (:mod:`tensornn.flow.functional_continuation`), through the folds the branch may have, on a domain
   adapted along the way (``boundary_decay`` kept in [30, 400], aimed at 60) at the continuation
   resolution :func:`default_resolution`;
4. at the requested D the point is solved again at the requested resolution on its adapted domain, and
   its convergence is measured against a coarser grid and a longer domain
   (:func:`~tensornn.flow.functional_result.describe_fixed_point`: the digits of nu, omega and theta_3);
   without a requested resolution it is raised (x 1.5, up to :data:`MAX_AUTO_RESOLUTION`) until the
   exponents agree to 1e-7.

Where the continuation in D of the Wilson-Fisher branch fails at large N, the point is continued in ln N
from N = 10 at the requested D instead. Every regulator of the registry is accepted (``regulator``;
:mod:`tensornn.flow.threshold_functions`).

Limits: only fixed points connected to the Gaussian by a branch in D are found (for the LPA of
the scalar and O(N) models these are all the known ones); near D -> 2 the number of branches grows
without bound and each needs more resolution; a branch whose continuation fails is reported in
``FunctionalSearch.failures``, and a search that misses the Wilson-Fisher point it should have has
``status`` "incomplete", never silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.special

from .._checks import check_int, check_real
from ..theory.regulators import get_regulator
from .chebyshev import ChebyshevGrid
from .functional import check_dim, lpa_residual, regrid, solve_lpa
from .functional_continuation import adapt_domain, continue_branch
from .functional_result import (
    MIN_DECAY,
    FunctionalFixedPoint,
    describe_fixed_point,
    label_of,
)
from .potential import litim_volume
from .threshold_functions import threshold_function

__all__ = [
    "FunctionalSearch",
    "MAX_AUTO_RESOLUTION",
    "bifurcation_dimension",
    "default_resolution",
    "functional_fixed_point",
    "functional_fixed_points",
    "relevant_direction_counts",
]

#: The largest polynomial degree the solver raises the resolution to on its own.
MAX_AUTO_RESOLUTION = 384


def bifurcation_dimension(multicriticality: int) -> float:
    """D_n = 2n/(n - 1), where the phi^(2n) point leaves the Gaussian (inf for the Gaussian itself, n = 1)."""
    n = check_int("multicriticality", multicriticality, minimum=1)
    return math.inf if n == 1 else 2.0 * n / (n - 1.0)


def relevant_direction_counts(dim: float, *, max_multicriticality: int = 64):
    """The numbers of relevant directions of the non-Gaussian fixed points of the functional LPA at this D.

    The phi^(2n) point exists below D_n = 2n/(n - 1) and has n - 1 relevant directions, so the counts are
    1, ..., n_max - 1 with n_max the largest n with D < D_n (an empty tuple for D >= 4). Near D = 2 every
    count is possible: for D <= 2 + 2/(max_multicriticality - 1) the function returns None (no restriction).
    """
    dim = check_real("dim", dim, positive=True)
    if dim <= 2.0 * max_multicriticality / (max_multicriticality - 1.0):
        return None
    # D < 2n/(n - 1)  <=>  n (D - 2) < D  (for D > 2)
    top = max((n for n in range(2, max_multicriticality + 1) if n * (dim - 2.0) < dim), default=1)
    return tuple(range(1, top))


# ----------------------------------------------------------------------------- branch following


def _threshold(regulator, dim):
    return None if regulator == "litim" else threshold_function(regulator, dim)


def _gaussian_mode(grid, dim, n_components, m, regulator="litim", vectors=True):
    """(lambda, right e, left l) of the collocation Jacobian at w = 0 closest to theta_m = 2 - (D - 2) m."""
    _, _, J = lpa_residual(np.zeros(grid.n + 1), grid, dim, n_components, jacobian=True,
                           threshold=_threshold(regulator, dim))
    target = -(2.0 - (dim - 2.0) * m)
    if not vectors:
        values = scipy.linalg.eigvals(J)
        return float(np.real(values[np.argmin(np.abs(values - target))])), None, None
    values, left, right = scipy.linalg.eig(J, left=True, right=True)
    i = int(np.argmin(np.abs(values - target)))
    return float(np.real(values[i])), np.real(right[:, i]), np.real(left[:, i])


def _discrete_bifurcation(grid, n_components, n, regulator="litim"):
    """D_b where the discrete eigenvalue continuing theta_(n-1) vanishes (secant from D_n)."""
    d0, d1 = bifurcation_dimension(n), bifurcation_dimension(n) - 1e-3
    f0 = _gaussian_mode(grid, d0, n_components, n - 1, regulator, vectors=False)[0]
    f1 = _gaussian_mode(grid, d1, n_components, n - 1, regulator, vectors=False)[0]
    for _ in range(30):
        if f1 == f0:
            break
        d2 = d1 - f1 * (d1 - d0) / (f1 - f0)
        if not 2.0 < d2 <= 4.5:
            return bifurcation_dimension(n)
        d0, f0, d1 = d1, f1, d2
        f1 = _gaussian_mode(grid, d1, n_components, n - 1, regulator, vectors=False)[0]
        if abs(d1 - d0) < 1e-11:
            break
    return d1


def _branch_start(grid, dim, n_components, n, regulator="litim"):
    """Newton solution on the phi^(2n) branch at dim (just below the bifurcation), or None."""
    threshold = _threshold(regulator, dim)
    lam, e, left = _gaussian_mode(grid, dim, n_components, n - 1, regulator)
    e = e / np.max(np.abs(e[: grid.n // 2 + 1]))
    h = 1e-4
    Fp, _ = lpa_residual(h * e, grid, dim, n_components, threshold=threshold)
    Fm, _ = lpa_residual(-h * e, grid, dim, n_components, threshold=threshold)
    quad = (Fp + Fm) / (2 * h * h)
    denom = float(left @ quad)
    if denom == 0 or not np.isfinite(denom):
        return None
    eps = -lam * float(left @ e) / denom
    w, _, _ = solve_lpa(eps * e, grid, dim, n_components, threshold=threshold)
    if w is None or np.max(np.abs(w)) < 1e-3 * abs(eps) * np.max(np.abs(e)):
        return None  # converged to the Gaussian
    return w


# ----------------------------------------------------------------------------- public functions


def default_resolution(n_components: float) -> int:
    """Polynomial degree used when none is given: 48 up to N = 10, 64 up to 30, 128 up to 300, 192 beyond.

    At large N the eigenfunctions vary quickly where (D - 2) x = (N - 1)/(1 + w)^2 (the N = infinity
    equation is first order and singular there), so they need more points; docs/functional_lpa.md
    has the convergence tables.
    """
    if n_components <= 10:
        return 48
    return 64 if n_components <= 30 else 128 if n_components <= 300 else 192


def _options(dim, n_components, resolution, n_exponents, regulator="litim"):
    dim = check_dim(dim)
    n_components = check_real("n_components", n_components, minimum=1.0)
    auto = resolution is None
    resolution = (default_resolution(n_components) if resolution is None
                  else check_int("resolution", resolution, minimum=8, maximum=400))
    n_exponents = check_int("n_exponents", n_exponents, minimum=1, maximum=resolution)
    regulator = get_regulator(regulator).name
    return dim, n_components, resolution, n_exponents, regulator, auto


def functional_fixed_point(dim: float, n_components: float = 1, *, multicriticality: int = 2,
                           resolution: int | None = None, n_exponents: int = 6, check: bool = True,
                           regulator="litim") -> FunctionalFixedPoint | None:
    """One fixed point of the functional LPA: Gaussian (1), Wilson-Fisher (2) or phi^(2n) multicritical (n).

    Parameters
    ----------
    dim : float
        D in (2, 4].
    n_components : float
        N >= 1 (real; large N allowed).
    multicriticality : int, default 2
        n of the phi^(2n) point (1: Gaussian, 2: Wilson-Fisher, 3: tricritical phi^6, ...).
    resolution : int, optional
        Polynomial degree of the final collocation (resolution + 1 points). Default: start from
        :func:`default_resolution` and raise it (x 1.5, up to :data:`MAX_AUTO_RESOLUTION`) until the
        exponents are converged to 1e-7; a given resolution is used as it is (the continuation always runs at
        :func:`default_resolution`, so a high resolution cannot lose the branch).
    n_exponents : int, default 6
        Number of exponents and eigenfunctions kept.
    check : bool, default True
        Measure the convergence: re-solve with 3/4 of the resolution and on a longer domain, and report the
        change of the exponents and the digits of nu, omega and theta_3 in ``diagnostics``.
    regulator : str, default "litim"
        A regulator of :data:`~tensornn.theory.REGULATORS` or a family member ("exponential(alpha=2)").

    Returns
    -------
    FunctionalFixedPoint or None
        None when the phi^(2n) point does not exist at this D (D >= 2n/(n - 1)) or the continuation
        failed (:func:`functional_fixed_points` reports why).

    Examples
    --------
    >>> fp = functional_fixed_point(3.0, 1)
    >>> round(fp.nu, 8), round(fp.omega, 6), fp.n_relevant
    (0.64956177, 0.655746, 1)
    """
    dim, n_components, resolution, n_keep, regulator, auto = _options(dim, n_components, resolution,
                                                                      n_exponents, regulator)
    n = check_int("multicriticality", multicriticality, minimum=1)
    if n == 1:
        return _gaussian(dim, n_components, resolution, n_keep, regulator)
    if dim >= bifurcation_dimension(n):
        return None
    return _branch(dim, n_components, n, resolution, n_keep, check, regulator, auto)[0]


def _loop_slope(dim, regulator):
    """-lambda'(0): 1 for Litim."""
    return 1.0 if regulator == "litim" else -float(threshold_function(regulator, dim).derivatives(0.0, 2)[1])


def _gaussian(dim, n_components, resolution, n_keep, regulator="litim"):
    """The Gaussian fixed point w = 0 with its closed-form spectrum.

    theta_m = 2 - (D - 2) m with the Laguerre eigenfunctions L_m^(N/2)((D - 2) x / (2 c)), c = -lambda'(0)
    (1 for Litim; module docstring); the collocation Jacobian at w = 0 reproduces them only to ~1e-7
    (polynomials of growing degree on a long domain are ill-conditioned), so the exact values are reported.
    """
    c = _loop_slope(dim, regulator)
    grid = ChebyshevGrid(resolution, _gaussian_length(dim, n_components, regulator))
    vd = litim_volume(dim)
    n_rel = int(np.sum(2.0 - (dim - 2.0) * np.arange(int(2.0 / (dim - 2.0)) + 2) > 1e-12))
    m = np.arange(max(n_keep, n_rel + 1))
    theta = 2.0 - (dim - 2.0) * m
    z = (dim - 2.0) * grid.x / (2.0 * c)
    alpha = n_components / 2.0
    eig = np.array([scipy.special.eval_genlaguerre(k, alpha, z) / scipy.special.eval_genlaguerre(k, alpha, 0.0)
                    for k in m])
    scale = "2 V_D" if c == 1.0 else f"2 V_D c), c = -lambda'(0) = {c:.10g}"
    notes = [f"closed form: theta_m = 2 - (D - 2) m, eigenfunctions Laguerre L_m^(N/2)((D - 2) r / ({scale})"
             + ("" if c == 1.0 else "")]
    if np.any(np.abs(theta) < 1e-12):
        notes.append(f"a marginal direction: theta_{int(np.argmin(np.abs(theta)))} = 0 (a multicritical point "
                     "merges with the Gaussian at this D)")
    return FunctionalFixedPoint(
        dim=dim, n_components=n_components, label=label_of(1), multicriticality=1, r=grid.x * vd,
        w=np.zeros(grid.n + 1), exponents=theta, eigenfunctions=eig, residual=0.0, status="converged",
        message="w = 0 solves the fixed-point equation exactly", diagnostics={"closed_form": True},
        notes=tuple(notes), resolution=grid.n, r_max=grid.length * vd, regulator=regulator)


def _gaussian_length(dim, n_components, regulator="litim"):
    """L where boundary_decay of w = 0 is MIN_DECAY (times 1.01).

    At w = 0, A/E = (D - 2)/(2 c) - (N + 2)/(2 x) with c = -lambda'(0), so I(L/2) = (D - 2) L/(4 c) - (N + 2) ln(2)/2.
    """
    c = _loop_slope(dim, regulator)
    return 4.0 * c * (MIN_DECAY + (n_components + 2.0) * math.log(2.0) / 2.0) / (dim - 2.0) * 1.01


#: Where the continuation in D of the Wilson-Fisher branch fails at N above this, the point is continued in
#: ln N from N = LARGE_N_START at the requested D instead.
LARGE_N_START = 10.0


def _branch(dim, n_components, n, resolution, n_keep, check, regulator="litim", auto=False):
    """(fixed point or None, reason): the phi^(2n) branch followed from its Gaussian bifurcation to dim.

    Wilson-Fisher is first tried from a guided start (:func:`_guided_wilson_fisher`), which saves the continuation
    wherever the polynomial expansion around the minimum has it.
    """
    if n == 2:
        guided = _guided_wilson_fisher(dim, n_components, resolution, n_keep, check, regulator, auto)
        if guided is not None:
            return guided, ""
    fp, reason = _branch_in_dim(dim, n_components, n, resolution, n_keep, check, regulator, auto)
    if fp is None and n == 2 and n_components > LARGE_N_START:
        other, why = _branch_in_n(dim, n_components, resolution, n_keep, check, regulator, auto)
        if other is not None:
            return other, ""
        reason = f"{reason}; {why}"
    return fp, reason


def _guided_wilson_fisher(dim, n_components, resolution, n_keep, check, regulator, auto):
    """Wilson-Fisher from the lowest truncation around the minimum, or None.

    The closed-form order-2 point (kappa, lambda2) of :mod:`~tensornn.flow.potential` gives the start
    u*'(r) = lambda2 (r - kappa) on a grid of length 5 kappa, which Newton's method solves; it is moved to its
    adapted domain and accepted only as the branch's point: one relevant direction and a single zero of u*'
    (a minimum). Where the truncation has no such point or the solve lands elsewhere, None: the caller follows
    the branch from its bifurcation.
    """
    from .potential import _lowest_order_guesses

    if n_components > LARGE_N_START:
        return None
    vd = litim_volume(dim)
    threshold = _threshold(regulator, dim)
    n_cont, _ = _continuation_resolution(n_components, resolution, auto)
    for kappa, lambda2 in _lowest_order_guesses(dim, n_components, "minimum", regulator):
        grid = ChebyshevGrid(n_cont, 5.0 * kappa / vd)
        w, _, _ = solve_lpa(lambda2 * (grid.x * vd - kappa), grid, dim, n_components, threshold=threshold)
        if w is None or not w[0] < 0 < w[-1] or np.sum(np.diff(np.sign(w)) != 0) != 1:
            continue
        fp = _finish(grid, w, dim, n_components, 2, resolution, n_keep, check, regulator, auto)
        if fp is not None and fp.n_relevant == 1 and len(fp.zeros()) == 1:
            return fp
    return None


def _continuation_resolution(n_components, resolution, auto):
    """(start, largest) resolution of a continuation: the default, raised up to MAX_AUTO_RESOLUTION on its own;
    a given resolution bounds both (a lower one is used as it is, a higher one is reached by refinement)."""
    default = default_resolution(n_components)
    if auto:
        return default, MAX_AUTO_RESOLUTION
    return min(default, resolution), max(min(default, resolution), resolution)


def _branch_in_dim(dim, n_components, n, resolution, n_keep, check, regulator, auto):
    n_cont, n_max = _continuation_resolution(n_components, resolution, auto)
    # near the bifurcation w is small and polynomial-like: the domain of the Gaussian damps the boundary condition
    grid = ChebyshevGrid(n_cont, _gaussian_length(min(bifurcation_dimension(n), 4.0) - 1e-3, n_components,
                                                  regulator))
    d_b = _discrete_bifurcation(grid, n_components, n, regulator)
    if dim >= d_b:
        return None, f"D = {dim:g} is not below the discrete bifurcation point {d_b:.6g} of the phi^{2 * n} branch"
    gap = bifurcation_dimension(n) - bifurcation_dimension(n + 1)
    d_s = max(dim, d_b - min(0.02 * gap, 0.01))
    w = _branch_start(grid, d_s, n_components, n, regulator)
    if w is None:
        return None, f"no non-Gaussian start on the phi^{2 * n} branch at D = {d_s:.6g}"
    if d_s != dim:
        out = continue_branch(grid, w, d_s, dim, which="dim", fixed=n_components, regulator=regulator,
                              max_resolution=n_max)
        if not out.reached:
            return None, f"the continuation of the phi^{2 * n} branch from D = {d_s:.6g} to {dim:g} failed: {out.message}"
        grid, w = out.grid, out.w
    fp = _finish(grid, w, dim, n_components, n, resolution, n_keep, check, regulator, auto)
    return fp, "" if fp is not None else f"Newton's method failed on the phi^{2 * n} branch at D = {dim:g}"


def _branch_in_n(dim, n_components, resolution, n_keep, check, regulator, auto):
    """Wilson-Fisher at large N by continuation in ln N from N = LARGE_N_START at this D."""
    start, reason = _branch_in_dim(dim, LARGE_N_START, 2, default_resolution(LARGE_N_START), n_keep, False,
                                   regulator, False)
    if start is None:
        return None, reason
    n_cont, n_max = _continuation_resolution(n_components, resolution, auto)
    grid = ChebyshevGrid(n_cont, start.grid.length)
    w, _, _ = solve_lpa(regrid(start.w, start.grid, grid, dim), grid, dim, LARGE_N_START,
                        threshold=_threshold(regulator, dim))
    if w is None:
        return None, f"no Wilson-Fisher start at N = {LARGE_N_START:g}, D = {dim:g} on the grid of N = {n_components:g}"
    out = continue_branch(grid, w, math.log(LARGE_N_START), math.log(n_components), which="log_n", fixed=dim,
                          regulator=regulator, max_resolution=n_max)
    if not out.reached:
        return None, (f"the continuation of the Wilson-Fisher point in N from {LARGE_N_START:g} to {n_components:g} "
                      f"at D = {dim:g} failed: {out.message}")
    fp = _finish(out.grid, out.w, dim, n_components, 2, resolution, n_keep, check, regulator, auto)
    return fp, "" if fp is not None else f"Newton's method failed on the Wilson-Fisher branch at N = {n_components:g}"


def _finish(grid, w, dim, n_components, n, resolution, n_keep, check, regulator, auto):
    """Solve at the requested resolution on an adapted domain and describe; raise the resolution when ``auto``."""
    threshold = _threshold(regulator, dim)
    target, fp = (max(resolution, grid.n) if auto else resolution), None
    while True:
        if grid.n != target:
            new = ChebyshevGrid(target, grid.length)
            sol, _, _ = solve_lpa(regrid(w, grid, new, dim), new, dim, n_components, threshold=threshold)
            if sol is None:
                return fp
            grid, w = new, sol
        grid, w = adapt_domain(grid, w, dim, n_components, regulator, low=40.0, high=80.0)
        sol, it, _ = solve_lpa(w, grid, dim, n_components, threshold=threshold)
        if sol is None:
            return fp
        fp = describe_fixed_point(sol, grid, dim, n_components, n, n_keep, check, it, regulator=regulator)
        if not (auto and check) or fp.diagnostics.get("converged", True) or target >= MAX_AUTO_RESOLUTION:
            return fp
        target = min(MAX_AUTO_RESOLUTION, int(round(1.5 * target)))
        w = sol


@dataclass(frozen=True, repr=False)
class FunctionalSearch:
    """All fixed points found by :func:`functional_fixed_points`, Gaussian first, then by multicriticality.

    Iterating, indexing and ``len`` act on ``fixed_points``.

    Attributes
    ----------
    dim, n_components : float
    fixed_points : tuple of FunctionalFixedPoint
    failures : tuple of str
        Branches that should exist at this D but whose continuation failed.
    """

    dim: float
    n_components: float
    fixed_points: tuple
    failures: tuple = ()
    regulator: str = "litim"

    @property
    def status(self) -> str:
        """"complete", or "incomplete" when Wilson-Fisher (which exists for every 2 < D < 4) was not found."""
        found = any(fp.multicriticality == 2 for fp in self.fixed_points)
        return "complete" if found or self.dim >= 4 else "incomplete"

    @property
    def message(self) -> str:
        """Why the search is incomplete (empty when complete)."""
        if self.status == "complete":
            return ""
        why = "; ".join(f for f in self.failures if "phi^4 " in f) or "no solution on its branch"
        return (f"the Wilson-Fisher fixed point was not found at D = {self.dim:g}, N = {self.n_components:g} "
                f"({why})")

    def __iter__(self):
        return iter(self.fixed_points)

    def __len__(self):
        return len(self.fixed_points)

    def __getitem__(self, i):
        return self.fixed_points[i]

    def to_dict(self) -> dict:
        return {"dim": self.dim, "n_components": self.n_components, "regulator": self.regulator,
                "status": self.status, "message": self.message,
                "fixed_points": [fp.to_dict() for fp in self.fixed_points], "failures": list(self.failures)}

    def __repr__(self):
        regulator = "" if self.regulator == "litim" else f", {self.regulator}"
        lines = [f"FunctionalSearch(D={self.dim:g}, N={self.n_components:g}{regulator}: {len(self)} fixed points"
                 + (f", {len(self.failures)} failed branches" if self.failures else "")
                 + ("" if self.status == "complete" else f"; {self.status}") + ")"]
        if self.message:
            lines.append(f"  {self.message}")
        lines += [f"  [{i}] {fp!r}" for i, fp in enumerate(self.fixed_points)]
        lines += [f"  failed: {f}" for f in self.failures]
        return "\n".join(lines)


def functional_fixed_points(dim: float, n_components: float = 1, *, resolution: int | None = None,
                            max_multicriticality: int | None = None, n_exponents: int = 6,
                            check: bool = True, regulator="litim") -> FunctionalSearch:
    """Every fixed point of the functional LPA at this D: the Gaussian and the phi^(2n) points with D < 2n/(n - 1).

    Follows each branch from its Gaussian bifurcation (module docstring). Options as in
    :func:`functional_fixed_point`; ``max_multicriticality`` caps n (default: every n with
    D_n > D, at most 12, since the branches near D = 2 need ever more resolution).

    Returns
    -------
    FunctionalSearch
        Gaussian first, then Wilson-Fisher, phi^6, ...; each with its ``n_relevant`` (n - 1 for the
        phi^(2n) point); ``status`` "incomplete" when the Wilson-Fisher point was not found.

    Examples
    --------
    >>> [(fp.label, fp.n_relevant) for fp in functional_fixed_points(2.5, 1, check=False)]
    [('Gaussian', 4), ('Wilson-Fisher', 1), ('phi^6 multicritical (tricritical)', 2), ('phi^8 multicritical', 3)]
    """
    dim, n_components, resolution, n_keep, regulator, auto = _options(dim, n_components, resolution,
                                                                      n_exponents, regulator)
    top = 12 if max_multicriticality is None else check_int("max_multicriticality", max_multicriticality, minimum=1)
    points, failures = [_gaussian(dim, n_components, resolution, n_keep, regulator)], []
    for n in range(2, top + 1):
        if dim >= bifurcation_dimension(n):
            break
        fp, reason = _branch(dim, n_components, n, resolution, n_keep, check, regulator, auto)
        if fp is None:
            if reason.startswith("D = "):  # exactly at (or within the grid error of) the bifurcation: merged
                continue
            failures.append(reason)
        else:
            points.append(fp)
    return FunctionalSearch(dim, n_components, tuple(points), tuple(failures), regulator)



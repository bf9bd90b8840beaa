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
3. natural-parameter continuation in D down to the requested D with a secant predictor and
   adaptive steps, then the domain is lengthened until the boundary condition is damped
   (``boundary_decay`` >= 30) and the spectrum and diagnostics are computed.

Limits: only fixed points connected to the Gaussian by a branch in D are found (for the LPA of
the scalar and O(N) models these are all the known ones); near D -> 2 the number of branches grows
without bound and each needs more resolution; a branch whose continuation fails is reported in
``FunctionalSearch.failures``, not silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.special

from .._checks import check_int, check_real
from .chebyshev import ChebyshevGrid
from .functional import boundary_decay, check_dim, lpa_residual, regrid, solve_lpa
from .functional_result import (
    MIN_DECAY,
    FunctionalFixedPoint,
    describe_fixed_point,
    label_of,
)
from .potential import litim_volume

__all__ = [
    "FunctionalSearch",
    "bifurcation_dimension",
    "default_resolution",
    "functional_fixed_point",
    "functional_fixed_points",
]


def bifurcation_dimension(multicriticality: int) -> float:
    """D_n = 2n/(n - 1), where the phi^(2n) point leaves the Gaussian (inf for the Gaussian itself, n = 1)."""
    n = check_int("multicriticality", multicriticality, minimum=1)
    return math.inf if n == 1 else 2.0 * n / (n - 1.0)


# ----------------------------------------------------------------------------- branch following


def _gaussian_mode(grid, dim, n_components, m, vectors=True):
    """(lambda, right e, left l) of the collocation Jacobian at w = 0 closest to theta_m = 2 - (D - 2) m."""
    _, _, J = lpa_residual(np.zeros(grid.n + 1), grid, dim, n_components, jacobian=True)
    target = -(2.0 - (dim - 2.0) * m)
    if not vectors:
        values = scipy.linalg.eigvals(J)
        return float(np.real(values[np.argmin(np.abs(values - target))])), None, None
    values, left, right = scipy.linalg.eig(J, left=True, right=True)
    i = int(np.argmin(np.abs(values - target)))
    return float(np.real(values[i])), np.real(right[:, i]), np.real(left[:, i])


def _discrete_bifurcation(grid, n_components, n):
    """D_b where the discrete eigenvalue continuing theta_(n-1) vanishes (secant from D_n)."""
    d0, d1 = bifurcation_dimension(n), bifurcation_dimension(n) - 1e-3
    f0 = _gaussian_mode(grid, d0, n_components, n - 1, vectors=False)[0]
    f1 = _gaussian_mode(grid, d1, n_components, n - 1, vectors=False)[0]
    for _ in range(30):
        if f1 == f0:
            break
        d2 = d1 - f1 * (d1 - d0) / (f1 - f0)
        if not 2.0 < d2 <= 4.5:
            return bifurcation_dimension(n)
        d0, f0, d1 = d1, f1, d2
        f1 = _gaussian_mode(grid, d1, n_components, n - 1, vectors=False)[0]
        if abs(d1 - d0) < 1e-11:
            break
    return d1


def _branch_start(grid, dim, n_components, n):
    """Newton solution on the phi^(2n) branch at dim (just below the bifurcation), or None."""
    lam, e, left = _gaussian_mode(grid, dim, n_components, n - 1)
    e = e / np.max(np.abs(e[: grid.n // 2 + 1]))
    h = 1e-4
    Fp, _ = lpa_residual(h * e, grid, dim, n_components)
    Fm, _ = lpa_residual(-h * e, grid, dim, n_components)
    quad = (Fp + Fm) / (2 * h * h)
    denom = float(left @ quad)
    if denom == 0 or not np.isfinite(denom):
        return None
    eps = -lam * float(left @ e) / denom
    w, _, _ = solve_lpa(eps * e, grid, dim, n_components)
    if w is None or np.max(np.abs(w)) < 1e-3 * abs(eps) * np.max(np.abs(e)):
        return None  # converged to the Gaussian
    return w


def _inner_size(values, grid):
    """max |w| over the inner half of the domain (a measure of the distance from the Gaussian)."""
    return float(np.max(np.abs(values[grid.x <= grid.length / 2])))


def _continue(grid, w, d_from, d_to, n_components, *, max_steps=400):
    """Natural-parameter continuation from d_from to d_to (secant predictor, adaptive step and domain).

    Returns (grid, w) at d_to, or None.
    """
    d, step = d_from, (d_to - d_from) / 8
    prev = None
    size = _inner_size(w, grid)
    for _ in range(max_steps):
        if d == d_to:
            return grid, w
        d_new = d_to if abs(step) >= abs(d_to - d) else d + step
        step = d_new - d
        guess = w if prev is None else w + (w - prev[1]) / (d - prev[0]) * step
        sol, it, _ = solve_lpa(guess, grid, d_new, n_components, max_iterations=12)
        if sol is None or it > 10 or _inner_size(sol, grid) < 0.3 * size:  # failed, or fell back onto the Gaussian
            step /= 2
            if abs(step) < 1e-7:
                return None
            continue
        prev, w, d = (d, w), sol, d_new
        decay = boundary_decay(w, grid, d, n_components)
        if not 30.0 <= decay <= 400.0:
            new_grid, new_w = _adapt_length(grid, w, d, n_components)
            if new_grid is not grid:
                prev = (prev[0], regrid(prev[1], grid, new_grid, d))
                grid, w = new_grid, new_w
        size = _inner_size(w, grid)
        if it <= 4:
            step *= 1.5
    return None


def _adapt_length(grid, w, dim, n_components, *, low=40.0, high=80.0, factor=1.15, max_changes=60):
    """Lengthen or shorten [0, L] until low <= boundary_decay <= high; returns (grid, w) (unchanged on failure).

    boundary_decay = I(L/2) >= 30 makes the boundary condition's error below e^-30 in the inner half;
    a much larger I wastes resolution on the outer region.
    """
    decay = boundary_decay(w, grid, dim, n_components)
    direction = 0
    for _ in range(max_changes):
        if decay < low:
            if direction < 0:
                break
            direction, length = 1, grid.length * factor
        elif decay > high:
            if direction > 0:
                break
            direction, length = -1, grid.length / factor
        else:
            break
        new = ChebyshevGrid(grid.n, length)
        sol, _, _ = solve_lpa(regrid(w, grid, new, dim), new, dim, n_components)
        if sol is None or _inner_size(sol, new) < 0.5 * _inner_size(w, grid):  # lost, or fell onto the Gaussian
            break
        new_decay = boundary_decay(sol, new, dim, n_components)
        if direction < 0 and new_decay < MIN_DECAY:
            break  # shortening went too far: keep the longer domain
        grid, w, decay = new, sol, new_decay
    return grid, w


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


def _options(dim, n_components, resolution, n_exponents):
    dim = check_dim(dim)
    n_components = check_real("n_components", n_components, minimum=1.0)
    resolution = (default_resolution(n_components) if resolution is None
                  else check_int("resolution", resolution, minimum=8, maximum=400))
    n_exponents = check_int("n_exponents", n_exponents, minimum=1, maximum=resolution)
    return dim, n_components, resolution, n_exponents


def functional_fixed_point(dim: float, n_components: float = 1, *, multicriticality: int = 2,
                           resolution: int | None = None, n_exponents: int = 6,
                           check: bool = True) -> FunctionalFixedPoint | None:
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
        Polynomial degree of the collocation (resolution + 1 points); default
        :func:`default_resolution`.
    n_exponents : int, default 6
        Number of exponents and eigenfunctions kept.
    check : bool, default True
        Re-solve with 3/4 of the resolution and on a 1.25 times longer domain and report the change
        of the exponents in ``diagnostics`` (two more Newton solves from the interpolated solution).

    Returns
    -------
    FunctionalFixedPoint or None
        None when the phi^(2n) point does not exist at this D (D >= 2n/(n - 1)) or the continuation
        failed.

    Examples
    --------
    >>> fp = functional_fixed_point(3.0, 1)
    >>> round(fp.nu, 8), round(fp.omega, 6), fp.n_relevant
    (0.64956177, 0.655746, 1)
    """
    dim, n_components, resolution, n_keep = _options(dim, n_components, resolution, n_exponents)
    n = check_int("multicriticality", multicriticality, minimum=1)
    if n == 1:
        return _gaussian(dim, n_components, resolution, n_keep)
    if dim >= bifurcation_dimension(n):
        return None
    return _branch(dim, n_components, n, resolution, n_keep, check)[0]


def _gaussian(dim, n_components, resolution, n_keep):
    """The Gaussian fixed point w = 0 with its closed-form spectrum.

    theta_m = 2 - (D - 2) m with the Laguerre eigenfunctions L_m^(N/2)((D - 2) x / 2) (module
    docstring); the collocation Jacobian at w = 0 reproduces them only to ~1e-7 (polynomials of
    growing degree on a long domain are ill-conditioned), so the exact values are reported.
    """
    grid = ChebyshevGrid(resolution, _gaussian_length(dim, n_components))
    vd = litim_volume(dim)
    n_rel = int(np.sum(2.0 - (dim - 2.0) * np.arange(int(2.0 / (dim - 2.0)) + 2) > 1e-12))
    m = np.arange(max(n_keep, n_rel + 1))
    theta = 2.0 - (dim - 2.0) * m
    z = (dim - 2.0) * grid.x / 2.0
    alpha = n_components / 2.0
    eig = np.array([scipy.special.eval_genlaguerre(k, alpha, z) / scipy.special.eval_genlaguerre(k, alpha, 0.0)
                    for k in m])
    notes = ["closed form: theta_m = 2 - (D - 2) m, eigenfunctions Laguerre L_m^(N/2)((D - 2) r / (2 V_D))"]
    if np.any(np.abs(theta) < 1e-12):
        notes.append(f"a marginal direction: theta_{int(np.argmin(np.abs(theta)))} = 0 (a multicritical point "
                     "merges with the Gaussian at this D)")
    return FunctionalFixedPoint(
        dim=dim, n_components=n_components, label=label_of(1), multicriticality=1, r=grid.x * vd,
        w=np.zeros(grid.n + 1), exponents=theta, eigenfunctions=eig, residual=0.0, status="converged",
        message="w = 0 solves the fixed-point equation exactly", diagnostics={"closed_form": True},
        notes=tuple(notes), resolution=grid.n, r_max=grid.length * vd)


def _gaussian_length(dim, n_components):
    """L where boundary_decay of w = 0 is MIN_DECAY (times 1.01).

    At w = 0, A/E = (D - 2)/2 - (N + 2)/(2 x), so I(L/2) = (D - 2) L/4 - (N + 2) ln(2)/2.
    """
    return 4.0 * (MIN_DECAY + (n_components + 2.0) * math.log(2.0) / 2.0) / (dim - 2.0) * 1.01


def _branch(dim, n_components, n, resolution, n_keep, check):
    """(fixed point or None, reason): the phi^(2n) branch followed from its Gaussian bifurcation to dim."""
    # near the bifurcation w is small and polynomial-like: the domain of the Gaussian damps the boundary condition
    grid = ChebyshevGrid(resolution, _gaussian_length(min(bifurcation_dimension(n), 4.0) - 1e-3, n_components))
    d_b = _discrete_bifurcation(grid, n_components, n)
    if dim >= d_b:
        return None, f"D = {dim:g} is not below the discrete bifurcation point {d_b:.6g} of the phi^{2 * n} branch"
    gap = bifurcation_dimension(n) - bifurcation_dimension(n + 1)
    d_s = max(dim, d_b - min(0.02 * gap, 0.01))
    w = _branch_start(grid, d_s, n_components, n)
    if w is None:
        return None, f"no non-Gaussian start on the phi^{2 * n} branch at D = {d_s:.6g}"
    if d_s != dim:
        out = _continue(grid, w, d_s, dim, n_components)
        if out is None:
            return None, f"the continuation of the phi^{2 * n} branch from D = {d_s:.6g} to {dim:g} failed"
        grid, w = out
    grid, w = _adapt_length(grid, w, dim, n_components)
    sol, it, _ = solve_lpa(w, grid, dim, n_components)
    if sol is None:
        return None, f"Newton's method failed on the phi^{2 * n} branch at D = {dim:g}"
    return describe_fixed_point(sol, grid, dim, n_components, n, n_keep, check, it), ""


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

    def __iter__(self):
        return iter(self.fixed_points)

    def __len__(self):
        return len(self.fixed_points)

    def __getitem__(self, i):
        return self.fixed_points[i]

    def to_dict(self) -> dict:
        return {"dim": self.dim, "n_components": self.n_components,
                "fixed_points": [fp.to_dict() for fp in self.fixed_points], "failures": list(self.failures)}

    def __repr__(self):
        lines = [f"FunctionalSearch(D={self.dim:g}, N={self.n_components:g}: {len(self)} fixed points"
                 + (f", {len(self.failures)} failed branches)" if self.failures else ")")]
        lines += [f"  [{i}] {fp!r}" for i, fp in enumerate(self.fixed_points)]
        lines += [f"  failed: {f}" for f in self.failures]
        return "\n".join(lines)


def functional_fixed_points(dim: float, n_components: float = 1, *, resolution: int | None = None,
                            max_multicriticality: int | None = None, n_exponents: int = 6,
                            check: bool = True) -> FunctionalSearch:
    """Every fixed point of the functional LPA at this D: the Gaussian and the phi^(2n) points with D < 2n/(n - 1).

    Follows each branch from its Gaussian bifurcation (module docstring). Options as in
    :func:`functional_fixed_point`; ``max_multicriticality`` caps n (default: every n with
    D_n > D, at most 12, since the branches near D = 2 need ever more resolution).

    Returns
    -------
    FunctionalSearch
        Gaussian first, then Wilson-Fisher, phi^6, ...; each with its ``n_relevant`` (n - 1 for the
        phi^(2n) point).

    Examples
    --------
    >>> [(fp.label, fp.n_relevant) for fp in functional_fixed_points(2.5, 1, check=False)]
    [('Gaussian', 4), ('Wilson-Fisher', 1), ('phi^6 multicritical (tricritical)', 2), ('phi^8 multicritical', 3)]
    """
    dim, n_components, resolution, n_keep = _options(dim, n_components, resolution, n_exponents)
    top = 12 if max_multicriticality is None else check_int("max_multicriticality", max_multicriticality, minimum=1)
    points, failures = [_gaussian(dim, n_components, resolution, n_keep)], []
    for n in range(2, top + 1):
        if dim >= bifurcation_dimension(n):
            break
        fp, reason = _branch(dim, n_components, n, resolution, n_keep, check)
        if fp is None:
            if reason.startswith("D = "):  # exactly at (or within the grid error of) the bifurcation: merged
                continue
            failures.append(reason)
        else:
            points.append(fp)
    return FunctionalSearch(dim, n_components, tuple(points), tuple(failures))



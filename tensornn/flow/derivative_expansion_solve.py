"""Wilson-Fisher fixed points of the derivative expansion, from the LPA through LPA' to order d^2.

:func:`derivative_expansion_fixed_point` solves the collocation problem
(:class:`~tensornn.flow.derivative_expansion_problem.CollocationProblem`) stage by stage, each
stage starting from the solution of the one below:

1. the LPA with the requested regulator, from the functional LPA of the Litim regulator
   (:func:`~tensornn.flow.functional_fixed_point`, which follows the branch from its Gaussian
   bifurcation), stretched in x by the ratio of the regulators' Gaussian loop factors <rdot g^2>;
2. the LPA' (z = 1, eta from the p^2 coefficient at the minimum), from the LPA with eta = 0;
3. order d^2 (z(x), yh(x)), from the LPA' with z = 1 and yh = 0.

At every stage the domain [0, L] is lengthened or shortened until the outer row's error is damped
by at least e^-40 and at most e^-80 in the inner half of the domain (boundary decay, every
function). The exponents come from the generalised eigenvalue problem of the constrained
linearisation; with ``check`` the point is solved again with 3/4 of the points and on a 1.25 times
longer domain, and the changes of nu, omega and eta are reported.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..errors import InvalidArgumentError
from ..theory.regulators import get_regulator
from .chebyshev import ChebyshevGrid
from .derivative_expansion import gaussian_threshold, momentum_quadrature
from .derivative_expansion_problem import CollocationProblem
from .derivative_expansion_result import DerivativeExpansionFixedPoint
from .functional import regrid
from .functional_search import default_resolution, functional_fixed_point
from .potential import litim_volume
from .stability import nu_omega

__all__ = ["ORDERS", "NORMALISATIONS", "CHECK_TOL", "MIN_DECAY", "derivative_expansion_fixed_point"]

#: Truncation orders, lowest first.
ORDERS = ("lpa", "lpa_prime", "d2")

#: Where z = 1 is imposed.
NORMALISATIONS = ("minimum", "origin")

#: Accepted change of nu, omega and eta against the re-solves of ``check``.
CHECK_TOL = 1e-7

#: Smallest accepted boundary decay; the domain is adapted into [_BAND[0], _BAND[1]].
MIN_DECAY = 30.0
_BAND = (40.0, 80.0)

#: Smallest default resolution per order: the LPA' converges more slowly (its eta is the largest, so the
#: large-field power 2/(D - 2) of the LPA is furthest from a polynomial; docs/derivative_expansion.md).
_MIN_RESOLUTION = {"lpa": 48, "lpa_prime": 80, "d2": 48}


def derivative_expansion_fixed_point(dim: float, n_components: float = 1, *, regulator="litim", order: str = "d2",
                                     normalisation: str = "minimum", resolution: int | None = None,
                                     r_max: float | None = None, n_exponents: int = 6,
                                     check: bool = True) -> DerivativeExpansionFixedPoint:
    """The Wilson-Fisher fixed point of the O(N) model at order d^2 of the derivative expansion (or LPA, LPA').

    Gamma_k = int [U_k(rho) + Z_k(rho) (d phi)^2/2 + Y_k(rho) (d rho)^2/4], rho = phi.phi/2; the
    dimensionless fixed-point equations for w = u', z and yh (docs/theory/derivative_expansion.md) are
    solved on the half-line by Chebyshev collocation and Newton's method, eta by the normalisation
    z = 1, and the exponents theta_i from the linearised flow (nu = 1/theta_1, omega = -theta_2).

    Parameters
    ----------
    dim : float
        D in (2, 4).
    n_components : float
        N >= 1 (real).
    regulator : str or Regulator
        A name of :data:`~tensornn.theory.REGULATORS`: ``"litim"`` (its kink is the limit of smooth
        regulators, exact at this order: docs/derivative_expansion.md) or a smooth one.
    order : {"d2", "lpa_prime", "lpa"}
        "d2": Z(rho) and Y(rho); "lpa_prime": Z independent of rho, eta from the momentum dependence of
        the two-point function at the minimum (eta in the scaling and in the regulator); "lpa": Z = 1,
        eta = 0 (the functional LPA with this regulator).
    normalisation : {"minimum", "origin"}
        Where z = 1 holds: at the minimum of the potential (default) or at rho = 0 (order "d2" only; the
        LPA' has no p^2 term at rho = 0).
    resolution : int, optional
        Polynomial degree of the collocation (default 48, 80 for the LPA', and more beyond N = 10:
        :func:`~tensornn.flow.functional_search.default_resolution`).
    r_max : float, optional
        Right end of the domain in r = x V_D (a domain study); default: adapted until the outer
        condition's error is damped by e^-40 to e^-80 in the inner half (boundary decay).
    n_exponents : int, default 6
        Exponents and eigenfunctions kept.
    check : bool, default True
        Solve again with 3/4 of the points and on a 1.25 times longer domain and report the changes
        of nu, omega and eta (flagged above :data:`CHECK_TOL`).

    Returns
    -------
    DerivativeExpansionFixedPoint
        With ``status`` "converged", "unconverged" or "failed" (no solution found: ``message`` says at
        which stage).

    Raises
    ------
    InvalidArgumentError
        For a dimension outside (2, 4), N < 1, an unknown regulator, order or normalisation, or the
        LPA' with ``normalisation="origin"``.

    Examples
    --------
    >>> fp = derivative_expansion_fixed_point(3.0, 1, order="lpa", check=False)
    >>> round(fp.nu, 10)                      # the functional LPA, Litim regulator
    0.6495617739
    >>> fp = derivative_expansion_fixed_point(3.0, 1, check=False)
    >>> round(fp.eta, 6), round(fp.nu, 6)     # order d^2, Litim, z = 1 at the minimum
    (0.050397, 0.625532)

    References
    ----------
    Morris and Turner, hep-th/9704202; Canet, Delamotte, Mouhanna, Vidal, hep-th/0302227; Balog,
    Chate, Delamotte, Marohnic, Wschebor, arXiv:1907.01829; De Polsi, Balog, Tissier, Wschebor,
    arXiv:2001.07525; Borchardt and Knorr, arXiv:1502.07511 (pseudo-spectral methods).
    """
    dim = check_real("dim", dim)
    if not 2.0 < dim < 4.0:
        raise InvalidArgumentError(
            f"dim must lie in (2, 4) for the Wilson-Fisher point of the derivative expansion, got {dim}: at D <= 2 "
            "rho has no scaling dimension and at D >= 4 only the Gaussian point exists")
    n_components = check_real("n_components", n_components, minimum=1.0)
    reg = get_regulator(regulator)
    order = check_choice("order", order, ORDERS)
    normalisation = check_choice("normalisation", normalisation, NORMALISATIONS)
    if order == "lpa_prime" and normalisation == "origin":
        raise InvalidArgumentError(
            "normalisation='origin' with order='lpa_prime': with Z independent of rho the one-loop two-point "
            "function has no p^2 term at rho = 0, so the LPA' takes eta at the minimum; use "
            "normalisation='minimum', or order='d2' for the normalisation at the origin")
    resolution = (max(_MIN_RESOLUTION[order], default_resolution(n_components)) if resolution is None
                  else check_int("resolution", resolution, minimum=16, maximum=400))
    n_keep = check_int("n_exponents", n_exponents, minimum=2, maximum=resolution)
    if r_max is not None:
        r_max = check_real("r_max", r_max, positive=True)
    if not isinstance(check, bool):
        raise InvalidArgumentError(f"check must be True or False, got {check!r}")
    start = time.perf_counter()
    quad = momentum_quadrature(reg, dim)
    solved = _solve(dim, n_components, quad, order, normalisation, resolution)
    if isinstance(solved, str):
        return _failed(dim, n_components, reg.name, order, normalisation, resolution, solved)
    problem, v, iterations = solved
    if r_max is not None:
        problem, guess = _regrid_vector(problem, v, ChebyshevGrid(resolution, r_max / litim_volume(dim)))
        v, iterations, _ = problem.newton(guess)
        if v is None:
            return _failed(dim, n_components, reg.name, order, normalisation, resolution,
                           f"Newton's method failed on the domain r_max = {r_max:g}")
    fp = _describe(problem, v, iterations, n_keep, check)
    fp.diagnostics["seconds"] = time.perf_counter() - start
    return fp


# ----------------------------------------------------------------------------- stages


def _solve(dim, n_components, quad, order, normalisation, resolution):
    """(problem, v, iterations) of the requested order, or the reason of the failure (a str)."""
    litim = functional_fixed_point(dim, n_components, resolution=resolution, check=False)
    if litim is None:
        return "the functional LPA (Litim) found no Wilson-Fisher point to start from at this D and N"
    stretch = gaussian_threshold(quad) / 2.0  # Litim's <rdot g^2> at the Gaussian point is 2
    grid = ChebyshevGrid(resolution, litim.grid.length * stretch)
    w = regrid(litim.w, ChebyshevGrid(litim.resolution, grid.length), grid, dim)
    problem = CollocationProblem(grid, dim, n_components, quad, "lpa")
    functions, eta, x0 = {"w": w}, 0.0, None
    stages = ORDERS[: ORDERS.index(order) + 1]
    iterations = 0
    for stage in stages:
        norm = "minimum" if stage == "lpa_prime" else normalisation
        problem = CollocationProblem(problem.grid, dim, n_components, quad, stage, norm)
        if problem.has_x0 and x0 is None:
            x0 = _first_minimum(functions["w"], problem.grid)
            if x0 is None:
                return "the LPA potential has no minimum on the domain (no broken-phase point to normalise z at)"
        full = {"z": np.ones(problem.m), "y": np.zeros(problem.m)} | functions
        v, iterations, _ = problem.newton(problem.pack(full, eta, x0))
        if v is None:
            return f"Newton's method failed at the {stage} stage"
        problem, v = _adapt_length(problem, v)
        functions, eta, x0_new = problem.unpack(v)
        x0 = x0_new if problem.has_x0 else x0
    return problem, v, iterations


def _first_minimum(w, grid):
    """The first zero of the interpolant of w where w increases (a minimum of u), or None.

    Bracketed by the first sign change of the grid values, then Newton's method on the interpolant.
    """
    crossing = np.nonzero((w[:-1] < 0) & (w[1:] >= 0))[0]
    if not crossing.size:
        return None
    i = int(crossing[0])
    lo, hi = float(grid.x[i]), float(grid.x[i + 1])
    x0 = lo - w[i] * (hi - lo) / (w[i + 1] - w[i])
    slope = grid.d1 @ w
    for _ in range(30):
        step = float(grid.interpolate(w, x0)) / float(grid.interpolate(slope, x0))
        x0 = min(max(x0 - step, lo), hi)
        if abs(step) <= 1e-15 * (1.0 + abs(x0)):
            break
    return x0


def _regrid_vector(problem, v, new_grid):
    """The unknown vector of ``problem`` moved to ``new_grid`` (and the new problem)."""
    functions, eta, x0 = problem.unpack(v)
    new = CollocationProblem(new_grid, problem.dim, problem.n_components, problem.quad, problem.order,
                             problem.normalisation)
    moved = {}
    for name, values in functions.items():
        if name == "w":
            moved[name] = regrid(values, problem.grid, new_grid, problem.dim)
        else:
            inside = np.minimum(new_grid.x, problem.grid.length)
            moved[name] = problem.grid.interpolate(values, inside)
    return new, new.pack(moved, eta, x0)


def _adapt_length(problem, v, *, factor=1.15, max_changes=40):
    """Lengthen or shorten [0, L] until min_f boundary_decay lies in _BAND; (problem, v) (unchanged on failure)."""
    decay = min(problem.boundary_decay(v).values())
    direction = 0
    for _ in range(max_changes):
        if decay < _BAND[0] and direction >= 0:
            direction, length = 1, problem.grid.length * factor
        elif decay > _BAND[1] and direction <= 0:
            direction, length = -1, problem.grid.length / factor
        else:
            break
        new, guess = _regrid_vector(problem, v, ChebyshevGrid(problem.grid.n, length))
        sol, _, _ = new.newton(guess)
        if sol is None:
            break
        new_decay = min(new.boundary_decay(sol).values())
        if direction < 0 and new_decay < MIN_DECAY:
            break
        problem, v, decay = new, sol, new_decay
    return problem, v


# ----------------------------------------------------------------------------- description


def _observables(problem, v, n_keep):
    theta, vectors = problem.spectrum(v, n_keep)
    nu, omega = nu_omega(theta)
    return theta, vectors, {"nu": nu, "omega": omega, "eta": float(problem.unpack(v)[1])}


def _describe(problem, v, iterations, n_keep, check):
    grid, m = problem.grid, problem.m
    vd = litim_volume(problem.dim)
    theta, vectors, obs = _observables(problem, v, n_keep)
    functions, eta, x0 = problem.unpack(v)
    _, residual = problem.residual(v)
    nf = len(problem.fields)
    eig = vectors.T.reshape(len(theta), nf, m)
    scale = np.max(np.abs(eig[:, 0, :]), axis=1)
    eig = eig / np.where(scale > 0, scale, 1.0)[:, None, None]
    if nf == 3:
        eig[:, 2, :] /= vd  # dy in the normalisation of the result's y (z_L = z + r y)
    decay = problem.boundary_decay(v)
    tails = {}
    for name, values in functions.items():
        coef = np.abs(grid.coefficients(values - values[0]))
        tails[name] = float(np.max(coef[-max(2, grid.n // 10):]) / max(np.max(coef), 1e-300))
    diagnostics = {"newton_iterations": int(iterations), "boundary_decay": decay, "chebyshev_tail": tails,
                   "quadrature_nodes": int(len(problem.quad.y))}
    flags = []
    if check:
        coarse = ChebyshevGrid(max(16, round(0.75 * grid.n)), grid.length)
        longer = ChebyshevGrid(grid.n, 1.25 * grid.length)
        for key, other in (("resolution_change", coarse), ("domain_change", longer)):
            new, guess = _regrid_vector(problem, v, other)
            sol, _, _ = new.newton(guess)
            if sol is None:
                diagnostics[key] = None
                flags.append(f"{key.replace('_', ' ')}: the re-solve on {other!r} failed")
                continue
            changes = {k: abs(val - obs[k]) for k, val in _observables(new, sol, n_keep)[2].items()}
            diagnostics[key] = changes
            worst = max(changes.values())
            if not worst <= CHECK_TOL:
                flags.append(f"nu, omega or eta change by {worst:.2g} against {other!r} (tolerance {CHECK_TOL:g}): "
                             "raise the resolution")
    if residual > 1e-9:
        flags.append(f"residual {residual:.2g} above 1e-9")
    if min(decay.values()) < MIN_DECAY:
        flags.append(f"boundary decay {min(decay.values()):.3g} < {MIN_DECAY:g}: the outer condition is not damped")
    if "z" in functions and np.min(functions["z"]) <= 0:
        flags.append("z* is not positive on the whole domain: the kinetic term changes sign")
    status = "converged" if residual <= 1e-9 else "unconverged"
    message = (f"Newton's method converged in {iterations} iterations" if status == "converged"
               else f"the residual {residual:.2g} is above 1e-9")
    full = {"w": functions["w"], "z": functions.get("z", np.ones(m)), "y": functions.get("y", np.zeros(m))}
    r0 = _first_minimum(full["w"], grid) if x0 is None or problem.normalisation == "origin" else float(x0)
    return DerivativeExpansionFixedPoint(
        dim=problem.dim, n_components=problem.n_components, regulator=problem.quad.regulator.name,
        order=problem.order, normalisation="minimum" if problem.order == "lpa_prime" else problem.normalisation,
        r=grid.x * vd, w=np.array(full["w"]), z=np.array(full["z"]), y=np.array(full["y"]) / vd,
        eta=float(eta), r0=None if r0 is None else r0 * vd, exponents=theta, eigenfunctions=eig,
        residual=float(residual), status=status, message=message, diagnostics=diagnostics, flags=tuple(flags),
        resolution=grid.n, r_max=grid.length * vd)


def _failed(dim, n_components, regulator, order, normalisation, resolution, reason):
    empty = np.zeros(0)
    return DerivativeExpansionFixedPoint(
        dim=dim, n_components=n_components, regulator=regulator, order=order, normalisation=normalisation,
        r=empty, w=empty, z=empty, y=empty, eta=math.nan, r0=None, exponents=empty,
        eigenfunctions=np.zeros((0, 0, 0)), residual=math.inf, status="failed", message=reason,
        resolution=resolution)


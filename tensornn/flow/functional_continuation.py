"""Pseudo-arclength continuation of the functional LPA's fixed points in D or N, on an adapted domain.

A fixed point w*(x; p) of F[w; p] = 0 (:func:`~tensornn.flow.functional.lpa_residual`) depends on a
parameter p: the dimension D, or ln N. Natural-parameter continuation (solve at p + dp from the solution at
p) stops where the branch folds (p turns back along it) and wherever its steps cannot follow a fast change.
Pseudo-arclength continuation (Keller) follows the branch by its arclength s instead: with the unit tangent
t = (t_w, t_p) at a solved point, the predictor (w, p) + ds t is corrected by Newton's method on

    F[w; p] = 0,    <t_w, w - w_pred> + t_p (p - p_pred) = 0,

whose Jacobian [[J, dF/dp], [t_w^T/(n + 1), t_p]] stays regular through folds (<a, b> is the mean over the
grid points, so the parameter weighs as much as a typical value of w). The tangent solves the same bordered
system with right-hand side (0, 1), which keeps its orientation along the branch.

The grid follows the solution. When ``boundary_decay`` I(L/2) leaves [:data:`LOW_DECAY`, :data:`HIGH_DECAY`],
L is set where I(L/2) = :data:`TARGET_DECAY` for the current solution (the integral on the interpolant,
continued beyond L by its power law; :func:`target_length`) and the point is solved again there: near D = 2
the solution grows like x^(2/(D-2)) and I(L/2) rises by orders of magnitude when L grows by ten per cent, so
the length is aimed at, not stepped. When the Chebyshev tail of w exceeds :data:`MAX_TAIL` the resolution is
raised by half: an under-resolved branch shows folds that are not there (the phi^6 branch of N = 10 turns
back at D = 2.54 with 48 points and at 2.51 with 96, and reaches D = 2.5 with 144).

References
----------
Keller, "Numerical solution of bifurcation and nonlinear eigenvalue problems" (1977); Allgower and Georg,
*Introduction to Numerical Continuation Methods* (SIAM 2003), ch. 2; Yabunaka, Delamotte, arXiv:1707.04383
(folds of the multicritical O(N) branches).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .chebyshev import ChebyshevGrid
from .functional import FLOOR_TOL, NEWTON_TOL, boundary_decay, coefficients, lpa_residual, regrid, solve_lpa
from .threshold_functions import threshold_function

__all__ = ["LOW_DECAY", "HIGH_DECAY", "TARGET_DECAY", "MAX_TAIL", "Continuation", "continue_branch", "target_length",
           "adapt_domain", "parameter_derivative", "chebyshev_tail"]

#: The band of boundary_decay I(L/2) kept during a continuation, and the value aimed at when it is left: the
#: boundary condition's error is below e^-30 in the inner half, and the outer half is not wasted.
LOW_DECAY, TARGET_DECAY, HIGH_DECAY = 30.0, 60.0, 400.0

#: Largest Chebyshev tail (the largest of the last tenth of the coefficients of w over the largest) kept
#: during a continuation; above it the resolution is raised by half (an under-resolved branch shows folds
#: that are not there).
MAX_TAIL = 1e-8


def _threshold(regulator, dim):
    """None (the Litim closed forms, bit for bit) or the regulator's threshold function at this D."""
    return None if regulator in (None, "litim") else threshold_function(regulator, dim)


def _n_of(p, which, fixed):
    return (fixed, math.exp(p)) if which == "log_n" else (p, fixed)


def parameter_derivative(w, grid: ChebyshevGrid, dim: float, n_components: float, regulator, which: str):
    """dF/dp at w: p = D (``which="dim"``) or p = ln N (``"log_n"``).

    dF/dD = x w' + (N - 1) d_D lambda'(w) w' + d_D lambda'(h) s, plus, in the outer row, lambda'(h) 2 x times
    d w''/dD = -2/(D - 2)^2 w'/x; dF/d ln N = N lambda'(w) w'.
    """
    threshold = _threshold(regulator, dim)
    x = grid.x
    w1 = grid.d1 @ w
    h = w + 2.0 * x * w1
    if threshold is None:
        l1h, l1w = -1.0 / (1.0 + h) ** 2, -1.0 / (1.0 + w) ** 2
    else:
        l1h, l1w = threshold.derivatives(h, 2)[1], threshold.derivatives(w, 2)[1]
    if which == "log_n":
        return n_components * l1w * w1
    out = x * w1
    if threshold is not None:
        w2 = grid.d2 @ w
        w2[-1] = (2.0 / (dim - 2.0) - 1.0) * w1[-1] / x[-1]
        s = 3.0 * w1 + 2.0 * x * w2
        out = out + threshold.dim_derivatives(h, 2)[1] * s
        if n_components != 1:
            out = out + (n_components - 1.0) * threshold.dim_derivatives(w, 2)[1] * w1
    out[-1] += -4.0 * l1h[-1] * w1[-1] / (dim - 2.0) ** 2
    return out


def _decay_table(w, grid, dim, n_components, threshold, reach=3.0, points=601):
    """x and the cumulative integral of A/E on [0, reach L]: beyond L, w continued by its local power law."""
    length = grid.length
    x = np.linspace(length * 1e-3, reach * length, points)
    inside = x <= length
    a = np.empty_like(x)
    e = np.empty_like(x)
    a[inside], e[inside] = coefficients(w, grid, dim, n_components, threshold, x[inside])
    if np.any(~inside):
        wl, slope = float(w[-1]), float((grid.d1 @ w)[-1])
        q = min(length * slope / wl, 2.0 / (dim - 2.0)) if wl > 0 and slope > 0 else 1.0
        xo = x[~inside]
        if wl > 0 and slope > 0:
            w0 = wl * (xo / length) ** q
            w1 = q * w0 / xo
            w2 = q * (q - 1.0) * w0 / xo**2
        else:
            w0, w1, w2 = wl + slope * (xo - length), np.full_like(xo, slope), np.zeros_like(xo)
        h = w0 + 2.0 * xo * w1
        s = 3.0 * w1 + 2.0 * xo * w2
        with np.errstate(all="ignore"):
            if threshold is None:
                l1h, l2h, l1w = -1.0 / (1.0 + h) ** 2, 2.0 / (1.0 + h) ** 3, -1.0 / (1.0 + w0) ** 2
            else:
                lam = threshold.derivatives(h, 3)
                l1h, l2h = lam[1], lam[2]
                l1w = threshold.derivatives(w0, 2)[1]
            a[~inside] = (dim - 2.0) * xo + (n_components - 1.0) * l1w + 3.0 * l1h + 2.0 * xo * l2h * s
            e[~inside] = -2.0 * xo * l1h
    with np.errstate(all="ignore"):
        ratio = a / e
    ratio = np.where(np.isfinite(ratio), ratio, 0.0)
    cumulative = np.concatenate([[0.0], np.cumsum((ratio[1:] + ratio[:-1]) * np.diff(x) / 2)])
    return x, cumulative


def target_length(w, grid: ChebyshevGrid, dim: float, n_components: float, regulator=None,
                  goal: float = TARGET_DECAY) -> float:
    """The L' with I(L'/2) = goal for the current solution (interpolant inside [0, L], its power law beyond).

    I(L'/2) = C(L') - C(L'/2) with C the cumulative integral of A/E (:func:`~tensornn.flow.functional.coefficients`);
    it grows with L', so L' is found by bisection on a table of C up to 3 L (L'/L is clipped to [1/4, 3]).
    """
    threshold = _threshold(regulator, dim)
    x, cumulative = _decay_table(w, grid, dim, n_components, threshold)

    def decay(length):
        return float(np.interp(length, x, cumulative) - np.interp(length / 2, x, cumulative))

    low, high = grid.length / 4, x[-1]
    if decay(high) < goal:
        return high
    if decay(low) > goal:
        return low
    for _ in range(60):
        mid = math.sqrt(low * high)
        if decay(mid) < goal:
            low = mid
        else:
            high = mid
    return math.sqrt(low * high)


def chebyshev_tail(w, grid: ChebyshevGrid) -> float:
    """The largest of the last tenth of the Chebyshev coefficients of w over the largest (0 for w = 0)."""
    coef = np.abs(grid.coefficients(w))
    top = float(np.max(coef))
    return float(np.max(coef[-max(2, grid.n // 10):]) / top) if top > 0 else 0.0


def _refine(grid, w, p, which, fixed, regulator, max_resolution):
    """(grid, w) at 1.5 times the resolution while the Chebyshev tail exceeds MAX_TAIL (unchanged on failure)."""
    dim, n = _n_of(p, which, fixed)
    while chebyshev_tail(w, grid) > MAX_TAIL and grid.n < max_resolution:
        new = ChebyshevGrid(min(max_resolution, int(round(1.5 * grid.n))), grid.length)
        sol, _, _ = solve_lpa(regrid(w, grid, new, dim), new, dim, n, threshold=_threshold(regulator, dim))
        if sol is None:
            break
        grid, w = new, sol
    return grid, w


def _inner_size(values, grid, upto=None):
    """max |w| over x <= upto (default: the inner half of the domain), a measure of the distance from the Gaussian."""
    upto = grid.length / 2 if upto is None else upto
    return float(np.max(np.abs(values[grid.x <= upto])))


def adapt_domain(grid: ChebyshevGrid, w, dim: float, n_components: float, regulator=None, *, low=LOW_DECAY,
                 high=HIGH_DECAY, goal=TARGET_DECAY, attempts: int = 3):
    """(grid, w) with boundary_decay I(L/2) in [low, high]: L aimed at goal, then solved again (unchanged on failure)."""
    threshold = _threshold(regulator, dim)
    decay = boundary_decay(w, grid, dim, n_components, threshold)
    for _ in range(attempts):
        if low <= decay <= high:
            break
        length = target_length(w, grid, dim, n_components, regulator, goal)
        if abs(length / grid.length - 1.0) < 1e-6:
            break
        new = ChebyshevGrid(grid.n, length)
        sol, _, _ = solve_lpa(regrid(w, grid, new, dim), new, dim, n_components, threshold=threshold)
        common = min(length, grid.length) / 2
        if sol is None or _inner_size(sol, new, common) < 0.5 * _inner_size(w, grid, common):
            break
        grid, w = new, sol
        decay = boundary_decay(w, grid, dim, n_components, threshold)
    return grid, w


@dataclass
class Continuation:
    """The end of a continuation: the solution at the target, or why it stopped.

    Attributes
    ----------
    grid : ChebyshevGrid
    w : ndarray or None
        The solution at the target (None on failure).
    parameter : float
        Where the continuation stopped (the target when it got there).
    reached : bool
    message : str
    steps : int
        Accepted steps.
    folds : int
        Turning points passed (the tangent's parameter component changed sign).
    """

    grid: ChebyshevGrid
    w: np.ndarray | None
    parameter: float
    reached: bool
    message: str
    steps: int = 0
    folds: int = 0


def _bordered(J, Fp, tw, tp):
    m = J.shape[0]
    A = np.empty((m + 1, m + 1))
    A[:m, :m] = J
    A[:m, m] = Fp
    A[m, :m] = tw / m
    A[m, m] = tp
    return A


def _tangent(grid, w, p, which, fixed, regulator, prev_w, prev_p):
    dim, n = _n_of(p, which, fixed)
    _, _, J = lpa_residual(w, grid, dim, n, jacobian=True, threshold=_threshold(regulator, dim))
    Fp = parameter_derivative(w, grid, dim, n, regulator, which)
    rhs = np.zeros(len(w) + 1)
    rhs[-1] = 1.0
    try:
        t = np.linalg.solve(_bordered(J, Fp, prev_w, prev_p), rhs)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(t)):
        return None
    norm = math.sqrt(float(np.mean(t[:-1] ** 2)) + float(t[-1]) ** 2)
    return t[:-1] / norm, float(t[-1]) / norm


def _corrector(grid, w_pred, p_pred, tw, tp, which, fixed, regulator, max_iterations=10):
    """Newton's method on F = 0 and the arclength condition; (w, p, iterations) or None."""
    w, p = w_pred.copy(), p_pred
    m = len(w)
    for it in range(1, max_iterations + 1):
        dim, n = _n_of(p, which, fixed)
        if which == "dim" and not 2.0 < dim <= 4.5:
            return None
        threshold = _threshold(regulator, dim)
        F, scale, J = lpa_residual(w, grid, dim, n, jacobian=True, threshold=threshold)
        c = float(np.mean(tw * (w - w_pred))) + tp * (p - p_pred)
        merit = float(np.max(np.abs(F) / scale)) if np.all(np.isfinite(F)) else math.inf
        if not math.isfinite(merit):
            return None
        if merit < NEWTON_TOL and abs(c) < 1e-12 and it > 1:
            return w, p, it
        Fp = parameter_derivative(w, grid, dim, n, regulator, which)
        try:
            step = np.linalg.solve(_bordered(J, Fp, tw, tp), -np.concatenate([F, [c]]))
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(step)):
            return None
        if merit < FLOOR_TOL and it > 2 and np.max(np.abs(step[:m])) <= 1e-10 * (1.0 + np.max(np.abs(w))):
            return w + step[:m], p + float(step[m]), it  # at the rounding floor of a fine grid
        w = w + step[:m]
        p = p + float(step[m])
        if np.max(np.abs(step[:m])) <= 1e-13 * (1.0 + np.max(np.abs(w))) and merit < 10 * NEWTON_TOL:
            return w, p, it
    dim, n = _n_of(p, which, fixed)
    F, scale = lpa_residual(w, grid, dim, n, threshold=_threshold(regulator, dim))
    if np.all(np.isfinite(F)) and float(np.max(np.abs(F) / scale)) < NEWTON_TOL:
        return w, p, max_iterations
    return None


def continue_branch(grid: ChebyshevGrid, w, p_from: float, p_to: float, *, which: str = "dim", fixed: float,
                    regulator=None, max_steps: int = 600, shrink: float = 0.3,
                    max_resolution: int = 256) -> Continuation:
    """Follow a fixed point from p_from to p_to by pseudo-arclength continuation (module docstring).

    Parameters
    ----------
    grid : ChebyshevGrid
        The grid of ``w``.
    w : ndarray
        A solution at p_from.
    p_from, p_to : float
        The parameter: D (``which="dim"``, ``fixed`` = N) or ln N (``which="log_n"``, ``fixed`` = D).
    regulator : str, optional
        A regulator name (None or "litim": the closed forms).
    max_steps : int
    shrink : float
        A corrected point whose inner size max|w| falls below ``shrink`` times that of the current point is
        rejected and the step halved (the branch must not run back onto the Gaussian point it bifurcates from).
    max_resolution : int
        The resolution is raised by half, up to this, whenever the Chebyshev tail of an accepted point exceeds
        :data:`MAX_TAIL`.

    Returns
    -------
    Continuation
    """
    direction = 1.0 if p_to >= p_from else -1.0
    dim, n = _n_of(p_from, which, fixed)
    tangent = _tangent(grid, w, p_from, which, fixed, regulator, np.zeros_like(w), direction)
    if tangent is None:
        return Continuation(grid, None, p_from, False, f"no tangent at {which} = {p_from:.6g} (singular Jacobian)")
    tw, tp = tangent
    span = abs(p_to - p_from)
    ds, ds_max = span / 8, max(span / 4, 1e-3)
    p, steps, folds = p_from, 0, 0
    for _ in range(max_steps):
        if ds < 1e-9:
            return Continuation(grid, None, p, False, f"the step size collapsed at {_label(which)} = {_show(p, which)}",
                                steps, folds)
        corrected = _corrector(grid, w + ds * tw, p + ds * tp, tw, tp, which, fixed, regulator)
        if corrected is None or _inner_size(corrected[0], grid) < shrink * _inner_size(w, grid):
            ds /= 2
            continue
        w_new, p_new, iterations = corrected
        if (p_new - p_to) * (p - p_to) <= 0 and p_new != p:  # crossed the target: land on it
            frac = (p_to - p) / (p_new - p)
            landed = _land(grid, w + frac * (w_new - w), p_to, which, fixed, regulator)
            if landed is not None and _inner_size(landed, grid) >= shrink * _inner_size(w, grid):
                return Continuation(grid, landed, p_to, True, "reached", steps + 1, folds)
            ds /= 2
            continue
        new_tangent = _tangent(grid, w_new, p_new, which, fixed, regulator, tw, tp)
        if new_tangent is None:
            ds /= 2
            continue
        if new_tangent[1] * tp < 0:
            folds += 1
        w, p = w_new, p_new
        tw, tp = new_tangent
        steps += 1
        dim, n = _n_of(p, which, fixed)
        decay = boundary_decay(w, grid, dim, n, _threshold(regulator, dim))
        new_grid, new_w = grid, w
        if not LOW_DECAY <= decay <= HIGH_DECAY:
            new_grid, new_w = adapt_domain(grid, w, dim, n, regulator)
        new_grid, new_w = _refine(new_grid, new_w, p, which, fixed, regulator, max_resolution)
        if new_grid is not grid:
            old = grid
            grid, w = new_grid, new_w
            moved = _tangent(grid, w, p, which, fixed, regulator, regrid(tw, old, grid, dim), tp)
            if moved is None:
                return Continuation(grid, None, p, False,
                                    f"no tangent after adapting the grid at {_label(which)} = {_show(p, which)}",
                                    steps, folds)
            tw, tp = moved
        if iterations <= 3:
            ds = min(1.5 * ds, ds_max)
        elif iterations >= 7:
            ds /= 1.5
    return Continuation(grid, None, p, False, f"no arrival after {max_steps} steps (at {_label(which)} = "
                        f"{_show(p, which)})", steps, folds)


def _land(grid, guess, p, which, fixed, regulator):
    dim, n = _n_of(p, which, fixed)
    sol, _, _ = solve_lpa(guess, grid, dim, n, threshold=_threshold(regulator, dim))
    return sol


def _label(which):
    return "D" if which == "dim" else "N"


def _show(p, which):
    return f"{p:.6g}" if which == "dim" else f"{math.exp(p):.6g}"

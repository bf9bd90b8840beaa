"""Roots of beta functions from many starts at once: a batched Newton method with MINPACK as the fallback.

Every flow system of the package evaluates its beta functions on a batch of coupling vectors in one
call (couplings of shape (n, m)). :func:`batched_newton` uses that: all starts take their Newton steps
together, the Jacobians of all of them come from one call (central differences over the batch, or the
exact complex step for systems whose beta functions accept complex couplings), and each start is
globalised on its own by a dogleg trust region (Powell's hybrid method, as in MINPACK's ``hybrd``, with
the exact Jacobian at every step). Each start works
in variables and residuals scaled by the size of its start (y = g / s_x, f = beta / s_f with s_x = |g0|,
s_f = 1 + |g0|), because couplings of high-order truncations span many decades.

:func:`minpack_root` is the former one-start path (:func:`scipy.optimize.root`, hybrid Powell or
Levenberg-Marquardt, in the same scaled variables, with a Newton polish), kept for starts the batched
method does not bring home.

References
----------
Powell, "A hybrid method for nonlinear equations" (1970); Nocedal and Wright, *Numerical Optimization*,
ch. 11 (trust-region methods for nonlinear equations, the dogleg).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import root

__all__ = ["batched_newton", "newton", "polish_roots", "minpack_root", "supports_complex", "jacobians", "XTOL"]

#: Relative step of the central-difference Jacobians (error ~1e-10 relative for smooth beta functions).
_STEP = 1e-7


def _beta(system, points, t):
    with np.errstate(all="ignore"):
        return np.asarray(system.beta(points, t))


_COMPLEX: dict = {}  # system type -> whether its beta functions take complex couplings


def supports_complex(system, point, t=None) -> bool:
    """True when ``system.beta`` accepts complex couplings and returns their complex images (complex step).

    Probed once per system type with a complex point.
    """
    known = _COMPLEX.get(type(system))
    if known is not None:
        return known
    _COMPLEX[type(system)] = answer = _probe_complex(system, point, t)
    return answer


def _probe_complex(system, point, t) -> bool:
    g = np.asarray(point, dtype=float)
    probe = (g + 1e-30j)[:, None]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = _beta(system, probe, t)
    except (TypeError, ValueError, ArithmeticError, Warning):
        return False
    return bool(np.iscomplexobj(values) and values.shape == probe.shape and np.all(np.isfinite(values)))


def jacobians(system, points, t=None, *, complex_step=False, scale=None) -> np.ndarray:
    """d beta_i / d g_j at each column of ``points`` (shape (n, m)), as an array (m, n, n), in one call.

    ``complex_step``: Im beta(g + i h e_j) / h with h = 1e-30 (exact to rounding); otherwise central
    differences with h_j = 1e-7 max(|g_j|, scale_j) (``scale`` defaults to 1e-2).
    """
    g = np.asarray(points, dtype=float)
    n, m = g.shape
    eye = np.eye(n)
    if complex_step:
        pts = (g[:, :, None] + 1e-30j * eye[:, None, :]).reshape(n, m * n)
        values = _beta(system, pts, t).imag.reshape(n, m, n) / 1e-30
        return np.transpose(values, (1, 0, 2))
    floor = np.full((n, 1), 1e-2) if scale is None else np.asarray(scale, dtype=float).reshape(n, -1)
    h = _STEP * np.maximum(np.abs(g), floor)  # (n, m)
    disp = h.T[:, None, :] * eye[None, :, :]  # (m, n_row, n_col): column j displaced by h_j
    plus = (g.T[:, :, None] + disp).transpose(1, 0, 2).reshape(n, m * n)
    minus = (g.T[:, :, None] - disp).transpose(1, 0, 2).reshape(n, m * n)
    values = _beta(system, np.concatenate([plus, minus], axis=1), t).real
    fp, fm = values[:, : m * n].reshape(n, m, n), values[:, m * n :].reshape(n, m, n)
    return np.transpose((fp - fm) / (2 * h.T[None, :, :]), (1, 0, 2))


def batched_newton(system, starts, t=None, *, tol=1e-9, max_iterations=100, complex_step=False, early_stop=True):
    """Newton's method from every start at once, globalised by a dogleg trust region per start.

    Each start takes the Newton step when it lies inside its trust region, else the dogleg between
    the Cauchy point (the minimum of the linear model along the steepest descent of |f|^2) and the
    Newton step; the region grows after good steps and shrinks after poor ones, and it is measured
    in the norm |D p| with D the largest column norms of the Jacobian met so far (Powell's hybrid
    method with MINPACK's scaling and initial bound 100 |D x0|, but the exact Jacobian at every step
    instead of Broyden updates). Everything is done in the scaled variables of the module docstring.

    Parameters
    ----------
    system : FlowSystem
    starts : array_like, shape (m, n)
    t : float, optional
        Frozen scale for non-autonomous systems.
    tol : float
        A start has converged when max_i |beta_i| / (1 + |g_i|) <= tol and its last step is below 1e-12
        of its size (or, with ``early_stop``, the residual is below 1e-3 tol); or at the rounding floor of
        the beta functions, when the full Newton correction is below :data:`XTOL` of the couplings and the
        residual below sqrt(tol) (high-order truncations, whose beta functions cancel large terms):
        max_i |dg_i| / max(|g_i|, 1e-6 max_j |g_j|) <= XTOL for the Newton correction dg.
    max_iterations : int
    complex_step : bool
        Exact Jacobians by the complex step (only for systems where :func:`supports_complex` holds).
    early_stop : bool
        Stop a start once its residual is below 1e-3 tol. Without it, a start stops there only when its last
        step is also below 1e-6 of its couplings: near a simple root that is one more step, but along a
        marginal direction (beta ~ g^2, linear convergence, steps of half the distance) the root then slides
        all the way to the fixed point it approaches instead of stopping where beta < tol.

    Returns
    -------
    roots : ndarray, shape (m, n)
    converged : ndarray of bool, shape (m,)
    evaluations : int
        Batched beta calls made.
    """
    x = np.array(starts, dtype=float)
    m, n = x.shape
    sx = np.where(np.abs(x) > 1e-6, np.abs(x), 1.0)  # (m, n)
    sf = 1.0 + np.abs(x)
    f = _beta(system, x.T, t).real.T  # (m, n)
    calls = 1
    active = np.all(np.isfinite(f), axis=1)
    converged = np.zeros(m, dtype=bool)
    radius = np.full(m, np.nan)  # MINPACK's initial bound, set with the first Jacobian
    diag = np.zeros((m, n))  # MINPACK's scaling: the largest column norms of the Jacobian seen so far
    need_jacobian = np.ones(m, dtype=bool)
    Js = np.zeros((m, n, n))
    for _ in range(max_iterations):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        jac = idx[need_jacobian[idx]]
        if jac.size:
            J = jacobians(system, x[jac].T, t, complex_step=complex_step, scale=sx[jac].T)
            calls += 1
            Js[jac] = J * sx[jac][:, None, :] / sf[jac][:, :, None]
            with np.errstate(all="ignore"):
                norms = np.sqrt(np.sum(Js[jac] ** 2, axis=1))
            diag[jac] = np.maximum(diag[jac], np.where(np.isfinite(norms) & (norms > 0), norms, 1.0))
            first = np.isnan(radius[jac])
            radius[jac[first]] = 100.0 * np.maximum(
                np.sqrt(np.sum((diag[jac[first]] * x[jac[first]] / sx[jac[first]]) ** 2, axis=1)), 1.0)
            need_jacobian[jac] = False
        D = diag[idx]
        A, fs = Js[idx] / D[:, None, :], f[idx] / sf[idx]  # the model in q = D p
        finite = np.all(np.isfinite(A), axis=(1, 2))
        newton = np.full((idx.size, n), np.nan)
        if np.any(finite):
            newton[finite] = _solve_stack(A[finite], fs[finite])
        qstep = _dogleg(A, fs, newton, radius[idx])
        step = qstep / D
        bad = ~np.all(np.isfinite(step), axis=1)
        y = x[idx] / sx[idx]
        xt = (y + np.where(bad[:, None], 0.0, step)) * sx[idx]
        ft = _beta(system, xt.T, t).real.T
        calls += 1
        old = np.sum(fs**2, axis=1)
        with np.errstate(all="ignore"):
            new = np.sum((ft / sf[idx]) ** 2, axis=1)
            predicted = old - np.sum((fs + np.einsum("kij,kj->ki", A, qstep)) ** 2, axis=1)
            ratio = (old - new) / predicted
        ok_point = np.all(np.isfinite(ft), axis=1) & ~bad
        good = ok_point & (ratio > 1e-4)
        size = np.sqrt(np.sum(qstep**2, axis=1))
        radius[idx] = np.where(~ok_point | (ratio < 0.25), 0.25 * np.where(bad, radius[idx], size),
                               np.where((ratio > 0.75), np.maximum(radius[idx], 2.0 * size), radius[idx]))
        accept = idx[good]
        x[accept], f[accept] = xt[good], ft[good]
        need_jacobian[accept] = True
        merit = _merit(f[idx], x[idx])
        ynorm = np.sqrt(np.sum((D * y) ** 2, axis=1))
        small = size <= 1e-12 * (1.0 + ynorm)
        # early stop: a residual far below tol; otherwise also a step below 1e-6 of the couplings (which lets a
        # start near a fixed point met along a marginal direction slide onto it instead of stopping where beta < tol)
        stop = (merit <= 1e-3 * tol) & (early_stop | (size <= 1e-6 * (1.0 + ynorm)))
        done = (merit <= tol) & ((good & small) | stop)
        # at the rounding floor of the beta functions: the full Newton correction is below XTOL of the
        # couplings although the residual cannot reach tol (high-order truncations, cancelling terms)
        with np.errstate(all="ignore"):
            g_abs = np.abs(x[idx])
            relative = np.abs(newton / D * sx[idx]) / np.maximum(g_abs, 1e-6 * np.max(g_abs, axis=1, keepdims=True))
            floor = (np.max(relative, axis=1) <= XTOL) & (merit <= np.sqrt(tol)) & good
        done |= floor
        converged[idx[done]] = True
        stuck = radius[idx] < 1e-14 * (1.0 + ynorm)
        active[idx[done | stuck | (bad & ~finite)]] = False
    final = _merit(f, x) <= tol
    converged = (converged | final) & np.all(np.isfinite(x), axis=1)
    return x, converged, calls


#: A root is also accepted at the rounding floor of its beta functions: when the full Newton correction of
#: every coupling is below this fraction of it and the residual below sqrt(tol).
XTOL = 1e-8


def _dogleg(A, f, newton, radius):
    """Dogleg steps inside the trust regions, for a stack of linear models f + A p."""
    g = np.einsum("kji,kj->ki", A, f)  # gradient of |f + A p|^2 / 2 at p = 0
    Ag = np.einsum("kij,kj->ki", A, g)
    with np.errstate(all="ignore"):
        cauchy = -(np.sum(g * g, axis=1) / np.sum(Ag * Ag, axis=1))[:, None] * g
        cauchy = np.where(np.isfinite(cauchy), cauchy, 0.0)
    n_norm = np.sqrt(np.sum(newton**2, axis=1))
    c_norm = np.sqrt(np.sum(cauchy**2, axis=1))
    out = np.empty_like(f)
    inside = np.isfinite(n_norm) & (n_norm <= radius)
    out[inside] = newton[inside]
    far = ~inside & (c_norm >= radius)
    with np.errstate(all="ignore"):
        out[far] = cauchy[far] * (radius[far] / np.maximum(c_norm[far], 1e-300))[:, None]
    rest = ~inside & ~far
    if np.any(rest):
        c, nwt, r = cauchy[rest], newton[rest], radius[rest]
        fallback = ~np.all(np.isfinite(nwt), axis=1)
        d = np.where(fallback[:, None], 0.0, nwt - c)
        a = np.sum(d * d, axis=1)
        b = 2 * np.sum(c * d, axis=1)
        cc = np.sum(c * c, axis=1) - r * r
        with np.errstate(all="ignore"):
            tau = np.where(a > 0, (-b + np.sqrt(np.maximum(b * b - 4 * a * cc, 0.0))) / (2 * a), 0.0)
        step = c + tau[:, None] * d
        # without a Newton step, the steepest-descent direction scaled to the region
        step[fallback] = c[fallback] * (r[fallback] / np.maximum(np.sqrt(np.sum(c[fallback] ** 2, axis=1)),
                                                                  1e-300))[:, None]
        out[rest] = step
    return out


def newton(system, start, t=None, *, tol=1e-9, max_iterations=60, complex_step=False, early_stop=True):
    """Newton's method with backtracking from one start: the lean path of a refinement (None when it fails).

    Scaled as :func:`batched_newton`; converged by the same rules (residual and step, or the rounding floor).
    Starts it does not bring home are left to :func:`batched_newton` (the dogleg) and MINPACK by the callers.
    """
    x = np.array(start, dtype=float)
    sx = np.where(np.abs(x) > 1e-6, np.abs(x), 1.0)
    sf = 1.0 + np.abs(x)
    f = _beta(system, x, t).real
    if not np.all(np.isfinite(f)):
        return None
    merit = float(_merit(f, x))
    for _ in range(max_iterations):
        J = jacobians(system, x[:, None], t, complex_step=complex_step, scale=sx[:, None])[0]
        try:
            step = np.linalg.solve(J, -f)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(step)):
            return None
        relative = float(np.max(np.abs(step) / np.maximum(np.abs(x), 1e-6 * np.max(np.abs(x)) + 1e-300)))
        lam = 1.0
        while lam >= 1e-4:
            trial = x + lam * step
            ft = _beta(system, trial, t).real
            mt = float(_merit(ft, trial)) if np.all(np.isfinite(ft)) else np.inf
            if mt < merit or mt <= 1e-3 * tol:
                break
            lam /= 2
        else:  # no decrease: a root at tol, or at the rounding floor (the full step below XTOL of the couplings)
            return x if merit <= tol or (merit <= np.sqrt(tol) and relative <= XTOL) else None
        x, f, merit = trial, ft, mt
        small = relative * lam <= 1e-12
        if merit <= tol and (small or (merit <= 1e-3 * tol and (early_stop or relative * lam <= 1e-6))):
            return x
    return x if merit <= tol else None


def polish_roots(system, roots, t=None, *, complex_step=False, steps=2) -> np.ndarray:
    """Up to ``steps`` full Newton steps on converged roots (rows of ``roots``), each kept only where it lowers
    the residual: the roots of a search to the rounding floor at the price of a few batched calls.

    The searches stop once the residual is below 1e-3 of their tolerance; two more quadratic steps take a
    well-conditioned root to rounding (a marginal one, with a slow linear approach, just moves a little closer).
    """
    x = np.array(roots, dtype=float, ndmin=2)
    if x.size == 0:
        return x
    f = _beta(system, x.T, t).T.real
    merit = _merit(f, x)
    for _ in range(steps):
        scale = np.where(np.abs(x) > 1e-6, np.abs(x), 1.0)
        J = jacobians(system, x.T, t, complex_step=complex_step, scale=scale.T)
        step = _solve_stack(J, f)
        moved = np.zeros(len(x), dtype=bool)
        for lam in (1.0, 0.5, 0.25):  # the full step, else a shorter one (one batched call each)
            trial = x + lam * step
            ok = np.all(np.isfinite(trial), axis=1) & ~moved
            trial = np.where(ok[:, None], trial, x)
            ft = _beta(system, trial.T, t).T.real
            mt = np.where(ok & np.all(np.isfinite(ft), axis=1), _merit(ft, trial), np.inf)
            better = mt < merit
            x = np.where(better[:, None], trial, x)
            f = np.where(better[:, None], ft, f)
            merit = np.where(better, mt, merit)
            moved |= better
            if np.all(moved):
                break
        if not np.any(moved):
            break
    return x


def _solve_stack(J, f):
    """-J^-1 f for a stack of systems; members with a singular or non-finite J get NaN."""
    with np.errstate(all="ignore"):
        try:
            return -np.linalg.solve(J, f[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            pass
        out = np.full(f.shape, np.nan)
        for i in range(len(f)):
            try:
                out[i] = -np.linalg.solve(J[i], f[i])
            except np.linalg.LinAlgError:
                pass
        return out


def _merit(f, x):
    """max_i |beta_i| / (1 + |g_i|) per row."""
    with np.errstate(all="ignore"):
        return np.max(np.abs(f) / (1.0 + np.abs(x)), axis=-1)


def minpack_root(system, x0, t, method, tol, polish=None):
    """One root solve from x0 with :func:`scipy.optimize.root` in scaled variables; None when it fails.

    ``polish(g) -> matrix`` (the accurate stability matrix) drives up to three Newton steps after MINPACK,
    which stops early when ill-conditioned.
    """
    n = len(x0)
    sx = np.where(np.abs(x0) > 1e-6, np.abs(x0), 1.0)
    sf = 1.0 + np.abs(x0)

    def fun(g):
        with np.errstate(all="ignore"):
            return np.asarray(system.beta(g, t), dtype=float)

    def scaled_fun(y):
        return fun(sx * y) / sf

    def scaled_jac(y):
        g = sx * y
        h = _STEP * np.maximum(np.abs(g), sx)
        pts = np.concatenate([g[:, None] + np.diag(h), g[:, None] - np.diag(h)], axis=1)
        with np.errstate(all="ignore"):
            vals = np.asarray(system.beta(pts, t), dtype=float)
        return (vals[:, :n] - vals[:, n:]) / (2 * h[None, :]) * sx[None, :] / sf[:, None]

    options = {"xtol": 1e-13} if method == "hybr" else {"xtol": 1e-13, "ftol": 1e-15}
    try:
        sol = root(scaled_fun, x0 / sx, jac=scaled_jac, method=method, options=options)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return None
    g = sx * sol.x
    if not np.all(np.isfinite(g)):
        return None
    res = fun(g)
    if not np.all(np.isfinite(res)):
        return None
    for _ in range(3 if polish is not None else 0):
        try:
            step = np.linalg.solve(polish(g), res)
        except np.linalg.LinAlgError:
            break
        trial = g - step
        trial_res = fun(trial)
        if not np.all(np.isfinite(trial_res)) or _merit(trial_res, trial) >= _merit(res, g):
            break
        g, res = trial, trial_res
    if _merit(res, g) > tol:
        return None
    return g

"""Steppers of the one integration loop (:mod:`tensornn.flow.integrate`).

A stepper advances the members of a batch of initial conditions, each with its own scale ``t`` and
step size, and interpolates inside the last step of a member:

- :class:`SolverSteppers`: one scipy :class:`~scipy.integrate.OdeSolver` per member (every method of
  :func:`scipy.integrate.solve_ivp`: LSODA, BDF, Radau for stiff flows); a call advances each member by
  one accepted step;
- :class:`RungeKutta`: scipy's explicit embedded Runge-Kutta methods (RK23, RK45, DOP853: their
  tableaux, error estimators, step-size control and dense output) with the right-hand side evaluated
  once per stage for all members at once; a call is one attempt per member (accepted or rejected by the
  member's own error norm). Every operation acts member by member in a fixed order, so a member's
  steps and values do not depend on the other members of its batch. Known discontinuities of the
  right-hand side (``breakpoints``: the mode sums of data spectra, where a counting function jumps) are
  never stepped across: a step that would cross one ends on it, its last stage is evaluated just inside
  the step, and the next step starts from a fresh evaluation just beyond it.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import DOP853

__all__ = []

#: Step-size control of scipy's explicit Runge-Kutta solvers (scipy.integrate._ivp.rk).
SAFETY, MIN_FACTOR, MAX_FACTOR = 0.9, 0.2, 10.0

_EPS = np.finfo(float).eps


def _rms(x):
    """Root mean square over the last axis, member by member (scipy's norm(x) / sqrt(n))."""
    return np.sqrt(np.sum(x * x, axis=-1) / x.shape[-1])


class SolverSteppers:
    """One scipy OdeSolver per member; ``step`` makes one accepted step of each member asked for."""

    def __init__(self, solver_cls, fun, t0, Y0, t_bound, options):
        self.solvers = [solver_cls(fun, t0, y, t_bound, **options) for y in Y0]
        self.t_old = np.full(len(Y0), float(t0))
        self.t = np.full(len(Y0), float(t0))
        self.y = np.array(Y0, dtype=float)
        self._dense = [None] * len(Y0)

    @property
    def nfev(self) -> np.ndarray:
        return np.array([s.nfev for s in self.solvers])

    def step(self, idx):
        """(accepted, failed, messages) for the members ``idx``; a failure keeps the last accepted state."""
        accepted = np.ones(len(idx), dtype=bool)
        failed = np.zeros(len(idx), dtype=bool)
        messages = [None] * len(idx)
        for i, b in enumerate(idx):
            solver = self.solvers[b]
            t_old = solver.t
            message = solver.step()
            self._dense[b] = None
            if solver.status == "failed":
                accepted[i], failed[i], messages[i] = False, True, message
            else:
                self.t_old[b] = t_old
            self.t[b], self.y[b] = solver.t, solver.y
        return accepted, failed, messages

    def interpolate(self, members, ts) -> np.ndarray:
        """y at ``ts[i]`` inside the last step of member ``members[i]`` (one scalar call per point)."""
        out = []
        for b, t in zip(members, ts):
            if self._dense[b] is None:
                self._dense[b] = self.solvers[b].dense_output()
            out.append(self._dense[b](t))
        return np.array(out).reshape(len(out), -1)


class RungeKutta:
    """scipy's explicit Runge-Kutta method ``method_cls`` for a batch, one attempt per member and call.

    The stages are stored with the stage axis last (members, n, stages), so every linear combination of
    stages (the tableau's rows, the error estimate, the interpolant) is one product and one sum along a
    contiguous axis of fixed length: the same operations, in the same order, for every member whatever
    the size of the batch.

    Parameters
    ----------
    method_cls : scipy.integrate.RK23, RK45 or DOP853
        Supplies the tableau (A, B, C, E or E3/E5, P or the DOP853 interpolant) and the orders.
    fun : callable
        ``fun(t, Y) -> F`` with ``t`` of shape (k,) and ``Y``, ``F`` of shape (k, n): one scale per member.
    t0, t_bound : float
    Y0, F0 : ndarray, shape (B, n)
        Initial values and their derivatives.
    rtol, atol, max_step : float
    breakpoints : array_like
        Scales strictly between t0 and t_bound where ``fun`` jumps, sorted in the direction of integration.
    """

    def __init__(self, method_cls, fun, t0, Y0, t_bound, rtol, atol, max_step, F0, breakpoints=()):
        self.fun = fun
        self.dop853 = method_cls is DOP853
        self.n_stages = S = method_cls.n_stages
        self.A, self.C = np.asarray(method_cls.A, dtype=float), np.asarray(method_cls.C, dtype=float)
        self.B = np.asarray(method_cls.B, dtype=float)
        if self.dop853:
            self.E3, self.E5 = method_cls.E3, method_cls.E5
            self.A_EXTRA, self.C_EXTRA, self.D = method_cls.A_EXTRA, method_cls.C_EXTRA, method_cls.D
        else:
            self.E, self.P = method_cls.E, method_cls.P
        self.exponent = -1.0 / (method_cls.error_estimator_order + 1)
        self.rtol, self.atol, self.max_step = float(rtol), float(atol), float(max_step)
        self.t_bound = float(t_bound)
        self.direction = float(np.sign(t_bound - t0)) or 1.0
        members, n = Y0.shape
        self.n = n
        self.t = np.full(members, float(t0))
        self.y = np.array(Y0, dtype=float)
        self.f = np.array(F0, dtype=float)
        self.breaks = np.asarray(breakpoints, dtype=float)
        self.next_break = np.zeros(members, dtype=np.intp)
        self.rejected = np.zeros(members, dtype=bool)
        self.nfev = np.full(members, 1)
        self.h_abs = self._initial_step(method_cls.error_estimator_order)
        self.t_old = self.t.copy()
        self.y_old = self.y.copy()
        self.h = np.zeros(members)
        self._stages = np.zeros((members, n, S + 1))
        self._dense = np.zeros(members, dtype=bool)  # DOP853: interpolant of the last step computed
        self._F = np.zeros((members, 7, n)) if self.dop853 else None
        self._f_new = np.zeros((members, n))

    # ------------------------------------------------------------------ set-up
    def _initial_step(self, order):
        """scipy's select_initial_step (Hairer, Norsett, Wanner I, II.4), member by member."""
        y0, f0, d = self.y, self.f, self.direction
        length = abs(self.t_bound - self.t[0])
        scale = self.atol + np.abs(y0) * self.rtol
        with np.errstate(all="ignore"):
            d0, d1 = _rms(y0 / scale), _rms(f0 / scale)
            h0 = np.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / d1)
            h0 = np.minimum(h0, length)
            y1 = y0 + (h0 * d)[:, None] * f0
            f1 = self.fun(self.t + h0 * d, y1)
            d2 = _rms((f1 - f0) / scale) / h0
            small = (d1 <= 1e-15) & (d2 <= 1e-15)
            h1 = np.where(small, np.maximum(1e-6, h0 * 1e-3), (0.01 / np.maximum(d1, d2)) ** (1.0 / (order + 1)))
        self.nfev += 1
        return np.minimum(np.minimum(100 * h0, h1), min(length, self.max_step))

    # ------------------------------------------------------------------ one attempt
    @staticmethod
    def _nudge(t):
        """How far inside a step its stages at a breakpoint are evaluated (a few ulps of t)."""
        return 64.0 * _EPS * np.maximum(1.0, np.abs(t))

    @staticmethod
    def _combine(K, weights):
        """sum_j weights[j] K[..., j]: one product and one sum along the (contiguous) stage axis."""
        return (K[..., : len(weights)] * weights).sum(axis=-1)

    def step(self, idx):
        """One attempt of the members ``idx``: (accepted, failed, messages); call it with numpy's floating-point
        warnings off (the loop does)."""
        d = self.direction
        t, y = self.t[idx], self.y[idx]
        rejected = self.rejected[idx]
        min_step = 10.0 * np.abs(np.nextafter(t, d * np.inf) - t)
        h_abs = self.h_abs[idx]
        fresh = np.minimum(np.maximum(h_abs, min_step), self.max_step)
        h_abs = np.where(rejected, h_abs, fresh)
        failed = rejected & (h_abs < min_step)
        t_new = t + h_abs * d
        beyond = d * (t_new - self.t_bound) > 0
        if beyond.any():
            t_new[beyond] = self.t_bound
        landing = None
        if self.breaks.size:
            nb = self.next_break[idx]
            has_break = nb < self.breaks.size
            if has_break.any():
                t_break = np.full(len(idx), np.inf * d)
                t_break[has_break] = self.breaks[nb[has_break]]
                landing = d * (t_new - t_break) >= 0
                if landing.any():
                    t_new[landing] = t_break[landing]
                else:
                    landing = None
        h = t_new - t
        h_abs = np.abs(h)
        hc = h[:, None]
        if landing is not None:
            inside = np.where(landing, t_new - d * self._nudge(t_new), t_new)  # the stages at a breakpoint
        else:
            inside = t_new

        K = np.empty(y.shape + (self.n_stages + 1,))
        K[..., 0] = self.f[idx]
        for s in range(1, self.n_stages):
            ts = inside if self.C[s] == 1.0 else t + self.C[s] * h
            K[..., s] = self.fun(ts, y + self._combine(K, self.A[s, :s]) * hc)
        y_new = y + hc * self._combine(K, self.B)
        f_new = self.fun(inside, y_new)
        K[..., -1] = f_new
        scale = self.atol + np.maximum(np.abs(y), np.abs(y_new)) * self.rtol
        if self.dop853:
            e5 = self._combine(K, self.E5) / scale
            e3 = self._combine(K, self.E3) / scale
            e5 = np.sum(e5 * e5, axis=-1)
            e3 = np.sum(e3 * e3, axis=-1)
            norm = np.where((e5 == 0) & (e3 == 0), 0.0, h_abs * e5 / np.sqrt((e5 + 0.01 * e3) * self.n))
        else:
            norm = _rms(self._combine(K, self.E) * hc / scale)
        self.nfev[idx] += self.n_stages
        accepted = (norm < 1) & ~failed
        power = norm**self.exponent
        grow = np.where(norm == 0, MAX_FACTOR, np.minimum(MAX_FACTOR, SAFETY * power))
        grow = np.where(rejected, np.minimum(1.0, grow), grow)
        shrink = np.fmax(MIN_FACTOR, SAFETY * power)
        self.h_abs[idx] = np.where(accepted, h_abs * grow, np.where(failed, h_abs, h_abs * shrink))
        self.rejected[idx] = ~accepted & ~failed
        if accepted.all():
            a, keep = idx, slice(None)
        else:
            a, keep = idx[accepted], accepted
        if a.size:
            self.t_old[a], self.y_old[a], self.h[a] = t[keep], y[keep], h[keep]
            self.t[a], self.y[a] = t_new[keep], y_new[keep]
            self._stages[a] = K[keep]
            self._f_new[a] = f_new[keep]
            self.f[a] = f_new[keep]
            if self.dop853:
                self._dense[a] = False
            if landing is not None:
                landed = a[landing[keep]]
                if landed.size:  # a fresh derivative just beyond the breakpoint starts the next step
                    beyond = self.t[landed] + self.direction * self._nudge(self.t[landed])
                    self.f[landed] = self.fun(beyond, self.y[landed])
                    self.nfev[landed] += 1
                    self.next_break[landed] += 1
                    self._skip_close_breaks(landed)
        if failed.any():
            messages = ["Required step size is less than spacing between numbers." if bad else None for bad in failed]
        else:
            messages = None
        return accepted, failed, messages

    def _skip_close_breaks(self, members):
        """Breakpoints closer to a member's t than its smallest step are passed over (not stepped onto)."""
        while self.breaks.size:
            nb = self.next_break[members]
            has = nb < self.breaks.size
            if not np.any(has):
                return
            t = self.t[members]
            gap = np.abs(self.breaks[np.minimum(nb, self.breaks.size - 1)] - t)
            close = has & (gap <= 10.0 * np.abs(np.nextafter(t, self.direction * np.inf) - t))
            if not np.any(close):
                return
            self.next_break[members[close]] += 1

    # ------------------------------------------------------------------ dense output
    def _prepare_dop853(self, members):
        """The DOP853 interpolant of the last step (three more stages), for the members that lack it."""
        todo = np.unique(members[~self._dense[members]])
        if not todo.size:
            return
        extra = len(self.C_EXTRA)
        K = np.concatenate([self._stages[todo], np.zeros(self._stages[todo].shape[:2] + (extra,))], axis=-1)
        h, t_old, y_old = self.h[todo], self.t_old[todo], self.y_old[todo]
        with np.errstate(all="ignore"):
            for s, (a, c) in enumerate(zip(self.A_EXTRA, self.C_EXTRA), start=self.n_stages + 1):
                K[..., s] = self.fun(t_old + c * h, y_old + self._combine(K, a[:s]) * h[:, None])
        self.nfev[todo] += extra
        f_old = K[..., 0]
        delta = self.y[todo] - y_old
        F = self._F
        F[todo, 0] = delta
        F[todo, 1] = h[:, None] * f_old - delta
        F[todo, 2] = 2 * delta - h[:, None] * (self._f_new[todo] + f_old)
        for i in range(self.D.shape[0]):
            F[todo, 3 + i] = h[:, None] * self._combine(K, self.D[i])
        self._dense[todo] = True

    def interpolate(self, members, ts) -> np.ndarray:
        """y at ``ts[i]`` inside the last accepted step of member ``members[i]``; shape (k, n)."""
        members = np.asarray(members, dtype=np.intp)
        x = (np.asarray(ts, dtype=float) - self.t_old[members]) / self.h[members]
        if self.dop853:
            self._prepare_dop853(members)
            F = self._F[members]
            y = np.zeros((len(members), self.n))
            for i in range(F.shape[1] - 1, -1, -1):
                y = y + F[:, i]
                y = y * (x[:, None] if (F.shape[1] - 1 - i) % 2 == 0 else (1 - x)[:, None])
            return y + self.y_old[members]
        # y = y_old + h sum_s K_s w_s(x), w_s(x) = sum_j P[s, j] x^(j+1): scipy's dense output, weights first
        power = x[:, None]
        weights = power * self.P[:, 0]
        for j in range(1, self.P.shape[1]):
            power = power * x[:, None]
            weights = weights + power * self.P[:, j]
        y = (self._stages[members] * weights[:, None, :]).sum(axis=-1)
        return y * self.h[members][:, None] + self.y_old[members]

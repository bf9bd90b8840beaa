"""The integration loop of every flow: steppers, terminal events located on the dense output, outcomes as data.

:func:`integrate` advances every row of a batch of initial values (a batch of one for a single flow) with one
stepper (:mod:`tensornn.flow._steppers`: scipy's solvers member by member, or the vectorised explicit Runge-Kutta
methods), evaluates the terminal events of the :class:`Problem` at the end of every accepted step, locates a
crossing by Brent's method on the step's dense output (the event location of :func:`scipy.integrate.solve_ivp`),
records the requested scales, and returns one :class:`Outcome` per member: its recorded points, the reason it
stopped (a key of :data:`~tensornn.flow.result.REASONS`) and the fields of its message. :mod:`tensornn.flow.integrate`
builds the problem of a :class:`~tensornn.flow.system.FlowSystem` and wraps the outcomes in
:class:`~tensornn.flow.result.FlowTrajectory`; :mod:`tensornn.flow.functional_flow` builds the problem of the
potential on a grid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import BDF, DOP853, LSODA, RK23, RK45, Radau
from scipy.optimize import brentq

from ._steppers import RungeKutta, SolverSteppers

__all__ = ["Event", "Problem", "Outcome", "integrate", "METHODS", "VECTORISED_METHODS"]

_SOLVERS = {"LSODA": LSODA, "RK45": RK45, "RK23": RK23, "DOP853": DOP853, "Radau": Radau, "BDF": BDF}

#: Integration methods (the solvers of :func:`scipy.integrate.solve_ivp`).
METHODS = tuple(_SOLVERS)

#: Methods whose batches are evaluated all members at once (explicit Runge-Kutta); the others step the
#: members of a batch one after another (the same numbers, no saving).
VECTORISED_METHODS = ("RK23", "RK45", "DOP853")

#: A stalled integration whose couplings grew by more than this factor is reported as a blow-up ("diverged").
_GROWTH = 1e3

#: Consecutive steps shorter than 1e-10 of the range after which the step size has collapsed.
_TINY_STEPS = 20

_EPS = np.finfo(float).eps


# ----------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class Event:
    """A terminal event: a row of :attr:`Problem.events`, positive while the flow may go on.

    Attributes
    ----------
    reason, initial_reason : str
        Reasons (keys of :data:`~tensornn.flow.result.REASONS`) when it crosses zero along the flow, or
        is not positive at the start.
    name : str or callable
        The violated component's name, or ``name(t, y) -> str`` (e.g. naming the grid point).
    validity : bool
        Whether it measures the range of validity (consulted when a stalled flow is classified).
    """

    reason: str
    initial_reason: str
    name: object = None
    validity: bool = False

    def describe(self, t, y):
        return self.name(t, y) if callable(self.name) else self.name


@dataclass
class Problem:
    """What the loop integrates.

    Attributes
    ----------
    fun : callable
        ``fun(t, y)`` in scipy's convention (y of shape (n,) or (n, k)), for scipy's solvers.
    fun_batch : callable or None
        ``fun_batch(t, Y)`` with t of shape (B,) and Y of shape (B, n), for the vectorised methods.
    events : callable
        ``events(t, Y) -> (E, B)`` values of the terminal events (:class:`Event`), t of shape (B,).
    event_specs : list of Event
    blowup : float
        The blow-up bound (the ``bound`` of its message).
    solver_options : dict
        Keyword arguments of scipy's solver classes (``vectorized``, ``jac``).
    breakpoints : callable or None
        ``breakpoints(t0, t1)``: scales where ``fun`` jumps (used by the vectorised methods).
    """

    fun: Callable[..., Any]
    fun_batch: Callable[..., Any] | None
    events: Callable[..., Any]
    event_specs: list
    blowup: float
    solver_options: dict = field(default_factory=dict)
    breakpoints: Callable[..., Any] | None = None


@dataclass
class Outcome:
    """How one member ended: recorded scales and values, reason, violated component, message numbers."""

    t: np.ndarray
    y: np.ndarray
    reason: str
    violated: str | None
    detail: dict
    nfev: int


def _finite_event(v: float) -> float:
    """Event values for root finding: nan and -inf are outside (-1), +inf inside (1)."""
    if np.isfinite(v):
        return float(v)
    return 1.0 if v > 0 else -1.0


# ----------------------------------------------------------------------------- the loop


def integrate(problem: Problem, Y0, t0: float, t1: float, *, method: str, rtol: float, atol: float,
              n_points: int, max_step: float | None, max_steps: int) -> list[Outcome]:
    """Integrate ``problem`` from every row of ``Y0`` (shape (B, n)) between ``t0`` and ``t1``.

    The one loop behind :func:`run_flow`, :func:`run_flows` and the functional flows. Each member is
    recorded at the ``n_points`` equally spaced scales it reaches and at its stopping point.
    """
    Y0 = np.asarray(Y0, dtype=float)
    members, n = Y0.shape
    direction = 1.0 if t1 > t0 else -1.0
    t_eval = np.linspace(t0, t1, n_points)
    ordered = direction * t_eval
    specs = problem.event_specs
    outcomes: list[Outcome | None] = [None] * members
    starts = np.full(members, float(t0))
    fun_batch = problem.fun_batch if method in VECTORISED_METHODS else None
    vectorised = fun_batch is not None

    # the starting points: outside the range of validity, beyond the bound or non-finite is a result too
    try:
        with np.errstate(all="ignore"):
            values0 = np.asarray(problem.events(starts, Y0), dtype=float).reshape(len(specs), members)
            if fun_batch is not None:
                F0 = np.asarray(fun_batch(starts, Y0), dtype=float).reshape(members, n)
            else:
                F0 = np.array([np.asarray(problem.fun(float(t0), y), dtype=float) for y in Y0]).reshape(members, n)
    except (OverflowError, ZeroDivisionError):  # powers of k beyond float64 (e.g. k_start = 1e300)
        return [Outcome(np.array([t0]), Y0[b:b + 1], "float_range", None, {}, 1) for b in range(members)]
    for b in range(members):
        outside = [e for e in range(len(specs)) if not values0[e, b] > 0]
        if outside:
            e = outside[0]
            outcomes[b] = Outcome(np.array([t0]), Y0[b:b + 1], specs[e].initial_reason,
                                  specs[e].describe(t0, Y0[b]), {"value": values0[e, b], "bound": problem.blowup}, 0)
        elif not np.all(np.isfinite(F0[b])):
            outcomes[b] = Outcome(np.array([t0]), Y0[b:b + 1], "initial_nonfinite", None, {}, 1)
    active = np.array([b for b in range(members) if outcomes[b] is None], dtype=np.intp)
    if not active.size:
        return [o for o in outcomes if o is not None]  # every member stopped at its start

    max_step_value = np.inf if max_step is None else float(max_step)
    stepper: RungeKutta | SolverSteppers
    if fun_batch is not None:
        breaks = np.zeros(0) if problem.breakpoints is None else np.asarray(problem.breakpoints(t0, t1), dtype=float)
        stepper = RungeKutta(_SOLVERS[method], fun_batch, t0, Y0, t1, rtol, atol, max_step_value, F0,
                             breaks)
    else:
        options = dict(problem.solver_options, rtol=rtol, atol=atol)
        if max_step is not None:
            options["max_step"] = max_step
        with np.errstate(all="ignore"):
            stepper = SolverSteppers(_SOLVERS[method], problem.fun, t0, Y0, t1, options)

    rec_member, rec_t, rec_y = [], [], []
    next_eval = np.ones(members, dtype=np.intp)
    steps = np.zeros(members, dtype=np.intp)
    n_tiny = np.zeros(members, dtype=np.intp)
    tiny = 1e-10 * abs(t1 - t0)
    start_size = np.max(np.abs(Y0), axis=1)
    stops: dict[int, tuple] = {}  # member -> (t, y) of a stopping point to append

    def record(idx, t_stop):
        """Record the t_eval points strictly before t_stop of the members idx (from their last step)."""
        upto = ordered.searchsorted(direction * t_stop, side="left")
        first = next_eval[idx]
        count = upto - first
        if count.max() <= 0:
            return
        count = np.maximum(count, 0)
        total = int(count.sum())
        if total:
            owners = np.repeat(idx, count)
            offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
            ts = t_eval[np.repeat(first, count) + offsets]
            rec_member.append(owners)
            rec_t.append(ts)
            rec_y.append(stepper.interpolate(owners, ts))
        next_eval[idx] = np.maximum(first, upto)

    def finish(b, reason, violated=None, detail=None, stop=None):
        if stop is not None:
            stops[b] = stop
        outcomes[b] = (reason, violated, detail or {})

    def stalled(b, t_last, y_last, cause):
        """The integrator stopped early: a blow-up, a pole it could not pass, or neither."""
        y_last = np.asarray(y_last, dtype=float)
        if not np.all(np.isfinite(y_last)) or np.max(np.abs(y_last)) > 1e-3 * problem.blowup:
            return finish(b, "stalled_blowup", None, cause)
        growth = float(np.max(np.abs(y_last))) / max(float(start_size[b]), 1e-300)
        if growth > _GROWTH:
            return finish(b, "stalled_growth", None, dict(cause, growth=growth))
        rows = [e for e, spec in enumerate(specs) if spec.validity]
        if rows:
            with np.errstate(all="ignore"):
                v = np.asarray(problem.events(np.array([float(t_last)]), y_last[None]), dtype=float)[rows, 0]
            if v.size and np.nanmin(v) < 1e-2:
                e = rows[int(np.nanargmin(v))]
                return finish(b, "stalled_pole", specs[e].describe(t_last, y_last), dict(cause, value=float(np.nanmin(v))))
        return finish(b, "stalled", None, cause)

    alive = np.zeros(members, dtype=bool)
    alive[active] = True
    n_tiny_any = False
    with np.errstate(all="ignore"):
        while active.size:
            try:
                accepted, failed, messages = stepper.step(active)
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:  # e.g. a singular Jacobian at a pole
                cause = ({"cause": "float_range"} if isinstance(exc, (OverflowError, ZeroDivisionError))
                         else {"cause": "error", "error": str(exc)})
                for b in active:
                    last = _last_point(b, t0, Y0, rec_member, rec_t, rec_y)
                    stalled(b, last[0], last[1], cause)
                break
            if failed.any():
                for i in np.flatnonzero(failed):
                    b = active[i]
                    t_b, y_b = stepper.t[b], stepper.y[b].copy()
                    stops[b] = (float(t_b), y_b)
                    stalled(b, t_b, y_b, {"cause": "solver", "solver_message": messages[i]})
                    alive[b] = False
            done = active if accepted.all() else active[accepted]
            if done.size:
                steps[done] += 1
                t_new = stepper.t[done]
                y_new = stepper.y[done]
                values = problem.events(t_new, y_new)
                if (values > 0).all():
                    record(done, t_new)
                    inside = None
                else:
                    inside = (values > 0).all(axis=0)
                    t_stop = t_new.copy()
                    hits = {}
                    for i in np.flatnonzero(~inside):
                        t_stop[i], hits[i] = _locate(problem, stepper, done[i], stepper.t_old[done[i]], t_new[i],
                                                     values[:, i], direction)
                    record(done, t_stop)
                    for i, e in hits.items():
                        b = done[i]
                        y_stop = stepper.interpolate(np.array([b]), np.array([t_stop[i]]))[0]
                        finish(b, specs[e].reason, specs[e].describe(t_stop[i], y_stop), {"bound": problem.blowup},
                               (float(t_stop[i]), y_stop))
                        alive[b] = False
                short = np.abs(t_new - stepper.t_old[done]) < tiny
                if short.any() or n_tiny_any:
                    n_tiny[done] = np.where(short, n_tiny[done] + 1, 0)
                    n_tiny_any = bool(n_tiny.any())
                if n_tiny_any or (t_new == t1).any() or steps[done].max() >= max_steps:
                    for j in range(done.size):
                        member = done[j]
                        if not alive[member]:
                            continue
                        if t_new[j] == t1:
                            alive[member] = False
                            finish(member, "reached", stop=(float(t1), y_new[j].copy()))
                        elif n_tiny[member] >= _TINY_STEPS:
                            alive[member] = False
                            stops[member] = (float(t_new[j]), y_new[j].copy())
                            stalled(member, t_new[j], y_new[j], {"cause": "step_collapse"})
                        elif steps[member] >= max_steps:
                            alive[member] = False
                            finish(member, "max_steps", None, {"max_steps": max_steps})
                if inside is not None or not alive[done].all():
                    active = active[alive[active]]
                    continue
            if failed.any():
                active = active[alive[active]]

    return _assemble(outcomes, t0, Y0, rec_member, rec_t, rec_y, stops, stepper.nfev)


def _locate(problem, stepper, b, t_old, t_new, values_new, direction):
    """Where the first event of member b crosses zero inside its last step: (t, event index).

    Brent's method on the event along the step's dense output (solve_ivp's event location), for every
    event that is not positive at the end of the step; the earliest root in the direction of the flow wins
    (the first event in the list on ties).
    """
    members = np.array([b])
    best = None
    for e in np.flatnonzero(~(values_new > 0)):
        def g(t, e=e):
            with np.errstate(all="ignore"):
                y = stepper.interpolate(members, np.array([t]))
                return _finite_event(np.asarray(problem.events(np.array([t]), y), dtype=float)[e, 0])

        if not g(t_old) > 0:
            root = t_old
        elif not g(t_new) <= 0:  # positive on the dense output at the step's end: the end itself
            root = t_new
        else:
            root = brentq(g, t_old, t_new, xtol=4 * _EPS, rtol=4 * _EPS)
        if best is None or direction * (root - best[0]) < 0:
            best = (root, int(e))
    return best


def _last_point(b, t0, Y0, rec_member, rec_t, rec_y):
    for owners, ts, ys in zip(reversed(rec_member), reversed(rec_t), reversed(rec_y)):
        mine = np.flatnonzero(owners == b)
        if mine.size:
            return float(ts[mine[-1]]), ys[mine[-1]]
    return float(t0), Y0[b]


def _assemble(outcomes, t0, Y0, rec_member, rec_t, rec_y, stops, nfev) -> list[Outcome]:
    """Per member: the start, its recorded points in order, and its stopping point."""
    members = len(outcomes)
    if rec_member:
        owners = np.concatenate(rec_member)
        order = np.argsort(owners, kind="stable")
        owners, ts, ys = owners[order], np.concatenate(rec_t)[order], np.concatenate(rec_y)[order]
        bounds = np.searchsorted(owners, np.arange(members + 1))
    else:
        ts, ys, bounds = np.zeros(0), np.zeros((0, Y0.shape[1])), np.zeros(members + 1, dtype=np.intp)
    out = []
    for b, outcome in enumerate(outcomes):
        if isinstance(outcome, Outcome):
            out.append(outcome)
            continue
        reason, violated, detail = outcome
        t = [np.array([t0]), ts[bounds[b]:bounds[b + 1]]]
        y = [Y0[b:b + 1], ys[bounds[b]:bounds[b + 1]]]
        if b in stops:
            t_stop, y_stop = stops[b]
            last = t[-1][-1] if t[-1].size else t0
            if t_stop != last:
                t.append(np.array([t_stop]))
                y.append(np.asarray(y_stop, dtype=float)[None])
        out.append(Outcome(np.concatenate(t), np.concatenate(y), reason, violated, detail, int(nfev[b])))
    return out

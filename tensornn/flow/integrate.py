"""The one integration loop of every flow, with the range of validity as terminal events.

:func:`run_flow` integrates the beta functions of any :class:`~tensornn.flow.system.FlowSystem` in
``t = ln k``, downward from a UV scale (``k_stop < k_start``) or upward from infrared data
(``k_stop > k_start``, the passive RG of docs/theory/nn_qft.md); :func:`run_flows` integrates a batch
of initial conditions, each member with its own steps, status and stopping scale. The polynomial,
tensor and functional flows all run through the same loop (:func:`integrate`):

- steps come from scipy's solvers: LSODA, BDF, Radau and the others of
  :func:`scipy.integrate.solve_ivp` member by member, or the explicit Runge-Kutta methods (RK23, RK45,
  DOP853) for a whole batch at once, one right-hand side evaluation per stage for all members
  (:mod:`tensornn.flow._steppers`);
- terminal events stop a member where a cheap function of its state crosses zero: a component of the
  range of validity (``1 + m/k^s``, ``1 + B`` of eta's pole, a threshold denominator on a grid) or the
  blow-up bound. After each accepted step the events are evaluated at its end; a sign change is located
  on the step's dense output by Brent's method (as solve_ivp locates events), and the member stops
  there;
- numerical outcomes are data: the member's :class:`~tensornn.flow.result.FlowTrajectory` carries a
  reason of :data:`~tensornn.flow.result.REASONS` (which fixes the status) and the fields its message
  is built from, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import BDF, DOP853, LSODA, RK23, RK45, Radau
from scipy.optimize import brentq

from .._checks import check_array, check_choice, check_flow_points, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from ._steppers import RungeKutta, SolverSteppers
from .result import STATUSES, FlowBatch, FlowTrajectory
from .system import FlowSystem

__all__ = ["run_flow", "run_flows", "integrate", "METHODS", "VECTORISED_METHODS", "STATUSES"]

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


def __getattr__(name):
    if name == "FlowResult":
        import warnings

        warnings.warn("tensornn.flow.integrate.FlowResult is now tensornn.flow.FlowTrajectory (the one result of "
                      "every flow); the old name goes in the next release", DeprecationWarning, stacklevel=2)
        return FlowTrajectory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

    fun: object
    fun_batch: object
    events: object
    event_specs: list
    blowup: float
    solver_options: dict = field(default_factory=dict)
    breakpoints: object = None


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
    vectorised = method in VECTORISED_METHODS

    # the starting points: outside the range of validity, beyond the bound or non-finite is a result too
    try:
        with np.errstate(all="ignore"):
            values0 = np.asarray(problem.events(starts, Y0), dtype=float).reshape(len(specs), members)
            if vectorised:
                F0 = np.asarray(problem.fun_batch(starts, Y0), dtype=float).reshape(members, n)
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
        return outcomes

    max_step_value = np.inf if max_step is None else float(max_step)
    if vectorised:
        breaks = np.zeros(0) if problem.breakpoints is None else np.asarray(problem.breakpoints(t0, t1), dtype=float)
        stepper = RungeKutta(_SOLVERS[method], problem.fun_batch, t0, Y0, t1, rtol, atol, max_step_value, F0,
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
                    for i in range(done.size):
                        b = done[i]
                        if not alive[b]:
                            continue
                        if t_new[i] == t1:
                            alive[b] = False
                            finish(b, "reached", stop=(float(t1), y_new[i].copy()))
                        elif n_tiny[b] >= _TINY_STEPS:
                            alive[b] = False
                            stops[b] = (float(t_new[i]), y_new[i].copy())
                            stalled(b, t_new[i], y_new[i], {"cause": "step_collapse"})
                        elif steps[b] >= max_steps:
                            alive[b] = False
                            finish(b, "max_steps", None, {"max_steps": max_steps})
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


# ----------------------------------------------------------------------------- flow systems


def _validity_names(system, n_components: int) -> tuple[str, ...]:
    names = getattr(system, "validity_names", None)
    if names is not None and len(names) == n_components:
        return tuple(names)
    return tuple(f"validity[{i}]" for i in range(n_components))


def _per_scale(system, fn, t, Y):
    """fn(t, G) with G = Y.T (n, B), one scale per member: at once when the system takes an array of scales,
    else once per distinct scale."""
    t = np.asarray(t, dtype=float)
    if getattr(system, "vector_scales", False):
        return np.asarray(fn(t, Y.T), dtype=float)
    first = float(t[0])
    if np.all(t == first):
        return np.asarray(fn(first, Y.T), dtype=float)
    unique, inverse = np.unique(t, return_inverse=True)
    parts = [np.asarray(fn(float(tu), Y[inverse == i].T), dtype=float) for i, tu in enumerate(unique)]
    out = np.empty((parts[0].shape[0], len(t)))
    for i, part in enumerate(parts):
        out[:, inverse == i] = part
    return out


def system_problem(system, dimensionless: bool, blowup: float, t0: float, y0) -> Problem:
    """The :class:`Problem` of a FlowSystem: its beta functions, the blow-up bound and its range of validity.

    The validity is checked on the dimensionless couplings: directly for a dimensionless flow, through
    ``system.to_dimensionless(t, g)`` for a dimensionful one (without it only blow-ups stop the flow).
    """
    to_dimensionless = getattr(system, "to_dimensionless", None)
    if dimensionless:
        def beta(t, G):
            return system.beta(G, t)
    else:
        def beta(t, G):
            return system.beta_dimensionful(t, G)

    def fun(t, y):
        return np.asarray(beta(t, y), dtype=float)

    def fun_batch(t, Y):
        if getattr(system, "vector_scales", False):
            return beta(t, Y.T).T
        return _per_scale(system, beta, t, Y).T

    check = dimensionless or to_dimensionless is not None

    def validity(t, G):
        return system.validity(G if dimensionless else to_dimensionless(t, G), t)

    n_validity = 0
    if check:
        with np.errstate(all="ignore"):
            n_validity = np.atleast_1d(np.asarray(validity(t0, np.asarray(y0, dtype=float)), dtype=float)).shape[0]
    names = _validity_names(system, n_validity)
    specs = [Event("blowup", "initial_blowup")] + [Event("validity", "initial_validity", name, True) for name in names]

    vector = getattr(system, "vector_scales", False)

    def events(t, Y):
        size = np.abs(Y).max(axis=1) if Y.shape[1] else np.zeros(Y.shape[0])
        out = np.empty((1 + n_validity, Y.shape[0]))
        out[0] = 1.0 - size / blowup
        out[0][~np.isfinite(size)] = -1.0
        if n_validity:
            out[1:] = (validity(t, Y.T) if vector else _per_scale(system, validity, t, Y)).reshape(n_validity, -1)
        return out

    breakpoints = getattr(system, "breakpoints", None)
    return Problem(fun, fun_batch, events, specs, blowup, {"vectorized": True}, breakpoints)


def _check_common(system, k_start, k_stop, method, rtol, atol, n_points, blowup, max_step, max_steps):
    if not isinstance(system, FlowSystem):
        raise InvalidTypeError(
            "system must implement the FlowSystem protocol (names, autonomous, beta, beta_dimensionful, eta, "
            f"validity), got {type(system).__name__}"
        )
    k_start = check_real("k_start", k_start, positive=True)
    k_stop = check_real("k_stop", k_stop, positive=True)
    if k_start == k_stop:
        raise InvalidArgumentError(f"k_start and k_stop must differ, both are {k_start}")
    method = check_choice("method", method, METHODS)
    rtol = check_real("rtol", rtol, positive=True)
    atol = check_real("atol", atol, positive=True)
    n_points = check_flow_points("n_points", n_points)
    blowup = check_real("blowup", blowup, positive=True)
    if max_step is not None:
        max_step = check_real("max_step", max_step, positive=True)
    max_steps = check_int("max_steps", max_steps, minimum=1)
    return k_start, k_stop, method, rtol, atol, n_points, blowup, max_step, max_steps


def _run_members(system, G0, t0, t1, dimensionless, blowup, options) -> list[Outcome]:
    """One chunk of a batch (a task of an executor): the outcomes of its members."""
    problem = system_problem(system, dimensionless, blowup, t0, G0[0])
    return integrate(problem, G0, t0, t1, **options)


def run_flows(
    system: FlowSystem,
    couplings0,
    *,
    k_start: float,
    k_stop: float,
    dimensionless: bool = False,
    method: str = "RK45",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    n_points: int = 200,
    blowup: float = 1e8,
    max_step: float | None = None,
    max_steps: int = 100_000,
    executor=None,
    chunk_size: int | None = None,
) -> FlowBatch:
    """Integrate the flow of ``system`` from many initial couplings at once, each member on its own.

    Every member is integrated as :func:`run_flow` would integrate it alone, with its own steps, its own
    events and its own status and stopping scale: a member that hits a pole or blows up stops there
    while the others go on. With the explicit Runge-Kutta methods (:data:`VECTORISED_METHODS`) the
    right-hand side is evaluated once per stage for all running members (``system.beta`` on an
    array of shape (n, B), with one scale per column when the system declares ``vector_scales``), so a
    batch costs a small multiple of one flow; with the other methods the members are stepped one after
    another. A member's numbers do not depend on the other members (the same steps, the same arithmetic,
    the evaluation of the right-hand side fixed for the batch by ``system.for_batch``): they equal those
    of the same member run alone through the same evaluation, to the last bit, whatever the chunks and
    wherever they run.

    Parameters
    ----------
    system : FlowSystem
    couplings0 : array_like, shape (B, n)
        One coupling vector per member, ordered as ``system.names``.
    k_start, k_stop, dimensionless, rtol, atol, n_points, blowup, max_step, max_steps
        As :func:`run_flow`.
    method : str, default "RK45"
        A method of :data:`METHODS`; the vectorised ones are RK23, RK45 and DOP853.
    executor : concurrent.futures.Executor, optional
        Where the chunks of members run (``ProcessPoolExecutor``, ``ThreadPoolExecutor``, a
        ``distributed.Client(...).get_executor()``); the numbers are bitwise those of the serial run.
    chunk_size : int, optional
        Members per task (default: the whole batch without an executor, else an eighth of it, at least 16).

    Returns
    -------
    FlowBatch
        One :class:`~tensornn.flow.result.FlowTrajectory` per member, never an exception for a
        numerical outcome.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        For arguments of the wrong shape, type or value.

    Examples
    --------
    >>> from tensornn.flow import scalar_preset
    >>> system = scalar_preset(dim=3, order=2).system
    >>> batch = run_flows(system, [[0.1, 0.1], [-0.2, 0.05]], k_start=1.0, k_stop=1e-2)
    >>> batch.status.tolist(), [round(float(k), 4) for k in batch.k_stop_reached]
    (['completed', 'pole'], [0.01, 0.5873])
    """
    (k_start, k_stop, method, rtol, atol, n_points, blowup, max_step,
     max_steps) = _check_common(system, k_start, k_stop, method, rtol, atol, n_points, blowup, max_step, max_steps)
    names = tuple(system.names)
    G0 = check_array("couplings0", couplings0, ndim=2)
    if G0.shape[1] != len(names) or G0.shape[0] < 1:
        raise InvalidArgumentError(
            f"couplings0 must have shape (B, {len(names)}) with B >= 1 (one row per member, ordered as "
            f"system.names {names}), got {G0.shape}")
    members = G0.shape[0]
    if chunk_size is None:
        chunk_size = members if executor is None else max(16, -(-members // 8))
    chunk_size = check_int("chunk_size", chunk_size, minimum=1)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InvalidTypeError(f"executor must have a submit method (a concurrent.futures.Executor), got "
                               f"{type(executor).__name__}")
    t0, t1 = float(np.log(k_start)), float(np.log(k_stop))
    if method in VECTORISED_METHODS and hasattr(system, "for_batch"):
        system = system.for_batch(members)
    options = dict(method=method, rtol=rtol, atol=atol, n_points=n_points, max_step=max_step, max_steps=max_steps)
    chunks = [G0[i:i + chunk_size] for i in range(0, members, chunk_size)]
    args = (t0, t1, bool(dimensionless), blowup, options)
    if executor is None:
        parts = [_run_members(system, chunk, *args) for chunk in chunks]
    else:
        futures = [executor.submit(_run_members, system, chunk, *args) for chunk in chunks]
        parts = [future.result() for future in futures]
    outcomes = [o for part in parts for o in part]
    common = dict(names=names, dimensionless=bool(dimensionless), k_start=k_start, k_stop=k_stop,
                  dimensions=_dimensions(system), n_legs=_legs(system),
                  conventions=dict(getattr(system, "conventions", {}) or {}))
    trajectories = tuple(FlowTrajectory(t=o.t, values=o.y.T, reason=o.reason, violated=o.violated,
                                        detail=o.detail, nfev=o.nfev, **common) for o in outcomes)
    return FlowBatch(trajectories, np.linspace(t0, t1, n_points))


def _dimensions(system):
    dims = getattr(system, "dimensions", None)
    return None if dims is None else np.asarray(dims, dtype=float)


def _legs(system):
    legs = getattr(system, "n_legs", None)
    return None if legs is None else tuple(int(n) for n in legs)


def run_flow(
    system: FlowSystem,
    couplings0,
    *,
    k_start: float,
    k_stop: float,
    dimensionless: bool = False,
    method: str = "LSODA",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    n_points: int = 200,
    blowup: float = 1e8,
    max_step: float | None = None,
    max_steps: int = 100_000,
) -> FlowTrajectory:
    """Integrate the flow of ``system`` from ``k_start`` to ``k_stop``.

    Solves ``d g_i / d t = beta_i(g, t)`` with ``t = ln k`` between ``ln k_start`` and
    ``ln k_stop`` (either direction), using the dimensionless beta functions
    ``system.beta(g, t)`` when ``dimensionless`` is True and ``system.beta_dimensionful(t, g)``
    otherwise. Terminal events stop the flow where

    - a component of ``system.validity`` crosses zero (status ``"pole"``). For dimensionful
      integration the validity is evaluated on ``system.to_dimensionless(t, g)`` when the system
      provides that optional method; otherwise only blow-ups stop a dimensionful flow;
    - ``max_i |g_i|`` reaches ``blowup`` or a coupling becomes non-finite (status ``"diverged"``).

    Parameters
    ----------
    system : FlowSystem
        The beta functions.
    couplings0 : array_like, shape (n,)
        Couplings at ``k_start``, ordered as ``system.names``; dimensionless or dimensionful
        according to ``dimensionless``.
    k_start, k_stop : float
        Initial and final scales (> 0). ``k_stop > k_start`` integrates upward.
    dimensionless : bool, default False
        Integrate the dimensionless couplings instead of the dimensionful ones.
    method : str, default "LSODA"
        Any :func:`scipy.integrate.solve_ivp` method (see :data:`METHODS`); "Radau" and "BDF"
        for stiff flows. The beta functions are called vectorised for the Jacobians.
    rtol, atol : float
        Integrator tolerances.
    n_points : int, default 200
        Number of equally spaced values of ``t`` recorded (plus the stopping point).
    blowup : float, default 1e8
        Bound on ``|g_i|`` beyond which the flow is reported as diverged.
    max_step : float, optional
        Largest step in ``t``.
    max_steps : int, default 100000
        Largest number of integrator steps (status ``"failed"`` beyond).

    Returns
    -------
    FlowTrajectory
        Never raises for a numerical outcome; see ``status``.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        For arguments of the wrong shape, type or value.

    Examples
    --------
    >>> import numpy as np
    >>> class Linear:
    ...     names, autonomous = ("g",), True
    ...     def beta(self, g, t=None): return -np.asarray(g)
    ...     def beta_dimensionful(self, t, g): return -np.asarray(g)
    ...     def eta(self, g, t=None): return np.zeros(np.shape(g)[1:])
    ...     def validity(self, g, t=None): return np.ones((1,) + np.shape(g)[1:])
    >>> res = run_flow(Linear(), [1.0], k_start=1.0, k_stop=np.e ** -1)
    >>> res.status, round(float(res.couplings[0, -1]), 6)
    ('completed', 2.718282)
    """
    names = tuple(getattr(system, "names", ()))
    g0 = check_array("couplings0", couplings0, ndim=1)
    if isinstance(system, FlowSystem) and g0.shape != (len(names),):
        raise InvalidArgumentError(
            f"couplings0 must have shape ({len(names)},) to match system.names {names}, got {g0.shape}"
        )
    return run_flows(system, g0[None], k_start=k_start, k_stop=k_stop, dimensionless=dimensionless, method=method,
                     rtol=rtol, atol=atol, n_points=n_points, blowup=blowup, max_step=max_step,
                     max_steps=max_steps)[0]

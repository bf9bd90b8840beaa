"""The one integration loop of every flow, with the range of validity as terminal events.

:func:`run_flow` integrates the beta functions of any :class:`~tensornn.flow.system.FlowSystem` in
``t = ln k``, downward from a UV scale (``k_stop < k_start``) or upward from infrared data
(``k_stop > k_start``, the passive RG of docs/theory/nn_qft.md); :func:`run_flows` integrates a batch
of initial conditions, each member with its own steps, status and stopping scale. The polynomial,
tensor and functional flows all run through the same loop (:func:`tensornn.flow.loop.integrate`):

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

import numpy as np

from .._checks import check_array, check_choice, check_flow_points, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .loop import METHODS, VECTORISED_METHODS, Event, Outcome, Problem, integrate
from .result import STATUSES, FlowBatch, FlowTrajectory
from .system import FlowSystem

__all__ = ["run_flow", "run_flows", "system_problem", "METHODS", "VECTORISED_METHODS", "STATUSES"]


def __getattr__(name):
    if name == "FlowResult":
        import warnings

        warnings.warn("tensornn.flow.integrate.FlowResult is now tensornn.flow.FlowTrajectory (the one result of "
                      "every flow); the old name goes in the next release", DeprecationWarning, stacklevel=2)
        return FlowTrajectory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

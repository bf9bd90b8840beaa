"""Integration of a flow between two scales, with the range of validity as terminal events.

:func:`run_flow` integrates the beta functions of any :class:`~tensornn.flow.system.FlowSystem`
in ``t = ln k``, downward from a UV scale (``k_stop < k_start``) or upward from infrared data
(``k_stop > k_start``, the passive RG of docs/theory/nn_qft.md). The flow stops early,
and says so, when it leaves the range of validity of the truncation (a component of
``system.validity`` crosses zero: a pole of a threshold function, ``1 + m^2/k^2 -> 0``, the
pole of eta) or when a coupling blows up. Numerical outcomes are statuses of the returned
:class:`FlowResult`, never exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.integrate import BDF, DOP853, LSODA, RK23, RK45, Radau

from .._frames import repr_html, to_frame
from .._json import finite
from .._checks import check_array, check_choice, check_flow_points, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .system import FlowSystem

__all__ = ["FlowResult", "run_flow", "METHODS", "STATUSES"]

_SOLVERS = {"LSODA": LSODA, "RK45": RK45, "RK23": RK23, "DOP853": DOP853, "Radau": Radau, "BDF": BDF}

#: Integration methods accepted by :func:`run_flow` (the solvers of :func:`scipy.integrate.solve_ivp`).
METHODS = tuple(_SOLVERS)

#: A stalled integration whose couplings grew by more than this factor is reported as a blow-up ("diverged").
_GROWTH = 1e3

#: Statuses of a :class:`FlowResult`.
STATUSES = ("completed", "pole", "diverged", "failed")


@dataclass(frozen=True, repr=False)
class FlowResult:
    """The trajectory of a flow and how it ended.

    Attributes
    ----------
    t : ndarray, shape (m,)
        RG times ``t = ln k`` at which the couplings are recorded, in the direction of
        integration; the last entry is where the flow stopped.
    k : ndarray, shape (m,)
        Scales ``exp(t)``.
    couplings : ndarray, shape (n, m)
        Couplings along the flow, ordered as ``names`` (dimensionless or dimensionful as
        requested, see ``dimensionless``).
    names : tuple of str
        Coupling names.
    dimensionless : bool
        Whether ``couplings`` are the dimensionless couplings.
    status : str
        ``"completed"`` (reached ``k_stop``), ``"pole"`` (a validity component crossed zero:
        the truncation left its range of validity), ``"diverged"`` (a coupling exceeded the
        blow-up bound or became non-finite) or ``"failed"`` (the integrator gave up for another
        reason).
    message : str
        What happened, in words (names the validity component for a pole).
    k_stop_reached : float
        The scale where the integration stopped (equal to ``k_stop`` when completed).
    violated : str or None
        Name of the validity component that crossed zero, for status ``"pole"``.
    nfev : int
        Number of evaluations of the beta functions.
    conventions : dict
        The system's ``conventions`` (regulator, eta in d_t R, LPA or LPA', projection), when it
        declares them.
    """

    t: np.ndarray
    k: np.ndarray
    couplings: np.ndarray
    names: tuple[str, ...]
    dimensionless: bool
    status: str
    message: str
    k_stop_reached: float
    violated: str | None = None
    nfev: int = 0
    conventions: dict = field(default_factory=dict)

    @property
    def success(self) -> bool:
        """True when the flow reached ``k_stop``."""
        return self.status == "completed"

    @property
    def final(self) -> dict[str, float]:
        """Couplings at the last recorded scale, by name."""
        return {name: float(value) for name, value in zip(self.names, self.couplings[:, -1])}

    def _table(self):
        return {"t": self.t, "k": self.k, **dict(zip(self.names, self.couplings))}, "k"

    def to_frame(self):
        """One row per recorded scale: t = ln k, k (the index) and every coupling as a pandas DataFrame (needs pandas: ``pip install 'tensornn[pandas]'``)."""
        return to_frame(self)

    def _repr_html_(self) -> str:
        return repr_html(self)

    def to_dict(self) -> dict:
        """JSON-ready record: scales, couplings by name, status (non-finite values as None)."""
        return {"status": self.status, "message": self.message, "violated": self.violated,
                "k_stop_reached": finite(self.k_stop_reached), "dimensionless": self.dimensionless,
                "names": list(self.names), "t": [finite(v) for v in self.t], "k": [finite(v) for v in self.k],
                "couplings": {n: [finite(v) for v in row] for n, row in zip(self.names, self.couplings)},
                "nfev": int(self.nfev), "conventions": dict(self.conventions)}

    def __repr__(self) -> str:
        kind = "dimensionless" if self.dimensionless else "dimensionful"
        final = ", ".join(f"{n}={v:.6g}" for n, v in self.final.items())
        return (
            f"FlowResult(status={self.status!r}, k: {self.k[0]:.6g} -> {self.k_stop_reached:.6g}, "
            f"{len(self.t)} points, {kind} final couplings {{{final}}}, message={self.message!r})"
        )


_FLOAT_RANGE = ("the beta functions are not representable in float64 near k = {k:.6g} (powers of k over- or "
                "underflow); keep the scales nearer 1 or measure k in other units")


def _validity_names(system, n_components: int) -> tuple[str, ...]:
    names = getattr(system, "validity_names", None)
    if names is not None and len(names) == n_components:
        return tuple(names)
    return tuple(f"validity[{i}]" for i in range(n_components))


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
) -> FlowResult:
    """Integrate the flow of ``system`` from ``k_start`` to ``k_stop``.

    Solves ``d g_i / d t = beta_i(g, t)`` with ``t = ln k`` between ``ln k_start`` and
    ``ln k_stop`` (either direction), using the dimensionless beta functions
    ``system.beta(g, t)`` when ``dimensionless`` is True and ``system.beta_dimensionful(t, g)``
    otherwise. Terminal events stop the flow where

    - a component of ``system.validity`` crosses zero (status ``"pole"``). For dimensionful
      integration the validity is evaluated on ``system.to_dimensionless(t, g)`` when the system
      provides that optional method; otherwise only blow-ups stop a dimensionful flow;
    - ``max_i |g_i|`` reaches ``blowup`` or a beta function becomes non-finite
      (status ``"diverged"``).

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
    FlowResult
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
    result = _run_flow(system, couplings0, k_start=k_start, k_stop=k_stop, dimensionless=dimensionless, method=method,
                       rtol=rtol, atol=atol, n_points=n_points, blowup=blowup, max_step=max_step, max_steps=max_steps)
    return replace(result, conventions=dict(getattr(system, "conventions", {}) or {}))


def _run_flow(system, couplings0, *, k_start, k_stop, dimensionless, method, rtol, atol, n_points, blowup, max_step,
              max_steps) -> FlowResult:
    """The integration of :func:`run_flow` (same arguments), before the system's conventions are attached."""
    if not isinstance(system, FlowSystem):
        raise InvalidTypeError(
            "system must implement the FlowSystem protocol (names, autonomous, beta, beta_dimensionful, eta, "
            f"validity), got {type(system).__name__}"
        )
    names = tuple(system.names)
    g0 = check_array("couplings0", couplings0, ndim=1)
    if g0.shape != (len(names),):
        raise InvalidArgumentError(
            f"couplings0 must have shape ({len(names)},) to match system.names {names}, got {g0.shape}"
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

    t0, t1 = float(np.log(k_start)), float(np.log(k_stop))
    to_dimensionless = getattr(system, "to_dimensionless", None)
    dimless: Callable[[float, np.ndarray], np.ndarray] | None

    if dimensionless:

        def rhs(t, y):
            return np.asarray(system.beta(y, t), dtype=float)

        def dimless(t: float, y: np.ndarray) -> np.ndarray:
            return y

    else:

        def rhs(t, y):
            return np.asarray(system.beta_dimensionful(t, y), dtype=float)

        dimless = None if to_dimensionless is None else (lambda t, y: np.asarray(to_dimensionless(t, y)))

    def check_validity(t, y):
        g = y if dimless is None else dimless(t, y)
        return np.atleast_1d(np.asarray(system.validity(g, t), dtype=float))

    # Starting point: outside the range of validity or already non-finite is a result too.
    try:
        with np.errstate(all="ignore"):
            v0 = check_validity(t0, g0) if dimless is not None else np.ones(0)
            f0 = rhs(t0, g0)
    except (OverflowError, ZeroDivisionError):  # powers of k beyond float64 (e.g. k_start = 1e300)
        return _result([t0], [g0], names, dimensionless, "diverged", _FLOAT_RANGE.format(k=k_start), None, 1)
    vnames = _validity_names(system, len(v0))
    if np.any(~(v0 > 0)):
        i = int(np.argmax(~(v0 > 0)))
        return _result(
            [t0], [g0], names, dimensionless, "pole",
            f"the initial couplings lie outside the range of validity: {vnames[i]} = {v0[i]:.6g} <= 0",
            vnames[i], 0,
        )
    if not np.all(np.isfinite(f0)):
        return _result([t0], [g0], names, dimensionless, "diverged",
                       "the beta functions are not finite at the initial couplings", None, 1)

    solver_cls = _SOLVERS[method]

    def fun(t, y):
        with np.errstate(all="ignore"):
            return rhs(t, y)

    def bad(t, y):
        """Why (t, y) is outside the accepted region: (kind, component) or None."""
        if not np.all(np.isfinite(y)) or np.max(np.abs(y)) >= blowup:
            return ("diverged", None)
        if dimless is not None and len(v0):
            with np.errstate(all="ignore"):
                v = check_validity(t, y)
            if np.any(~(v > 0)):
                return ("pole", int(np.argmin(np.where(np.isfinite(v), v, -np.inf))))
        return None

    options = {} if max_step is None else {"max_step": max_step}
    ts, ys = [t0], [g0]
    direction = np.sign(t1 - t0)
    next_eval = 1  # index into t_eval of the next recorded point
    t_eval = np.linspace(t0, t1, n_points)
    tiny = 1e-10 * abs(t1 - t0)
    n_tiny = 0
    try:
        with np.errstate(all="ignore"):
            solver = solver_cls(fun, t0, g0, t1, rtol=rtol, atol=atol, vectorized=True, **options)
            for _ in range(max_steps):
                t_old = solver.t
                message = solver.step()
                if solver.status == "failed":
                    return _stalled(ts, ys, solver.t, solver.y, names, dimensionless, check_validity, dimless,
                                    vnames, blowup, f"the integrator failed: {message}", solver.nfev)
                dense = solver.dense_output()
                hit = bad(solver.t, solver.y)
                t_stop = solver.t
                if hit is not None:
                    t_stop, hit = _locate(bad, dense, t_old, solver.t, hit)
                next_eval = _record_until(ts, ys, dense, t_eval, next_eval, t_stop, direction)
                if hit is not None:
                    ts.append(t_stop)
                    ys.append(dense(t_stop))
                    kind, i = hit
                    if kind == "pole":
                        return _result(ts, ys, names, dimensionless, "pole",
                                       f"the flow left the range of validity at k = {np.exp(t_stop):.6g}: "
                                       f"{vnames[i]} crossed zero", vnames[i], solver.nfev)
                    return _result(ts, ys, names, dimensionless, "diverged",
                                   f"a coupling exceeded the blow-up bound {blowup:.3g} (or became non-finite) at "
                                   f"k = {np.exp(t_stop):.6g}", None, solver.nfev)
                if solver.status == "finished":
                    if ts[-1] != t1:
                        ts.append(t1)
                        ys.append(solver.y)
                    return _result(ts, ys, names, dimensionless, "completed", "the flow reached k_stop", None,
                                   solver.nfev)
                n_tiny = n_tiny + 1 if abs(solver.t - t_old) < tiny else 0
                if n_tiny >= 20:
                    ts.append(solver.t)
                    ys.append(solver.y)
                    return _stalled(ts, ys, solver.t, solver.y, names, dimensionless, check_validity, dimless,
                                    vnames, blowup, "the step size collapsed", solver.nfev)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:  # e.g. a singular Jacobian at a pole
        why = ("the beta functions left the float64 range (powers of k over- or underflow) beyond the last point; "
               "keep the scales nearer 1 or measure k in other units"
               if isinstance(exc, (OverflowError, ZeroDivisionError)) else f"the integrator stopped with an error: {exc}")
        return _stalled(ts, ys, ts[-1], ys[-1], names, dimensionless, check_validity, dimless, vnames, blowup, why, 0)
    return _result(ts, ys, names, dimensionless, "failed",
                   f"no result after max_steps = {max_steps} steps (k = {np.exp(ts[-1]):.6g})", None, solver.nfev)


def _locate(bad, dense, t_good, t_bad, hit, iterations=60):
    """Bisect on the dense output for the first point of the step that is outside the accepted region."""
    for _ in range(iterations):
        mid = 0.5 * (t_good + t_bad)
        why = bad(mid, dense(mid))
        if why is None:
            t_good = mid
        else:
            t_bad, hit = mid, why
    return t_bad, hit


def _record_until(ts, ys, dense, t_eval, next_eval, t_stop, direction) -> int:
    """Append the recorded points t_eval[next_eval:] that lie before t_stop in the flow's ``direction`` (from the
    step's dense output); returns the index of the next point to record."""
    while next_eval < len(t_eval) and direction * (t_eval[next_eval] - t_stop) < 0:
        ts.append(t_eval[next_eval])
        ys.append(dense(t_eval[next_eval]))
        next_eval += 1
    return next_eval


def _stalled(ts, ys, t_last, y_last, names, dimensionless, check_validity, dimless, vnames, blowup, reason, nfev):
    """The integrator stopped early: find out whether it ran into a pole, a blow-up or neither."""
    if not np.all(np.isfinite(y_last)) or np.max(np.abs(y_last)) > 1e-3 * blowup:
        return _result(ts, ys, names, dimensionless, "diverged",
                       f"the couplings blew up near k = {np.exp(t_last):.6g} ({reason})", None, nfev)
    start = float(np.max(np.abs(ys[0]))) if len(ys) else 0.0
    growth = float(np.max(np.abs(y_last))) / max(start, 1e-300)
    if growth > _GROWTH:  # a finite-t blow-up the step-size control met before the blow-up bound
        return _result(ts, ys, names, dimensionless, "diverged",
                       f"the couplings grew by a factor {growth:.3g} and {reason} near k = {np.exp(t_last):.6g} "
                       "(a blow-up)", None, nfev)
    if dimless is not None:
        with np.errstate(all="ignore"):
            v = check_validity(t_last, y_last)
        if len(v) and np.nanmin(v) < 1e-2:
            i = int(np.nanargmin(v))
            return _result(ts, ys, names, dimensionless, "pole",
                           f"the flow stalled at k = {np.exp(t_last):.6g} where {vnames[i]} = {v[i]:.3g} approaches "
                           f"zero ({reason})", vnames[i], nfev)
    return _result(ts, ys, names, dimensionless, "failed", f"{reason} at k = {np.exp(t_last):.6g}", None, nfev)


def _result(ts, ys, names, dimensionless, status, message, violated, nfev) -> FlowResult:
    ts = np.asarray(ts, dtype=float)
    ys = np.asarray(ys, dtype=float).reshape(len(ts), len(names)).T  # one coupling vector per time
    return FlowResult(
        t=ts, k=np.exp(ts), couplings=ys, names=names, dimensionless=dimensionless,
        status=status, message=message, k_stop_reached=float(np.exp(ts[-1])), violated=violated, nfev=int(nfev),
    )

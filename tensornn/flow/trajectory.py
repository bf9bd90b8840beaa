"""Flows from infrared data: one path from IR couplings given as plain numbers to a trajectory.

Passive RG and the comparison of readings both start a derived flow at ``k_IR`` with couplings
known there (measured, fitted or exact) and integrate it upward to ``k_UV``. :func:`run_from_ir`
does that for any :class:`~tensornn.flow.betas.DerivedFlow`:

- IR data are given either by name (engine couplings ``g_I`` of ``sum_I g_I I(phi)``) or per number of
  legs as potential couplings ``u_n`` (of ``phi^n/n!``), whose total is split equally over the
  interactions with n legs (``g_I = u_n / (n! #{I : n legs})``): on a constant field every n-leg
  interaction is ``phi^n``, so the split reproduces ``u_n``;
- when a mass ``unit`` is given (autonomous flows only), scales and couplings are integrated in units of
  it (``k/unit``, ``g_I unit^(-[g_I])``), so the blow-up bound of :func:`~tensornn.flow.integrate.run_flow`
  does not depend on the network's scale;
- the result (:class:`~tensornn.flow.result.FlowTrajectory`) records the couplings with their units and
  canonical dimensions (dimensionful, dimensionless, and the potential couplings ``u_n(k)`` summed per number
  of legs), the anomalous dimension along the flow and the initial data;
- :func:`run_from_ir_batch` runs many sets of IR data at once (Monte-Carlo draws of fitted couplings).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from .._checks import check_flow_points, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .integrate import run_flow
from .result import FlowBatch, FlowTrajectory

__all__ = ["initial_couplings", "run_from_ir", "run_from_ir_batch"]


def initial_couplings(flow, ir) -> np.ndarray:
    """Engine couplings from IR data: a mapping name -> g_I, or n_legs (int) -> u_n (equal split).

    Raises
    ------
    InvalidArgumentError
        Unknown names, or a nonzero u_n for which the truncation has no n-leg interaction.
    """
    if not isinstance(ir, Mapping):
        raise InvalidTypeError(f"ir must be a mapping (coupling name -> g, or n_legs -> u_n), got {type(ir).__name__}")
    names = tuple(flow.names)
    legs = np.asarray(flow.n_legs)
    g = np.zeros(len(names))
    for key, value in ir.items():
        value = check_real(f"ir[{key!r}]", value)
        if isinstance(key, str):
            if key not in names:
                raise InvalidArgumentError(f"unknown coupling {key!r} in ir; the flow has {', '.join(names)}")
            g[names.index(key)] += value
            continue
        n = check_int("n_legs", key, minimum=1)
        idx = np.flatnonzero(legs == n)
        if idx.size:
            g[idx] += value / (math.factorial(n) * idx.size)
        elif value != 0.0:
            raise InvalidArgumentError(f"the truncation has no {n}-leg coupling to carry u{n} = {value:g}")
    return g


def _units(flow, unit):
    dims = np.asarray(flow.dimensions, dtype=float)
    if unit is None:
        return 1.0, np.ones_like(dims)
    scale = check_real("unit", unit, positive=True)
    if not flow.autonomous:
        raise InvalidArgumentError("unit rescaling needs an autonomous flow (power-law mode counts); pass unit=None")
    return scale, scale**dims


def _check_scales(k_ir, k_uv):
    k_ir = check_real("k_ir", k_ir, positive=True)
    k_uv = check_real("k_uv", k_uv, positive=True)
    if not k_ir < k_uv:
        raise InvalidArgumentError(
            f"k_ir must be below k_uv (flows from IR data run upward), got k_ir={k_ir}, k_uv={k_uv}; swap them")
    return k_ir, k_uv


def _finish(flow, res, g0, *, scale, unit_name, k_ir, k_uv, source):
    """The trajectory in the caller's units, with eta along the flow and the initial data."""
    res = replace(res, unit=scale, unit_name=unit_name if scale != 1.0 else "", k_start=k_ir, k_stop=k_uv,
                  initial={n: float(v) for n, v in zip(flow.names, g0)}, source=source)
    t = np.log(res.k)
    if not getattr(flow, "anomalous_dimension", False):
        eta = np.zeros(t.size)
    elif flow.autonomous:
        eta = np.asarray(flow.eta(res.dimensionless_couplings(), None), dtype=float).reshape(-1)
    else:  # the threshold sums depend on t: one scale at a time
        dimless = res.dimensionless_couplings()
        eta = np.array([float(flow.eta(dimless[:, i], float(ti))) for i, ti in enumerate(t)])
    return replace(res, eta=eta)


def run_from_ir(flow, ir, *, k_ir: float, k_uv: float, unit: float | None = None, unit_name: str = "unit",
                n_points: int = 400, rtol: float = 1e-9, atol: float = 1e-12, source: str = "") -> FlowTrajectory:
    """Integrate ``flow`` from IR data at ``k_ir`` up to ``k_uv``.

    Parameters
    ----------
    flow : DerivedFlow
    ir : mapping
        Coupling name -> engine coupling g_I, and/or n_legs -> potential coupling u_n (see
        :func:`initial_couplings`).
    k_ir, k_uv : float
        Start and end scales (``0 < k_ir < k_uv``).
    unit : float, optional
        A mass scale; when given (autonomous flows only) the integration runs in units of it, and the
        trajectory records it (messages say "k/<unit_name> = ...").
    unit_name : str, default "unit"
        The name of ``unit`` in messages.
    n_points : int
        Recorded points, equally spaced in ln k.
    rtol, atol : float
        Integrator tolerances (in units of ``unit`` when given).
    source : str
        Recorded in the result.

    Returns
    -------
    FlowTrajectory
        Scales and couplings in absolute units (``k``, ``couplings``: dimensionful engine couplings;
        ``dimensionless_couplings()``, ``potential(n)``), the anomalous dimension ``eta`` along the
        flow, the initial couplings; a pole or a divergence is a status with the scale where the flow
        stopped, never an exception.

    Examples
    --------
    >>> from tensornn.flow import derive_flow
    >>> from tensornn.theory import ContinuumColour, Theory, scalar_truncation
    >>> flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    >>> traj = run_from_ir(flow, {2: 1.0, 4: 0.0}, k_ir=1e-3, k_uv=10.0)   # free: nothing runs
    >>> traj.status, float(traj.potential(2)[-1])
    ('completed', 1.0)
    """
    k_ir, k_uv = _check_scales(k_ir, k_uv)
    n_points = check_flow_points("n_points", n_points)
    g0 = initial_couplings(flow, ir)
    scale, to_units = _units(flow, unit)
    res = run_flow(flow, g0 / to_units, k_start=k_ir / scale, k_stop=k_uv / scale, n_points=n_points,
                   rtol=rtol, atol=atol)
    return _finish(flow, res, g0, scale=scale, unit_name=unit_name, k_ir=k_ir, k_uv=k_uv, source=source)


def run_from_ir_batch(flow, irs, *, k_ir: float, k_uv: float, unit: float | None = None, unit_name: str = "unit",
                      n_points: int = 400, method: str = "RK45", rtol: float = 1e-9, atol: float = 1e-12,
                      source: str = "", executor=None, chunk_size: int | None = None) -> FlowBatch:
    """:func:`run_from_ir` for many sets of IR data at once (:func:`~tensornn.flow.run_flows`).

    Every member runs as it would alone (its own steps, status and stopping scale); with the explicit
    Runge-Kutta methods the members are evaluated together, so a batch of Monte-Carlo draws of the
    IR couplings costs a small multiple of one flow.

    Parameters
    ----------
    flow : DerivedFlow
    irs : sequence of mappings, or array_like of shape (B, n)
        The IR data of every member, as for :func:`run_from_ir`, or the engine couplings directly
        (rows ordered as ``flow.names``).
    method : str, default "RK45"
        An integration method (:data:`~tensornn.flow.integrate.METHODS`); RK23, RK45 and DOP853 are
        vectorised over the batch.
    executor, chunk_size
        Distribute the batch in chunks of members (:func:`~tensornn.flow.run_flows`); the numbers do not
        depend on it.
    k_ir, k_uv, unit, unit_name, n_points, rtol, atol, source
        As :func:`run_from_ir`.

    Returns
    -------
    FlowBatch
        One trajectory per member, each as :func:`run_from_ir` returns it.

    Examples
    --------
    >>> from tensornn.flow import derive_flow
    >>> from tensornn.theory import ContinuumColour, Theory, scalar_truncation
    >>> flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    >>> batch = run_from_ir_batch(flow, [{2: 1.0, 4: 0.5}, {2: 1.0, 4: 50.0}], k_ir=1e-3, k_uv=10.0)
    >>> batch.status.tolist()
    ['completed', 'diverged']
    """
    from .integrate import run_flows

    k_ir, k_uv = _check_scales(k_ir, k_uv)
    n_points = check_flow_points("n_points", n_points)
    if isinstance(irs, np.ndarray) and irs.ndim == 2:
        G0 = np.array(irs, dtype=float)
    else:
        if isinstance(irs, Mapping) or not isinstance(irs, (list, tuple)):
            raise InvalidTypeError("irs must be a sequence of IR data (mappings) or an array of shape (B, n), got "
                                   f"{type(irs).__name__}")
        G0 = np.array([initial_couplings(flow, ir) for ir in irs]).reshape(len(irs), len(flow.names))
    scale, to_units = _units(flow, unit)
    batch = run_flows(flow, G0 / to_units, k_start=k_ir / scale, k_stop=k_uv / scale, n_points=n_points,
                      method=method, rtol=rtol, atol=atol, executor=executor, chunk_size=chunk_size)
    members = tuple(_finish(flow, res, g0, scale=scale, unit_name=unit_name, k_ir=k_ir, k_uv=k_uv, source=source)
                    for res, g0 in zip(batch, G0))
    return FlowBatch(members, batch.grid)


def __getattr__(name):
    if name == "Trajectory":
        import warnings

        warnings.warn("tensornn.flow.trajectory.Trajectory is now tensornn.flow.FlowTrajectory (the one result of every "
                      "flow; its dimensionless couplings are dimensionless_couplings(), its bool dimensionless the "
                      "frame); the old name goes in the next release", DeprecationWarning, stacklevel=2)
        return FlowTrajectory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

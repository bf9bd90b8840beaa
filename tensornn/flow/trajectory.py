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
- the result records the dimensionful and dimensionless couplings, the anomalous dimension along the
  flow and the potential couplings ``u_n(k)`` summed per number of legs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_int, check_real
from .._json import finite
from ..errors import InvalidArgumentError, InvalidTypeError
from .integrate import run_flow

__all__ = ["Trajectory", "initial_couplings", "run_from_ir"]


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


@dataclass(frozen=True, repr=False)
class Trajectory:
    """A flow run upward from infrared data.

    Attributes
    ----------
    names : tuple of str
    n_legs : tuple of int
    k : ndarray, shape (m,)
        Scales, from ``k_ir`` to where the flow stopped.
    couplings, dimensionless : ndarray, shape (n, m)
        Engine couplings g_I (dimensionful) and ``g_I k^-[g_I]``.
    eta : ndarray, shape (m,)
        Anomalous dimension along the flow (zeros in LPA).
    status, message, violated
        As :class:`~tensornn.flow.integrate.FlowResult`.
    k_ir, k_uv, k_stop_reached : float
    initial : dict
        The engine couplings at ``k_ir``, by name.
    source : str
        Where the IR data came from ("fit", "exact", "measured", ...), as the caller says.
    """

    names: tuple
    n_legs: tuple
    k: np.ndarray
    couplings: np.ndarray
    dimensionless: np.ndarray
    eta: np.ndarray
    status: str
    message: str
    violated: str | None
    k_ir: float
    k_uv: float
    k_stop_reached: float
    initial: dict = field(default_factory=dict)
    source: str = ""

    @property
    def success(self) -> bool:
        return self.status == "completed"

    def potential(self, n_legs: int) -> np.ndarray:
        """``u_n(k) = n! sum_{I: n legs} g_I(k)``: the coefficient of ``phi^n/n!`` on a constant field."""
        rows = np.asarray(self.n_legs) == n_legs
        return math.factorial(n_legs) * self.couplings[rows].sum(axis=0)

    def to_dict(self) -> dict:
        legs = sorted(set(self.n_legs))
        return {
            "source": self.source, "status": self.status, "message": self.message, "violated": self.violated,
            "k_ir": finite(self.k_ir), "k_uv": finite(self.k_uv), "k_stop_reached": finite(self.k_stop_reached),
            "k": self.k.tolist(),
            "couplings": {n: [finite(v) for v in row] for n, row in zip(self.names, self.couplings)},
            "dimensionless": {n: [finite(v) for v in row] for n, row in zip(self.names, self.dimensionless)},
            "potential": {f"u{n}": [finite(v) for v in self.potential(n)] for n in legs},
            "eta": [finite(v) for v in self.eta],
            "initial": {n: finite(v) for n, v in self.initial.items()},
        }

    def __repr__(self) -> str:
        return (f"Trajectory(source={self.source!r}, status={self.status!r}, k: {self.k_ir:.4g} -> "
                f"{self.k_stop_reached:.4g}, {len(self.k)} points)")


def run_from_ir(flow, ir, *, k_ir: float, k_uv: float, unit: float | None = None, n_points: int = 400,
                rtol: float = 1e-9, atol: float = 1e-12, source: str = "") -> Trajectory:
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
        A mass scale; when given (autonomous flows only) the integration runs in units of it.
    n_points : int
        Recorded points, equally spaced in ln k.
    rtol, atol : float
        Integrator tolerances (in units of ``unit`` when given).
    source : str
        Recorded in the result.

    Returns
    -------
    Trajectory
        A pole or a divergence is a status with the scale where the flow stopped, never an exception.

    Examples
    --------
    >>> from tensornn.flow import derive_flow
    >>> from tensornn.theory import ContinuumColour, Theory, scalar_truncation
    >>> flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    >>> traj = run_from_ir(flow, {2: 1.0, 4: 0.0}, k_ir=1e-3, k_uv=10.0)   # free: nothing runs
    >>> traj.status, float(traj.potential(2)[-1])
    ('completed', 1.0)
    """
    k_ir = check_real("k_ir", k_ir, positive=True)
    k_uv = check_real("k_uv", k_uv, positive=True)
    if not k_ir < k_uv:
        raise InvalidArgumentError(
            f"k_ir must be below k_uv (flows from IR data run upward), got k_ir={k_ir}, k_uv={k_uv}; swap them")
    n_points = check_int("n_points", n_points, minimum=2)
    g0 = initial_couplings(flow, ir)
    dims = np.asarray(flow.dimensions, dtype=float)
    if unit is None:
        scale, to_units = 1.0, np.ones_like(dims)
    else:
        scale = check_real("unit", unit, positive=True)
        if not flow.autonomous:
            raise InvalidArgumentError("unit rescaling needs an autonomous flow (power-law mode counts); pass unit=None")
        to_units = scale**dims
    res = run_flow(flow, g0 / to_units, k_start=k_ir / scale, k_stop=k_uv / scale, n_points=n_points,
                   rtol=rtol, atol=atol)
    g = res.couplings * to_units[:, None]
    k = res.k * scale
    t = np.log(k)
    dimless = g * np.exp(-dims[:, None] * t[None, :])
    if not getattr(flow, "anomalous_dimension", False):
        eta = np.zeros(t.size)
    elif flow.autonomous:
        eta = np.asarray(flow.eta(dimless, None), dtype=float).reshape(-1)
    else:  # the threshold sums depend on t: one scale at a time
        eta = np.array([float(flow.eta(dimless[:, i], float(ti))) for i, ti in enumerate(t)])
    message = res.message if unit is None else res.message.replace("k = ", "k/unit = ")
    return Trajectory(names=tuple(flow.names), n_legs=tuple(int(n) for n in flow.n_legs), k=k, couplings=g,
                      dimensionless=dimless, eta=eta, status=res.status, message=message, violated=res.violated,
                      k_ir=k_ir, k_uv=k_uv, k_stop_reached=res.k_stop_reached * scale,
                      initial={n: float(v) for n, v in zip(flow.names, g0)}, source=source)

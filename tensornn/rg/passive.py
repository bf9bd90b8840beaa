"""The passive RG reading of a Gauss-net: the scalar LPA flow integrated upward from infrared network data.

Passive RG (docs/theory/nn_qft.md): the network is fixed and the scale k runs. Only the infrared end is known,
so the flow starts at ``k_IR`` (small compared with the mass) with the data of the network at weight
scale ``sigma_w0`` and is integrated *upward*. The theory is the engine's scalar field: one real field,
one local continuum colour of dimension ``D = d_in`` (momenta conjugate to the network inputs x),
the Litim regulator, eta = 0, and the truncation

    U_k(phi) = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!,

whose beta functions are derived by :func:`tensornn.flow.derive_flow` (with the p^2 kinetic term they
are the plain Litim flows of docs/theory/flow.md: ``d_t u2 = -V_D k^{D+2} u4/(k^2 + u2)^2``, ...). The field
is the Z-normalised network output ``phi = sqrt(Z) f``, so that the kinetic term is ``(p^2 + m^2)``
(:mod:`tensornn.couplings.normalisation`); the infrared data are

    u2(k_IR) = m^2 = 2 sigma_w0^2 / d_in,   u4(k_IR) = Z^-2 u4_f,   u6(k_IR) = u6 (stated),

with ``u4_f`` the amputated quartic coupling of the network in the f^4/4! normalisation
(:func:`tensornn.couplings.measure_u4`). The running mass is read as a weight scale,
``sigma_w(k) = sqrt(d_in u2(k) / 2)`` (:func:`tensornn.couplings.normalisation.sigma_w_of_mass`).

Kinetic function: in this normalisation the Gauss-net's inverse kernel is P(p) = m^2 exp(p^2/m^2)
= m^2 + p^2 + p^4/(2 m^2) + ..., with m = m0 the network's mass. The default ``kinetic="gauss"`` regulates
with the spectrally adjusted Litim regulator of the exact kinetic function P_kin = m0^2 (exp(p^2/m0^2) - 1)
(:mod:`tensornn.flow.kinetic`): every threshold N(k) 2 k^2/(k^2 + u2)^n becomes N(k) k P_kin'(k)/(P_kin(k) + u2)^n,
so the loops are those of the network's own propagator and die off like exp(-k^2/m0^2) above m0.
``kinetic="p2"`` keeps the p^2 truncation of the kinetic term (the plain Litim flows); the two
agree as k/m0 -> 0.

The integration is :func:`tensornn.flow.trajectory.run_from_ir` in units of the infrared mass m0 (k/m0 and
u_n m0^{-[u_n]}, with the canonical dimensions of the engine), so that the blow-up bound does not depend on
sigma_w0; the resulting :class:`~tensornn.flow.FlowTrajectory` records m0 as its unit (its messages say
"k/m0 = ..."). The range of validity is checked along the way and a pole is a status, never an exception.

References
----------
Wetterich, Phys. Lett. B 301 (1993) 90; Litim, arXiv:hep-th/0203006; Halverson, Maiti, Stoner,
arXiv:2008.08601; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .._checks import check_choice, check_flow_points, check_int, check_real, check_scale
from .._json import finite
from ..couplings.normalisation import engine_coupling, potential_coupling, sigma_w_of_mass
from ..errors import InvalidArgumentError
from ..flow.betas import derive_flow
from ..flow.kinetic import KineticFlow, kinetic_function
from ..flow.result import FlowTrajectory
from ..flow.trajectory import run_from_ir
from ..networks.blocks import block_kinetic_coefficients
from ..theory.colours import ContinuumColour
from ..theory.field_theory import Theory
from ..theory.truncations import scalar_truncation
from .structural import passive_slope

__all__ = ["PASSIVE_KINETIC", "PassiveFlow", "passive_flow", "scalar_flow"]

_LEGS = np.array([2, 4, 6])


@lru_cache(maxsize=None)
def scalar_flow(d_in: int):
    """The engine's derived flow of the real scalar in D = d_in (Litim, phi^2 + phi^4 + phi^6), cached."""
    return derive_flow(Theory((ContinuumColour(d_in),), "real", scalar_truncation(3)))


@dataclass(frozen=True, repr=False)
class PassiveFlow:
    """An upward LPA flow from Gauss-net infrared data, and its weight-scale reading.

    A view of the flow's :class:`~tensornn.flow.FlowTrajectory` (integrated in units of the network's mass
    m0, which it records as its unit): status, message and scales are the trajectory's.

    Attributes
    ----------
    d_in : int
        Input dimension = dimension D of the continuum colour.
    sigma_w0 : float
        Weight scale of the network whose infrared data start the flow.
    u2_ir, u4_ir, u6_ir : float
        Initial data at ``k_IR``: ``m^2 = 2 sigma_w0^2/d_in`` and the Z-normalised u4, u6
        (``phi^4/4!``, ``phi^6/6!`` normalisation).
    kinetic : str
        "gauss" (the network's kinetic function m0^2 (exp(p^2/m0^2) - 1)) or "p2".
    trajectory : FlowTrajectory
        The engine's couplings along the flow, in units of m0 (``unit`` = m0, ``unit_name`` = "m0").

    Notes
    -----
    Read along the flow: ``k`` (scales from ``k_IR`` upward, the last where the flow stopped), ``u2``,
    ``u4``, ``u6`` (dimensionful couplings of ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!``), ``sigma_w``
    (``sqrt(d_in u2/2)``, nan where u2 < 0); ``u2_dimensionless = u2/k^2``, ``u4_dimensionless = u4 k^(D - 4)``,
    ``u6_dimensionless = u6 k^(2D - 6)`` (units of k); ``u4_mass_units = u4/u2^((4 - D)/2)`` (units of the
    running mass, the combination that does not move along the active family); ``local_slopes()``, the
    slope ``d ln|u4|/d ln sigma_w = -12 u2/(P_kin + u2) + 2 u2 u6/u4^2`` (:mod:`tensornn.rg.structural`);
    ``at_sigma_w(sigma)`` reads the flow as a function of the weight scale. ``status`` ("completed",
    "pole", "diverged", "failed"), ``message``, ``violated``, ``k_ir``, ``k_uv`` and ``k_stop_reached``
    are the trajectory's.
    """

    d_in: int
    sigma_w0: float
    u2_ir: float
    u4_ir: float
    u6_ir: float
    kinetic: str
    trajectory: FlowTrajectory

    def _coupling(self, n_legs: int) -> np.ndarray:
        """u_n in absolute units: n! g (in units of m0) times m0^[g] (the engine's canonical dimension)."""
        traj = self.trajectory
        rows = np.asarray(traj.n_legs) == n_legs
        unit = traj.unit ** traj._dimensions()[rows][0]
        return math.factorial(n_legs) * traj.values[rows].sum(axis=0) * unit

    @property
    def k(self) -> np.ndarray:
        return self.trajectory.k

    @property
    def u2(self) -> np.ndarray:
        return self._coupling(2)

    @property
    def u4(self) -> np.ndarray:
        return self._coupling(4)

    @property
    def u6(self) -> np.ndarray:
        return self._coupling(6)

    @property
    def status(self) -> str:
        return self.trajectory.status

    @property
    def message(self) -> str:
        return self.trajectory.message

    @property
    def violated(self) -> str | None:
        return self.trajectory.violated

    @property
    def k_ir(self) -> float | None:
        return self.trajectory.k_start

    @property
    def k_uv(self) -> float | None:
        return self.trajectory.k_stop

    @property
    def k_stop_reached(self) -> float:
        return self.trajectory.k_stop_reached

    @property
    def success(self) -> bool:
        return self.status == "completed"

    @property
    def sigma_w(self) -> np.ndarray:
        return sigma_w_of_mass(self.u2, self.d_in)

    @property
    def u2_dimensionless(self) -> np.ndarray:
        """``u2/k^2`` along the flow."""
        return self.u2 / self.k**2

    @property
    def u4_dimensionless(self) -> np.ndarray:
        """``u4 k^(D - 4)``: the quartic coupling in units of the scale k (canonical dimension 4 - D)."""
        return self.u4 * self.k ** (self.d_in - 4.0)

    @property
    def u6_dimensionless(self) -> np.ndarray:
        """``u6 k^(2 D - 6)``."""
        return self.u6 * self.k ** (2.0 * self.d_in - 6.0)

    @property
    def u4_mass_units(self) -> np.ndarray:
        """``u4 / u2^((4 - D)/2)``: u4 in units of the running mass (nan where u2 <= 0).

        Along the active family the same combination, ``Z^-2 u4_f / m^(4 - D)``, does not move
        (docs/theory/nn_qft.md); along the passive flow it moves only through loops.
        """
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.u2 > 0, self.u4 / np.abs(self.u2) ** ((4.0 - self.d_in) / 2.0), np.nan)

    @property
    def mass0(self) -> float:
        """``m0 = sqrt(2 sigma_w0^2/d_in)``, the network's mass (the scale of the "gauss" kinetic function)."""
        return math.sqrt(2.0 * self.sigma_w0**2 / self.d_in)

    @property
    def p_kin(self) -> np.ndarray:
        """``P_kin(k)`` of the regulator along the flow (``k^2`` or ``m0^2 (exp(k^2/m0^2) - 1)``, capped)."""
        fn = kinetic_function(self.kinetic, mass=self.mass0 if self.kinetic == "gauss" else None)
        return fn.window(self.k)

    def local_slopes(self) -> np.ndarray:
        """``d ln|u4| / d ln sigma_w = -12 u2/(P_kin(k) + u2) + 2 u2 u6/u4^2`` at every recorded k.

        The loop factor cancels in this ratio (:mod:`tensornn.rg.structural`); at ``k_IR`` it is
        :meth:`slope_ir`.
        """
        return passive_slope(self.u2, self.u4, self.u6, self.p_kin)

    def monotone(self, values=None) -> tuple[np.ndarray, np.ndarray]:
        """``(ln sigma_w, values)`` on the prefix of the flow where sigma_w(k) is finite and non-decreasing.

        ``values`` (an array along the flow) defaults to u4. In the deep IR sigma_w moves by less than
        round-off; it is made non-decreasing there, and the prefix stops where it turns back.
        """
        s = self.sigma_w
        v = self.u4 if values is None else np.asarray(values, dtype=float)
        ok = np.isfinite(s) & (s > 0)
        n = len(s) if ok.all() else int(np.argmin(ok))
        s, v = s[:n], v[:n]
        if n > 1:
            running = np.maximum.accumulate(s)
            stop = np.nonzero(s < running * (1.0 - 1e-9))[0]
            if stop.size:
                s, v = s[: stop[0]], v[: stop[0]]
            s = np.maximum.accumulate(s)
        return np.log(s), v

    def at_sigma_w(self, sigma_w, values=None) -> np.ndarray:
        """``values`` (default u4) interpolated at the weight scales ``sigma_w`` (nan outside the monotone range).

        Examples
        --------
        >>> f = passive_flow(1, 1.0, -1.0, kinetic="p2")
        >>> bool(np.isnan(f.at_sigma_w(0.5))), float(f.at_sigma_w(1.0)) == float(f.u4[0])
        (True, True)
        """
        ls, u = self.monotone(values)
        sigma_w = np.asarray(sigma_w, dtype=float)
        if ls.size == 0:
            return np.full(np.shape(sigma_w), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            lx = np.log(sigma_w)
        out = np.interp(lx, ls, u)
        outside = ~np.isfinite(lx) | (lx < ls[0] - 1e-12) | (lx > ls[-1] + 1e-12)
        return np.where(outside, np.nan, out)

    def slope_ir(self) -> float:
        """``d ln|u4| / d ln sigma_w`` at ``k_IR`` from the beta functions (the IR end of the trajectory).

        With the scalar anchors (docs/theory/flow.md) it tends to ``-12 + 2 u6 u2/u4^2`` as ``k_IR -> 0``.
        """
        flow = _system(self.d_in, self.kinetic, math.sqrt(2.0 * self.sigma_w0**2 / self.d_in))
        g = engine_coupling([self.u2[0], self.u4[0], self.u6[0]], _LEGS)
        beta = potential_coupling(flow.beta_dimensionful(math.log(self.k[0]), g), _LEGS)
        if self.u4[0] == 0.0 or beta[0] == 0.0:
            return float("nan")
        return float((beta[1] / self.u4[0]) / (beta[0] / (2.0 * self.u2[0])))

    def to_dict(self) -> dict:
        return {
            "d_in": self.d_in, "sigma_w0": self.sigma_w0, "u2_ir": self.u2_ir, "u4_ir": self.u4_ir,
            "u6_ir": self.u6_ir, "k": self.k.tolist(), "u2": self.u2.tolist(), "u4": self.u4.tolist(),
            "u6": self.u6.tolist(), "sigma_w": [finite(s) for s in self.sigma_w],
            "u2_dimensionless": [finite(v) for v in self.u2_dimensionless],
            "u4_dimensionless": [finite(v) for v in self.u4_dimensionless],
            "u6_dimensionless": [finite(v) for v in self.u6_dimensionless],
            "u4_mass_units": [finite(v) for v in self.u4_mass_units],
            "local_slope": [finite(v) for v in self.local_slopes()],
            "status": self.status, "message": self.message, "violated": self.violated, "k_ir": self.k_ir,
            "k_uv": self.k_uv, "k_stop_reached": self.k_stop_reached, "kinetic": self.kinetic,
            "normalisation": "phi = sqrt(Z) f; U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!",
        }

    def __repr__(self) -> str:
        return (
            f"PassiveFlow(d_in={self.d_in}, sigma_w0={self.sigma_w0:.4g}, kinetic={self.kinetic!r}, "
            f"status={self.status!r}, "
            f"k: {self.k_ir:.3g} -> {self.k_stop_reached:.3g}, sigma_w: {self.sigma_w[0]:.4g} -> "
            f"{self.sigma_w[-1]:.4g}, u4: {self.u4[0]:.4g} -> {self.u4[-1]:.4g})"
        )


#: Kinetic functions of :func:`passive_flow`.
PASSIVE_KINETIC = ("gauss", "p2")


def _system(d_in, kinetic, mass):
    """The engine's flow with the kinetic function ``kinetic`` ("p2": the engine's flow itself)."""
    flow = scalar_flow(d_in)
    if kinetic == "p2":
        return flow
    return KineticFlow(flow, kinetic, mass=mass)


def passive_flow(d_in, sigma_w0, u4_ir, *, u6_ir=0.0, u2_ir=None, k_ir_ratio=1e-3, k_uv_ratio=1e2,
                 n_points=400, rtol=1e-9, atol=1e-12, kinetic="gauss") -> PassiveFlow:
    """Integrate the scalar LPA flow upward from the infrared data of a Gauss-net.

    Starts at ``k_IR = k_ir_ratio * m0`` with ``u2 = m0^2 = 2 sigma_w0^2/d_in``, ``u4 = u4_ir``,
    ``u6 = u6_ir`` and integrates ``d_t u_n = beta_n`` (engine-derived, D = d_in) up to
    ``k_UV = k_uv_ratio * m0``, with the spectrally adjusted Litim regulator of the network's kinetic
    function (``kinetic="gauss"``, the threshold values k^2 and 2 k^2 replaced by
    P_kin(k) = m0^2 (exp(k^2/m0^2) - 1) and k P_kin'(k)) or of p^2 (``kinetic="p2"``, plain Litim).

    Parameters
    ----------
    d_in : int
        Input dimension, >= 1.
    sigma_w0 : float
        Weight scale of the network (> 0); fixes ``m0``.
    u4_ir : float
        Z-normalised quartic coupling at k_IR (``phi^4/4!``; for the measured network coupling
        ``u4_f`` pass ``u4_f / Z^2``, see :func:`tensornn.couplings.u4_field_normalised`).
    u6_ir : float, default 0
        Stated sextic coupling at k_IR (``phi^6/6!``).
    u2_ir : float, optional
        Override of the infrared mass term (default ``m0^2`` of the network). Other data (e.g. a
        negative mass, for which ``sigma_w`` is nan) are accepted; the scales stay in units of m0.
    k_ir_ratio, k_uv_ratio : float
        ``k_IR/m0`` and ``k_UV/m0``, with ``0 < k_ir_ratio < k_uv_ratio``.
    n_points : int
        Recorded points (equally spaced in ln k).
    rtol, atol : float
        Integrator tolerances (in units of m0).
    kinetic : {"gauss", "p2"}, default "gauss"
        The kinetic function of the regulator (module docstring); "p2" gives the plain Litim flows
        d_t u2 = -V_D k^(D+2) u4/(k^2 + u2)^2, ...

    Returns
    -------
    PassiveFlow
        A pole or a divergence is reported in ``status`` with the scale where the flow stopped.

    Raises
    ------
    InvalidArgumentError
        Bad dimensions, scales or couplings.

    Examples
    --------
    >>> res = passive_flow(1, 1.0, 0.0)        # free theory: nothing runs
    >>> res.status, float(res.u2[-1]), float(res.u4[-1])
    ('completed', 2.0, 0.0)
    >>> a, b = passive_flow(3, 1.0, -0.5, kinetic="p2"), passive_flow(3, 1.0, -0.5, kinetic="gauss")
    >>> bool(b.sigma_w[-1] < a.sigma_w[-1])   # the exact kinetic term suppresses the loops above m0
    True
    """
    d_in = check_int("d_in", d_in, minimum=1)
    sigma_w0 = check_scale("sigma_w0", sigma_w0)
    u4_ir = check_real("u4_ir", u4_ir)
    u6_ir = check_real("u6_ir", u6_ir)
    k_ir_ratio = check_real("k_ir_ratio", k_ir_ratio, positive=True)
    k_uv_ratio = check_real("k_uv_ratio", k_uv_ratio, positive=True)
    if not k_ir_ratio < k_uv_ratio:
        raise InvalidArgumentError(
            f"k_ir_ratio must be smaller than k_uv_ratio (the passive flow runs upward), got "
            f"k_ir_ratio={k_ir_ratio}, k_uv_ratio={k_uv_ratio}; swap them"
        )
    n_points = check_flow_points("n_points", n_points)
    kinetic = check_choice("kinetic", kinetic, PASSIVE_KINETIC)
    mass2 = block_kinetic_coefficients(block_sizes=(d_in,), sigma_blocks=(sigma_w0,)).masses[0]
    m0 = math.sqrt(mass2)
    unit = m0 ** np.asarray(scalar_flow(d_in).dimensions)  # canonical dimensions of u2, u4, u6: 2, 4 - D, 6 - 2D
    u2 = mass2 if u2_ir is None else check_real("u2_ir", u2_ir)
    # in units of m0 the Gauss-net's mass is 1: the flow is integrated in units of m0, and says so
    traj = run_from_ir(_system(d_in, kinetic, 1.0), {2: u2 / unit[0], 4: u4_ir / unit[1], 6: u6_ir / unit[2]},
                       k_ir=k_ir_ratio, k_uv=k_uv_ratio, n_points=n_points, rtol=rtol, atol=atol)
    traj = replace(traj, unit=m0, unit_name="m0", k_start=k_ir_ratio * m0, k_stop=k_uv_ratio * m0)
    return PassiveFlow(d_in=d_in, sigma_w0=sigma_w0, u2_ir=u2, u4_ir=u4_ir, u6_ir=u6_ir, kinetic=kinetic,
                       trajectory=traj)

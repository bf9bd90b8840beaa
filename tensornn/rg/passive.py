"""The passive RG reading of a Gauss-net: the scalar LPA flow integrated upward from infrared network data.

Passive RG (docs/theory/nn_qft.md): the network is fixed and the scale k runs. Only the infrared end is known,
so the flow starts at ``k_IR`` (small compared with the mass) with the data of the network at weight
scale ``sigma_w0`` and is integrated *upward*. The theory is the engine's scalar field: one real field,
one local continuum colour of dimension ``D = d_in`` (momenta conjugate to the network inputs x),
the Litim regulator, eta = 0, and the truncation

    U_k(phi) = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!,

whose beta functions are derived by :func:`tensornn.flow.derive_flow` (they reproduce the scalar
anchors of docs/theory/flow.md: ``d_t u2 = -V_D k^{D+2} u4/(k^2 + u2)^2``, ...). The field is the
Z-normalised network output ``phi = sqrt(Z) f``, so that the kinetic term is ``(p^2 + m^2)``
(:mod:`tensornn.couplings.normalisation`); the infrared data are

    u2(k_IR) = m^2 = 2 sigma_w0^2 / d_in,   u4(k_IR) = Z^-2 u4_f,   u6(k_IR) = u6 (stated),

with ``u4_f`` the amputated quartic coupling of the network in the f^4/4! normalisation
(:func:`tensornn.couplings.measure_u4`). The running mass is read as a weight scale,
``sigma_w(k) = sqrt(d_in u2(k) / 2)`` (:func:`tensornn.couplings.normalisation.sigma_w_of_mass`).

The integration is :func:`tensornn.flow.trajectory.run_from_ir` in units of the infrared mass m0, so
that the blow-up bound does not depend on sigma_w0; the range of validity ``1 + u2/k^2 > 0`` is
checked along the way and a pole is a status, never an exception.

References
----------
Wetterich, Phys. Lett. B 301 (1993) 90; Litim, arXiv:hep-th/0203006; Halverson, Maiti, Stoner,
arXiv:2008.08601; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._checks import check_int, check_real
from .._json import finite
from ..couplings.normalisation import engine_coupling, potential_coupling, sigma_w_of_mass
from ..errors import InvalidArgumentError
from ..flow.betas import derive_flow
from ..flow.trajectory import run_from_ir
from ..networks.blocks import block_kinetic_coefficients
from ..theory.colours import ContinuumColour
from ..theory.field_theory import Theory
from ..theory.truncations import scalar_truncation

__all__ = ["PassiveFlow", "passive_flow", "scalar_flow"]

_LEGS = np.array([2, 4, 6])


@lru_cache(maxsize=None)
def scalar_flow(d_in: int):
    """The engine's derived flow of the real scalar in D = d_in (Litim, phi^2 + phi^4 + phi^6), cached."""
    return derive_flow(Theory((ContinuumColour(d_in),), "real", scalar_truncation(3)))


@dataclass(frozen=True, repr=False)
class PassiveFlow:
    """An upward LPA flow from Gauss-net infrared data, and its weight-scale reading.

    Attributes
    ----------
    d_in : int
        Input dimension = dimension D of the continuum colour.
    sigma_w0 : float
        Weight scale of the network whose infrared data start the flow.
    u2_ir, u4_ir, u6_ir : float
        Initial data at ``k_IR``: ``m^2 = 2 sigma_w0^2/d_in`` and the Z-normalised u4, u6
        (``phi^4/4!``, ``phi^6/6!`` normalisation).
    k : ndarray, shape (m,)
        Scales from ``k_IR`` upward; the last entry is where the flow stopped.
    u2, u4, u6 : ndarray, shape (m,)
        Dimensionful couplings of ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!``.
    sigma_w : ndarray, shape (m,)
        ``sqrt(d_in u2/2)`` (nan where u2 < 0).
    status, message, violated
        As :class:`tensornn.flow.FlowResult` ("completed", "pole", "diverged", "failed").
    k_ir, k_uv : float
        Requested scales; ``k_stop_reached`` is where the flow ended.
    """

    d_in: int
    sigma_w0: float
    u2_ir: float
    u4_ir: float
    u6_ir: float
    k: np.ndarray
    u2: np.ndarray
    u4: np.ndarray
    u6: np.ndarray
    status: str
    message: str
    k_ir: float
    k_uv: float
    k_stop_reached: float
    violated: str | None = None

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

    def slope_ir(self) -> float:
        """``d ln|u4| / d ln sigma_w`` at ``k_IR`` from the beta functions (the IR end of the trajectory).

        With the scalar anchors (docs/theory/flow.md) it tends to ``-12 + 2 u6 u2/u4^2`` as ``k_IR -> 0``.
        """
        flow = scalar_flow(self.d_in)
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
            "status": self.status, "message": self.message, "violated": self.violated, "k_ir": self.k_ir,
            "k_uv": self.k_uv, "k_stop_reached": self.k_stop_reached,
            "normalisation": "phi = sqrt(Z) f; U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!",
        }

    def __repr__(self) -> str:
        return (
            f"PassiveFlow(d_in={self.d_in}, sigma_w0={self.sigma_w0:.4g}, status={self.status!r}, "
            f"k: {self.k_ir:.3g} -> {self.k_stop_reached:.3g}, sigma_w: {self.sigma_w[0]:.4g} -> "
            f"{self.sigma_w[-1]:.4g}, u4: {self.u4[0]:.4g} -> {self.u4[-1]:.4g})"
        )


def passive_flow(d_in, sigma_w0, u4_ir, *, u6_ir=0.0, u2_ir=None, k_ir_ratio=1e-3, k_uv_ratio=1e2,
                 n_points=400, rtol=1e-9, atol=1e-12) -> PassiveFlow:
    """Integrate the scalar LPA flow upward from the infrared data of a Gauss-net.

    Starts at ``k_IR = k_ir_ratio * m0`` with ``u2 = m0^2 = 2 sigma_w0^2/d_in``, ``u4 = u4_ir``,
    ``u6 = u6_ir`` and integrates ``d_t u_n = beta_n`` (engine-derived, Litim, D = d_in) up to
    ``k_UV = k_uv_ratio * m0``.

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
    """
    d_in = check_int("d_in", d_in, minimum=1)
    sigma_w0 = check_real("sigma_w0", sigma_w0, positive=True)
    u4_ir = check_real("u4_ir", u4_ir)
    u6_ir = check_real("u6_ir", u6_ir)
    k_ir_ratio = check_real("k_ir_ratio", k_ir_ratio, positive=True)
    k_uv_ratio = check_real("k_uv_ratio", k_uv_ratio, positive=True)
    if not k_ir_ratio < k_uv_ratio:
        raise InvalidArgumentError(
            f"k_ir_ratio must be smaller than k_uv_ratio (the passive flow runs upward), got "
            f"k_ir_ratio={k_ir_ratio}, k_uv_ratio={k_uv_ratio}; swap them"
        )
    n_points = check_int("n_points", n_points, minimum=2)
    mass2 = block_kinetic_coefficients(block_sizes=(d_in,), sigma_blocks=(sigma_w0,)).masses[0]
    m0 = math.sqrt(mass2)
    u2 = mass2 if u2_ir is None else check_real("u2_ir", u2_ir)
    traj = run_from_ir(scalar_flow(d_in), {2: u2, 4: u4_ir, 6: u6_ir}, k_ir=k_ir_ratio * m0, k_uv=k_uv_ratio * m0,
                       unit=m0, n_points=n_points, rtol=rtol, atol=atol)
    return PassiveFlow(
        d_in=d_in, sigma_w0=sigma_w0, u2_ir=u2, u4_ir=u4_ir, u6_ir=u6_ir, k=traj.k,
        u2=traj.potential(2), u4=traj.potential(4), u6=traj.potential(6), status=traj.status,
        message=traj.message.replace("k/unit = ", "k/m0 = "), k_ir=k_ir_ratio * m0, k_uv=k_uv_ratio * m0,
        k_stop_reached=traj.k_stop_reached, violated=traj.violated,
    )

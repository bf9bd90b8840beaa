"""The structural slopes of the active/passive comparison: what happens for any network, before any measurement.

Active family. At fixed rescaled inputs ``y = sigma_w x/sqrt(d_in)`` a change of sigma_w is an exact
rescaling of inputs and outputs (docs/theory/nn_qft.md, the active family is a change of units), so the
active coupling scales with its canonical dimension,

    d ln|u4| / d ln sigma_w = Delta_a,     Delta_a = 4 - d_in  (u4 = Z^-2 u4_f),   d_in - 4  (raw u4_f),

for every network, width and activation, and ``u4 / m^(4 - d_in)`` does not move along the family when u4
is the field-normalised coupling.

Passive flow. With ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!`` and any kinetic function P_kin
(spectrally adjusted Litim regulator, docs/theory/flow.md) the LPA gives

    d_t u2 = -L u4 / (P_kin(k) + u2)^2,     d_t u4 = L [6 u4^2/(P_kin(k) + u2)^3 - u6/(P_kin(k) + u2)^2],

with one loop factor ``L = N(k) k P_kin'(k)/2``. The running mass read as a weight scale,
``sigma_w(k) = sqrt(d_in u2(k)/2)``, moves only through this loop, and so does u4; in the slope of
the passive curve the loop factor cancels:

    s(k) = d ln|u4| / d ln sigma_w = (d_t u4/u4) / (d_t u2/(2 u2)) = -12 u2/(P_kin(k) + u2) + 2 u2 u6/u4^2.

It does not depend on the size of the coupling (nor on N): at k_IR, where ``P_kin(k_IR) << m0^2``,
``s_IR = -12 + 2 m0^2 u6/u4^2`` is -12 for every network when the stated u6 is 0. The slopes of the
two readings then differ by ``s_IR - Delta_a`` for any network; the IR slopes agree only if

    u6 = u6_close = u4^2 (Delta_a + 12 u2/(P_kin + u2)) / (2 u2)   (-> (12 + Delta_a) u4^2/(2 m0^2)).

References
----------
Litim, arXiv:hep-th/0203006; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_int, check_real
from .._json import finite
from ..flow.kinetic import kinetic_function
from .conventions import get_convention

__all__ = ["StructuralSlopes", "closing_u6", "passive_slope", "structural_slopes"]

_KINETIC = ("gauss", "p2")


def passive_slope(u2, u4, u6, p_kin):
    """``d ln|u4| / d ln sigma_w = -12 u2/(P_kin + u2) + 2 u2 u6/u4^2`` along the passive flow (module docstring).

    Parameters
    ----------
    u2, u4, u6 : float or ndarray
        Dimensionful couplings of ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!`` (u4 != 0).
    p_kin : float or ndarray
        ``P_kin(k)``: ``k^2`` for the plain Litim regulator, ``m0^2 (exp(k^2/m0^2) - 1)`` for the Gauss-net.

    Examples
    --------
    >>> float(passive_slope(2.0, -1.0, 0.0, 0.0))      # the IR end with u6 = 0, any u4
    -12.0
    """
    u2, u4, u6, p_kin = (np.asarray(v, dtype=float) for v in (u2, u4, u6, p_kin))
    with np.errstate(divide="ignore", invalid="ignore"):
        return -12.0 * u2 / (p_kin + u2) + 2.0 * u2 * u6 / u4**2


def closing_u6(u2, u4, p_kin, slope):
    """The u6 at which :func:`passive_slope` equals ``slope``: ``u4^2 (slope + 12 u2/(P_kin + u2)) / (2 u2)``.

    Examples
    --------
    >>> float(closing_u6(2.0, -1.0, 0.0, 1.0))         # (12 + 1) u4^2 / (2 m^2) with m^2 = 2
    3.25
    """
    u2, u4, p_kin = (np.asarray(v, dtype=float) for v in (u2, u4, p_kin))
    return u4**2 * (slope + 12.0 * u2 / (p_kin + u2)) / (2.0 * u2)


@dataclass(frozen=True, repr=False)
class StructuralSlopes:
    """The slopes that hold for any network (module docstring), at the stated choices.

    Attributes
    ----------
    d_in : int
    convention, kinetic : str
    active : int
        ``Delta_a``, the slope of the active family (the canonical dimension of its coupling).
    flow_dimension : int
        ``4 - d_in``, the mass dimension of u4 in the flow; couplings in units of the mass are
        ``u4 / m^(4 - d_in)``.
    passive_ir : float
        ``s(k_IR)`` from the IR data and the stated u6.
    u2_ir, u4_ir, u6_ir : float
        The IR data (flow normalisation of the convention).
    p_kin_ir : float
        ``P_kin(k_IR)``.
    k_ir_over_m0 : float
    """

    d_in: int
    convention: str
    kinetic: str
    active: int
    flow_dimension: int
    passive_ir: float
    u2_ir: float
    u4_ir: float
    u6_ir: float
    p_kin_ir: float
    k_ir_over_m0: float

    @property
    def gap_ir(self) -> float:
        """``s_IR - Delta_a``: the slope difference of the two readings at the IR end, for any network."""
        return self.passive_ir - self.active

    @property
    def active_dimensionless(self) -> int:
        """Slope of ``u4/m^(4 - d_in)`` along the active family: 0 (tensornn) or ``2 (d_in - 4)`` (els)."""
        return self.active - self.flow_dimension

    @property
    def passive_dimensionless_ir(self) -> float:
        """Slope of ``u4(k)/u2(k)^((4 - d_in)/2)`` against sigma_w(k) at k_IR: ``s_IR - (4 - d_in)``."""
        return self.passive_ir - self.flow_dimension

    @property
    def u6_closing(self) -> float:
        """The stated IR u6 at which ``s_IR = Delta_a``."""
        return float(closing_u6(self.u2_ir, self.u4_ir, self.p_kin_ir, self.active))

    def to_dict(self) -> dict:
        return {"d_in": self.d_in, "convention": self.convention, "kinetic": self.kinetic,
                "active_slope": self.active, "flow_dimension": self.flow_dimension,
                "active_dimensionless_slope": self.active_dimensionless, "passive_slope_ir": finite(self.passive_ir),
                "passive_dimensionless_slope_ir": finite(self.passive_dimensionless_ir), "gap_ir": finite(self.gap_ir),
                "u6_closing_ir": finite(self.u6_closing), "u2_ir": self.u2_ir, "u4_ir": finite(self.u4_ir),
                "u6_ir": self.u6_ir, "p_kin_ir": self.p_kin_ir, "k_ir_over_m0": self.k_ir_over_m0,
                "formula": "s(k) = -12 u2/(P_kin(k) + u2) + 2 u2 u6/u4^2; active slope = canonical dimension"}

    def __repr__(self) -> str:
        return (f"StructuralSlopes(d_in={self.d_in}, {self.convention}, {self.kinetic}: active {self.active}, "
                f"passive IR {self.passive_ir:.4g}, gap {self.gap_ir:.4g}, u6_closing {self.u6_closing:.4g})")


def structural_slopes(d_in, u4_ir, *, u6_ir=None, sigma_w0=1.0, k_ir_ratio=1e-3, kinetic="gauss",
                      convention="tensornn") -> StructuralSlopes:
    """The structural slopes of the active/passive comparison from the IR data alone (module docstring).

    Parameters
    ----------
    d_in : int
        Input dimension = D.
    u4_ir : float
        The flow's IR quartic coupling in the convention's normalisation (nonzero).
    u6_ir : float, optional
        Stated IR sextic coupling; default the convention's (0 for "tensornn", 50 for "els").
    sigma_w0 : float
        Weight scale of the IR network (``u2 = m0^2 = 2 sigma_w0^2/d_in``).
    k_ir_ratio : float
        ``k_IR/m0``.
    kinetic : {"gauss", "p2"}
    convention : {"tensornn", "els"} or RGConvention

    Returns
    -------
    StructuralSlopes

    Examples
    --------
    >>> s = structural_slopes(3, -170.0, kinetic="p2")
    >>> s.active, round(s.passive_ir, 4), s.active_dimensionless
    (1, -12.0, 0)
    """
    d_in = check_int("d_in", d_in, minimum=1)
    conv = get_convention(convention)
    u4_ir = check_real("u4_ir", u4_ir)
    u6_ir = conv.default_u6 if u6_ir is None else check_real("u6_ir", u6_ir)
    sigma_w0 = check_real("sigma_w0", sigma_w0, positive=True)
    k_ir_ratio = check_real("k_ir_ratio", k_ir_ratio, positive=True)
    kinetic = check_choice("kinetic", kinetic, _KINETIC)
    m2 = 2.0 * sigma_w0**2 / d_in
    m0 = math.sqrt(m2)
    fn = kinetic_function(kinetic, mass=m0 if kinetic == "gauss" else None)
    p_kin = float(fn.window(k_ir_ratio * m0))
    return StructuralSlopes(
        d_in=d_in, convention=conv.name, kinetic=kinetic, active=conv.active_dimension(d_in),
        flow_dimension=conv.flow_dimension(d_in), passive_ir=float(passive_slope(m2, u4_ir, u6_ir, p_kin)),
        u2_ir=m2, u4_ir=u4_ir, u6_ir=u6_ir, p_kin_ir=p_kin, k_ir_over_m0=k_ir_ratio,
    )

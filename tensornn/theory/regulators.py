"""Regulators R_k(E) = Z k^s r(E / k^s): one registry of named choices with their threshold kernels.

A regulator adds R_k(E) to the kinetic term Z E of a mode with kinetic value E. Writing
x = k^s and u = E / x (the mode measured in units of the cutoff), every regulator of the registry
has the form

    R_k(E) = Z x r(u),

with a shape function r(u) that is 1 at u = 0 and falls to 0 for u >> 1. With t = ln k and
eta = -d_t ln Z,

    d_t R_k = Z x [s (r - u r') - eta r](u),     G = 1 / (Z x (u + r(u)) + m).

The loop of n - 1 propagators and one d_t R insertion over the modes a of a set of colours is the
threshold sum (Z = 1 for the Z-rescaled couplings)

    L_n = x^(1 - n) sum_a [s (r - u r') - eta r](u_a) / (u_a + r(u_a) + m/x)^n,

and the LPA' needs its derivative in the kinetic value of one external strand,
dL_n/de = x^(-n) sum_a F'(u_a). Both are linear in eta; the kernels returned by
:meth:`Regulator.kernels` are the coefficients (eta^0 and eta^1) of the summand and of its
u-derivative, which :mod:`tensornn.flow.thresholds` sums over mode lists (contracted with
opt_einsum) or integrates over continuum colours by quadrature.

Registry (:data:`REGULATORS`, :func:`get_regulator`):

- ``"litim"``: r(u) = (1 - u) theta(1 - u). Then r - u r' = 1 inside the window u <= 1 and
  u + r = 1: every loop is a mode count, L_n = [s x N - eta (x N - M)] / (x + m)^n with N the number
  of modes with E <= x and M their summed E (closed forms for continuum colours, exact counts for
  discrete ones). ``counting = True``.
- ``"exponential"``: r(u) = alpha u / (e^u - 1), i.e. R_k = alpha Z E / (exp(E/k^s) - 1), alpha = 1 by
  default. Smooth; the sums are real sums over the modes (u <= ``support``), or integrals for continuum
  colours. ``alpha`` makes it a one-parameter family for studies of the regulator dependence (the
  principle of minimal sensitivity): the member ``"exponential(alpha=2)"`` is looked up by that name, or
  built with :meth:`Regulator.with_parameter`.

Every smooth regulator provides its shape with the derivatives r', r'' (:meth:`Regulator.shape_derivatives`)
and r''' (:meth:`Regulator.shape_third_derivative`); the threshold functions of the scalar and O(N)
potential (:mod:`tensornn.flow.threshold_functions`) integrate them.

References: Litim, hep-th/0005245 (optimised regulator); Berges, Tetradis, Wetterich,
hep-ph/0005122 (exponential regulator); Canet, Delamotte, Mouhanna, Vidal, hep-th/0211055 (the
family alpha E / (exp(E/k^2) - 1) and the principle of minimal sensitivity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from ..errors import InvalidArgumentError

__all__ = ["Regulator", "LitimRegulator", "ExponentialRegulator", "REGULATORS", "get_regulator"]


@dataclass(frozen=True)
class Regulator:
    """Common interface of the regulators; see the module docstring for the conventions.

    Attributes
    ----------
    name : str
        Registry name.
    formula : str
        R_k in plain text.
    shape_formula : str
        r(u) in plain text.
    latex : str
        R_k in LaTeX.
    dt_include, dt_omit : str
        d_t R_k in plain text with eta in the regulator derivative and without it.
    counting : bool
        True when every threshold sum reduces to counting modes in the window u <= 1 (Litim).
    support : float
        Modes with u = E / k^s above ``support`` are left out of the sums (their summands are
        below ~1e-14 of the leading ones).

    A family member carries its parameter (:attr:`parameter_name`, :attr:`parameter`) in its name,
    e.g. ``"exponential(alpha=2)"``; the default member has the plain registry name.
    """

    name: str
    formula: str
    shape_formula: str
    latex: str
    dt_include: str
    dt_omit: str
    counting: bool
    support: float

    #: Name of the family parameter (None: a single regulator).
    parameter_name: ClassVar[str | None] = None

    @property
    def family(self) -> str:
        """The registry name of the family (``name`` without the parameter)."""
        return self.name.split("(")[0]

    @property
    def parameter(self):
        """The value of the family parameter (None for a regulator without one)."""
        return None if self.parameter_name is None else getattr(self, self.parameter_name)

    def with_parameter(self, value) -> "Regulator":
        """The member of this regulator's family with parameter ``value``.

        Raises
        ------
        InvalidArgumentError
            For a regulator without a parameter, or a value outside the family's range.
        """
        if self.parameter_name is None:
            families = ", ".join(n for n, r in REGULATORS.items() if r.parameter_name)
            raise InvalidArgumentError(
                f"the {self.family} regulator has no parameter; families with one: {families or 'none'}")
        return replace(REGULATORS[self.family], **{self.parameter_name: value})

    def shape_third_derivative(self, u):
        """r'''(u), for expansions beyond the LPA."""
        raise NotImplementedError

    def dt_formula(self, regulator_eta: str = "include") -> str:
        """d_t R_k in plain text for ``regulator_eta`` "include" or "omit"."""
        return self.dt_include if regulator_eta == "include" else self.dt_omit

    def shape(self, u):
        """r(u)."""
        raise NotImplementedError

    def shape_derivatives(self, u):
        """(r, r', r'') at u (arrays of the shape of u)."""
        raise NotImplementedError

    def kernels(self, u, w, n: int, s: float, shape=None):
        """Coefficients of the threshold summand and of its u-derivative, at modes u and masses w = m/x.

        With P = u + r(u) + w, A = s (r - u r'):

            F  = (A - eta r) / P^n                       = f0 + eta f1,
            F' = (A' - eta r')/P^n - n (A - eta r)(1 + r')/P^(n+1) = d0 + eta d1.

        Parameters
        ----------
        u : ndarray
            Mode values E / k^s (any shape, broadcast against ``w``).
        w : ndarray
            m / k^s (typically shape (m,) on the last axis).
        n : int
            Threshold index (number of propagators plus one).
        s : float
            Exponent of x = k^s.
        shape : tuple of ndarray, optional
            (r, r', r'') at ``u`` when already computed.

        Returns
        -------
        f0, f1, d0, d1 : ndarray
        """
        r, r1, r2 = self.shape_derivatives(u) if shape is None else shape
        a = s * (r - u * r1)
        a1 = -s * u * r2
        inv = 1.0 / (u + r + w)
        pn = inv**n
        slope = n * (1.0 + r1) * inv
        f0, f1 = a * pn, -r * pn
        return f0, f1, (a1 - a * slope) * pn, (-r1 + r * slope) * pn


@dataclass(frozen=True)
class LitimRegulator(Regulator):
    """R_k = Z (k^s - E) theta(k^s - E): threshold sums are mode counts (closed forms for continuum colours)."""

    name: str = "litim"
    formula: str = "R_k = Z (k^s - E) theta(k^s - E)"
    shape_formula: str = "r(u) = (1 - u) theta(1 - u)"
    latex: str = r"R_k = Z\,(k^s - E)\,\theta(k^s - E)"
    dt_include: str = "d_t R_k = Z [s k^s - eta (k^s - E)] theta(k^s - E)"
    dt_omit: str = "d_t R_k = Z s k^s theta(k^s - E)"
    counting: bool = True
    support: float = 1.0

    def shape(self, u):
        u = np.asarray(u, dtype=float)
        return np.where(u <= 1.0, 1.0 - u, 0.0)

    def shape_derivatives(self, u):
        raise InvalidArgumentError(
            "the Litim regulator is not differentiable at u = 1; its threshold sums are mode counts "
            "(tensornn.flow.thresholds.ModeCount), not sums of smooth summands"
        )

    @staticmethod
    def power_law(n: int, p: float, s: float, w):
        """Closed forms of the threshold sums for N(x) = B x^p (continuum colours), per unit B, at x = 1.

        With M = p/(p + 1) x N and x N' = p N:

            L_n / B = [s - eta / (p + 1)] / (1 + w)^n,    (dL_n/de) / B = (-s p + eta) / (1 + w)^n.

        Returns
        -------
        f0, f1, d0, d1 : ndarray
            The eta^0 and eta^1 coefficients of L_n / B and of (dL_n/de) / B.
        """
        pn = (1.0 + np.asarray(w, dtype=float)) ** (-n)
        return s * pn, -pn / (p + 1.0), -s * p * pn, pn


def _exponential_shape(u):
    """r, r', r'' of r(u) = u / (e^u - 1), stable for small and large u."""
    u = np.asarray(u, dtype=float)
    small = u < 0.05
    us = np.where(small, u, 0.0)
    # Bernoulli series: u/(e^u - 1) = 1 - u/2 + u^2/12 - u^4/720 + u^6/30240 - u^8/1209600
    r_s = 1 - us / 2 + us**2 / 12 - us**4 / 720 + us**6 / 30240 - us**8 / 1209600
    r1_s = -0.5 + us / 6 - us**3 / 180 + us**5 / 5040 - us**7 / 151200
    r2_s = 1 / 6 - us**2 / 60 + us**4 / 1008 - us**6 / 21600
    ul = np.where(small, 1.0, u)
    y = np.exp(-ul)
    q = -np.expm1(-ul)  # 1 - e^-u
    a = y / q  # 1/(e^u - 1)
    b = y / q**2  # e^u/(e^u - 1)^2
    c = y / q**3  # e^2u/(e^u - 1)^3
    r_l = ul * a
    r1_l = a - ul * b
    r2_l = -2 * b - ul * b + 2 * ul * c
    return np.where(small, r_s, r_l), np.where(small, r1_s, r1_l), np.where(small, r2_s, r2_l)


def _exponential_third(u):
    """r''' of r(u) = u / (e^u - 1), stable for small and large u."""
    u = np.asarray(u, dtype=float)
    small = u < 0.05
    us = np.where(small, u, 0.0)
    r3_s = -us / 30 + us**3 / 252 - us**5 / 3600 + us**7 / 66528
    ul = np.where(small, 1.0, u)
    a = np.exp(-ul) / -np.expm1(-ul)  # 1/(e^u - 1)
    # a' = -a(1 + a), a'' = a(1 + a)(1 + 2a), a''' = -a(1 + a)(1 + 6a + 6a^2), and r = u a: r''' = 3 a'' + u a'''
    r3_l = 3 * a * (1 + a) * (1 + 2 * a) - ul * a * (1 + a) * (1 + 6 * a + 6 * a * a)
    return np.where(small, r3_s, r3_l)


@dataclass(frozen=True)
class ExponentialRegulator(Regulator):
    """R_k = alpha Z E / (exp(E/k^s) - 1), i.e. r(u) = alpha u / (e^u - 1): smooth, sums over all modes.

    ``alpha`` (> 0, default 1) is the family parameter: alpha = 1 is the registry's ``"exponential"``,
    other members are named ``"exponential(alpha=<value>)"``. The propagator shape u + r(u) is
    smallest at u = 0, where it equals alpha for alpha <= 2: the threshold pole lies at m/k^s = -alpha.
    """

    name: str = "exponential"
    formula: str = "R_k = Z E / (exp(E/k^s) - 1)"
    shape_formula: str = "r(u) = u / (e^u - 1)"
    latex: str = r"R_k = \frac{Z E}{e^{E/k^s} - 1}"
    dt_include: str = "d_t R_k = Z k^s [s (r - u r') - eta r](u), u = E/k^s"
    dt_omit: str = "d_t R_k = Z k^s s (r - u r')(u), u = E/k^s"
    counting: bool = False
    support: float = 40.0
    alpha: float = 1.0

    parameter_name: ClassVar[str | None] = "alpha"

    def __post_init__(self):
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) \
                or not np.isfinite(alpha) or alpha <= 0:
            raise InvalidArgumentError(
                f"alpha of the exponential regulator must be a finite number > 0 (r(0) = alpha), got {alpha!r}")
        object.__setattr__(self, "alpha", float(alpha))
        if self.alpha != 1.0:
            a = f"{self.alpha:.12g}"
            object.__setattr__(self, "name", f"exponential(alpha={a})")
            object.__setattr__(self, "formula", f"R_k = {a} Z E / (exp(E/k^s) - 1)")
            object.__setattr__(self, "shape_formula", f"r(u) = {a} u / (e^u - 1)")
            object.__setattr__(self, "latex", rf"R_k = \frac{{{a}\, Z E}}{{e^{{E/k^s}} - 1}}")

    def shape(self, u):
        return self.shape_derivatives(u)[0]

    def shape_derivatives(self, u):
        r = _exponential_shape(u)
        return r if self.alpha == 1.0 else tuple(self.alpha * f for f in r)

    def shape_third_derivative(self, u):
        return self.alpha * _exponential_third(u)


REGULATORS = {"litim": LitimRegulator(), "exponential": ExponentialRegulator()}
"""Registry name -> :class:`Regulator`."""


_MEMBER = re.compile(r"^\s*([a-z_]+)\s*\(\s*([a-z_]+)\s*=\s*([^)]+?)\s*\)\s*$")


def get_regulator(regulator) -> Regulator:
    """The registered regulator ``regulator``: a name, a family member's name, or a Regulator of the registry.

    A family member is named ``"family(parameter=value)"``, e.g. ``"exponential(alpha=2)"``.

    Raises
    ------
    InvalidArgumentError
        For an unknown name (the message lists the valid names), a parameter the family does not
        have, or a value outside its range.

    Examples
    --------
    >>> get_regulator("litim").counting
    True
    >>> get_regulator("exponential(alpha=2)").alpha
    2.0
    """
    if isinstance(regulator, Regulator):
        base = REGULATORS.get(regulator.family)
        if base is None or type(base) is not type(regulator) or (base.parameter_name is None and base != regulator):
            raise InvalidArgumentError(
                f"regulator {regulator.name!r} is not in the registry; valid names: {', '.join(REGULATORS)}")
        return regulator
    if isinstance(regulator, str) and regulator not in REGULATORS and (match := _MEMBER.match(regulator)):
        family, key, value = match.groups()
        if family in REGULATORS:
            base = REGULATORS[family]
            if key != base.parameter_name:
                has = f"the parameter {base.parameter_name!r}" if base.parameter_name else "no parameter"
                raise InvalidArgumentError(f"regulator {regulator!r}: the {family} regulator has {has}, not {key!r}")
            try:
                number = float(value)
            except ValueError:
                raise InvalidArgumentError(
                    f"regulator {regulator!r}: the value {value!r} of {key} is not a number") from None
            member = base.with_parameter(number)
            return base if member == base else member
    if not isinstance(regulator, str) or regulator not in REGULATORS:
        raise InvalidArgumentError(
            f"unknown regulator {regulator!r}; valid names: {', '.join(repr(k) for k in REGULATORS)} "
            "(a member of a family as 'exponential(alpha=2)')")
    return REGULATORS[regulator]

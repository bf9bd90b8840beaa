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
- ``"exponential"``: r(u) = u / (e^u - 1), i.e. R_k = Z E / (exp(E/k^s) - 1). Smooth; the sums are
  real sums over the modes (u <= ``support``), or integrals for continuum colours.

References: Litim, hep-th/0005245 (optimised regulator); Berges, Tetradis, Wetterich,
hep-ph/0005122 (exponential regulator).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """

    name: str
    formula: str
    shape_formula: str
    latex: str
    dt_include: str
    dt_omit: str
    counting: bool
    support: float

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


@dataclass(frozen=True)
class ExponentialRegulator(Regulator):
    """R_k = Z E / (exp(E/k^s) - 1), i.e. r(u) = u / (e^u - 1): smooth, sums over all modes."""

    name: str = "exponential"
    formula: str = "R_k = Z E / (exp(E/k^s) - 1)"
    shape_formula: str = "r(u) = u / (e^u - 1)"
    latex: str = r"R_k = \frac{Z E}{e^{E/k^s} - 1}"
    dt_include: str = "d_t R_k = Z k^s [s (r - u r') - eta r](u), u = E/k^s"
    dt_omit: str = "d_t R_k = Z k^s s (r - u r')(u), u = E/k^s"
    counting: bool = False
    support: float = 40.0

    def shape(self, u):
        return _exponential_shape(u)[0]

    def shape_derivatives(self, u):
        return _exponential_shape(u)


REGULATORS = {"litim": LitimRegulator(), "exponential": ExponentialRegulator()}
"""Registry name -> :class:`Regulator`."""


def get_regulator(regulator) -> Regulator:
    """The registered regulator ``regulator`` (a name, or a Regulator of the registry).

    Raises
    ------
    InvalidArgumentError
        For an unknown name; the message lists the valid names.

    Examples
    --------
    >>> get_regulator("litim").counting
    True
    """
    if isinstance(regulator, Regulator):
        if REGULATORS.get(regulator.name) != regulator:
            raise InvalidArgumentError(
                f"regulator {regulator.name!r} is not in the registry; valid names: {', '.join(REGULATORS)}")
        return regulator
    if not isinstance(regulator, str) or regulator not in REGULATORS:
        raise InvalidArgumentError(
            f"unknown regulator {regulator!r}; valid names: {', '.join(repr(k) for k in REGULATORS)}")
    return REGULATORS[regulator]

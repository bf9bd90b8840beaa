"""Normalisations of couplings: the one place that owns Z, the factorials and the conversions.

Three conventions meet in tensornn (docs/conventions.md):

- the potential ``U = sum_n u_n phi^n / n!`` (``u2`` the mass term, ``u4`` the quartic coupling of
  the network action, ``u6``): the normalisation of :mod:`tensornn.couplings` and of the reports;
- the flow engine's action ``sum_I g_I I(phi)``, whose local terms are ``g_n phi^n``: ``g_n = u_n / n!``
  (:func:`engine_coupling`, :func:`potential_coupling`);
- Halverson-Maiti-Stoner's ``lambda f^4``: ``lambda = u4 / 4!`` (:func:`hms_lambda`).

Field normalisation. A Gauss-type network has the kinetic operator
``1/K_w(p) = A + sum_c a_c |p_c|^2 + O(p^4)`` (:meth:`kinetic_coefficients` of the network). With
``Z = prod_c a_c^(D_c / d_in)`` (the geometric mean over the input components; for the plain
Gauss-net ``Z = A d_in / (2 sigma_w^2)``) the field ``phi = sqrt(Z) f`` has the kinetic term
``sum_c (a_c/Z) |p_c|^2 + m^2`` with ``m^2 = A / Z``, and a coupling of n legs becomes
``u_n Z^(-n/2)`` (:meth:`FieldNormalisation.to_field`). The running mass read as a weight scale is
``sigma_w(k) = sqrt(d_in u2(k) / 2)`` (:func:`sigma_w_of_mass`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_int, check_scale
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.blocks import BlockKinetic, block_kinetic_coefficients

__all__ = [
    "engine_coupling",
    "potential_coupling",
    "hms_lambda",
    "FieldNormalisation",
    "field_normalisation",
    "u4_field_normalised",
    "inputs_from_rescaled",
    "sigma_w_of_mass",
]


def _legs(n_legs) -> np.ndarray:
    legs = np.asarray(n_legs)
    if legs.size and (np.any(legs < 0) or np.any(legs != np.round(legs))):
        raise InvalidArgumentError(f"n_legs must be non-negative integers, got {n_legs!r}")
    return legs.astype(int)


def _factorial(legs: np.ndarray) -> np.ndarray | float:
    return np.vectorize(math.factorial, otypes=[float])(legs) if legs.ndim else float(math.factorial(int(legs)))


def engine_coupling(u, n_legs):
    """``g_n = u_n / n!``: the engine's coefficient of ``phi^n`` from the potential's ``u_n`` (of ``phi^n/n!``).

    Examples
    --------
    >>> float(engine_coupling(24.0, 4))
    1.0
    """
    return np.asarray(u, dtype=float) / _factorial(_legs(n_legs))


def potential_coupling(g, n_legs):
    """``u_n = n! g_n``, the inverse of :func:`engine_coupling`."""
    return np.asarray(g, dtype=float) * _factorial(_legs(n_legs))


def hms_lambda(u4):
    """``lambda = u4 / 4!``: the coefficient of ``f^4`` in Halverson-Maiti-Stoner's convention."""
    return np.asarray(u4, dtype=float) / 24.0


@dataclass(frozen=True)
class FieldNormalisation:
    """Z and the normalised kinetic data of a Gauss-type network (see the module docstring).

    Attributes
    ----------
    Z : float
        ``prod_c a_c^(D_c/d_in)``.
    mass2 : float
        ``m^2 = A / Z``, the mass of the field ``phi = sqrt(Z) f``.
    A : float
        The momentum-independent part of ``1/K_w(p)``.
    a : tuple of float
        The ``p_c^2`` coefficients per colour block.
    scales : tuple of float
        ``a_c / Z``: the kinetic scale of colour c in the normalised field.
    block_sizes : tuple of int
    """

    Z: float
    mass2: float
    A: float
    a: tuple
    scales: tuple
    block_sizes: tuple

    @classmethod
    def from_kinetic(cls, kinetic: BlockKinetic) -> "FieldNormalisation":
        """Build from the order-p^2 kinetic coefficients of a network."""
        if not isinstance(kinetic, BlockKinetic):
            raise InvalidTypeError(f"kinetic must be a BlockKinetic, got {type(kinetic).__name__}")
        sizes = tuple(kinetic.block_sizes) or (1,) * len(kinetic.a)
        d_in = sum(sizes)
        z = math.exp(sum(dc * math.log(a) for dc, a in zip(sizes, kinetic.a)) / d_in)
        return cls(Z=z, mass2=kinetic.mass_term / z, A=kinetic.mass_term, a=tuple(kinetic.a),
                   scales=tuple(a / z for a in kinetic.a), block_sizes=sizes)

    @property
    def d_in(self) -> int:
        return sum(self.block_sizes)

    def to_field(self, u, n_legs):
        """``u_n Z^(-n/2)``: a coupling of n legs of the output f, in the field ``phi = sqrt(Z) f``."""
        return np.asarray(u, dtype=float) * self.Z ** (-0.5 * _legs(n_legs))

    def to_output(self, u, n_legs):
        """``u_n Z^(n/2)``, the inverse of :meth:`to_field`."""
        return np.asarray(u, dtype=float) * self.Z ** (0.5 * _legs(n_legs))

    def to_dict(self) -> dict:
        return {"Z": self.Z, "mass2": self.mass2, "A": self.A, "a": list(self.a), "scales": list(self.scales),
                "block_sizes": list(self.block_sizes)}


def field_normalisation(network) -> FieldNormalisation:
    """The :class:`FieldNormalisation` of a Gauss-type network spec (its ``kinetic_coefficients()``).

    Examples
    --------
    >>> from tensornn.networks import ScalarNetwork
    >>> norm = field_normalisation(ScalarNetwork("gauss", d_in=2, width=1, sigma_w=1.0))
    >>> round(norm.mass2, 12)      # m^2 = 2 sigma_w^2 / d_in
    1.0
    """
    if not hasattr(network, "kinetic_coefficients"):
        raise InvalidTypeError(
            f"{type(network).__name__} has no kinetic coefficients; field normalisation needs a Gauss-type network "
            "(ScalarNetwork('gauss', ...) or BlockGaussNetwork)"
        )
    return FieldNormalisation.from_kinetic(network.kinetic_coefficients())


def u4_field_normalised(u4, *, sigma_w, d_in):
    """Gauss-net ``Z^-2 u4``: the quartic coupling of the field ``phi = sqrt(Z) f`` (sigma_v = sigma_w).

    Scales as ``sigma_w^(4 - d_in)`` at fixed rescaled inputs (docs/theory/nn_qft.md).
    """
    sigma_w = check_scale("sigma_w", sigma_w)
    d_in = check_int("d_in", d_in, minimum=1)
    kin = block_kinetic_coefficients(block_sizes=(d_in,), sigma_blocks=(sigma_w,), sigma_v=sigma_w)
    return FieldNormalisation.from_kinetic(kin).to_field(check_array("u4", u4), 4)


def inputs_from_rescaled(y, *, sigma_w):
    """Inputs ``x = sqrt(d_in) y / sigma_w`` from rescaled inputs y of shape (..., d_in)."""
    sigma_w = check_scale("sigma_w", sigma_w)
    y = check_array("y", y)
    if y.ndim < 1:
        raise InvalidArgumentError("y must have shape (..., d_in), got a scalar")
    return math.sqrt(y.shape[-1]) * y / sigma_w


def sigma_w_of_mass(u2, d_in) -> np.ndarray:
    """``sigma_w(k) = sqrt(d_in u2(k) / 2)``: the running mass read as a weight scale; nan where u2 < 0.

    Examples
    --------
    >>> float(sigma_w_of_mass(2.0, 1))
    1.0
    """
    d_in = check_int("d_in", d_in, minimum=1)
    u2 = np.asarray(u2, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(u2 >= 0, np.sqrt(np.maximum(u2, 0.0) * d_in / 2.0), np.nan)

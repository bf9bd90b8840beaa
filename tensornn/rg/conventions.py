"""Normalisation conventions of the active/passive comparison: which coupling of the network starts the flow.

The passive flow (:mod:`tensornn.rg.passive`) is the LPA of one real field whose quadratic term is
``p^2 + m^2`` (or the network's kinetic function ``P(p) = m^2 exp(p^2/m^2)``) with
``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!``; in it u4 has the mass dimension ``4 - D``. A Gauss-net
measures the amputated coupling ``u4_f`` of its output f (``f^4/4!``, :mod:`tensornn.couplings`), whose
inverse kernel is ``K_w(p)^-1 = Z (p^2 + m^2) + O(p^4)``. A convention says how ``u4_f`` enters the flow:

- ``"tensornn"`` (default): the field ``phi = sqrt(Z) f``, whose kinetic term is ``p^2 + m^2``:
  ``u4 = Z^-2 u4_f``. This is the coupling that the Wetterich equation with the regulator
  ``R_k = Z (k^2 - p^2) theta(k^2 - p^2)`` of the network's kinetic term actually contains
  (``Gamma^(2) + R_k = Z (k^2 + m^2 + U_f''/Z)`` inside the window, and ``U_f''/Z`` is the ``U''`` of phi).
  At fixed rescaled inputs it scales as ``sigma_w^(4 - D)``, its canonical dimension.
- ``"els"``: the set-up of Erbin, Lahoche and Ousmane Samary (arXiv:2108.01403, 2212.11811): the raw
  ``u4 = u4_f`` with the Z-normalised mass ``u2 = m^2 = 2 sigma_w^2/D`` and ``u6 = 50`` at the IR. The raw
  coupling scales as ``sigma_w^(D - 4)`` (the output f has dimension 1 under the exact rescaling),
  so the flow is fed a coupling of the wrong dimension unless ``Z = 1``.

The registry :data:`CONVENTIONS` holds both; :func:`get_convention` looks one up (docs/rg_experiment.md).

References
----------
Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403 and arXiv:2212.11811.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["CONVENTIONS", "RGConvention", "get_convention"]


@dataclass(frozen=True)
class RGConvention:
    """How the measured network coupling enters the passive flow, and the stated IR sextic coupling.

    Parameters
    ----------
    name : str
        "tensornn" or "els" (the registry key).
    field_normalised : bool
        True: ``u4 = Z^-2 u4_f`` (the field ``phi = sqrt(Z) f``); False: the raw ``u4 = u4_f``. The mass
        is ``u2 = m^2 = 2 sigma_w^2/d_in`` (Z-normalised) in both.
    default_u6 : float
        The stated ``u6`` at k_IR (``phi^6/6!``) when none is given.
    description : str
        One line naming the normalisation (printed in every verdict line).

    Examples
    --------
    >>> c = get_convention("els")
    >>> c.default_u6, c.active_dimension(1), c.flow_dimension(1)
    (50.0, -3, 3)
    """

    name: str
    field_normalised: bool
    default_u6: float
    description: str

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise InvalidTypeError(f"name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.field_normalised, bool):
            raise InvalidTypeError(f"field_normalised must be True or False, got {self.field_normalised!r}")
        object.__setattr__(self, "default_u6", check_real("default_u6", self.default_u6))
        if not isinstance(self.description, str):
            raise InvalidTypeError(f"description must be a string, got {type(self.description).__name__}")

    def ir_coupling(self, u4_f, z):
        """The flow's u4 from the network's amputated ``u4_f``: ``Z^-2 u4_f`` or ``u4_f``."""
        return u4_f / z**2 if self.field_normalised else u4_f

    def active_dimension(self, d_in) -> int:
        """The exact scaling dimension of the active coupling, ``d ln|u4| / d ln sigma_w`` at fixed rescaled inputs.

        ``4 - d_in`` for ``Z^-2 u4_f`` (with ``Z ~ sigma_w^(d_in - 4)``), ``d_in - 4`` for the raw ``u4_f``
        (docs/theory/nn_qft.md, the active family is a change of units).
        """
        d_in = check_int("d_in", d_in, minimum=1)
        return 4 - d_in if self.field_normalised else d_in - 4

    @staticmethod
    def flow_dimension(d_in) -> int:
        """The mass dimension ``4 - d_in`` of u4 in the flow (both conventions feed the same flow)."""
        return 4 - check_int("d_in", d_in, minimum=1)

    def to_dict(self) -> dict:
        return {"name": self.name, "field_normalised": self.field_normalised, "default_u6": self.default_u6,
                "description": self.description}


#: The conventions of :func:`tensornn.rg.experiment.active_passive_experiment`.
CONVENTIONS = {
    "tensornn": RGConvention(
        "tensornn", True, 0.0,
        "phi = sqrt(Z) f: u4 = Z^-2 u4_f (phi^4/4!), u2 = m^2 = 2 sigma_w^2/d_in"),
    "els": RGConvention(
        "els", False, 50.0,
        "raw u4 = u4_f (f^4/4!) with the Z-normalised mass u2 = m^2 = 2 sigma_w^2/d_in (Erbin-Lahoche-Ousmane Samary)"),
}


def get_convention(convention) -> RGConvention:
    """Look up a convention by name (or return an :class:`RGConvention` unchanged).

    Raises
    ------
    InvalidArgumentError
        Unknown name; the message lists the valid ones.
    """
    if isinstance(convention, RGConvention):
        return convention
    if not isinstance(convention, str):
        raise InvalidTypeError(f"convention must be one of {', '.join(map(repr, CONVENTIONS))} or an RGConvention, "
                               f"got {type(convention).__name__}")
    if convention not in CONVENTIONS:
        raise InvalidArgumentError(f"unknown convention {convention!r}; valid choices are "
                                   f"{', '.join(map(repr, CONVENTIONS))}")
    return CONVENTIONS[convention]

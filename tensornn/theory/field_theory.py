"""A theory: colours, field type, truncation and regulator, validated together."""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import check_choice
from ..errors import InvalidTypeError, TruncationError
from .colours import Colour
from .regulators import REGULATORS, Regulator, get_regulator
from .truncations import Truncation

__all__ = ["Theory", "REGULATORS"]


@dataclass(frozen=True)
class Theory:
    """Colours + field type + truncation + regulator (docs/theory/flow.md).

    Parameters
    ----------
    colours : tuple of Colour
        The colours in order; the pairing ones (in this order) are the bubble colours 1..d_p of
        the truncation's interactions, the local ones put all legs of an interaction in one block.
    field : {"real", "complex"}
    truncation : Truncation
        Its rank must equal the number of pairing colours and its field type ``field``.
    regulator : str or Regulator
        A name of :data:`~tensornn.theory.regulators.REGULATORS` ("litim": R_k = Z (k^s - E)
        theta(k^s - E); "exponential": R_k = Z E / (exp(E / k^s) - 1)), stored as the name.

    The exponent s of k^s is the common ``power`` of the non-flat, non-empirical colours (2 when
    there are none).
    """

    colours: tuple
    field: str
    truncation: Truncation
    regulator: str = "litim"

    def __post_init__(self):
        colours = tuple(self.colours)
        object.__setattr__(self, "colours", colours)
        if not colours:
            raise TruncationError("a theory needs at least one colour")
        for c in colours:
            if not isinstance(c, Colour):
                raise InvalidTypeError(f"colours must be Colour objects, got {type(c).__name__}")
        check_choice("field", self.field, ("real", "complex"))
        object.__setattr__(self, "regulator", get_regulator(self.regulator).name)
        if not isinstance(self.truncation, Truncation):
            raise InvalidTypeError(f"truncation must be a Truncation, got {type(self.truncation).__name__}")
        if self.truncation.rank != self.n_pairing:
            raise TruncationError(
                f"the truncation has interactions of rank {self.truncation.rank}, but the theory has "
                f"{self.n_pairing} pairing colours; build the bubbles over the pairing colours only"
            )
        if self.truncation.field != self.field:
            raise TruncationError(
                f"the truncation is for {self.truncation.field!r} fields but the theory's field is {self.field!r}"
            )
        powers = {c.power for c in colours if c.power is not None}
        if len(powers) > 1:
            raise TruncationError(f"all momentum colours must share the exponent s of e = |p|^s; got {sorted(powers)}")

    @property
    def regulator_object(self) -> Regulator:
        """The :class:`~tensornn.theory.regulators.Regulator` named by ``regulator``."""
        return get_regulator(self.regulator)

    @property
    def pairing_colours(self) -> tuple:
        return tuple(c for c in self.colours if c.role == "pairing")

    @property
    def local_colours(self) -> tuple:
        return tuple(c for c in self.colours if c.role == "local")

    @property
    def n_pairing(self) -> int:
        return len(self.pairing_colours)

    @property
    def power(self) -> float:
        """The exponent s of the regulator scale k^s."""
        powers = [c.power for c in self.colours if c.power is not None]
        return float(powers[0]) if powers else 2.0

    @property
    def ordered_colours(self) -> tuple:
        """Pairing colours first (bubble colour c = index c-1), then the local ones."""
        return self.pairing_colours + self.local_colours

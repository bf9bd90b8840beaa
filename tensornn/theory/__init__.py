"""Theories: colours with their spectra, interactions (bubbles), truncations."""

from .colours import (
    COLOUR_KINDS,
    Colour,
    ContinuumColour,
    EmpiricalColour,
    FlatColour,
    LatticeColour,
    SU2Colour,
    get_colour_kind,
)
from .field_theory import Theory
from .regulators import REGULATORS, Regulator, get_regulator
from .interactions import Interaction
from .truncations import (
    Truncation,
    all_bubbles,
    full_truncation,
    melonic_bubbles,
    melonic_truncation,
    scalar_truncation,
    vector_truncation,
)

__all__ = [
    "COLOUR_KINDS",
    "Colour",
    "ContinuumColour",
    "EmpiricalColour",
    "FlatColour",
    "LatticeColour",
    "SU2Colour",
    "get_colour_kind",
    "REGULATORS",
    "Regulator",
    "get_regulator",
    "Theory",
    "Interaction",
    "Truncation",
    "all_bubbles",
    "full_truncation",
    "melonic_bubbles",
    "melonic_truncation",
    "scalar_truncation",
    "vector_truncation",
]

"""Theories: colours with their spectra, interactions (bubbles), truncations."""

from .colours import COLOUR_KINDS, Colour, ContinuumColour, EmpiricalColour, FlatColour, LatticeColour
from .field_theory import REGULATORS, Theory
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
    "REGULATORS",
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

"""Interaction bubbles: edge-coloured graphs, their canonical forms, enumeration and evaluation."""

from .counting import (
    burnside_orbit_count,
    count_bubbles,
    count_connected,
    count_melonic_rooted,
    labelled_mass,
)
from .enumerate import enumerate_bubbles
from .evaluate import evaluate_bubble
from .families import double_trace, k33_wheel, melon, melonic_insertion, necklace, pillow, tetrahedron
from .graph import FIELDS, KINDS, Bubble
from .invariants import dipole_colour, dipoles, face_count, faces, gurau_degree, is_melonic, remove_dipole

__all__ = [
    "Bubble",
    "FIELDS",
    "KINDS",
    "burnside_orbit_count",
    "count_bubbles",
    "count_connected",
    "count_melonic_rooted",
    "labelled_mass",
    "enumerate_bubbles",
    "evaluate_bubble",
    "melon",
    "pillow",
    "tetrahedron",
    "necklace",
    "double_trace",
    "k33_wheel",
    "melonic_insertion",
    "faces",
    "face_count",
    "gurau_degree",
    "is_melonic",
    "dipoles",
    "dipole_colour",
    "remove_dipole",
]

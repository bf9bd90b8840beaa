"""Interaction bubbles: edge-coloured graphs, their canonical forms, enumeration and evaluation."""

from .counting import count_bubbles, count_connected_bubbles, fuss_catalan
from .enumerate import enumerate_bubbles
from .estimate import (
    MAX_LISTED_BUBBLES,
    EnumerationEstimate,
    EnumerationTooLargeError,
    check_enumeration,
    enumeration_estimate,
)
from .evaluate import evaluate_bubble
from .families import double_trace, k33_wheel, melon, melonic_insertion, necklace, pillow, tetrahedron
from .graph import FIELDS, KINDS, Bubble
from .invariants import face_count, faces, gurau_degree, is_melonic
from .memory import enumeration_memory
from .names import bubble_contraction, bubble_name

__all__ = [
    "Bubble",
    "EnumerationEstimate",
    "EnumerationTooLargeError",
    "FIELDS",
    "MAX_LISTED_BUBBLES",
    "bubble_contraction",
    "bubble_name",
    "KINDS",
    "check_enumeration",
    "count_bubbles",
    "count_connected_bubbles",
    "double_trace",
    "enumerate_bubbles",
    "enumeration_estimate",
    "enumeration_memory",
    "evaluate_bubble",
    "face_count",
    "faces",
    "fuss_catalan",
    "gurau_degree",
    "is_melonic",
    "k33_wheel",
    "melon",
    "melonic_insertion",
    "necklace",
    "pillow",
    "tetrahedron",
]

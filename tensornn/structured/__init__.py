"""Structured inputs: networks on tensor inputs, their exact random-tensor content, fits and block kernels."""

from .cumulants import PAIRINGS, contraction, linear_four_point, linear_two_point, pairing_tuples, tuple_weight
from .networks import STRUCTURED_ACTIVATIONS, StructuredNetwork

__all__ = [
    "PAIRINGS",
    "STRUCTURED_ACTIVATIONS",
    "StructuredNetwork",
    "contraction",
    "linear_four_point",
    "linear_two_point",
    "pairing_tuples",
    "tuple_weight",
]

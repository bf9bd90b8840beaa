"""Structured inputs: networks on tensor inputs, their exact random-tensor content and block kernels.

See docs/structured.md and docs/theory/structured_inputs.md; the fits of measured 4-point functions onto
quartic classes are in :mod:`tensornn.readings` (docs/readings.md), the data spectra in :mod:`tensornn.data`.
"""

from ..networks.blocks import BlockGaussNetwork, BlockKinetic, block_gauss_kernel, block_kinetic_coefficients
from .content import (
    LinearTensorAction,
    QuarticClass,
    QuarticContent,
    hermite_trace,
    linear_tensor_action,
    pairing_bubble,
    quartic_content,
)
from .cumulants import PAIRINGS, contraction, linear_four_point, linear_two_point, pairing_tuples, tuple_weight
from .measure import BlockCorrelators, FourPointMeasurement, estimate_correlators, four_point_from_moments
from ..networks.cp import STRUCTURED_ACTIVATIONS, StructuredNetwork
from .spectra import ColourSpectra, colour_spectra

__all__ = [
    "PAIRINGS",
    "STRUCTURED_ACTIVATIONS",
    "BlockGaussNetwork",
    "BlockKinetic",
    "ColourSpectra",
    "FourPointMeasurement",
    "BlockCorrelators",
    "LinearTensorAction",
    "QuarticClass",
    "QuarticContent",
    "StructuredNetwork",
    "block_gauss_kernel",
    "block_kinetic_coefficients",
    "colour_spectra",
    "contraction",
    "estimate_correlators",
    "four_point_from_moments",
    "hermite_trace",
    "linear_four_point",
    "linear_tensor_action",
    "linear_two_point",
    "pairing_bubble",
    "pairing_tuples",
    "quartic_content",
    "tuple_weight",
]

"""Structured inputs: networks on tensor inputs, their exact random-tensor content, fits and block kernels.

See docs/structured.md and docs/theory/structured_inputs.md.
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
from .fit import BubbleFit, bubble_basis, fit_bubbles, linear_coefficients
from .measure import BlockCorrelators, FourPointMeasurement, estimate_correlators, four_point_from_moments
from ..networks.cp import STRUCTURED_ACTIVATIONS, StructuredNetwork
from .spectra import ColourSpectra, colour_spectra

__all__ = [
    "PAIRINGS",
    "STRUCTURED_ACTIVATIONS",
    "BlockGaussNetwork",
    "BlockKinetic",
    "BubbleFit",
    "ColourSpectra",
    "FourPointMeasurement",
    "BlockCorrelators",
    "LinearTensorAction",
    "QuarticClass",
    "QuarticContent",
    "StructuredNetwork",
    "block_gauss_kernel",
    "block_kinetic_coefficients",
    "bubble_basis",
    "colour_spectra",
    "contraction",
    "estimate_correlators",
    "fit_bubbles",
    "four_point_from_moments",
    "hermite_trace",
    "linear_coefficients",
    "linear_four_point",
    "linear_tensor_action",
    "linear_two_point",
    "pairing_bubble",
    "pairing_tuples",
    "quartic_content",
    "tuple_weight",
]

"""tensornn: neural-network ensembles as random (tensor) field theories."""

__version__ = "0.1.0"

from .bubbles import Bubble
from .correlators import CorrelatorEstimate, DeviationEstimate, normalised_deviation, wick_sum
from .ensemble import EnsembleMoments, sample_ensemble
from .flow import find_fixed_points, potential_fixed_point, run_flow
from .kernels import ACTIVATIONS, kernel, kernel_w
from .networks import NetworkSpec, ScalarNetwork
from .flow import DerivedFlow, derive_flow
from .theory import Theory, Truncation
from .errors import (
    BubbleError,
    ConfigError,
    InvalidArgumentError,
    InvalidTypeError,
    NoisyEstimateWarning,
    TensorNNError,
    TruncationError,
)
from .structured import BlockGaussNetwork, StructuredNetwork

__all__ = [
    "__version__",
    "ACTIVATIONS",
    "BlockGaussNetwork",
    "CorrelatorEstimate",
    "DeviationEstimate",
    "EnsembleMoments",
    "NetworkSpec",
    "ScalarNetwork",
    "kernel",
    "kernel_w",
    "normalised_deviation",
    "sample_ensemble",
    "wick_sum",
    "Bubble",
    "BubbleError",
    "ConfigError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "NoisyEstimateWarning",
    "StructuredNetwork",
    "TensorNNError",
    "TruncationError",
    "find_fixed_points",
    "potential_fixed_point",
    "run_flow",
    "DerivedFlow",
    "derive_flow",
    "Theory",
    "Truncation",
]

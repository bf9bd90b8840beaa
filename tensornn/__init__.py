"""tensornn: neural-network ensembles as random (tensor) field theories."""

__version__ = "0.1.0"

from .bubbles import Bubble
from .correlators import CorrelatorEstimate, DeviationEstimate, normalised_deviation, wick_sum
from .ensemble import EnsembleMoments, sample_ensemble
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

__all__ = [
    "__version__",
    "ACTIVATIONS",
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
    "TensorNNError",
    "TruncationError",
    "DerivedFlow",
    "derive_flow",
    "Theory",
    "Truncation",
]

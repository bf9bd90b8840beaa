"""tensornn: neural-network ensembles as random (tensor) field theories."""

__version__ = "0.1.0"

from .bubbles import Bubble
from .flow import find_fixed_points, potential_fixed_point, run_flow
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
    "Bubble",
    "BubbleError",
    "ConfigError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "NoisyEstimateWarning",
    "TensorNNError",
    "TruncationError",
    "find_fixed_points",
    "potential_fixed_point",
    "run_flow",
]

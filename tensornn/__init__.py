"""tensornn: neural-network ensembles as random (tensor) field theories."""

__version__ = "0.1.0"

from .bubbles import Bubble
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
    "BlockGaussNetwork",
    "Bubble",
    "BubbleError",
    "ConfigError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "NoisyEstimateWarning",
    "StructuredNetwork",
    "TensorNNError",
    "TruncationError",
]

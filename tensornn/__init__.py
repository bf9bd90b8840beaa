"""tensornn: neural-network ensembles as random (tensor) field theories."""

__version__ = "0.1.0"

from .bubbles import Bubble, count_bubbles, enumerate_bubbles, evaluate_bubble
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
    "count_bubbles",
    "enumerate_bubbles",
    "evaluate_bubble",
    "BubbleError",
    "ConfigError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "NoisyEstimateWarning",
    "TensorNNError",
    "TruncationError",
]

"""tensornn: neural-network ensembles as random (tensor) field theories."""

__version__ = "0.1.0"

from .bubbles import Bubble
from .correlators import CorrelatorEstimate, DeviationEstimate, normalised_deviation, wick_sum
from .coupling_scans import CouplingScan, scan_cutoff, scan_sigma_w, scan_width
from .couplings import CouplingEstimate, PowerLawFit, fit_power_law, measure_u4, u4_exact, u4_from_measurement
from .ensemble import EnsembleMoments, sample_ensemble
from .flow import find_fixed_points, potential_fixed_point, run_flow
from .kernels import ACTIVATIONS, kernel, kernel_w
from .networks import NetworkSpec, ScalarNetwork
from .passive_flow import PassiveFlow, passive_flow
from .rg_experiment import ActivePassiveResult, active_passive_experiment
from .flow import DerivedFlow, derive_flow
from .flow import make_preset
from .theory import Theory, Truncation
from .errors import (
    BubbleError,
    ConfigError,
    InvalidArgumentError,
    InvalidTypeError,
    NoisyEstimateWarning,
    NumericalOverflowWarning,
    TensorNNError,
    TruncationError,
)
from .structured import BlockGaussNetwork, StructuredNetwork
from .compare import CompareConfig, CompareResult, run_compare
from .exact import g4_connected_exact, g6_connected_exact, hidden_moments, two_point_exact

__all__ = [
    "CompareConfig", "CompareResult", "run_compare",
    "__version__",
    "ActivePassiveResult",
    "PassiveFlow",
    "active_passive_experiment",
    "passive_flow",
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
    "NumericalOverflowWarning",
    "StructuredNetwork",
    "TensorNNError",
    "TruncationError",
    "find_fixed_points",
    "potential_fixed_point",
    "run_flow",
    "DerivedFlow",
    "derive_flow",
    "make_preset",
    "Theory",
    "Truncation",
    "CouplingEstimate",
    "CouplingScan",
    "PowerLawFit",
    "fit_power_law",
    "g4_connected_exact",
    "g6_connected_exact",
    "hidden_moments",
    "measure_u4",
    "scan_cutoff",
    "scan_sigma_w",
    "scan_width",
    "two_point_exact",
    "u4_exact",
    "u4_from_measurement",
]

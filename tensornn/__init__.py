"""tensornn: neural-network ensembles as random (tensor) field theories.

The package follows the data: networks and ensembles -> correlators -> couplings -> bubbles and
theories -> flows -> the comparison of tensor and scalar readings. Subpackages: ``tensornn.data``,
``tensornn.bubbles``, ``tensornn.theory``, ``tensornn.flow``, ``tensornn.structured``, ``tensornn.readings``,
``tensornn.compare``.
"""

__version__ = "0.1.0"

from .bubbles import Bubble
from .compare import CompareConfig, CompareResult, run_compare
from .correlators import CorrelatorEstimate, DeviationEstimate, normalised_deviation, wick_sum
from .coupling_scans import CouplingScan, scan_cutoff, scan_sigma_w, scan_width
from .couplings import CouplingEstimate, PowerLawFit, fit_power_law, measure_u4, u4_exact, u4_from_measurement
from .data import TensorData, load_data
from .ensemble import EnsembleMoments, sample_ensemble
from .errors import (
    BubbleError,
    ConfigError,
    InvalidArgumentError,
    InvalidTypeError,
    MissingDependencyError,
    NoisyEstimateWarning,
    NumericalOverflowWarning,
    TensorNNError,
    TruncationError,
)
from .exact import g4_connected_exact, g6_connected_exact, hidden_moments, two_point_exact
from .flow import DerivedFlow, derive_flow, find_fixed_points, make_preset, potential_fixed_point, run_flow
from .kernels import ACTIVATIONS, kernel, kernel_w
from .networks import NetworkSpec, ScalarNetwork
from .passive_flow import PassiveFlow, passive_flow
from .readings import ReadingsResult, read_network
from .rg_experiment import ActivePassiveResult, active_passive_experiment
from .structured import BlockGaussNetwork, StructuredNetwork
from .theory import Theory, Truncation

__all__ = [
    "__version__",
    # networks, ensembles and correlators
    "ACTIVATIONS",
    "kernel",
    "kernel_w",
    "NetworkSpec",
    "ScalarNetwork",
    "BlockGaussNetwork",
    "StructuredNetwork",
    "sample_ensemble",
    "EnsembleMoments",
    "wick_sum",
    "normalised_deviation",
    "CorrelatorEstimate",
    "DeviationEstimate",
    # data and readings
    "TensorData",
    "load_data",
    "read_network",
    "ReadingsResult",
    # exact results and couplings
    "hidden_moments",
    "two_point_exact",
    "g4_connected_exact",
    "g6_connected_exact",
    "u4_exact",
    "u4_from_measurement",
    "measure_u4",
    "CouplingEstimate",
    "fit_power_law",
    "PowerLawFit",
    "scan_width",
    "scan_sigma_w",
    "scan_cutoff",
    "CouplingScan",
    # bubbles, theories and flows
    "Bubble",
    "Theory",
    "Truncation",
    "derive_flow",
    "DerivedFlow",
    "run_flow",
    "find_fixed_points",
    "potential_fixed_point",
    "make_preset",
    # RG experiment and comparison
    "passive_flow",
    "PassiveFlow",
    "active_passive_experiment",
    "ActivePassiveResult",
    "run_compare",
    "CompareConfig",
    "CompareResult",
    # errors and warnings
    "TensorNNError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "BubbleError",
    "ConfigError",
    "TruncationError",
    "MissingDependencyError",
    "NoisyEstimateWarning",
    "NumericalOverflowWarning",
]

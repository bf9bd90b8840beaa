"""Wetterich flows in the local potential approximation: one-loop rules, thresholds, integration, fixed points,
the functional LPA of the scalar and O(N) models (the full potential on a Chebyshev grid), and their derivative
expansion at order d^2 (LPA', Z(rho) and Y(rho))."""

from .fixed_points import (
    FixedPoint,
    FixedPointSearch,
    critical_exponents,
    find_fixed_points,
    refine_fixed_point,
    stability_matrix,
)
from .betas import REGULATOR_ETA, DerivedFlow, derive_flow
from .chebyshev import ChebyshevGrid
from .derivative_expansion_result import DerivativeExpansionFixedPoint
from .derivative_expansion_solve import derivative_expansion_fixed_point
from .functional_flow import functional_flow
from .functional_flow_result import FunctionalFlowResult
from .functional_result import FunctionalFixedPoint, resolve_fixed_point
from .functional_search import FunctionalSearch, functional_fixed_point, functional_fixed_points
from .kinetic import KINETIC_FUNCTIONS, KineticFlow, KineticFunction, kinetic_function
from .equations import FlowEquations, equations_latex, equations_text, flow_equations
from .symbolic import SymbolicFlow, symbolic_flow
from .integrate import run_flow, run_flows
from .result import FlowBatch, FlowTrajectory
from .health import Health, exponent_convergence, fixed_point_health, flow_health, potential_convergence
from .potential import MinimumPotential, SymmetricPotential, exponents_by_order, litim_volume, potential_fixed_point
from .pms import RegulatorScan, pms_scan
from .threshold_functions import ThresholdFunction, threshold_function
from .ward import WardMelonicFlow, ward_check
from .presets import PRESETS, ColourSymmetricFlow, FlowPreset, make_preset, on_preset, scalar_preset, tensor_preset
from .rules import Term, derive_terms
from .system import FlowSystem

__all__ = [
    "FlowSystem",
    "DerivedFlow",
    "derive_flow",
    "REGULATOR_ETA",
    "Term",
    "derive_terms",
    "equations_text",
    "equations_latex",
    "symbolic_flow",
    "SymbolicFlow",
    "flow_equations",
    "FlowEquations",
    "FlowTrajectory",
    "FlowBatch",
    "run_flow",
    "run_flows",
    "FixedPoint",
    "FixedPointSearch",
    "find_fixed_points",
    "refine_fixed_point",
    "stability_matrix",
    "critical_exponents",
    "SymmetricPotential",
    "MinimumPotential",
    "potential_fixed_point",
    "exponents_by_order",
    "litim_volume",
    "ThresholdFunction",
    "threshold_function",
    "RegulatorScan",
    "pms_scan",
    "WardMelonicFlow",
    "ward_check",
    "ChebyshevGrid",
    "FunctionalFixedPoint",
    "FunctionalSearch",
    "functional_fixed_point",
    "functional_fixed_points",
    "resolve_fixed_point",
    "DerivativeExpansionFixedPoint",
    "derivative_expansion_fixed_point",
    "FunctionalFlowResult",
    "functional_flow",
    "KINETIC_FUNCTIONS",
    "KineticFunction",
    "kinetic_function",
    "KineticFlow",
    "Health",
    "fixed_point_health",
    "exponent_convergence",
    "potential_convergence",
    "flow_health",
    "PRESETS",
    "FlowPreset",
    "ColourSymmetricFlow",
    "make_preset",
    "scalar_preset",
    "on_preset",
    "tensor_preset",
]


#: Old names of this package, importable for one more release with a DeprecationWarning naming the new one.
_DEPRECATED = {"FlowResult": ("FlowTrajectory", FlowTrajectory)}


def __getattr__(name):
    if name in _DEPRECATED:
        import warnings

        new, value = _DEPRECATED[name]
        warnings.warn(f"tensornn.flow.{name} is now tensornn.flow.{new} (the one result of every flow); the old "
                      "name goes in the next release", DeprecationWarning, stacklevel=2)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

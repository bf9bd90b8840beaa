"""Which reading does a network have? Its quartic action measured in a basis of amputation patterns.

See docs/readings.md. Modules: ``classes`` (the classes of quartic vertices, local or pairing per colour),
``patterns`` (their amputation patterns on an index space or for a Gauss product kernel), ``design``
(quadruples that separate the classes), ``measure`` (G4c by Monte Carlo), ``oracles`` (exact G4c and
couplings), ``gls`` (generalised least squares with an estimated, regularised covariance), ``fit``
(the readings, their fits and the selection).
"""

from .classes import LOCAL, QuarticPatternClass, class_names, quartic_classes
from .design import (
    DEFAULT_MAX_CONDITION,
    QuadrupleDesign,
    check_design,
    condition_number,
    quadruple_design,
)
from .fit import (
    METHODS,
    READINGS,
    REFERENCE_MODEL,
    Coupling,
    ReadingFit,
    ReadingsResult,
    fit_readings,
    read_network,
    reading_classes,
)
from .gls import (
    LinearFit,
    exact_fit,
    jackknife_covariance,
    monte_carlo_fit,
    shrinkage_intensity,
    shrunk_covariance,
)
from .measure import DEFAULT_N_GROUPS, DEFAULT_N_NETWORKS, measure_four_point
from .oracles import (
    block_gauss_four_point_factorised,
    exact_couplings,
    exact_four_point,
    has_oracle,
)
from .patterns import GaussProductSpace, IndexSpace, amputation_patterns, pattern_space

__all__ = [
    "DEFAULT_MAX_CONDITION",
    "DEFAULT_N_GROUPS",
    "DEFAULT_N_NETWORKS",
    "LOCAL",
    "METHODS",
    "READINGS",
    "REFERENCE_MODEL",
    "Coupling",
    "GaussProductSpace",
    "IndexSpace",
    "LinearFit",
    "QuadrupleDesign",
    "QuarticPatternClass",
    "ReadingFit",
    "ReadingsResult",
    "amputation_patterns",
    "block_gauss_four_point_factorised",
    "check_design",
    "class_names",
    "condition_number",
    "exact_couplings",
    "exact_fit",
    "exact_four_point",
    "fit_readings",
    "has_oracle",
    "jackknife_covariance",
    "measure_four_point",
    "monte_carlo_fit",
    "pattern_space",
    "quadruple_design",
    "quartic_classes",
    "read_network",
    "reading_classes",
    "shrinkage_intensity",
    "shrunk_covariance",
]

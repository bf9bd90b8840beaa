"""Which reading does a network have? Its quartic action measured in a basis of amputation patterns.

See docs/readings.md. Modules: ``classes`` (the classes of quartic vertices, local or pairing per colour),
``patterns`` (their amputation patterns on an index space or for a Gauss product kernel), ``design``
(quadruples that separate the classes), ``measure`` (G4c by Monte Carlo), ``oracles`` (exact G4c and
couplings), ``gls`` (generalised least squares with an estimated, regularised covariance), ``registry``
(the readings as registered objects), ``moments`` (is G4c estimable?), ``verdict`` (nested tests, power and the
three outcomes), ``result`` (the result objects), ``fit`` (the fits and :func:`read_network`).
"""

from .classes import LOCAL, QuarticPatternClass, class_names, quartic_classes
from .design import (
    DEFAULT_MAX_CONDITION,
    QuadrupleDesign,
    check_design,
    condition_number,
    quadruple_design,
)
from .fit import METHODS, fit_readings, read_network
from .gls import (
    LinearFit,
    exact_fit,
    fit_covariance,
    hotelling_mean,
    hotelling_p_value,
    jackknife_covariance,
    monte_carlo_fit,
    shrinkage_intensity,
    shrunk_covariance,
)
from .moments import MomentCheck, moment_check
from .registry import (
    READINGS,
    REFERENCE_MODEL,
    Reading,
    breaks_rotations,
    get_reading,
    reading_classes,
    reading_names,
    register_reading,
)
from .result import Coupling, ReadingFit, ReadingsResult
from .verdict import NestedTest, Verdict, rao_test
from .measure import DEFAULT_N_GROUPS, DEFAULT_N_NETWORKS, measure_four_point
from .oracles import (
    block_gauss_four_point_factorised,
    exact_couplings,
    exact_four_point,
    has_oracle,
)
from .patterns import GaussProductSpace, IndexSpace, amputation_patterns, pattern_space

__all__ = [
    "Coupling",
    "DEFAULT_MAX_CONDITION",
    "DEFAULT_N_GROUPS",
    "DEFAULT_N_NETWORKS",
    "GaussProductSpace",
    "IndexSpace",
    "LOCAL",
    "LinearFit",
    "METHODS",
    "MomentCheck",
    "NestedTest",
    "QuadrupleDesign",
    "QuarticPatternClass",
    "READINGS",
    "REFERENCE_MODEL",
    "Reading",
    "ReadingFit",
    "ReadingsResult",
    "Verdict",
    "amputation_patterns",
    "block_gauss_four_point_factorised",
    "breaks_rotations",
    "check_design",
    "class_names",
    "condition_number",
    "exact_couplings",
    "exact_fit",
    "exact_four_point",
    "fit_covariance",
    "fit_readings",
    "get_reading",
    "has_oracle",
    "hotelling_mean",
    "hotelling_p_value",
    "jackknife_covariance",
    "measure_four_point",
    "moment_check",
    "monte_carlo_fit",
    "pattern_space",
    "quadruple_design",
    "quartic_classes",
    "rao_test",
    "read_network",
    "reading_classes",
    "reading_names",
    "register_reading",
    "shrinkage_intensity",
    "shrunk_covariance",
]

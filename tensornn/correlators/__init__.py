"""Correlators of network ensembles: estimators with jackknife errors, Wick (GP) values, exact oracles, and the
exact cumulants of the linear CP-structured layer (``cp_cumulants``)."""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "pairings": ".wick",
        "wick_sum": ".wick",
        "CorrelatorEstimate": ".estimators",
        "DeviationEstimate": ".estimators",
        "measure": ".estimators",
        "two_point": ".estimators",
        "four_point": ".estimators",
        "six_point": ".estimators",
        "normalised_deviation": ".estimators",
        "correlator_table": ".estimators",
        "HiddenMoments": ".exact",
        "preactivation_covariance_matrix": ".exact",
        "gaussian_product_expectation": ".exact",
        "hidden_moments": ".exact",
        "two_point_exact": ".exact",
        "g4_connected_exact": ".exact",
        "g6_connected_exact": ".exact",
        "g4_connected_oracle": ".exact",
        "PAIRINGS": ".cp_cumulants",
        "pairing_tuples": ".cp_cumulants",
        "tuple_weight": ".cp_cumulants",
        "contraction": ".cp_cumulants",
        "linear_two_point": ".cp_cumulants",
        "linear_four_point": ".cp_cumulants",
    },
)

"""Generalised least squares with a covariance estimated from groups: the statistics on their own.

Group estimates are simulated as Gaussian vectors with a known mean A beta and covariance, so the
reference laws are exact: Hotelling's T^2 p-value of the GLS minimum is uniform on [0, 1] when the
model holds, and the cross-fitted coefficients are unbiased with the sandwich errors. Tolerances are
binomial and normal 3-sigma bands over the stated number of replications.
"""

import math

import numpy as np
import pytest

from tensornn.readings import exact_fit, jackknife_covariance, monte_carlo_fit, shrinkage_intensity, shrunk_covariance
from tensornn.structured.measure import FourPointMeasurement


def _measurement(group_values: np.ndarray) -> FourPointMeasurement:
    """A FourPointMeasurement whose group estimates of G4c are the given rows (pair sums set to 0)."""
    g, q = group_values.shape
    counts = np.full(g, 100)
    sums = np.zeros((g, 7, q))
    sums[:, 0, :] = group_values * counts[:, None]
    values = group_values.mean(axis=0)
    return FourPointMeasurement(np.zeros((q, 4), dtype=int), values, np.zeros(q), np.zeros((q, q)), int(counts.sum()),
                                g, sums, counts)


def _problem(q=12, k=3, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((q, k)) + 1.0
    root = rng.standard_normal((q, q)) / math.sqrt(q) + 0.8 * np.eye(q)
    cov = root @ root.T + 0.5  # strongly correlated, like G4c on shared networks
    beta = np.array([1.0, -2.0, 0.5])[:k]
    return a, np.linalg.cholesky(cov), beta


def test_hotelling_p_values_are_uniform_and_couplings_unbiased_for_a_true_model():
    a, chol, beta = _problem()
    rng = np.random.default_rng(1)
    g, reps = 64, 300
    p_values, pulls = [], []
    for _ in range(reps):
        groups = a @ beta + rng.standard_normal((g, len(a))) @ chol.T * math.sqrt(g)
        fit = monte_carlo_fit(_measurement(groups), a)
        assert fit.reference == "hotelling" and fit.shrinkage == 0.0
        p_values.append(fit.p_value)
        pulls.append((fit.coefficients - beta) / fit.error)
    p_values, pulls = np.array(p_values), np.array(pulls)
    band = 3 * math.sqrt(0.05 * 0.95 / reps)  # binomial 3 sigma
    assert abs(np.mean(p_values < 0.05) - 0.05) < band
    assert abs(np.mean(p_values < 0.5) - 0.5) < 3 * math.sqrt(0.25 / reps)
    assert np.all(np.abs(pulls.mean(axis=0)) < 3 / math.sqrt(reps))  # unbiased
    assert np.all(np.abs(pulls.std(axis=0) - 1.0) < 0.15)  # errors right to 15 %


def test_a_wrong_model_is_rejected():
    # the data carry an alternating +-1 pattern that no column has: about 3 noise units per quadruple
    a, chol, beta = _problem()
    rng = np.random.default_rng(2)
    g = 64
    missing = np.resize([1.0, -1.0], len(a))
    groups = a @ beta + missing + rng.standard_normal((g, len(a))) @ chol.T * math.sqrt(g) * 0.3
    assert monte_carlo_fit(_measurement(groups), a).p_value < 1e-6
    assert monte_carlo_fit(_measurement(groups), np.column_stack([a, missing])).p_value > 1e-3


def test_too_few_groups_switch_to_shrinkage_and_chi2():
    a, chol, beta = _problem(q=20)
    rng = np.random.default_rng(3)
    groups = a @ beta + rng.standard_normal((16, 20)) @ chol.T * 4.0
    fit = monte_carlo_fit(_measurement(groups), a)
    assert fit.reference == "chi2" and 0.0 < fit.shrinkage <= 1.0 and np.isfinite(fit.chi2)


def test_shrinkage_intensity_follows_the_evidence_for_correlations():
    rng = np.random.default_rng(4)
    independent = rng.standard_normal((50, 8))
    common = rng.standard_normal((50, 1)) + 0.05 * rng.standard_normal((50, 8))
    assert shrinkage_intensity(independent) > 0.5
    assert shrinkage_intensity(common) < 0.05


def test_shrunk_covariance_keeps_the_diagonal():
    c = jackknife_covariance(np.random.default_rng(5).standard_normal((20, 4)))
    s = shrunk_covariance(c, 0.3)
    np.testing.assert_allclose(np.diag(s), np.diag(c))
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose(s[off], 0.7 * c[off])
    with pytest.raises(ValueError, match="intensity"):
        shrunk_covariance(c, 1.5)


def test_exact_fit_reports_the_relative_residual():
    a = np.random.default_rng(6).standard_normal((10, 3))
    fit = exact_fit(a @ np.array([1.0, 2.0, 3.0]), a)
    np.testing.assert_allclose(fit.coefficients, [1.0, 2.0, 3.0], rtol=1e-12)
    assert fit.relative_residual < 1e-14 and math.isnan(fit.chi2) and fit.reference == "none"


def test_monte_carlo_fit_needs_four_groups():
    a, chol, beta = _problem(q=6)
    with pytest.raises(ValueError, match="at least 4 groups"):
        monte_carlo_fit(_measurement(np.ones((3, 6))), a)

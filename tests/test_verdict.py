"""The verdict on a network's readings: Rao's nested F, its power, the three outcomes, the moment check, the registry.

The nested test is checked against a direct simulation of its null: Gaussian group estimates with a known mean
(the smaller model) and covariance, the covariance estimated from the same groups as in a real fit; the
false-rejection rate must lie within its binomial 3-sigma band and the p-values must be uniform (KS). Its power
is checked the same way under a known alternative. The verdict logic is checked on exact oracles (an exact fit
selects its reading) and on ensembles too small to decide.
"""

import math

import numpy as np
import pytest
from scipy import stats

from tensornn.data import synthetic_kronecker
from tensornn.errors import UnsupportedReadingError
from tensornn.networks import StructuredNetwork
from tensornn.readings import (
    READINGS,
    MomentCheck,
    Reading,
    Verdict,
    fit_covariance,
    get_reading,
    moment_check,
    quartic_classes,
    rao_test,
    read_network,
    reading_classes,
    reading_names,
    register_reading,
)
from tensornn.readings.gls import gls_minimum
from tensornn.readings.verdict import nested_power
from tensornn.structured.measure import FourPointMeasurement


def _measurement(group_values: np.ndarray, counts=None) -> FourPointMeasurement:
    """A FourPointMeasurement whose group estimates of G4c are the given rows (pair sums 0: G4c linear in them)."""
    g, q = group_values.shape
    counts = np.full(g, 100) if counts is None else np.asarray(counts)
    sums = np.zeros((g, 7, q))
    sums[:, 0, :] = group_values * counts[:, None]
    values = group_values.mean(axis=0)
    return FourPointMeasurement(np.zeros((q, 4), dtype=int), values, np.zeros(q), np.zeros((q, q)), int(counts.sum()),
                                g, sums, counts)


def _problem(q=12, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((q, 3)) + 1.0
    root = rng.standard_normal((q, q)) / math.sqrt(q) + 0.8 * np.eye(q)
    cov = root @ root.T + 0.5  # strongly correlated, like G4c on shared networks
    return a, np.linalg.cholesky(cov), cov


def _nested_p(a, k_small, groups):
    y, cov, intensity = fit_covariance(_measurement(groups))
    assert intensity == 0.0
    t2s, t2b = gls_minimum(a[:, :k_small], y, cov), gls_minimum(a, y, cov)
    return rao_test(t2s, t2b, len(y), k_small, a.shape[1], groups.shape[0] - 1), cov


@pytest.mark.parametrize("k_small", [0, 1])
def test_rao_f_has_its_null_distribution(k_small):
    # the smaller model (K = k_small columns, or nothing) is true; the larger adds the remaining columns
    a, chol, _ = _problem()
    rng = np.random.default_rng(10 + k_small)
    g, reps = 48, 1500
    beta = np.array([2.0, 0.0, 0.0]) if k_small else np.zeros(3)
    p = np.array([_nested_p(a, k_small, a @ beta + rng.standard_normal((g, len(a))) @ chol.T * math.sqrt(g))[0].p_value
                  for _ in range(reps)])
    for alpha in (0.01, 0.05):
        band = 3 * math.sqrt(alpha * (1 - alpha) / reps)  # binomial 3 sigma
        assert abs(np.mean(p < alpha) - alpha) < band, (alpha, np.mean(p < alpha))
    assert stats.kstest(p, "uniform").pvalue > 1e-3


def test_rao_f_power_matches_the_noncentral_law():
    # the second column carries a coupling delta: the rejection rate must match the predicted power
    a, chol, cov = _problem(seed=3)
    rng = np.random.default_rng(4)
    g, reps, alpha = 64, 600, 0.01
    cov_mean = cov  # covariance of the mean of g groups whose rows have covariance g * cov
    _, detectable, _ = nested_power(cov_mean, a[:, :1], a[:, 1:2], 1, g - 1 - (len(a) - 1) + 1, alpha, None)
    # a two-column problem: only the first two columns
    a2 = a[:, :2]
    beta = np.array([2.0, 0.6 * detectable])
    predicted, _, _ = nested_power(cov_mean, a2[:, :1], a2[:, 1:2], 1, g - 1 - (len(a) - 1) + 1, alpha, [beta[1]])
    rejected = 0
    for _ in range(reps):
        groups = a2 @ beta + rng.standard_normal((g, len(a))) @ chol.T * math.sqrt(g)
        test, _ = _nested_p(a2, 1, groups)
        rejected += test.p_value < alpha
    rate = rejected / reps
    assert 0.2 < predicted < 0.8
    assert abs(rate - predicted) < 3 * math.sqrt(predicted * (1 - predicted) / reps) + 0.03, (rate, predicted)


def test_rao_f_is_the_difference_of_hotelling_statistics():
    t = rao_test(60.0, 40.0, 40, 1, 5, 127)
    p, q = 39, 35
    assert t.df1 == 4 and t.df2 == 127 - p + 1
    assert t.statistic == pytest.approx((127 - p + 1) / (p - q) * 20.0 / (127 + 40.0))
    assert t.p_value == pytest.approx(stats.f.sf(t.statistic, 4, 89))
    shrunk = rao_test(60.0, 40.0, 40, 1, 5, None)
    assert shrunk.reference == "chi2" and shrunk.p_value == pytest.approx(stats.chi2.sf(20.0, 4))


@pytest.fixture(scope="module")
def data():
    return synthetic_kronecker((2, 2, 2), 400, seed=0)


def test_exact_fits_give_their_reading(data):
    cp = read_network(StructuredNetwork((2, 2, 2), cp_rank=1, width=4), data, n_quadruples=24)
    dense = read_network(StructuredNetwork((2, 2, 2), cp_rank=None, width=4), data, n_quadruples=24)
    assert cp.method == "exact" and cp.selected == "tensor" and cp.decision.selected == "tensor"
    assert dense.selected == "vector" and dense.decision.p_value is None and dense.decision.nested == ()
    assert isinstance(cp.decision, Verdict) and cp.status == "ok"


class _Symmetry:
    def __init__(self, invariant):
        self.invariant = invariant
        self.p_value = 0.5
        self.group = "O(n)"


def test_symmetry_forbids_the_readings_that_break_it(data):
    net = StructuredNetwork((2, 2, 2), cp_rank=1, width=4)
    invariant = read_network(net, data, n_quadruples=24, symmetry=_Symmetry(True))
    assert invariant.selected == "undetermined" and "O(n)" in invariant.decision.reason
    assert invariant.symmetry.invariant is True and invariant.to_dict()["symmetry"] == {"invariant": True}
    dense = StructuredNetwork((2, 2, 2), cp_rank=None, width=4)
    assert read_network(dense, data, n_quadruples=24, symmetry=_Symmetry(True)).selected == "vector"
    assert read_network(dense, data, n_quadruples=24, symmetry=_Symmetry(False)).selected == "undetermined"
    assert read_network(net, data, n_quadruples=24, symmetry=_Symmetry(None)).selected == "tensor"


@pytest.fixture(scope="module")
def kron():
    return synthetic_kronecker((3, 3, 3), 400, seed=0)


@pytest.fixture(scope="module")
def default_design():
    """The design of the default comparison (tensornn.compare.config): 40 quadruples of 10 synthetic points."""
    from tensornn.data import load_data
    from tensornn.readings import quadruple_design

    return quadruple_design(load_data("synthetic", seed=0), n_points=10, n_quadruples=40, seed=0)


def _default(rank, design, n_networks=131_072, seed=1, estimator="auto"):
    return read_network(StructuredNetwork((4, 4, 4), cp_rank=rank, width=8), design=design, method="monte-carlo",
                        n_networks=n_networks, n_groups=128, seed=seed, estimator=estimator)


def test_a_tiny_ensemble_is_undetermined(default_design):
    # 2048 networks (16 per group) read from their outputs cannot resolve pillows half as visible as the double trace
    # of a dense layer (the conditional estimator, read-out integrated, resolves them already at 512)
    dense = _default(None, default_design, n_networks=2048, estimator="outputs")
    assert dense.selected == "undetermined", dense.text()
    d = dense.decision
    assert d.power is not None and d.power < 0.8 and d.networks_needed > 2048 and d.detectable > 0
    assert dense.status == "undetermined" and not dense.decided
    assert dense.to_dict()["verdict"]["selected"] == "undetermined"


def test_the_default_run_decides(default_design):
    # the default run (docs/verdict_calibration.md has the rates over many seeds; this is one fixed seed)
    cp, dense = _default(1, default_design), _default(None, default_design)
    assert (cp.selected, dense.selected) == ("tensor", "vector"), (cp.text(), dense.text())
    assert dense.decision.power >= 0.8 and dense.decision.p_value < 1e-6
    nested = {(t.smaller, t.larger): t for t in cp.decision.nested}
    assert nested[("vector", "tensor")].p_value < 1e-6 and cp.decision.p_value == nested[("vector", "tensor")].p_value
    v = cp.verdict()
    assert {"reason", "p_value", "power", "nested", "moments"} <= set(v) and v["moments"]["estimable"]
    summary = cp.readings["tensor"].summary()
    assert summary["reference_distribution"] == "Hotelling T^2(35, 127)"
    assert summary["expected_chi2"] == pytest.approx(35 * 127 / (127 - 35 - 1))
    assert "expected" in cp.text() and "verdict: tensor" in cp.text()
    assert dense.readings["vector"].couplings["double trace"].significant


def test_moment_check_flags_a_dominant_group():
    rng = np.random.default_rng(0)
    light = rng.standard_normal((64, 10)) + 3.0
    ok = moment_check(_measurement(light))
    assert isinstance(ok, MomentCheck) and ok.estimable and ok.max_group_share < 3 / 64 and ok.halving_ratio < 1.2
    # Pareto(alpha = 0.5) fourth moments: infinite mean, one group carries almost all of the sum
    heavy = light * (rng.pareto(0.5, (64, 1)) + 1.0) ** 4
    bad = moment_check(_measurement(heavy))
    assert not bad.estimable and (bad.max_group_share > 0.5 or bad.halving_ratio > 10), bad
    assert "group" in bad.reason or "halves" in bad.reason
    assert bad.to_dict()["estimable"] is False


def test_cp_layer_with_exp_activation_is_none(kron):
    net = StructuredNetwork((3, 3, 3), cp_rank=1, activation="exp", width=8)
    with pytest.raises(UnsupportedReadingError, match=r"'exp'.*E\|f\|\^4 is infinite"):  # refused up front (issue 17.3)
        read_network(net, kron, method="monte-carlo", n_networks=16_384, n_groups=64, n_quadruples=24, seed=1)


def test_readings_are_registered_objects():
    assert reading_names()[:3] == ("scalar", "vector", "tensor") and set(READINGS) >= {"scalar", "vector", "tensor"}
    classes = quartic_classes(2)
    assert [c.name for c in reading_classes("tensor", classes)] == ["double trace", "pillow(1)"]
    assert get_reading("vector").style["color"] == "C1" and callable(get_reading("tensor").theory)
    matrix = Reading("matrix-test", "the bubbles of two colours", lambda c: c.kind == "bubble" and len(c.blocks) == 2)
    try:
        register_reading(matrix)
        assert [c.name for c in reading_classes("matrix-test", classes)] == ["pillow(1)"]
        with pytest.raises(Exception, match="registered already"):
            register_reading(matrix)
    finally:
        from tensornn.readings.registry import _REGISTRY

        _REGISTRY.pop("matrix-test", None)
    with pytest.raises(Exception, match="name"):
        Reading("none", "not a name", lambda c: True)

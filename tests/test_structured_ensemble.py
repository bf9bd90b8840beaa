"""Structured networks through the shared streamed sampler (sample_ensemble) and jackknife errors.

Tolerances: 3 jackknife standard errors (32 groups) per statistic or fitted coefficient; seeds fixed.
"""


import numpy as np
import pytest

from tensornn.correlators import four_point
from tensornn.networks.sampling import sample_ensemble
from _structured_design import design

from tensornn.structured import (
    StructuredNetwork,
    fit_bubbles,
    four_point_from_moments,
    linear_coefficients,
    linear_four_point,
)


def test_quadruple_reader_agrees_with_the_correlators_module():
    net = StructuredNetwork((2, 2), cp_rank=1, width=2)
    x, quads = design((2, 2), q=5)
    moments = sample_ensemble(net, x, 20_000, seed=0, block_size=512, n_groups=16)
    meas = four_point_from_moments(moments, quads)
    for row, value, error in zip(quads, meas.values, meas.errors):
        reference = four_point(moments, tuple(row), warn=False)
        assert value == pytest.approx(reference.value, rel=1e-12)
        assert error == pytest.approx(reference.stderr, rel=1e-10)
    np.testing.assert_allclose(np.sqrt(np.diag(meas.covariance)), meas.errors)


def test_rank_three_cp_network_reproduces_exact_g4c_through_the_ensemble():
    net = StructuredNetwork((2, 2, 2), cp_rank=1, width=4, sigma_w=1.3, sigma_v=0.8)
    x = np.random.default_rng(1).standard_normal((4, 2, 2, 2))
    quads = np.array([[0, 1, 2, 3], [0, 0, 1, 1], [0, 1, 0, 1], [2, 2, 2, 2], [0, 1, 2, 2], [1, 3, 3, 3]])
    meas = four_point_from_moments(sample_ensemble(net, x, 600_000, seed=7), quads)
    exact = linear_four_point(net, x, quads)
    z = (meas.values - exact) / meas.errors
    assert np.max(np.abs(z)) < 3.0, z
    assert np.sum(np.abs(exact) > 5 * meas.errors) >= 2


@pytest.mark.parametrize("sizes, rank, width", [((2, 3), 1, 2), ((2, 2, 2), None, 2)])
def test_bubble_fit_of_ensemble_data_recovers_exact_coefficients(sizes, rank, width):
    net = StructuredNetwork(sizes, cp_rank=rank, width=width)
    x, quads = design(sizes)
    meas = four_point_from_moments(sample_ensemble(net, x, 400_000, seed=3), quads)
    fit = fit_bubbles(meas.values, meas.errors, x, quads, covariance=meas.covariance)
    exact = linear_coefficients(net)
    assert max(abs(p) for p in fit.pulls(exact).values()) < 3.0, fit
    needed = {name for name, c in exact.items() if c != 0.0}
    assert set(fit.significant) == needed, fit

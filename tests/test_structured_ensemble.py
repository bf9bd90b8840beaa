"""Structured networks through the shared streamed sampler (sample_ensemble) and jackknife errors.

Tolerances: 3 jackknife standard errors (32 groups) per statistic or fitted coefficient; seeds fixed.
"""


import numpy as np
import pytest

from tensornn.correlators import four_point
from tensornn.networks.sampling import sample_ensemble
from _structured_design import design

from tensornn.readings import amputation_patterns, exact_couplings, fit_readings, pattern_space, quartic_classes
from tensornn.correlators.cp_cumulants import linear_four_point
from tensornn.networks import StructuredNetwork
from tensornn.structured import four_point_from_moments


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
def test_bubble_fit_of_ensemble_data_recovers_exact_couplings(sizes, rank, width):
    # sample_ensemble's default 32 groups for 20 quadruples: the shrunk-covariance path of the fit
    net = StructuredNetwork(sizes, cp_rank=rank, width=width)
    x, quads = design(sizes)
    meas = four_point_from_moments(sample_ensemble(net, x, 400_000, seed=3), quads)
    classes = quartic_classes(len(sizes))
    matrix = amputation_patterns(pattern_space(net), classes, x, quads)
    fits, _ = fit_readings(meas.values, matrix, classes, measurement=meas, readings=("tensor",), reference=False,
                           exact=exact_couplings(net, classes))
    couplings = fits["tensor"].couplings
    assert max(abs(c.pull) for c in couplings.values()) < 3.0, fits["tensor"]
    needed = {name for name, c in couplings.items() if c.exact != 0.0}
    assert {name for name, c in couplings.items() if abs(c.value) > 3 * c.error} == needed, fits["tensor"]

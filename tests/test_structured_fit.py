"""Fits of connected 4-point functions onto quartic bubble invariants (docs/theory/structured_inputs.md).

MC tolerances: each fitted coefficient within 3 standard errors of the exact linear coefficient;
the coefficient errors come from the block covariance of the G4c estimates (sandwich formula).
"""

import numpy as np
import pytest

from _structured_design import design

from tensornn.structured import (
    StructuredNetwork,
    estimate_correlators,
    fit_bubbles,
    linear_coefficients,
    linear_four_point,
    linear_tensor_action,
)


def test_exact_values_give_exact_coefficients_and_zero_chi2():
    net = StructuredNetwork((2, 2, 2), cp_rank=3, width=2, sigma_w=1.1, sigma_v=0.9)
    x, quads = design((2, 2, 2))
    values = linear_four_point(net, x, quads)
    fit = fit_bubbles(values, np.full(len(values), 1e-3), x, quads)
    exact = linear_coefficients(net)
    assert fit.success and fit.status == "ok"
    np.testing.assert_allclose(fit.coefficients, [exact[n] for n in fit.names], rtol=1e-8)
    assert fit.chi2 < 1e-12
    assert set(fit.significant) == set(fit.names)


def test_coefficients_relate_to_the_tensor_action_couplings():
    # lambda_B = - multiplicity_B c_B / (4! s^8).
    net = StructuredNetwork((2, 3), cp_rank=1, width=3, sigma_w=1.2, sigma_v=0.8)
    action = linear_tensor_action(net)
    c = linear_coefficients(net)
    for cls in action.content.classes:
        assert action.couplings[cls.name] == pytest.approx(-cls.multiplicity * c[cls.name] / (24 * action.s2**4))


@pytest.mark.parametrize(
    "sizes, rank, width, n_networks",
    [((2, 3), 1, 2, 400_000), ((2, 2, 2), 1, 4, 400_000), ((2, 2, 2), 3, 2, 400_000)],
)
def test_fit_of_monte_carlo_recovers_the_exact_linear_coefficients(sizes, rank, width, n_networks):
    net = StructuredNetwork(sizes, cp_rank=rank, width=width)
    x, quads = design(sizes)
    est = estimate_correlators(net, x, quads, n_networks, seed=3, n_blocks=200, centred=False)
    fit = fit_bubbles(est.g4c, est.g4c_error, x, quads, covariance=est.g4c_covariance)
    pulls = fit.pulls(linear_coefficients(net))
    assert fit.success
    assert max(abs(p) for p in pulls.values()) < 3.0, (fit, pulls)


def test_fit_of_dense_network_needs_only_the_double_trace():
    net = StructuredNetwork((2, 2, 2), cp_rank=None, width=2)
    x, quads = design((2, 2, 2))
    est = estimate_correlators(net, x, quads, 400_000, seed=4, n_blocks=200, centred=False)
    fit = fit_bubbles(est.g4c, est.g4c_error, x, quads, covariance=est.g4c_covariance)
    assert fit.significant == ("double trace",), fit
    exact = linear_coefficients(net)
    assert all(abs(p) < 3.0 for p in fit.pulls(exact).values())


def test_fit_of_rank_one_network_needs_the_connected_bubbles():
    net = StructuredNetwork((2, 3), cp_rank=1, width=2)
    x, quads = design((2, 3))
    est = estimate_correlators(net, x, quads, 400_000, seed=5, n_blocks=200, centred=False)
    fit = fit_bubbles(est.g4c, est.g4c_error, x, quads, covariance=est.g4c_covariance)
    assert "pillow(1)" in fit.significant


def test_rank_deficient_design_is_a_status_not_a_crash():
    # One quadruple cannot separate the 2 invariants of d = 2 (double trace, pillow).
    x, _ = design((2, 2))
    fit = fit_bubbles([1.0], [1.0], x, [[0, 1, 2, 3]])
    assert not fit.success and fit.status == "rank-deficient" and "span only 1 of 2" in fit.message
    assert np.all(np.isnan(fit.standard_errors))


def test_bad_fit_arguments_are_refused():
    x, quads = design((2, 2))
    with pytest.raises(ValueError, match="errors must be finite and > 0"):
        fit_bubbles(np.ones(len(quads)), np.zeros(len(quads)), x, quads)
    with pytest.raises(ValueError, match="same shape"):
        fit_bubbles(np.ones(3), np.ones(4), x, quads)

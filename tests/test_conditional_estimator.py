"""The one G4c estimator and its conditional (Rao-Blackwell) path: same expectation as the outputs path, smaller
variance, the same networks."""

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.networks.blocks import BlockGaussNetwork
from tensornn.networks.cp import StructuredNetwork
from tensornn.networks.scalar import ScalarNetwork
from tensornn.readings.design import quadruple_design
from tensornn.readings.measure import measure_four_point
from tensornn.structured.measure import (conditional_four_point, four_point_from_group_sums,
                                         supports_conditional)

RNG = np.random.default_rng(3)
DATA = RNG.standard_normal((40, 2, 3))


def _pulls(measured, exact):
    """Correlated chi^2 of measured - exact under the jackknife covariance, and its degrees of freedom."""
    r = measured.values - exact
    return float(r @ np.linalg.solve(measured.covariance, r)), len(r)


@pytest.mark.parametrize("rank", [1, None])
def test_conditional_estimate_agrees_with_the_exact_four_point_function(rank):
    # linear layer: the exact G4c is known (tensornn.correlators.cp_cumulants); 2^15 networks in 64 groups,
    # Q = 12 quadruples: chi^2 with 12 dof has mean 12 and sd 4.9; Hotelling's inflation (G-1)/(G-Q) ~ 1.2
    net = StructuredNetwork((2, 3), cp_rank=rank, width=3)
    design = quadruple_design(DATA, n_points=6, n_quadruples=12, seed=1)
    exact = net.exact_four_point(design.inputs, design.quadruples)
    m = measure_four_point(net, design, 1 << 15, seed=4, n_groups=64, estimator="conditional")
    assert m.estimator == "conditional"
    chi2, dof = _pulls(m, exact)
    assert chi2 < dof * 1.2 + 5 * np.sqrt(2 * dof)


def test_conditional_and_outputs_paths_read_the_same_networks_with_less_noise():
    # the same seed draws the same hidden weights: the two estimates differ only by the read-out's noise, and the
    # conditional errors are smaller at every quadruple
    net = StructuredNetwork((2, 3), cp_rank=None, width=4)
    design = quadruple_design(DATA, n_points=6, n_quadruples=12, seed=2)
    plain = measure_four_point(net, design, 1 << 14, seed=9, n_groups=32, estimator="outputs")
    cond = measure_four_point(net, design, 1 << 14, seed=9, n_groups=32)  # auto -> conditional
    assert cond.estimator == "conditional" and plain.estimator == "outputs"
    assert np.all(cond.error < plain.error)
    assert np.median(plain.error / cond.error) > 2.0
    diff = cond.values - plain.values
    assert np.all(np.abs(diff) < 5 * plain.error)


@pytest.mark.parametrize("net, x", [
    (ScalarNetwork("erf", d_in=2, width=3, sigma_w=1.2, sigma_b=0.5), RNG.standard_normal((5, 2))),
    (BlockGaussNetwork((1, 2), width=3), 0.5 * RNG.standard_normal((5, 3))),
    (StructuredNetwork((2, 2), cp_rank=2, activation="tanh", width=3, sigma_b=0.3), RNG.standard_normal((5, 2, 2))),
])
def test_conditional_sampler_keeps_the_stream_and_averages_to_the_outputs_covariance(net, x):
    # the conditional covariance of the same draws: its mean over networks is the outputs' second moment (the
    # read-out integrated), within the Monte-Carlo error of the outputs path (4 standard errors)
    assert supports_conditional(net)
    f = net.block_sampler(x)(20000, np.random.default_rng(0)).copy()
    k = net.block_sampler(x, conditional=True)(20000, np.random.default_rng(0))
    assert k.shape == (20000, len(x), len(x))
    np.testing.assert_allclose(k, k.transpose(0, 2, 1))
    second = f.T @ f / len(f)
    se = np.sqrt(np.var(f[:, :, None] * f[:, None, :], axis=0) / len(f))
    assert np.all(np.abs(k.mean(axis=0) - second) < 4 * se + 1e-12)


def test_the_estimator_refuses_bad_group_sums_and_networks_without_a_conditional_path():
    q = np.array([[0, 0, 1, 1]])
    with pytest.raises(InvalidArgumentError, match="shape"):
        four_point_from_group_sums(q, np.zeros((3, 6, 1)), np.ones(3, dtype=int))
    with pytest.raises(InvalidArgumentError, match="2 groups"):
        four_point_from_group_sums(q, np.zeros((1, 7, 1)), np.ones(1, dtype=int))

    class Plain:
        def check_inputs(self, x):
            return np.asarray(x)

    with pytest.raises(InvalidArgumentError, match="conditional"):
        conditional_four_point(Plain(), np.zeros((2, 1)), q, 100)
    with pytest.raises(InvalidArgumentError, match="estimator"):
        measure_four_point(StructuredNetwork((2, 2)), quadruple_design(DATA[:, :2, :2], n_points=6, n_quadruples=8),
                           4096, n_groups=8, estimator="rao")

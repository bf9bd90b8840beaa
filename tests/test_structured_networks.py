"""StructuredNetwork: validation, the NetworkSpec contract, and O(n_1) x ... x O(n_d) invariance."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from tensornn.networks.sampling import sample_ensemble
from tensornn.networks import NetworkSpec
from tensornn.correlators.cp_cumulants import linear_four_point
from tensornn.networks import StructuredNetwork
from tensornn.structured import estimate_correlators

QUADRUPLES = np.array([[0, 1, 2, 3], [0, 0, 1, 1], [0, 0, 0, 0], [1, 2, 3, 3]])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(index_sizes=(2, 0)), r"index_sizes\[1\] must be >= 1, got 0"),
        (dict(index_sizes=()), "at least one index"),
        (dict(index_sizes=(2, 2), cp_rank=0), "cp_rank must be >= 1, got 0"),
        (dict(index_sizes=(2, 2), width=0), "width must be >= 1, got 0"),
        (dict(index_sizes=(2, 2), activation="swish"),
         "unknown activation 'swish'; valid choices are 'gauss'.*'linear'"),
        (dict(index_sizes=(2, 2), sigma_b=0.5, bias=False), "sigma_b=0.5 has no effect with bias=False"),
        (dict(index_sizes=(2, 2), bias=True), "bias=True needs sigma_b > 0"),
        (dict(index_sizes=(2, 2), sigma_w=-1.0), "sigma_w must be > 0"),
            (dict(index_sizes=(2, 2), sigma_w=0.0), "sigma_w must be > 0"),
    ],
)
def test_bad_configurations_are_refused_with_clear_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StructuredNetwork(**kwargs)


def test_input_shape_mismatch_names_both_shapes():
    net = StructuredNetwork((2, 3))
    with pytest.raises(ValueError, match=r"shape \(P, 2, 3\).*index_sizes=\(2, 3\), got shape \(4, 3, 2\)"):
        net.check_inputs(np.zeros((4, 3, 2)))
    with pytest.raises(ValueError, match=r"got shape \(6,\)"):
        net.sample_outputs(np.zeros(6), 3, np.random.default_rng(0))


def test_network_spec_contract_and_reproducible_streams():
    net = StructuredNetwork((2, 3), cp_rank=2, activation="erf", width=5, sigma_b=0.3, bias=True)
    assert isinstance(net, NetworkSpec)
    x = np.random.default_rng(0).standard_normal((3, 2, 3))
    a = net.sample_outputs(x, 10, np.random.default_rng(4))
    b = net.sample_outputs(x, 10, np.random.default_rng(4))
    assert a.shape == (10, 3) and np.array_equal(a, b)
    assert not np.array_equal(a, net.sample_outputs(x, 10, np.random.default_rng(5)))


def test_streamed_ensemble_of_a_structured_network_matches_exact_g2():
    # sample_ensemble (the shared streamed sampler) on a linear CP network: the group means of
    # f(x_a) f(x_b) scatter around s^2 <x_a, x_b>; tolerance 4 standard errors of the 32 group means
    # (products of Gaussian factors are heavy-tailed: over 30 seeds the pulls have mean -0.2 and standard
    # deviation up to 1.3 instead of 1, and one of those 90 checks exceeded 3 standard errors).
    net = StructuredNetwork((2, 2, 2), cp_rank=1, width=3, sigma_w=1.1, sigma_v=0.9)
    x = np.random.default_rng(2).standard_normal((3, 2, 2, 2))
    moments = sample_ensemble(net, x, 64 * 1024, seed=3, tuples=2)
    exact = net.sigma_v**2 * net.sigma_w**2 / 8 * np.einsum("pabc,qabc->pq", x, x)
    groups = moments.group_means()
    for a, b in [(0, 0), (0, 1), (1, 2)]:
        col = moments.column((a, b))
        error = groups[:, col].std(ddof=1) / np.sqrt(len(groups))
        assert abs(moments.mean((a, b)) - exact[a, b]) < 4 * error


def _product_rotation(x, seed):
    rng = np.random.default_rng(seed)
    out = x
    for c, n in enumerate(x.shape[1:], start=1):
        o = ortho_group.rvs(n, random_state=rng) if n > 1 else np.array([[-1.0]])
        out = np.moveaxis(np.tensordot(o, np.moveaxis(out, c, 0), axes=(1, 0)), 0, c)
    return out


def test_exact_cumulants_are_invariant_under_product_rotations_but_not_generic_ones():
    sizes = (2, 3, 2)
    x = np.random.default_rng(0).standard_normal((4, *sizes))
    net = StructuredNetwork(sizes, cp_rank=1, width=2)
    g4 = linear_four_point(net, x, QUADRUPLES)
    np.testing.assert_allclose(linear_four_point(net, _product_rotation(x, 1), QUADRUPLES), g4, rtol=1e-10)
    # A generic O(12) rotation of the flattened inputs keeps every <x_a, x_b> but not the bubbles.
    o = ortho_group.rvs(12, random_state=np.random.default_rng(2))
    generic = (x.reshape(4, 12) @ o.T).reshape(x.shape)
    assert np.max(np.abs(linear_four_point(net, generic, QUADRUPLES) - g4)) > 0.05 * np.max(np.abs(g4))


def test_nonlinear_network_law_is_invariant_under_product_rotations_in_monte_carlo():
    # erf, R = 2, with biases: no closed form. Correlators at x and at rotated x, from independent
    # seeds, must agree within 3 combined standard errors (sqrt(e1^2 + e2^2)).
    sizes = (2, 3)
    net = StructuredNetwork(sizes, cp_rank=2, activation="erf", width=2, sigma_w=2.0, sigma_v=1.0,
                            sigma_b=0.5, bias=True)
    x = np.random.default_rng(3).standard_normal((4, *sizes))
    a = estimate_correlators(net, x, QUADRUPLES, 200_000, seed=1, n_blocks=50)
    b = estimate_correlators(net, _product_rotation(x, 4), QUADRUPLES, 200_000, seed=2, n_blocks=50)
    z4 = (a.g4c - b.g4c) / np.hypot(a.g4c_error, b.g4c_error)
    z2 = (a.g2 - b.g2) / np.hypot(a.g2_error, b.g2_error)
    assert np.max(np.abs(z4)) < 3.0 and np.max(np.abs(z2)) < 3.0, (z2, z4)
    # Teeth: the connected 4-point function is resolved.
    assert np.max(np.abs(a.g4c) / a.g4c_error) > 5.0


@pytest.mark.parametrize("activation", ["gauss", "exp", "relu", "erf"])
def test_every_activation_samples_finite_outputs(activation):
    net = StructuredNetwork((2, 2), cp_rank=2, activation=activation, width=3, sigma_w=1.0)
    out = net.sample_outputs(0.1 * np.ones((2, 2, 2)), 50, np.random.default_rng(0))
    assert out.shape == (50, 2) and np.all(np.isfinite(out))


def test_gauss_two_point_matches_the_normalised_kernel_for_dense_weights():
    # Dense weights: <W, x> is Gaussian with variance sigma_w^2 |x|^2 / n, so the normalised Gauss
    # activation gives E f(x) f(y) = sigma_v^2 exp(-sigma_w^2 |x - y|^2 / (2 n)) exactly.
    net = StructuredNetwork((2, 2), cp_rank=None, activation="gauss", width=2, sigma_w=1.5, sigma_v=1.0)
    x = 0.5 * np.random.default_rng(1).standard_normal((3, 2, 2))
    est = estimate_correlators(net, x, QUADRUPLES[:1] % 3, 100_000, seed=5, n_blocks=50, centred=False)
    flat = x.reshape(3, 4)
    exact = np.exp(-1.5**2 * np.sum((flat[:, None] - flat[None]) ** 2, axis=-1) / (2 * 4))
    assert np.max(np.abs((est.g2 - exact) / est.g2_error)) < 3.0


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    rank=st.one_of(st.none(), st.integers(1, 4)),
    seed=st.integers(0, 2**31 - 1),
)
def test_exact_g4c_is_invariant_under_any_product_rotation(sizes, rank, seed):
    x = np.random.default_rng(seed).standard_normal((4, *sizes))
    net = StructuredNetwork(sizes, cp_rank=rank, width=3)
    g4 = linear_four_point(net, x, QUADRUPLES)
    rotated = linear_four_point(net, _product_rotation(x, seed + 1), QUADRUPLES)
    np.testing.assert_allclose(rotated, g4, rtol=1e-9, atol=1e-9 * np.max(np.abs(g4)))

"""Deep networks: sampling (stream, reproducibility, one layer bit for bit), kernels and the model face.

Truth used here: the one-layer families' own samplers and kernels (a deep network of depth 1 must be them), a
plain numpy implementation of the documented random stream, the closed-form compositions of the arc-cosine
(ReLU) and arcsine (erf) kernels written out independently below, and Monte Carlo against the kernel recursion
with its 1/width correction (delta, exact to O(1/n^2)).
"""

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tensornn.correlators.depth import measure_layers
from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.networks import BlockGaussNetwork, ScalarNetwork, StructuredNetwork
from tensornn.networks.deep import DeepNetwork, deep_model
from tensornn.networks.deep_recursions import kernel_correction
from tensornn.networks.input_layers import BlockInput, CPInput, DenseInput
from tensornn.networks.model import Model, get_model
from tensornn.networks.sampling import sample_ensemble

X2 = np.array([[0.5, 1.0], [-0.7, 0.2], [0.3, -0.4]])


def _moments(net, x, n=3000, **kw):
    return sample_ensemble(net, x, n, seed=11, block_size=256, n_groups=4, **kw).group_sums


# ---------------------------------------------------------------------------------------------- one hidden layer
@pytest.mark.parametrize("activation, sigma_b", [("relu", 0.4), ("erf", 0.0), ("gauss", 0.3), ("exp", 0.0),
                                                 ("tanh", 0.2), ("linear", 0.5), ("gelu", 0.0)])
def test_one_hidden_layer_is_the_scalar_network_bit_for_bit(activation, sigma_b):
    x = np.array([[0.1], [0.3], [-0.2]])
    deep = DeepNetwork(activation, (7,), 1, sigma_w=1.3, sigma_b=sigma_b, sigma_v=0.9)
    one = ScalarNetwork(activation, 1, 7, 1.3, sigma_b, sigma_v=0.9)
    np.testing.assert_array_equal(_moments(deep, x), _moments(one, x))
    # closed-form kernel maps agree to rounding; tanh's map is a quadrature whose K(a, b) and K(b, a) differ by
    # 1e-13 (its stated accuracy is 1e-9), and the recursion symmetrises
    tolerance = 1e-15 if activation != "tanh" else 1e-12
    np.testing.assert_allclose(deep.kernel(x), one.kernel(x), rtol=tolerance, atol=tolerance)


def test_one_hidden_layer_is_the_structured_and_block_networks_bit_for_bit():
    xt = np.random.default_rng(0).standard_normal((3, 2, 3))
    cp = DeepNetwork("erf", (5,), CPInput((2, 3), 2), sigma_w=1.1, sigma_b=0.2)
    np.testing.assert_array_equal(_moments(cp, xt), _moments(StructuredNetwork((2, 3), 2, "erf", 5, 1.1, None, 0.2), xt))
    dense = DeepNetwork("relu", (5,), CPInput((2, 3), None))
    np.testing.assert_array_equal(_moments(dense, xt), _moments(StructuredNetwork((2, 3), None, "relu", 5), xt))
    block = DeepNetwork("gauss", (4,), BlockInput((1, 1), (0.7, 1.3)))
    np.testing.assert_array_equal(_moments(block, X2), _moments(BlockGaussNetwork((1, 1), (0.7, 1.3), 4), X2))


# ---------------------------------------------------------------------------------------------- the deep stream
def _reference_outputs(net: DeepNetwork, x, n, rng):
    """The documented stream, written plainly: first layer (n_0, n, n_1), b1, W_l (n, n_l, n_{l-1}), b_l, read-out."""
    widths, scales = net.widths, net.input_layer.scales(net.sigma_w)
    xs = net.input_layer.flat(x) * scales
    w1 = rng.standard_normal((xs.shape[1], n * widths[0])).reshape(xs.shape[1], n, widths[0])
    z = np.einsum("pk,knj->njp", xs, w1)
    if net.bias:
        z = z + net.sigma_b * rng.standard_normal((n, widths[0]))[:, :, None]
    phi = net_activation(net)
    for l in range(1, net.depth):
        w = rng.standard_normal((n, widths[l], widths[l - 1]))
        z = net.sigma_w / math.sqrt(widths[l - 1]) * np.einsum("nij,njp->nip", w, phi(z))
        if net.bias:
            z = z + net.sigma_b * rng.standard_normal((n, widths[l]))[:, :, None]
    v = rng.standard_normal((n, 1, widths[-1]))
    f = net.sigma_v / math.sqrt(widths[-1]) * np.einsum("noj,njp->np", v, phi(z))
    if net.bias:
        f = f + net.sigma_b * rng.standard_normal(n)[:, None]
    return f


def net_activation(net):
    from tensornn.networks.activations import get_activation

    act = get_activation(net.activation)
    return lambda z: act(np.array(z, copy=True))


@pytest.mark.parametrize("net", [DeepNetwork("tanh", (5, 4, 3), 2, sigma_w=1.2, sigma_b=0.3, sigma_v=0.7),
                                 DeepNetwork("relu", (6, 6), 2, sigma_w=1.4)], ids=["tanh-bias", "relu"])
def test_deep_outputs_follow_the_documented_stream(net):
    got = net.sample_outputs(X2, 9, np.random.default_rng(5))
    want = _reference_outputs(net, X2, 9, np.random.default_rng(5))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)  # the same draws; rounding of the products


def test_deep_sampling_is_reproducible_for_any_chunk_size_and_executor():
    net = DeepNetwork("erf", (6, 5, 4), 2, sigma_w=1.3, sigma_b=0.2)
    serial = _moments(net, X2, 2000)
    np.testing.assert_array_equal(serial, _moments(net, X2, 2000, chunk_size=300))
    with ThreadPoolExecutor(2) as pool:
        np.testing.assert_array_equal(serial, _moments(net, X2, 2000, executor=pool))


def test_the_probe_sees_the_networks_output_in_its_last_layer():
    net = DeepNetwork("relu", (5, 4), 2, sigma_w=1.4, sigma_b=0.1)
    probe = net.layer_probe("units")
    seen = probe.sample_outputs(probe.check_inputs(X2), 6, np.random.default_rng(3))
    np.testing.assert_array_equal(seen[:, -3:], net.sample_outputs(X2, 6, np.random.default_rng(3)))
    with pytest.raises(InvalidArgumentError, match="probe.check_inputs"):
        probe.sample_outputs(X2, 2, np.random.default_rng(0))


# ---------------------------------------------------------------------------------------------- kernels
def _arccos_step(k, cw, cb):
    d = np.sqrt(np.diag(k))
    cos = np.clip(k / np.outer(d, d), -1, 1)
    t = np.arccos(cos)
    return cb + cw / (2 * np.pi) * np.outer(d, d) * (np.sin(t) + (np.pi - t) * cos)


def _arcsin_step(k, cw, cb):
    d = 1 + 2 * np.diag(k)
    return cb + cw * 2 / np.pi * np.arcsin(2 * k / np.sqrt(np.outer(d, d)))


@pytest.mark.parametrize("depth", [3, 5])
@pytest.mark.parametrize("activation, step", [("relu", _arccos_step), ("erf", _arcsin_step)])
def test_deep_kernels_are_the_closed_form_compositions(activation, step, depth):
    net = DeepNetwork(activation, (8,) * depth, 2, sigma_w=1.3, sigma_b=0.4, sigma_v=0.8)
    k = 0.16 + 1.69 * X2 @ X2.T / 2
    for cw in net.weight_variances:
        k = step(k, cw, 0.16)
    np.testing.assert_allclose(net.kernel(X2), k, rtol=1e-12, atol=0)


@pytest.mark.parametrize("depth", [3, 5])
@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_deep_kernels_agree_with_monte_carlo(activation, depth):
    """G2(x, x) of every layer, measured with the conditional estimator, against K + delta (O(1/n^2) left: below
    3e-4 relative at n = 32, from the size of delta, |delta / K| < 0.2 / n); 4 standard errors."""
    net = DeepNetwork(activation, (32,) * depth, 2, sigma_w=1.5, sigma_b=0.2)
    x = X2[:1]
    m = measure_layers(net, x, 12_000, seed=4, block_size=500, n_groups=24)
    kernels = net.layer_kernels(x)[:, 0, 0]
    k1 = kernels[0]
    delta = kernel_correction(activation, k1, net.weight_variances, net.bias_variance, net.layer_widths)
    z = (m.g2[:, 0] - kernels - delta) / m.g2_error[:, 0]
    assert np.all(np.abs(z[1:]) < 4), z


def test_kernel_of_a_cp_first_layer_is_known_for_linear_networks_only():
    xt = np.random.default_rng(1).standard_normal((3, 2, 2))
    linear = DeepNetwork("linear", (4, 4), CPInput((2, 2), 1), sigma_w=1.2, sigma_b=0.3)
    flat = xt.reshape(3, 4)
    k = 0.09 + 1.44 * flat @ flat.T / 4
    for cw in linear.weight_variances:
        k = 0.09 + cw * k
    np.testing.assert_allclose(linear.kernel(xt), k, rtol=1e-14)
    assert DeepNetwork("tanh", (4, 4), CPInput((2, 2), 1)).kernel(xt) is None
    assert DeepNetwork("tanh", (4, 4), CPInput((2, 2), None)).kernel(xt) is not None  # dense: Gaussian


# ---------------------------------------------------------------------------------------------- the model face
def test_deep_networks_are_registered_models_that_rebuild_from_their_dict():
    for net in (get_model("deep", activation="tanh", width=6, depth=3, d_in=2, sigma_b=0.1),
                get_model("deep", activation="relu", widths=(4, 5), index_sizes=(2, 3), cp_rank=2),
                get_model("deep", activation="erf", widths=(3,), block_sizes=(1, 2), sigma_blocks=(0.5, 1.0))):
        assert isinstance(net, Model)
        assert get_model(**net.to_dict()) == net
        assert "law invariant under" in net.describe()
    assert get_model("deep", activation="relu", widths=(4, 5), index_sizes=(2, 3)).symmetry == "O(2) x O(3)"
    assert get_model("deep", activation="relu", width=3, depth=2, d_in=6).symmetry == "O(6)"


def test_moments_of_deep_exponential_networks_are_infinite():
    assert "infinite" in DeepNetwork("exp", (4, 4)).moment_problem(2)
    assert DeepNetwork("exp", (4,)).moment_problem(4) is None  # one layer: log-normal, all moments finite
    assert DeepNetwork("tanh", (4, 4, 4)).moment_problem(8) is None


def test_bad_parameters_are_refused_with_the_fix():
    with pytest.raises(InvalidArgumentError, match="valid choices"):
        DeepNetwork("sigmoid-x", (3,))
    with pytest.raises(InvalidArgumentError, match="at least one hidden layer"):
        DeepNetwork("relu", ())
    with pytest.raises(InvalidArgumentError, match=r"widths\[1\]"):
        DeepNetwork("relu", (3, 0))
    with pytest.raises(InvalidArgumentError, match="sigma_b"):
        DeepNetwork("relu", (3,), sigma_b=0.5, bias=False)
    with pytest.raises(InvalidArgumentError, match="width=N and depth=L"):
        deep_model(activation="relu", width=3)
    with pytest.raises(InvalidArgumentError, match="contradicts"):
        deep_model(activation="relu", widths=(3, 3), depth=3)
    with pytest.raises(InvalidArgumentError, match="one input layer"):
        deep_model(activation="relu", width=3, depth=2, d_in=2, index_sizes=(2, 2))
    with pytest.raises(InvalidArgumentError, match=r"shape \(P, d_in\)"):
        DeepNetwork("relu", (3, 3), 2).check_inputs(np.ones((2, 3)))
    with pytest.raises(InvalidArgumentError, match="quadruples"):
        DeepNetwork("relu", (3, 3), 2).leading_four_point(X2, [[0, 1, 2, 3]])
    with pytest.raises(InvalidTypeError, match="input_layer"):
        DeepNetwork("relu", (3,), input_layer="dense")
    assert DenseInput(3).symmetry == "O(3)"


def test_conditional_covariances_are_those_of_the_outputs():
    """block_sampler(conditional=True) returns Ghat^(L+1) for the same draws: E[Ghat] = E[f f^T] (4 s.e. of the
    output products), and the covariance probe's last layer is the same matrix."""
    net = DeepNetwork("tanh", (5, 4), 2, sigma_b=0.3)
    s = net.block_sampler(X2, conditional=True)(40_000, np.random.default_rng(0))
    f = net.block_sampler(X2)(40_000, np.random.default_rng(0))
    products = f[:, :, None] * f[:, None, :]
    err = products.std(axis=0) / math.sqrt(len(f))
    assert np.all(np.abs(s.mean(axis=0) - products.mean(axis=0)) < 4 * err)
    probe = net.layer_probe("covariances")
    cov = probe.sample_outputs(probe.check_inputs(X2), 50, np.random.default_rng(1))[:, -6:]
    upper = np.triu_indices(3)
    np.testing.assert_array_equal(cov, net.block_sampler(X2, conditional=True)(50, np.random.default_rng(1))[:, upper[0],
                                                                                                         upper[1]])

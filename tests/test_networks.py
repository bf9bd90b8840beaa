"""ScalarNetwork: validation, parameter laws, Gauss-net stability, the NetworkSpec protocol."""

import pickle

import numpy as np
import pytest

from tensornn import InvalidArgumentError, InvalidTypeError
from tensornn.networks import NetworkSpec, ScalarNetwork
from tensornn.networks.activations import activation_names

SCALAR_ACTIVATIONS = activation_names(closed_kernel=True)


def test_is_a_network_spec_and_picklable():
    net = ScalarNetwork("gauss", d_in=2, width=5, sigma_w=1.0, sigma_b=0.3)
    assert isinstance(net, NetworkSpec)
    assert pickle.loads(pickle.dumps(net)) == net


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(activation="swish"), InvalidArgumentError, "valid choices are 'gauss', 'exp', 'erf', 'relu'"),
        (dict(width=-3), InvalidArgumentError, "width must be >= 1"),
        (dict(width=0), InvalidArgumentError, "width must be >= 1"),
        (dict(width=2.5), InvalidTypeError, "width must be an integer"),
        (dict(d_in=0), InvalidArgumentError, "d_in must be >= 1"),
        (dict(sigma_w=0.0), InvalidArgumentError, "sigma_w must be > 0"),
        (dict(sigma_w=float("nan")), InvalidArgumentError, "sigma_w must be finite"),
        (dict(sigma_b=-1.0), InvalidArgumentError, "sigma_b must be >= 0"),
        (dict(sigma_b=float("inf")), InvalidArgumentError, "sigma_b must be finite"),
        (dict(bias="yes"), InvalidTypeError, "bias must be None, True or False"),
    ],
)
def test_bad_specifications_raise(kwargs, error, match):
    base = dict(activation="erf", d_in=1, width=3, sigma_w=1.0, sigma_b=0.0)
    base.update(kwargs)
    with pytest.raises(error, match=match):
        ScalarNetwork(**base)


def test_check_inputs_shapes_and_errors():
    net1 = ScalarNetwork("relu", d_in=1, width=3, sigma_w=1.0)
    assert net1.check_inputs([0.1, 0.2, 0.3]).shape == (3, 1)
    net3 = ScalarNetwork("relu", d_in=3, width=3, sigma_w=1.0)
    assert net3.check_inputs([0.1, 0.2, 0.3]).shape == (1, 3)
    assert net3.check_inputs(np.zeros((4, 3))).shape == (4, 3)
    with pytest.raises(InvalidArgumentError, match=r"shape \(P, d_in\) = \(P, 3\), got shape \(4, 2\)"):
        net3.check_inputs(np.zeros((4, 2)))
    with pytest.raises(InvalidArgumentError, match="finite"):
        net1.check_inputs([0.1, np.nan])
    with pytest.raises(InvalidArgumentError, match="at least one input"):
        net1.check_inputs(np.zeros((0, 1)))
    with pytest.raises(InvalidArgumentError, match="n_networks must be >= 1"):
        net1.sample_outputs([0.1], 0, np.random.default_rng(0))
    with pytest.raises(InvalidTypeError, match="rng must be a numpy Generator"):
        net1.sample_outputs([0.1], 3, 0)


def test_parameter_laws_linear_readout_moments():
    # With ReLU on x = e_1 and no bias, f = sum_j W1_j max(W0_j1 sigma_w... ): the variance of the output is
    # sigma_w^2 E[max(z,0)^2] = sigma_w^2 (sigma_w^2 / d_in) / 2 -- checks both weight variances at once.
    net = ScalarNetwork("relu", d_in=4, width=7, sigma_w=1.5, bias=False)
    f = net.sample_outputs(np.eye(4)[:1], 200_000, np.random.default_rng(5))[:, 0]
    expected = 1.5**2 * (1.5**2 / 4) / 2
    se = f.var() * np.sqrt(2 / len(f)) * 3  # kurtosis of f is at most ~3x Gaussian here; generous 3x factor
    assert abs(f.var() - expected) < 3 * se
    # The output bias alone: a zero-width-like check via sigma_b with a tiny sigma_w.
    net_b = ScalarNetwork("erf", d_in=1, width=1, sigma_w=1e-8, sigma_b=2.0)
    fb = net_b.sample_outputs([[0.0]], 100_000, np.random.default_rng(6))[:, 0]
    assert abs(fb.var() - 4.0) < 3 * 4.0 * np.sqrt(2 / len(fb))  # Gaussian variance has se sigma^2 sqrt(2/n)


@pytest.mark.parametrize("activation", SCALAR_ACTIVATIONS)
def test_two_point_function_matches_kernel(activation):
    # One hidden layer: E f(x) f(y) = K(x, y) at every width (docs/theory/nn_qft.md). Six entries per activation and four
    # activations make 24 comparisons: a per-entry bound of 4 standard errors keeps the family-wise false-alarm
    # rate below 0.2% (the 3-standard-error check on the streamed ensemble is in test_ensemble.py).
    net = ScalarNetwork(activation, d_in=2, width=4, sigma_w=1.2, sigma_b=0.4)
    x = np.array([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]])
    f = net.sample_outputs(x, 100_000, np.random.default_rng(11))
    prod = f[:, :, None] * f[:, None, :]
    mean, se = prod.mean(axis=0), prod.std(axis=0) / np.sqrt(len(f))
    assert np.all(np.abs(mean - net.kernel_matrix(x)) < 4 * se)


def test_bias_false_zeroes_biases():
    with pytest.raises(InvalidArgumentError, match="no effect with bias=False"):
        ScalarNetwork("relu", d_in=1, width=3, sigma_w=1.0, sigma_b=5.0, bias=False)
    net = ScalarNetwork("relu", d_in=1, width=3, sigma_w=1.0, bias=False)
    assert net.effective_sigma_b == 0.0
    f = net.sample_outputs([[0.0]], 10, np.random.default_rng(0))
    np.testing.assert_array_equal(f, 0.0)  # relu(0) = 0 and no output bias


def test_gauss_net_is_finite_at_large_sigma_and_inputs():
    net = ScalarNetwork("gauss", d_in=3, width=20, sigma_w=100.0, sigma_b=1.0)
    x = np.array([[50.0, -30.0, 10.0], [0.0, 0.0, 0.0], [1e3, 1e3, 1e3]])
    with np.errstate(over="raise", invalid="raise"):
        f = net.sample_outputs(x, 100, np.random.default_rng(2))
    assert np.all(np.isfinite(f))


def test_same_generator_state_same_outputs():
    net = ScalarNetwork("erf", d_in=2, width=6, sigma_w=1.0, sigma_b=0.2)
    x = np.array([[0.1, 0.2], [0.3, -0.1]])
    a = net.sample_outputs(x, 50, np.random.default_rng(9))
    b = net.sample_outputs(x, 50, np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)

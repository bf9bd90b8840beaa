"""The model contract: every family answers for its own theory, through one registry.

Truth used here: the exact one-layer formulas computed by their own functions (g4_connected_exact, the linear
cumulants, the factorised block Gauss-net), the scalar network on the flattened input for Gaussian
pre-activations, and the closed form of the moment condition E exp(t g1 g2) = (1 - t^2)^(-1/2).
"""

import math

import numpy as np
import pytest

from tensornn.correlators.exact import g4_connected_exact, g4_connected_oracle
from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.networks import BlockGaussNetwork, ScalarNetwork, StructuredNetwork
from tensornn.networks.model import (
    MODELS,
    Model,
    get_model,
    model_names,
    register_model,
    unregister_model,
)
from tensornn.readings import GaussProductSpace, IndexSpace, quartic_classes
from tensornn.readings.oracles import block_gauss_four_point_factorised, has_oracle
from tensornn.correlators.cp_cumulants import linear_four_point, linear_two_point

RNG = np.random.default_rng(8)
X1 = RNG.normal(size=(5, 2))
XT = RNG.normal(size=(5, 2, 3))
QUADS = np.array([[0, 1, 2, 3], [0, 0, 1, 1], [4, 2, 2, 0]])

# (the covariances of the nonlinear examples have rank <= 2 at every quadruple, so their quadratures are quick)
EXAMPLES = [
    get_model("scalar", activation="exp", d_in=1, width=3, sigma_w=1.2, sigma_b=0.3),
    get_model("scalar", activation="tanh", d_in=2, width=3, sigma_w=0.8, sigma_v=1.5),
    get_model("block-gauss", block_sizes=(1, 1), sigma_blocks=(0.7, 1.3), width=4),
    get_model("cp", index_sizes=(2, 3), cp_rank=2, activation="linear", width=5, sigma_w=1.1),
    get_model("dense", index_sizes=(1, 2), activation="relu", width=5),
]


@pytest.mark.parametrize("model", EXAMPLES, ids=lambda m: m.describe())
def test_every_family_is_a_model_that_rebuilds_from_its_dict(model):
    assert isinstance(model, Model)
    assert get_model(**model.to_dict()) == model
    assert isinstance(model.describe(), str) and model.describe()
    assert model.moment_problem(4) is None
    x = RNG.normal(size=(5, *model.input_shape))
    k = model.kernel(x)
    assert k.shape == (5, 5) and np.allclose(k, k.T)
    g4 = model.exact_four_point(x, QUADS)
    assert g4.shape == (3,) and np.all(np.isfinite(g4))
    np.testing.assert_array_equal(model.leading_four_point(x, QUADS), g4)  # one hidden layer: exactly 1/N


def test_registry_lookup_errors_list_the_valid_names_and_parameters():
    assert model_names()[:4] == ("scalar", "block-gauss", "cp", "dense")
    with pytest.raises(InvalidArgumentError, match="valid choices are 'scalar', 'block-gauss', 'cp', 'dense'"):
        get_model("deep-cnn", width=3)
    with pytest.raises(InvalidArgumentError, match="unknown parameter.*'cp_rank'.*valid parameters are 'activation'"):
        get_model("scalar", activation="erf", d_in=1, width=2, sigma_w=1.0, cp_rank=2)
    with pytest.raises(InvalidArgumentError, match="needs the parameter.*'d_in'"):
        get_model("scalar", activation="erf", width=2, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="width"):
        get_model("cp", index_sizes=(2, 2), width=0)  # the family validates its values
    with pytest.raises(InvalidArgumentError, match="built-in"):
        register_model("scalar", lambda **kw: None)
    with pytest.raises(InvalidTypeError, match="callable"):
        register_model("not-a-factory", 3)


def test_a_factory_must_return_a_model():
    register_model("broken-test", lambda width: object())
    try:
        with pytest.raises(InvalidTypeError, match="model contract"):
            get_model("broken-test", width=2)
    finally:
        unregister_model("broken-test")
    assert "broken-test" not in MODELS


def test_scalar_theory_face_is_the_exact_one_layer_theory():
    net = ScalarNetwork("relu", d_in=1, width=7, sigma_w=1.3, sigma_b=0.4, sigma_v=0.9)
    x = RNG.normal(size=(5, 1))
    np.testing.assert_array_equal(net.kernel(x), net.kernel_matrix(x))
    legs = [x[QUADS[:, i]] for i in range(4)]
    direct = (0.9 / 1.3) ** 4 * g4_connected_exact("relu", *legs, width=7, sigma_w=1.3, sigma_b=0.4)
    np.testing.assert_array_equal(net.exact_four_point(x, QUADS), direct)
    np.testing.assert_array_equal(g4_connected_oracle(net, *legs), direct)  # the oracle asks the model
    assert net.pattern_space() is None and net.exact_couplings(quartic_classes(1)) is None
    gauss = ScalarNetwork("gauss", d_in=2, width=7, sigma_w=1.3)
    assert isinstance(gauss.pattern_space(), GaussProductSpace)


def test_block_gauss_exact_four_point_matches_the_factorised_path():
    net = BlockGaussNetwork((2, 1), sigma_blocks=(0.8, 1.4), width=6, sigma_v=1.1)
    x = RNG.normal(size=(5, 3))
    np.testing.assert_allclose(net.exact_four_point(x, QUADS), block_gauss_four_point_factorised(net, x, QUADS),
                               rtol=1e-13)  # two independent formulas; rounding only
    assert isinstance(net.pattern_space(), GaussProductSpace)
    with pytest.warns(DeprecationWarning, match="kernel_w"):
        pair = net.kernel(x[0], x[1])
    assert float(pair) == pytest.approx(net.kernel(x)[0, 1], rel=1e-15)


def test_structured_kernel_and_oracles():
    linear = StructuredNetwork((2, 3), cp_rank=1, width=4, sigma_w=1.2, sigma_v=0.7)
    # the same inner products summed in another order: rounding, relative to the largest entry
    np.testing.assert_allclose(linear.kernel(XT), linear_two_point(linear, XT), rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(linear.exact_four_point(XT, QUADS), linear_four_point(linear, XT, QUADS))
    assert isinstance(linear.pattern_space(), IndexSpace)
    assert set(linear.exact_couplings(quartic_classes(2))) == {c.name for c in quartic_classes(2)}
    # a nonlinear CP layer on two indices has a non-Gaussian pre-activation: nothing exact
    cp = StructuredNetwork((2, 3), cp_rank=1, activation="relu", width=4)
    assert cp.kernel(XT) is None and cp.exact_four_point(XT, QUADS) is None and not has_oracle(cp)
    assert cp.exact_couplings(quartic_classes(2)) is None
    # dense weights, or one index: the scalar network on the flattened input with the read-out scale
    flat = XT.reshape(5, 6)
    pairs = np.array([[0, 0, 1, 1], [2, 3, 2, 3]])  # covariance rank 2 with the bias: the angular rule, exact
    scalar = ScalarNetwork("relu", d_in=6, width=4, sigma_w=1.0, sigma_b=0.5, sigma_v=2.0)
    for net in (StructuredNetwork((2, 3), cp_rank=None, activation="relu", width=4, sigma_b=0.5, sigma_v=2.0),
                StructuredNetwork((6,), cp_rank=3, activation="relu", width=4, sigma_b=0.5, sigma_v=2.0)):
        x = flat.reshape(5, *net.index_sizes)
        np.testing.assert_allclose(net.kernel(x), scalar.kernel(flat), rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(net.exact_four_point(x, pairs), scalar.exact_four_point(flat, pairs), rtol=1e-12)
        assert has_oracle(net)


def test_moment_problem_of_exponential_cp_layers():
    # d >= 3: E exp(t g1 g2 g3) is infinite for t != 0, so no moment exists at a nonzero input
    three = StructuredNetwork((2, 2, 2), cp_rank=2, activation="gauss", width=3)
    assert "infinite at every nonzero input" in three.moment_problem(1)
    assert three.moment_problem(4, inputs=np.zeros((2, 2, 2, 2))) is None
    # d = 2: E|f|^k finite exactly when k sigma_w sigma_max(x) < sqrt(n R) (E exp(t g1 g2) = (1 - t^2)^(-1/2))
    two = StructuredNetwork((2, 3), cp_rank=3, activation="exp", width=3, sigma_w=1.5)
    bound = math.sqrt(6 * 3) / (4 * 1.5)
    direction = np.zeros((1, 2, 3))
    direction[0, 0, 0] = 1.0  # sigma_max = its scale
    assert two.moment_problem(4, inputs=0.999 * bound * direction) is None
    reason = two.moment_problem(4, inputs=1.001 * bound * direction)
    assert "sigma_max" in reason and f"{bound:.4g}" in reason
    assert two.moment_problem(2, inputs=1.001 * bound * direction) is None  # the second moment still exists
    assert "pass inputs" in two.moment_problem(4)
    # bounded or linear activations, dense weights, one index: every moment is finite
    assert StructuredNetwork((2, 2, 2), activation="tanh").moment_problem(8) is None
    assert StructuredNetwork((2, 2, 2), cp_rank=None, activation="exp").moment_problem(8) is None
    assert StructuredNetwork((4,), cp_rank=2, activation="exp").moment_problem(8) is None
    with pytest.raises(InvalidArgumentError, match="order"):
        two.moment_problem(0)


def test_the_bilinear_moment_generating_function():
    # E exp(t g1 g2) = E_g2 exp(t^2 g2^2 / 2) = (1 - t^2)^(-1/2): Gauss-Hermite in g2 at t = 0.6
    nodes, weights = np.polynomial.hermite_e.hermegauss(120)
    t = 0.6
    value = np.sum(weights * np.exp(0.5 * t**2 * nodes**2)) / math.sqrt(2 * math.pi)
    assert value == pytest.approx((1 - t**2) ** -0.5, rel=1e-10)


def test_a_hidden_layer_hands_its_values_to_a_deeper_network():
    # activations() gives act(z) of the same draws evaluate() reads out: reading them out by hand agrees to rounding
    from tensornn.networks.activations import get_activation
    from tensornn.networks.layers import HiddenLayer

    for k in (2, 7):  # the biases folded into the product (small k) and added afterwards
        x = RNG.normal(size=(5, k))
        layer = HiddenLayer(x, width=6, activation=get_activation("tanh"), bias_scale=0.3, readout_scale=0.5)
        layer.prepare(300)
        rng = np.random.default_rng(1)
        for target in (layer.first_layer(), layer.bias0(), layer.readout(), layer.bias1()):
            rng.standard_normal(out=target)
        h = layer.activations()
        by_hand = 0.5 * np.einsum("mpj,mj->mp", h, layer.readout()) + 0.3 * layer.bias1()[:, None]
        np.testing.assert_allclose(layer.evaluate(), by_hand, rtol=1e-13, atol=1e-15)
        assert h.shape == (300, 5, 6) and np.all(np.abs(h) < 1)

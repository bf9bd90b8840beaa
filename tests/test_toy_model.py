"""A network family added from outside the package: one registered model and one activation, no edit elsewhere.

The toy is a one-hidden-layer network on vector inputs with its own activation (softsign, z / (1 + |z|),
registered with a quadrature kernel map) and its own sampler. Registered through the model registry it runs
through the streamed ensemble sampler, its kernel, the exact-oracle paths of the correlators and the readings
(which ask the model), and the compare configuration (which builds networks through the registry).
Truth: the Monte-Carlo 2- and 4-point functions of the toy's own sampler, within four jackknife standard errors.
"""

import math
from dataclasses import dataclass

import numpy as np
import pytest

from tensornn.compare import CompareConfig
from tensornn.compare.networks import compared_networks
from tensornn.correlators import four_point, two_point
from tensornn.correlators.exact import g4_connected_exact, g4_connected_oracle
from tensornn.data import load_data
from tensornn.errors import ConfigError, InvalidTypeError
from tensornn.networks import StructuredNetwork, get_model, register_activation, register_model
from tensornn.networks.activations import get_activation, unregister_activation
from tensornn.networks.gaussian import quadrature_kernel_map
from tensornn.networks.model import Model, ModelBase, quadruple_legs, unregister_model
from tensornn.networks.sampling import sample_ensemble
from tensornn.readings import exact_four_point, has_oracle, pattern_space


def softsign(z):
    return z / (1.0 + np.abs(z))


@dataclass(frozen=True)
class ToyNetwork(ModelBase):
    """f(x) = sum_j v_j softsign(w_j . x), w ~ N(0, sigma_w^2 / d_in), v ~ N(0, sigma_w^2 / N)."""

    d_in: int
    width: int
    sigma_w: float = 1.0
    one_hidden_layer = True

    @property
    def input_shape(self):
        return (self.d_in,)

    def check_inputs(self, inputs):
        x = np.asarray(inputs, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.d_in:
            raise ValueError(f"inputs must have shape (P, {self.d_in})")
        return x

    def sample_outputs(self, inputs, n_networks, rng, *, dtype=np.float64):
        x = self.check_inputs(inputs)
        w = rng.standard_normal((n_networks, self.width, self.d_in)) * (self.sigma_w / math.sqrt(self.d_in))
        v = rng.standard_normal((n_networks, self.width)) * (self.sigma_w / math.sqrt(self.width))
        return np.einsum("mj,mjp->mp", v, softsign(np.einsum("mjd,pd->mjp", w, x))).astype(dtype)

    def kernel(self, inputs):
        x = self.check_inputs(inputs)
        s = self.sigma_w**2 * (x @ x.T) / self.d_in
        diag = np.diagonal(s)
        return self.sigma_w**2 * get_activation("softsign-toy").kernel_map(diag[:, None], diag[None, :], s)

    def exact_four_point(self, inputs, quadruples):
        legs = quadruple_legs(self.check_inputs(inputs), quadruples)
        return g4_connected_exact("softsign-toy", *legs, width=self.width, sigma_w=self.sigma_w)

    def moment_problem(self, order=4):
        return None  # Gaussian pre-activations, bounded activation

    def describe(self):
        return f"toy softsign network, d_in = {self.d_in}, N = {self.width}"

    def to_dict(self):
        return {"model": "toy", "d_in": self.d_in, "width": self.width, "sigma_w": self.sigma_w}


@pytest.fixture
def toy():
    register_activation("softsign-toy", softsign, derivative=lambda z: 1.0 / (1.0 + np.abs(z)) ** 2,
                        kernel_map=quadrature_kernel_map(softsign), growth="bounded")
    register_model("toy", ToyNetwork, description="a one-hidden-layer softsign network (test)")
    register_model("cp-toy", lambda index_sizes, width, sigma_w: StructuredNetwork(index_sizes, 1, "linear", width,
                                                                                     sigma_w))
    yield
    unregister_model("cp-toy")
    unregister_model("toy")
    unregister_activation("softsign-toy")


def test_a_registered_toy_model_samples_and_answers_for_its_theory(toy):
    net = get_model("toy", d_in=2, width=3, sigma_w=1.5)
    assert isinstance(net, Model) and get_model(**net.to_dict()) == net
    x = np.array([[0.9, -0.4], [0.2, 1.1], [-0.7, -0.6]])
    moments = sample_ensemble(net, x, 65_536, seed=3)  # 64 blocks in 32 jackknife groups
    k = net.kernel(x)
    for a, b in [(0, 0), (0, 1), (1, 2), (2, 2)]:
        est = two_point(moments, (a, b))
        assert abs(est.value - k[a, b]) < 4 * est.stderr
    quads = np.array([[0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 2, 2]])
    exact = exact_four_point(net, x, quads)  # the readings' oracle path asks the model
    np.testing.assert_array_equal(g4_connected_oracle(net, *[x[quads[:, i]] for i in range(4)]), exact)
    assert has_oracle(net)
    for q, value in zip(quads, exact):
        est = four_point(moments, tuple(q), warn=False)
        assert abs(est.value - value) < 4 * est.stderr, (q, est, value)
    with pytest.raises(InvalidTypeError, match="pattern"):
        pattern_space(net)  # no closed-form amputation patterns: the readings say so


def test_the_compare_configuration_chooses_networks_through_the_registry(toy):
    data = load_data("synthetic")
    (item,) = compared_networks(CompareConfig(networks=("cp-toy",), width=5, method="exact"), data)
    assert item.network == StructuredNetwork(data.index_sizes, 1, "linear", 5, 1.0) and item.mass_exponent == -4.0
    with pytest.raises(ConfigError, match="cannot read data with several indices"):
        CompareConfig(networks=("toy",))

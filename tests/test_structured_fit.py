"""Fits of the linear structured network's G4c on the quartic bubbles (the tensornn.readings path).

Exact oracle fits must return the couplings of the first-order tensor action to rounding; Monte-Carlo
fits (2^17 networks in 128 groups, GLS with cross-fitted couplings) must put every coupling within 3
standard errors of its exact value. The design is the shared random design of the structured tests.
"""

import numpy as np
import pytest

from _structured_design import design

from tensornn.readings import QuadrupleDesign, read_network
from tensornn.networks import StructuredNetwork
from tensornn.readings.content import linear_tensor_action


def _design(sizes):
    x, quads = design(sizes)
    return QuadrupleDesign(x, np.arange(len(x)), quads, "random")


def test_exact_values_give_the_couplings_of_the_tensor_action():
    net = StructuredNetwork((2, 2, 2), cp_rank=3, width=2, sigma_w=1.1, sigma_v=0.9)
    result = read_network(net, design=_design((2, 2, 2)), readings=("tensor",))
    tensor = result.readings["tensor"]
    exact = linear_tensor_action(net).couplings
    assert tensor.fits and tensor.relative_residual < 1e-12
    for name, c in tensor.couplings.items():
        assert c.value == pytest.approx(exact[name], rel=1e-9)


@pytest.mark.parametrize("sizes, rank, width", [((2, 3), 1, 2), ((2, 2, 2), 1, 4), ((2, 2, 2), 3, 2)])
def test_monte_carlo_fit_recovers_the_exact_couplings(sizes, rank, width):
    net = StructuredNetwork(sizes, cp_rank=rank, width=width)
    result = read_network(net, design=_design(sizes), method="monte-carlo", readings=("tensor",), seed=3)
    pulls = [c.pull for c in result.readings["tensor"].couplings.values()]
    assert max(abs(p) for p in pulls) < 3.0, result.text()


def test_dense_network_needs_only_the_double_trace():
    net = StructuredNetwork((2, 2, 2), cp_rank=None, width=2)
    result = read_network(net, design=_design((2, 2, 2)), method="monte-carlo", seed=4)
    assert result.selected == "vector", result.text()
    tensor = result.readings["tensor"].couplings
    assert all(abs(c.value) < 3 * c.error for name, c in tensor.items() if name != "double trace")


def test_rank_one_network_needs_the_pillow():
    net = StructuredNetwork((2, 3), cp_rank=1, width=2)
    result = read_network(net, design=_design((2, 3)), method="monte-carlo", seed=5)
    pillow = result.readings["tensor"].couplings["pillow(1)"]
    assert abs(pillow.value) > 3 * pillow.error and result.selected == "tensor", result.text()

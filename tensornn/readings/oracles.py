"""Exact G4c of the networks that have one, and their exact couplings where the quartic action is known.

Each model answers for itself (:mod:`tensornn.networks.model`): ``exact_four_point`` and ``exact_couplings``.

- Linear StructuredNetwork without biases (any CP rank, dense):
  :func:`tensornn.correlators.cp_cumulants.linear_four_point`; its first-order tensor action (:func:`tensornn.readings.content.linear_tensor_action`) gives the exact
  couplings of the bubbles, and the local and mixed classes have coupling 0.
- StructuredNetwork with Gaussian pre-activations (dense weights, one index) and any other activation: the
  scalar network on the flattened input (d_in = n) with the read-out scale sigma_v in place of sigma_w, so
  G4c = (sigma_v/sigma_w)^4 times :func:`tensornn.correlators.exact.g4_connected_exact` at (sigma_w, sigma_b).
- ScalarNetwork and BlockGaussNetwork: the exact formula of one hidden layer (the block net through its
  preactivation covariance). Without biases the block net's G4c equals (sigma_v^4/N)[3 prod_c E4_c -
  sum_pi prod_c C_c(pi)] with, per colour, E4_c = exp(sum_{i<j} s^c_ij - sum_i s^c_ii / 2),
  C_c(a, b) = exp(s^c_ab - s^c_aa/2 - s^c_bb/2), s^c_ij = sigma_c^2 x_i^c . x_j^c / d_in
  (:func:`block_gauss_four_point_factorised`, the independent path).

Couplings are exact only for the linear network; for the others ``exact_couplings`` returns None (the
first-order action of a nonlinear network is not known in closed form).
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.model import quadruple_legs
from ..correlators.cp_cumulants import PAIRINGS

__all__ = ["exact_four_point", "exact_couplings", "block_gauss_four_point_factorised", "has_oracle"]


def _model(network):
    if not hasattr(network, "exact_four_point"):
        raise InvalidTypeError(
            f"network must be a network model (tensornn.networks.model), got {type(network).__name__}")
    return network


def has_oracle(network) -> bool:
    """Whether the model knows its G4c exactly (``exact_four_point`` is not None; asked once, at a zero input)."""
    shape = getattr(_model(network), "input_shape", None)
    if shape is None:
        return False
    return network.exact_four_point(np.zeros((1, *shape)), np.zeros((1, 4), dtype=int)) is not None


def exact_four_point(network, inputs, quadruples) -> np.ndarray | None:
    """The exact connected G4c at the quadruples, shape (Q,), or None: the model's ``exact_four_point``."""
    return _model(network).exact_four_point(inputs, quadruples)


def block_gauss_four_point_factorised(network, inputs, quadruples) -> np.ndarray:
    """(sigma_v^4/N)[3 prod_c E4_c - sum_pi prod_c C_c(pi)] of a bias-free block Gauss-net (module docstring)."""
    if network.bias:
        raise InvalidArgumentError("the factorised form holds without biases; use exact_four_point with biases")
    x = network.check_inputs(inputs)
    legs = quadruple_legs(x, quadruples)
    d_in = network.d_in
    e4 = np.ones(len(legs[0]))
    paired = [np.ones(len(legs[0])) for _ in PAIRINGS]
    start = 0
    for size, sigma in zip(network.block_sizes, network.sigma_blocks):
        block = [leg[:, start:start + size] for leg in legs]
        start += size
        s = np.array([[sigma**2 * np.sum(block[i] * block[j], axis=1) / d_in for j in range(4)] for i in range(4)])
        e4 = e4 * np.exp(sum(s[i, j] for i in range(4) for j in range(i + 1, 4)) - sum(s[i, i] for i in range(4)) / 2)
        for k, pairing in enumerate(PAIRINGS):
            for i, j in pairing:
                paired[k] = paired[k] * np.exp(s[i, j] - s[i, i] / 2 - s[j, j] / 2)
    return network.sigma_v**4 / network.width * (3.0 * e4 - sum(paired))


def exact_couplings(network, classes) -> dict | None:
    """{class name: lambda_V} of the first-order action where it is known exactly, else None: the model's
    ``exact_couplings`` (for the linear bias-free StructuredNetwork lambda_B = -W_B / (4! N s^4), in the
    normalisation of :mod:`tensornn.readings.patterns`)."""
    if not hasattr(network, "exact_couplings"):
        raise InvalidTypeError(
            f"network must be a network model (tensornn.networks.model), got {type(network).__name__}")
    return network.exact_couplings(classes)

"""Exact G4c of the networks that have one, and their exact couplings where the quartic action is known.

- Linear StructuredNetwork without biases (any CP rank, dense): :func:`tensornn.structured.linear_four_point`;
  its first-order tensor action (:func:`tensornn.structured.linear_tensor_action`) gives the exact
  couplings of the bubbles, and the local and mixed classes have coupling 0.
- Dense StructuredNetwork with any other activation: it is the scalar network on the flattened input
  (d_in = n) with the read-out scale sigma_v in place of sigma_w, so G4c = (sigma_v/sigma_w)^4 times
  :func:`tensornn.exact.g4_connected_exact` at (sigma_w, sigma_b).
- ScalarNetwork and BlockGaussNetwork: :func:`tensornn.correlators.exact.g4_connected_oracle`, the one exact
  path of the package (the block net through its preactivation covariance). Without biases the block net's
  G4c equals (sigma_v^4/N)[3 prod_c E4_c - sum_pi prod_c C_c(pi)] with, per colour,
  E4_c = exp(sum_{i<j} s^c_ij - sum_i s^c_ii / 2), C_c(a, b) = exp(s^c_ab - s^c_aa/2 - s^c_bb/2),
  s^c_ij = sigma_c^2 x_i^c . x_j^c / d_in (:func:`block_gauss_four_point_factorised`, the independent path).

Couplings are exact only for the linear network; for the others ``exact_couplings`` returns None (the
first-order action of a nonlinear network is not known in closed form).
"""

from __future__ import annotations

import numpy as np

from ..correlators.exact import g4_connected_exact, g4_connected_oracle
from ..errors import InvalidArgumentError
from ..networks.blocks import BlockGaussNetwork
from ..networks.cp import StructuredNetwork
from ..networks.scalar import ScalarNetwork
from ..structured.content import linear_tensor_action
from ..structured.cumulants import PAIRINGS, linear_four_point

__all__ = ["exact_four_point", "exact_couplings", "block_gauss_four_point_factorised", "has_oracle"]


def _legs(x: np.ndarray, quadruples) -> list[np.ndarray]:
    q = np.asarray(quadruples, dtype=int)
    if q.ndim != 2 or q.shape[1] != 4 or (q.size and (q.min() < 0 or q.max() >= len(x))):
        raise InvalidArgumentError(f"quadruples must be an int array (Q, 4) with entries in 0..{len(x) - 1}")
    return [x[q[:, i]] for i in range(4)]


def has_oracle(network) -> bool:
    """Whether :func:`exact_four_point` knows this network's G4c in closed form (or by quadrature)."""

    if isinstance(network, StructuredNetwork):
        if network.activation == "linear":
            return not network.bias
        return network.dense and network.sigma_w > 0
    return isinstance(network, (BlockGaussNetwork, ScalarNetwork))


def exact_four_point(network, inputs, quadruples) -> np.ndarray | None:
    """The exact connected G4c at the quadruples, shape (Q,), or None when the network has no oracle."""

    if not has_oracle(network):
        return None
    x = network.check_inputs(inputs)
    if isinstance(network, StructuredNetwork):
        if network.activation == "linear" and not network.bias:
            return linear_four_point(network, x, quadruples)
        flat = x.reshape(len(x), -1)
        ratio = (network.sigma_v / network.sigma_w) ** 4
        return ratio * g4_connected_exact(network.activation, *_legs(flat, quadruples), width=network.width,
                                          sigma_w=network.sigma_w, sigma_b=network.sigma_b, bias=network.bias)
    return g4_connected_oracle(network, *_legs(x, quadruples))


def block_gauss_four_point_factorised(network, inputs, quadruples) -> np.ndarray:
    """(sigma_v^4/N)[3 prod_c E4_c - sum_pi prod_c C_c(pi)] of a bias-free block Gauss-net (module docstring)."""
    if network.bias:
        raise InvalidArgumentError("the factorised form holds without biases; use exact_four_point with biases")
    x = network.check_inputs(inputs)
    legs = _legs(x, quadruples)
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
    """{class name: lambda_V} of the first-order action where it is known exactly, else None.

    For the linear bias-free StructuredNetwork the bubbles carry lambda_B = -W_B / (4! N s^4)
    (:func:`tensornn.structured.linear_tensor_action`) in the normalisation of
    :mod:`tensornn.readings.patterns` (propagator scale s^2 = sigma_v^2 sigma_w^2 / n); local and mixed
    classes are absent (0). A colour-merged class (whose vertex is the mean of its members' vertices)
    gets the sum of its members' couplings when they are all equal; otherwise None is returned.
    """

    if not (isinstance(network, StructuredNetwork) and network.activation == "linear" and not network.bias):
        return None
    action = linear_tensor_action(network)
    out = {}
    for c in classes:
        values = [action.couplings.get(name, 0.0) for name in c.members]
        if max(values) - min(values) > 1e-12 * max(1.0, max(abs(v) for v in values)):
            return None
        out[c.name] = float(sum(values))
    return out

"""What every network family shares: the sampling protocol and one vocabulary for its scales.

The vocabulary, the same in every family (:class:`~tensornn.networks.scalar.ScalarNetwork`,
:class:`~tensornn.networks.blocks.BlockGaussNetwork`, :class:`~tensornn.networks.cp.StructuredNetwork`):

- ``sigma_w``: the first-layer weight scale, E[W0_a^2] = sigma_w^2 / n_in (n_in the number of input
  components);
- ``sigma_v``: the read-out scale, W1_j ~ N(0, sigma_v^2 / N); ``None`` means ``sigma_v = sigma_w``
  (the convention of Halverson, Maiti and Stoner, where one sigma_W sets both layers);
- ``sigma_b`` and ``bias``: the biases b0_j, b1 ~ N(0, sigma_b^2) are present exactly when
  ``sigma_b > 0``; ``bias=None`` (the default) follows sigma_b, ``bias=True`` with sigma_b = 0 and
  ``bias=False`` with sigma_b > 0 are refused as contradictory. Absent biases are not drawn at all;
- ``width``: the hidden width N; ``n_networks``: the ensemble size, in every function and flag.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from .._checks import check_real
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["NetworkSpec", "resolve_bias", "resolve_readout"]


@runtime_checkable
class NetworkSpec(Protocol):
    """What :func:`tensornn.networks.sampling.sample_ensemble` needs from a network family.

    Implementations must be picklable (they are shipped to worker processes) and must draw all
    their randomness from the ``rng`` they are given, in an order that depends only on
    ``n_networks`` and the inputs' shape, so a block of networks is reproducible anywhere.
    """

    def check_inputs(self, inputs) -> np.ndarray:
        """Validate ``inputs`` and return them as a float array of shape (P, ...)."""

    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_networks`` independent networks and return their outputs, shape (n_networks, P)."""


def resolve_bias(sigma_b, bias) -> tuple[float, bool]:
    """Validate ``sigma_b`` (finite, >= 0) and ``bias`` (None, True or False) together.

    Returns
    -------
    (sigma_b, bias) with ``bias == (sigma_b > 0)``.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        A negative or non-finite sigma_b, a non-bool bias, or a contradiction (bias=True with
        sigma_b = 0, bias=False with sigma_b > 0).
    """
    sigma_b = check_real("sigma_b", sigma_b, minimum=0.0)
    if bias is None:
        return sigma_b, sigma_b > 0.0
    if not isinstance(bias, (bool, np.bool_)):
        raise InvalidTypeError(f"bias must be None, True or False, got {bias!r}")
    if bool(bias) and sigma_b == 0.0:
        raise InvalidArgumentError("bias=True needs sigma_b > 0, got sigma_b=0.0; set sigma_b or drop bias=True")
    if not bool(bias) and sigma_b != 0.0:
        raise InvalidArgumentError(
            f"sigma_b={sigma_b} has no effect with bias=False; pass sigma_b=0.0, or drop bias=False"
        )
    return sigma_b, bool(bias)


def resolve_readout(sigma_v, sigma_w: float) -> float:
    """The read-out scale: ``sigma_w`` when ``sigma_v`` is None, else ``sigma_v`` checked (finite, >= 0)."""
    return float(sigma_w) if sigma_v is None else check_real("sigma_v", sigma_v, minimum=0.0)

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

from .._checks import check_scale
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["NetworkSpec", "resolve_bias", "resolve_readout", "via_block_sampler"]


@runtime_checkable
class NetworkSpec(Protocol):
    """What :func:`tensornn.networks.sampling.sample_ensemble` needs from a network family.

    Implementations must be picklable (they are shipped to worker processes) and must draw all
    their randomness from the ``rng`` they are given, in an order that depends only on
    ``n_networks`` and the inputs' shape, so a block of networks is reproducible anywhere.
    A ``dtype`` keyword of ``sample_outputs`` (float64 or float32) enables
    ``sample_ensemble(..., precision="float32")``; a ``block_sampler`` method marked by
    :func:`via_block_sampler` lets the sampler reuse buffers across blocks.
    """

    def check_inputs(self, inputs) -> np.ndarray:
        """Validate ``inputs`` and return them as a float array of shape (P, ...)."""

    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_networks`` independent networks and return their outputs, shape (n_networks, P)."""


def via_block_sampler(sample_outputs):
    """Mark a family's ``sample_outputs`` as ``self.block_sampler(inputs, dtype=dtype)(n_networks, rng)``.

    A family may also offer ``block_sampler(inputs, *, dtype) -> sampler(n, rng)``: the inputs validated
    once and buffers reused from block to block. :func:`tensornn.networks.sampling.sample_ensemble` then
    prepares one block sampler per task instead of calling ``sample_outputs`` per block, which gives the
    same numbers. It does so only when ``sample_outputs`` carries this mark, so a subclass or a patch
    that replaces ``sample_outputs`` is still what gets called.
    """
    sample_outputs.via_block_sampler = True
    return sample_outputs


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
    sigma_b = check_scale("sigma_b", sigma_b, allow_zero=True)
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
    """The read-out scale: ``sigma_w`` when ``sigma_v`` is None, else ``sigma_v`` checked (finite, > 0).

    A zero read-out would make every output 0 and every normalised quantity 0/0.
    """
    return float(sigma_w) if sigma_v is None else check_scale("sigma_v", sigma_v)

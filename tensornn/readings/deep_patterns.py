"""The amputation space of deep linear networks on tensor inputs: an index space whose mass runs with depth.

A linear network without biases of L hidden layers on a CP or dense tensor first layer has the kernel
K(x, y) = s^2 <x, y> with s^2 = sigma_w^(2L) sigma_v^2 / n: its readings amputate on the index space of the
one-layer network (:class:`tensornn.readings.patterns.IndexSpace`) with that propagator scale. Its infrared mass
m^2 = 1 / (s^2 lambda_max) then scales as sigma_w^p with p = -(2L + 2) when the read-out scale follows sigma_w and
p = -2L when it is fixed (L = 1: the one-layer -4 and -2).
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import check_count
from .patterns import IndexSpace

__all__ = ["DeepIndexSpace"]


@dataclass(frozen=True)
class DeepIndexSpace(IndexSpace):
    """:class:`~tensornn.readings.patterns.IndexSpace` of a deep linear network of ``depth`` hidden layers.

    Examples
    --------
    >>> DeepIndexSpace((2, 2), 1.0, depth=3).mass_exponent(True)
    -8.0
    """

    depth: int = 1

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "depth", check_count("depth", self.depth))

    def mass_exponent(self, readout_follows_sigma_w: bool) -> float:
        """p in m^2 ~ sigma_w^p: -(2L + 2) with the read-out scale following sigma_w, -2L with it fixed."""
        return -(2.0 * self.depth + 2.0) if readout_follows_sigma_w else -2.0 * self.depth

"""The amputation space of deep linear networks on tensor inputs: an index space whose mass runs with depth.

A linear network without biases of L hidden layers on a CP or dense tensor first layer has the kernel
K(x, y) = s^2 <x, y> with s^2 = sigma_w^(2L) sigma_v^2 / n: its readings amputate on the index space of the
one-layer network (:class:`tensornn.readings.patterns.IndexSpace`) with that propagator scale. Its infrared mass
m^2 = 1 / (s^2 lambda_max) then scales as sigma_w^p with p = -(2L + 2) when the read-out scale follows sigma_w and
p = -2L when it is fixed (L = 1: the one-layer -4 and -2).

This is the only deep network with amputation patterns, consistent with the one-layer rule of
:mod:`tensornn.readings.patterns` (amputate with the network's own propagator, or refuse): one hidden layer defers to
its one-layer family (the index space when linear, the kernel space of a dense nonlinear layer, the refusal of a
nonlinear CP layer); L >= 2 nonlinear layers have the recursion kernel K^(L) as propagator, but their G4c involves
the four-point vertex V^(L) of the Roberts-Yaida recursion (docs/theory/depth.md) and a non-Gaussian last
pre-activation, for which no pattern basis is implemented, so none is claimed and the readings refuse them (their
``pattern_space()`` is None, never the linear propagator); the symmetry of their law is still testable without a
basis (:func:`tensornn.readings.symmetry.symmetry_test`).
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

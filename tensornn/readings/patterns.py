"""Amputation patterns A_V(x1..x4) of the quartic classes, on an index space or for a Gauss product kernel.

Every class V (:mod:`tensornn.readings.classes`) has the pattern

    A_V(x1, x2, x3, x4) = 4! x (1 / mult_V) sum_{t in V} prod_c shape_c(t_c)(x1..x4)   x (propagator scale)^4,

so that a first-order quartic action S_4 = sum_V lambda_V V[phi] gives G4c = - sum_V lambda_V A_V.
The per-colour shapes depend on the space the field lives on.

Index space (a CP-structured or dense layer on tensor inputs, the linear propagator G(x, a) = s^2 x_a):
colour c indices of the four input tensors are identified along pi_c (pairing) or all four are set
equal (local), and all indices are summed. For tuples without local colours this is the contraction
I_pi of :func:`tensornn.correlators.cp_cumulants.contraction`; the all-local tuple gives sum_a x1_a x2_a x3_a x4_a.
The propagator scale is s^2 (for :class:`~tensornn.networks.cp.StructuredNetwork`, s^2 = sigma_v^2 sigma_w^2 / n,
the exact G2 / <x, y> of the linear network; for other activations it is a convention that fixes the
units of the couplings, not the readings).

Gauss product kernel (block Gauss-nets; the scalar Gauss-net is one block): K_w(x, y) = sigma_v^2
prod_c exp(-a_c |x^c - y^c|^2), a_c = sigma_c^2 / (2 d_in), x^c in R^{D_c}. Then, in closed form,

    local_c     = int d^{D_c}y prod_{i=1..4} exp(-a_c |x_i^c - y|^2)
                = (pi / (4 a_c))^{D_c/2} exp(-a_c sum_i |x_i^c - xbar^c|^2),
    pairing_c   = prod_{(i,j) in pi_c} int d^{D_c}y exp(-a_c |x_i^c - y|^2 - a_c |x_j^c - y|^2)
                = prod_{(i,j) in pi_c} (pi / (2 a_c))^{D_c/2} exp(-a_c |x_i^c - x_j^c|^2 / 2),

and the propagator scale is sigma_v^2 (the read-out scale). The all-local pattern is 4! x
:func:`tensornn.couplings.amputate` (its coupling is u4/4!).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import opt_einsum

from .._checks import check_array, check_index_sizes, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.model import quadruple_legs
from ..correlators.cp_cumulants import PAIRINGS
from .classes import LOCAL

__all__ = ["IndexSpace", "GaussProductSpace", "amputation_patterns", "pattern_space"]

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"


@functools.lru_cache(maxsize=512)
def _index_expression(t: tuple[int, ...], index_sizes: tuple[int, ...], batch: int):
    """Compiled contraction of four (batch, n_1..n_d) legs along the tuple t (LOCAL or pairing per colour)."""
    legs = [["Z"] for _ in range(4)]
    letters = iter(_LETTERS)
    for p in t:
        if p == LOCAL:
            letter = next(letters)
            for leg in legs:
                leg.append(letter)
        else:
            for u, v in PAIRINGS[p]:
                letter = next(letters)
                legs[u].append(letter)
                legs[v].append(letter)
    shape = (batch, *index_sizes)
    return opt_einsum.contract_expression(",".join("".join(leg) for leg in legs) + "->Z", *([shape] * 4))


@dataclass(frozen=True)
class IndexSpace:
    """Fields on the index space of tensor inputs (n_1, ..., n_d), propagator s^2 x_a.

    Parameters
    ----------
    index_sizes : tuple of int
    propagator_scale : float
        s^2 > 0.
    """

    index_sizes: tuple
    propagator_scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "index_sizes", check_index_sizes(self.index_sizes))
        object.__setattr__(self, "propagator_scale", check_real("propagator_scale", self.propagator_scale,
                                                               positive=True))

    kind = "index"

    @property
    def order(self) -> int:
        return len(self.index_sizes)

    def mass_exponent(self, readout_follows_sigma_w: bool) -> float:
        """p in m^2 ~ sigma_w^p: m^2 = 1/(s^2 lambda_max) with s^2 = sigma_v^2 sigma_w^2 / n, so p = -4 when the
        read-out scale follows sigma_w and -2 when it is fixed."""
        return -4.0 if readout_follows_sigma_w else -2.0

    def check_inputs(self, inputs) -> np.ndarray:
        x = check_array("inputs", inputs)
        if x.shape[1:] != self.index_sizes or x.ndim != self.order + 1:
            raise InvalidArgumentError(
                f"inputs must have shape (P, {', '.join(map(str, self.index_sizes))}) on this index space, "
                f"got {x.shape}"
            )
        return x

    def tuple_patterns(self, tuples, inputs, quadruples) -> np.ndarray:
        """The labelled contractions prod_c shape_c(t_c) for every tuple, shape (Q, len(tuples))."""
        legs = quadruple_legs(self.check_inputs(inputs), quadruples)
        batch = legs[0].shape[0]
        return np.stack([_index_expression(tuple(int(p) for p in t), self.index_sizes, batch)(*legs)
                         for t in tuples], axis=1)


@dataclass(frozen=True)
class GaussProductSpace:
    """Fields on continuum colours R^{D_c} with the Gauss kernel sigma_W^2 prod_c exp(-a_c |x^c - y^c|^2).

    Parameters
    ----------
    block_sizes : tuple of int
        (D_1, ..., D_d); inputs have d_in = sum D_c components, blocks in order.
    widths : tuple of float
        a_c > 0 per colour (sigma_c^2 / (2 d_in) for a block Gauss-net).
    amplitude : float
        sigma_W^2 > 0, the propagator scale.
    """

    block_sizes: tuple
    widths: tuple
    amplitude: float = 1.0

    def __post_init__(self):
        try:
            sizes = tuple(check_int(f"block_sizes[{c}]", n, minimum=1) for c, n in enumerate(self.block_sizes))
            widths = tuple(check_real(f"widths[{c}]", a, positive=True) for c, a in enumerate(self.widths))
        except TypeError:
            raise InvalidTypeError("block_sizes and widths must be sequences with one entry per colour") from None
        if not sizes or len(sizes) != len(widths):
            raise InvalidArgumentError(
                f"block_sizes and widths need one entry per colour, got {len(sizes)} and {len(widths)}"
            )
        object.__setattr__(self, "block_sizes", sizes)
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "amplitude", check_real("amplitude", self.amplitude, positive=True))

    kind = "gauss"

    @property
    def order(self) -> int:
        return len(self.block_sizes)

    def mass_exponent(self, readout_follows_sigma_w: bool) -> float:
        """p in m^2 ~ sigma_w^p: m^2 = A/Z = 2 sigma_c^2 / d_in whatever the read-out scale, so p = 2."""
        return 2.0

    @property
    def propagator_scale(self) -> float:
        return self.amplitude

    @classmethod
    def from_blocks(cls, block_sizes, sigma_blocks, sigma_v: float) -> "GaussProductSpace":
        """The space of a block Gauss-net: a_c = sigma_c^2 / (2 d_in), amplitude sigma_v^2 (the read-out scale)."""
        d_in = sum(block_sizes)
        return cls(tuple(block_sizes), tuple(s**2 / (2.0 * d_in) for s in sigma_blocks), sigma_v**2)

    def check_inputs(self, inputs) -> np.ndarray:
        x = check_array("inputs", inputs)
        d_in = sum(self.block_sizes)
        if x.ndim != 2 or x.shape[1] != d_in:
            raise InvalidArgumentError(f"inputs must have shape (P, {d_in}) (d_in = sum of block_sizes), got {x.shape}")
        return x

    def _shapes(self, legs) -> list[np.ndarray]:
        """Per colour, shape (4, Q): local, then the three pairings."""
        out, start = [], 0
        for size, a in zip(self.block_sizes, self.widths):
            block = [leg[:, start:start + size] for leg in legs]
            start += size
            mean = sum(block) / 4.0
            spread = sum(np.sum((b - mean) ** 2, axis=1) for b in block)
            shapes = [(math.pi / (4.0 * a)) ** (size / 2) * np.exp(-a * spread)]
            for pairing in PAIRINGS:
                value = np.ones(block[0].shape[0])
                for i, j in pairing:
                    value = value * (math.pi / (2.0 * a)) ** (size / 2) * np.exp(
                        -0.5 * a * np.sum((block[i] - block[j]) ** 2, axis=1))
                shapes.append(value)
            out.append(np.stack(shapes))
        return out

    def tuple_patterns(self, tuples, inputs, quadruples) -> np.ndarray:
        """prod_c shape_c(t_c) for every tuple, shape (Q, len(tuples))."""
        legs = quadruple_legs(self.check_inputs(inputs), quadruples)
        shapes = self._shapes(legs)
        cols = []
        for t in tuples:
            value = np.ones(legs[0].shape[0])
            for c, p in enumerate(t):
                value = value * shapes[c][0 if p == LOCAL else int(p) + 1]
            cols.append(value)
        return np.stack(cols, axis=1)


def amputation_patterns(space, classes, inputs, quadruples) -> np.ndarray:
    """A_V at the quadruples for every class V, shape (Q, K) (module docstring).

    Parameters
    ----------
    space : IndexSpace or GaussProductSpace
    classes : sequence of QuarticPatternClass
        From :func:`tensornn.readings.quartic_classes` of the space's order.
    inputs : array
        (P, n_1..n_d) on an index space, (P, d_in) for a Gauss product kernel.
    quadruples : int array, shape (Q, 4)

    Returns
    -------
    ndarray, shape (Q, K)
    """
    if not isinstance(space, (IndexSpace, GaussProductSpace)):
        raise InvalidTypeError(f"space must be an IndexSpace or a GaussProductSpace, got {type(space).__name__}")
    classes = tuple(classes)
    orders = {len(c.tuples[0]) for c in classes}
    if orders != {space.order}:
        raise InvalidArgumentError(f"the classes are for d = {sorted(orders)} colours, the space has d = {space.order}")
    tuples = [t for c in classes for t in c.tuples]
    labelled = space.tuple_patterns(tuples, inputs, quadruples)
    scale = 24.0 * space.propagator_scale**4
    out, start = np.empty((labelled.shape[0], len(classes))), 0
    for k, c in enumerate(classes):
        out[:, k] = scale * labelled[:, start:start + c.multiplicity].mean(axis=1)
        start += c.multiplicity
    return out


def pattern_space(network):
    """The space of a network's fields, where its readings amputate: the model's ``pattern_space()``.

    An IndexSpace for a StructuredNetwork, a GaussProductSpace for a block Gauss-net or a scalar Gauss-net (one
    block); a model without closed-form patterns answers None, and this function then refuses it.

    Raises
    ------
    InvalidTypeError
        Not a model, or a model without amputation patterns.
    """
    space = network.pattern_space() if hasattr(network, "pattern_space") else None
    if space is None:
        what = network.describe() if hasattr(network, "describe") else type(network).__name__
        raise InvalidTypeError(
            f"no amputation patterns for {type(network).__name__} ({what}): its pattern_space() is None; patterns "
            "exist on index spaces and for Gauss product kernels: StructuredNetwork (index space), "
            "BlockGaussNetwork, ScalarNetwork('gauss')")
    return space

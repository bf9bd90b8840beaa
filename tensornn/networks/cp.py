"""Networks whose inputs carry several indices: the CP-structured first layer.

An input is a tensor x in R^{n_1 x ... x n_d}, n = prod_c n_c. Hidden unit j has first-layer weights

    W^j = (sigma_w / sqrt(n R)) sum_{r=1..R} u^{j,r,1} (x) ... (x) u^{j,r,d},   u entries iid N(0, 1),

so that E[W_a W_b] = sigma_w^2/n delta_ab, the second moment of a dense layer; ``cp_rank=None`` is the
dense layer W_a iid N(0, sigma_w^2/n) (the R -> infinity limit). The output is

    f(x) = b1 + (1/sqrt(N)) sum_j v_j act(<W^j, x> + b0_j),   v_j ~ N(0, sigma_v^2),

with sigma_v = sigma_w unless given and b0, b1 ~ N(0, sigma_b^2) when sigma_b > 0 (the vocabulary of
:mod:`tensornn.networks.spec`; docs/theory/structured_inputs.md). The law of f is invariant under rotations
O(n_1) x ... x O(n_d) of the input indices (and, for dense weights, under all of O(n)).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import opt_einsum

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .activations import activation_names, get_activation
from .spec import resolve_bias, resolve_readout

__all__ = ["StructuredNetwork", "STRUCTURED_ACTIVATIONS"]

#: Activations of the structured network (every registered one; "linear" is the exactly solvable case).
STRUCTURED_ACTIVATIONS = activation_names()

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Bound on the number of float64 elements of the largest intermediate of one sampling chunk.
_CHUNK_ELEMENTS = 1 << 21


def _index_sizes(value) -> tuple[int, ...]:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    try:
        sizes = tuple(value)
    except TypeError:
        raise InvalidTypeError(
            f"index_sizes must be a tuple of positive integers (n_1, ..., n_d), got {value!r}"
        ) from None
    if not sizes:
        raise InvalidArgumentError("index_sizes must name at least one index (d >= 1), got ()")
    if len(sizes) > 12:
        raise InvalidArgumentError(f"index_sizes supports at most 12 indices, got {len(sizes)}")
    return tuple(check_int(f"index_sizes[{c}]", n, minimum=1) for c, n in enumerate(sizes))


@functools.lru_cache(maxsize=64)
def _cp_expression(index_sizes: tuple[int, ...], n_inputs: int, n_networks: int, width: int, rank: int):
    """Compiled contraction z[m, j, p] = sum_{r, a} x[p, a_1..a_d] prod_c u_c[m, j, r, a_c]."""
    d = len(index_sizes)
    letters = _LETTERS[:d]
    terms = ["P" + letters] + [f"MJR{a}" for a in letters]
    shapes = [(n_inputs, *index_sizes)] + [(n_networks, width, rank, n) for n in index_sizes]
    return opt_einsum.contract_expression(",".join(terms) + "->MJP", *shapes)


@dataclass(frozen=True)
class StructuredNetwork:
    """One-hidden-layer network on tensor inputs with a CP-structured (or dense) first layer.

    Parameters
    ----------
    index_sizes : tuple of int
        (n_1, ..., n_d), the sizes of the input indices (colours); every n_c >= 1.
    cp_rank : int or None
        The CP rank R >= 1 of every first-layer weight tensor; None gives dense weights.
    activation : {"gauss", "exp", "erf", "relu", "linear"}
        "linear" is the identity. "gauss" is exp normalised per input as for the scalar Gauss-net, with
        the structured second moment: exp(z - sigma_b^2 - sigma_w^2 |x|^2 / n), computed in log space.
    width : int
        N >= 1, the number of hidden units.
    sigma_w : float
        First-layer scale (E W_a^2 = sigma_w^2 / n).
    sigma_v : float or None
        Read-out scale, v_j ~ N(0, sigma_v^2), with the 1/sqrt(N) in front of the sum; None means
        sigma_v = sigma_w.
    sigma_b : float
        Bias scale; b0_j and b1 (both N(0, sigma_b^2)) are present exactly when sigma_b > 0.
    bias : bool or None
        None follows sigma_b; a contradicting value is refused.

    Raises
    ------
    InvalidArgumentError
        Index sizes below 1, a rank below 1, a width below 1, a negative or non-finite scale, an
        unknown activation, or a bias scale inconsistent with ``bias``.

    Examples
    --------
    >>> net = StructuredNetwork((2, 3), cp_rank=1, width=4)
    >>> net.sample_outputs(np.ones((5, 2, 3)), 7, np.random.default_rng(0)).shape
    (7, 5)

    References
    ----------
    Halverson, Maiti, Stoner, arXiv:2008.08601 (NN-QFT); Kolda, Bader, SIAM Rev. 51 (2009) 455 (CP format).
    """

    index_sizes: tuple[int, ...]
    cp_rank: int | None = 1
    activation: str = "linear"
    width: int = 1
    sigma_w: float = 1.0
    sigma_v: float | None = None
    sigma_b: float = 0.0
    bias: bool | None = None

    def __post_init__(self):
        object.__setattr__(self, "index_sizes", _index_sizes(self.index_sizes))
        if self.cp_rank is not None:
            object.__setattr__(self, "cp_rank", check_int("cp_rank", self.cp_rank, minimum=1))
        get_activation(self.activation)
        object.__setattr__(self, "width", check_int("width", self.width, minimum=1))
        object.__setattr__(self, "sigma_w", check_real("sigma_w", self.sigma_w, minimum=0.0))
        object.__setattr__(self, "sigma_v", resolve_readout(self.sigma_v, self.sigma_w))
        sigma_b, bias = resolve_bias(self.sigma_b, self.bias)
        object.__setattr__(self, "sigma_b", sigma_b)
        object.__setattr__(self, "bias", bias)

    # ------------------------------------------------------------------ derived
    @property
    def order(self) -> int:
        """d, the number of input indices."""
        return len(self.index_sizes)

    @property
    def n_components(self) -> int:
        """n = prod_c n_c, the number of input components."""
        return math.prod(self.index_sizes)

    @property
    def dense(self) -> bool:
        """True for dense first-layer weights (``cp_rank=None``)."""
        return self.cp_rank is None

    # ------------------------------------------------------------------ NetworkSpec
    def check_inputs(self, inputs) -> np.ndarray:
        """Return ``inputs`` as a float array of shape (P, n_1, ..., n_d); raise naming both shapes."""
        try:
            x = np.asarray(inputs, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidTypeError(f"inputs must be an array of numbers, got {type(inputs).__name__}: {exc}") from None
        if x.ndim != self.order + 1 or x.shape[1:] != self.index_sizes:
            raise InvalidArgumentError(
                f"inputs must have shape (P, {', '.join(map(str, self.index_sizes))}) for index_sizes="
                f"{self.index_sizes}, got shape {x.shape}; reshape the inputs or change index_sizes"
            )
        if x.shape[0] == 0:
            raise InvalidArgumentError("inputs must contain at least one input point (P >= 1), got P = 0")
        if not np.all(np.isfinite(x)):
            raise InvalidArgumentError("inputs must contain only finite numbers (found NaN or inf)")
        return x

    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_networks`` independent networks and return their outputs, shape (n_networks, P).

        Memory is bounded: the networks are drawn in chunks whose largest intermediate has about
        2^21 elements; the random stream depends only on ``rng`` and ``n_networks``, not on P.
        """
        x = self.check_inputs(inputs)
        n_networks = check_int("n_networks", n_networks, minimum=1)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        per_network = self.width * max(x.shape[0], (self.cp_rank or 1) * max(self.index_sizes), self.n_components)
        chunk = max(1, _CHUNK_ELEMENTS // per_network)
        out = np.empty((n_networks, x.shape[0]))
        for start in range(0, n_networks, chunk):
            stop = min(n_networks, start + chunk)
            out[start:stop] = self._outputs(x, stop - start, rng)
        return out

    # ------------------------------------------------------------------ internals
    def _preactivations(self, x: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
        """<W^j, x> for m networks: shape (m, N, P)."""
        n, width = self.n_components, self.width
        if self.dense:
            weights = rng.standard_normal((m, width, n)) * (self.sigma_w / math.sqrt(n))
            return np.einsum("mjk,pk->mjp", weights, x.reshape(x.shape[0], n))
        rank = self.cp_rank
        factors = [rng.standard_normal((m, width, rank, size)) for size in self.index_sizes]
        expr = _cp_expression(self.index_sizes, x.shape[0], m, width, rank)
        return expr(x, *factors) * (self.sigma_w / math.sqrt(n * rank))

    def _outputs(self, x: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
        z = self._preactivations(x, m, rng)
        readout = rng.standard_normal((m, self.width)) * self.sigma_v
        if self.bias:
            z = z + self.sigma_b * rng.standard_normal((m, self.width, 1))
            b1 = self.sigma_b * rng.standard_normal((m, 1))
        h = self._activate(z, x)
        with np.errstate(invalid="ignore", over="ignore"):
            out = np.einsum("mj,mjp->mp", readout, h) / math.sqrt(self.width)
        return out + b1 if self.bias else out

    def _activate(self, z: np.ndarray, x: np.ndarray) -> np.ndarray:
        activation = get_activation(self.activation)
        if activation.normalised:  # Gauss: subtract the preactivation variance s(x, x), in log space
            norms = np.sum(x.reshape(x.shape[0], -1) ** 2, axis=1)
            z = z - (self.sigma_b**2 + self.sigma_w**2 * norms / self.n_components)
        return activation(z)

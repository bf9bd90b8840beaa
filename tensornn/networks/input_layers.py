"""The first layer of a deep network: how it reads the input (dense, colour blocks, or CP-structured).

Every input layer maps P inputs to the first-layer pre-activations z^(1)_j(x) = <W^j, x> (+ b^(1)_j, added by the
network) of n_1 hidden units, with E[<W, x><W, y>] = the first-layer kernel without its bias constant:

- :class:`DenseInput` (d_in): W_k ~ N(0, sigma_w^2 / d_in) i.i.d.; K^(1)_w(x, y) = sigma_w^2 x.y / d_in. Its law is
  invariant under O(d_in) acting on the inputs.
- :class:`BlockInput` (block_sizes, sigma_blocks): the input split into colour blocks x = (x^1, ..., x^d), block c
  with W ~ N(0, sigma_c^2 / d_in); K^(1)_w = sum_c sigma_c^2 x^c.y^c / d_in. Invariant under O(D_1) x ... x O(D_d)
  (all of O(d_in) when every sigma_c is equal).
- :class:`CPInput` (index_sizes, cp_rank): tensor inputs x in R^{n_1 x ... x n_d}, W^j of CP rank R,
  W^j = (sigma_w / sqrt(n R)) sum_r u^{j,r,1} (x) ... (x) u^{j,r,d}, u i.i.d. N(0, 1), so that E[W_a W_b] =
  sigma_w^2 delta_ab / n as for a dense layer; ``cp_rank=None`` is the dense layer on the flattened tensor. The law
  of z^(1) is not Gaussian for finite R; it is invariant under O(n_1) x ... x O(n_d) only.

An input layer draws its weights for m networks at once, component-major ((n_0, m n_1): one row per input
component), so that z^(1) is one matrix product of the scaled inputs with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_index_sizes, check_int, check_scale
from ..errors import InvalidArgumentError, InvalidTypeError
from .cp import cp_weight_matrix
from .layers import prefix_buffer

__all__ = ["DenseInput", "BlockInput", "CPInput", "InputLayer", "as_input_layer"]


def _inputs_2d(inputs, d_in: int) -> np.ndarray:
    x = check_array("inputs", inputs)
    if x.ndim == 0:
        x = x.reshape(1, 1)
    elif x.ndim == 1:
        x = x[:, None] if d_in == 1 else x[None, :]
    if x.ndim != 2 or x.shape[1] != d_in:
        raise InvalidArgumentError(
            f"inputs must have shape (P, d_in) = (P, {d_in}), got shape {x.shape}; put one input per row")
    if x.shape[0] == 0:
        raise InvalidArgumentError("inputs must contain at least one input, got none")
    return x


class _DenseWeights:
    """What the dense and the block layers share: i.i.d. Gaussian weights, scaled per input component."""

    gaussian = True

    def _blocks(self) -> tuple[int, ...]:
        raise NotImplementedError

    def _sigmas(self, sigma_w: float) -> tuple[float, ...]:
        raise NotImplementedError

    @property
    def n_components(self) -> int:
        return sum(self._blocks())

    def check_inputs(self, inputs) -> np.ndarray:
        """Inputs as a float array (P, d_in) (a 1-d array is P scalars when d_in = 1, one input otherwise)."""
        return _inputs_2d(inputs, self.n_components)

    def flat(self, x) -> np.ndarray:
        return np.asarray(x, dtype=float).reshape(len(x), -1)

    def first_kernel(self, x, *, sigma_w: float, sigma_b: float = 0.0) -> np.ndarray:
        """K^(1)(x_a, x_b) = sigma_b^2 + E[<W, x_a><W, x_b>] = sigma_b^2 + sum_c sigma_c^2 x^c.y^c / d_in, (P, P)."""
        flat = self.flat(x)
        total = np.zeros((len(flat), len(flat)))
        start = 0
        for size, sigma in zip(self._blocks(), self._sigmas(sigma_w)):
            part = flat[:, start:start + size]
            total = total + sigma**2 * np.einsum("ai,bi->ab", part, part) / self.n_components
            start += size
        return sigma_b**2 + total

    def scales(self, sigma_w: float) -> np.ndarray:
        """The standard deviation of W_k per input component, shape (n_0,)."""
        sigmas = np.array(self._sigmas(sigma_w), dtype=np.float64)
        return np.repeat(sigmas, self._blocks()) / math.sqrt(self.n_components)

    def draw(self, rng, m: int, width: int, dtype, store: dict) -> np.ndarray:
        """Standard-normal weights (n_0, m width), component-major (the scales are folded into the inputs)."""
        w = prefix_buffer(store, "w1", (self.n_components, m * width), dtype)
        rng.standard_normal(out=w, dtype=dtype)
        return w


@dataclass(frozen=True)
class DenseInput(_DenseWeights):
    """A dense first layer on inputs x in R^{d_in}: W ~ N(0, sigma_w^2 / d_in).

    Examples
    --------
    >>> DenseInput(2).first_kernel(np.array([[1.0, 1.0]]), sigma_w=2.0).tolist()
    [[4.0]]
    """

    d_in: int = 1

    kind = "dense"

    def __post_init__(self):
        object.__setattr__(self, "d_in", check_int("d_in", self.d_in, minimum=1))

    @property
    def symmetry(self) -> str:
        return f"O({self.d_in})"

    def _blocks(self) -> tuple[int, ...]:
        return (self.d_in,)

    def _sigmas(self, sigma_w: float) -> tuple[float, ...]:
        return (sigma_w,)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "d_in": self.d_in}


@dataclass(frozen=True)
class BlockInput(_DenseWeights):
    """A dense first layer whose colour blocks have their own scales: block c has W ~ N(0, sigma_c^2 / d_in).

    Parameters
    ----------
    block_sizes : tuple of int
        (D_1, ..., D_d); d_in = sum D_c.
    sigma_blocks : tuple of float or None
        (sigma_1, ..., sigma_d); None uses the network's sigma_w for every block.

    Examples
    --------
    >>> BlockInput((1, 1), (1.0, 3.0)).first_kernel(np.array([[1.0, 1.0]]), sigma_w=5.0).tolist()   # (1 + 9) / 2
    [[5.0]]
    """

    block_sizes: tuple = (1,)
    sigma_blocks: tuple | None = None

    kind = "block"

    def __post_init__(self):
        sizes = check_index_sizes(self.block_sizes)
        object.__setattr__(self, "block_sizes", sizes)
        if self.sigma_blocks is not None:
            try:
                sigmas = tuple(self.sigma_blocks)
            except TypeError:
                raise InvalidTypeError(
                    f"sigma_blocks must be a sequence of scales, got {self.sigma_blocks!r}") from None
            if len(sigmas) != len(sizes):
                raise InvalidArgumentError(
                    f"sigma_blocks needs one scale per colour block: block_sizes {sizes} has {len(sizes)}, "
                    f"sigma_blocks {sigmas} has {len(sigmas)}")
            object.__setattr__(self, "sigma_blocks", tuple(check_scale(f"sigma_blocks[{c}]", s)
                                                           for c, s in enumerate(sigmas)))

    @property
    def d_in(self) -> int:
        return sum(self.block_sizes)

    @property
    def symmetry(self) -> str:
        if self.sigma_blocks is None or len(set(self.sigma_blocks)) == 1:
            return f"O({self.d_in})"
        return " x ".join(f"O({d})" for d in self.block_sizes)

    def _blocks(self) -> tuple[int, ...]:
        return tuple(self.block_sizes)

    def _sigmas(self, sigma_w: float) -> tuple[float, ...]:
        return tuple(self.sigma_blocks or (sigma_w,) * len(self.block_sizes))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "block_sizes": list(self.block_sizes),
                "sigma_blocks": None if self.sigma_blocks is None else list(self.sigma_blocks)}


@dataclass(frozen=True)
class CPInput:
    """A CP-structured first layer on tensor inputs (P, n_1, ..., n_d): W^j of CP rank R (None: dense).

    Examples
    --------
    >>> layer = CPInput((2, 3), cp_rank=1)
    >>> layer.n_components, layer.symmetry, layer.gaussian
    (6, 'O(2) x O(3)', False)
    """

    index_sizes: tuple = (2, 2)
    cp_rank: int | None = 1

    kind = "cp"

    def __post_init__(self):
        sizes = self.index_sizes
        if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
            sizes = (sizes,)
        object.__setattr__(self, "index_sizes", check_index_sizes(sizes, max_colours=12))
        if self.cp_rank is not None:
            object.__setattr__(self, "cp_rank", check_int("cp_rank", self.cp_rank, minimum=1))

    @property
    def gaussian(self) -> bool:
        """True when z^(1) is Gaussian given the inputs (dense weights)."""
        return self.cp_rank is None

    @property
    def n_components(self) -> int:
        return math.prod(self.index_sizes)

    @property
    def symmetry(self) -> str:
        if self.cp_rank is None:
            return f"O({self.n_components})"
        return " x ".join(f"O({n})" for n in self.index_sizes)

    def check_inputs(self, inputs) -> np.ndarray:
        """Inputs as a float array (P, n_1, ..., n_d)."""
        x = check_array("inputs", inputs)
        if x.ndim != len(self.index_sizes) + 1 or x.shape[1:] != self.index_sizes:
            raise InvalidArgumentError(
                f"inputs must have shape (P, {', '.join(map(str, self.index_sizes))}) for index_sizes="
                f"{self.index_sizes}, got shape {x.shape}; reshape the inputs or change index_sizes")
        if x.shape[0] == 0:
            raise InvalidArgumentError("inputs must contain at least one input, got none")
        return x

    def flat(self, x) -> np.ndarray:
        return np.asarray(x, dtype=float).reshape(len(x), -1)

    def scales(self, sigma_w: float) -> np.ndarray:
        return np.full(self.n_components, sigma_w / math.sqrt(self.n_components * (self.cp_rank or 1)))

    def first_kernel(self, x, *, sigma_w: float, sigma_b: float = 0.0) -> np.ndarray:
        """K^(1)(x_a, x_b) = sigma_b^2 + sigma_w^2 <x_a, x_b> / n (the second moment of a dense layer)."""
        flat = self.flat(x)
        return sigma_b**2 + sigma_w**2 * flat @ flat.T / self.n_components

    def draw(self, rng, m: int, width: int, dtype, store: dict) -> np.ndarray:
        """Weights (n, m width), component-major: CP factors (R, n_c, m width) drawn colour after colour and
        multiplied out (dense: standard normals); the scale sigma_w / sqrt(n R) is folded into the inputs."""
        if self.cp_rank is None:
            w = prefix_buffer(store, "w1", (self.n_components, m * width), dtype)
            rng.standard_normal(out=w, dtype=dtype)
            return w
        factors = []
        for c, size in enumerate(self.index_sizes):
            u = prefix_buffer(store, f"u{c}", (self.cp_rank, size, m * width), dtype)
            rng.standard_normal(out=u, dtype=dtype)
            factors.append(u)
        return cp_weight_matrix(factors, store.setdefault("cp", {}))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "index_sizes": list(self.index_sizes), "cp_rank": self.cp_rank}


#: The input layers a deep network may start with.
InputLayer = DenseInput | BlockInput | CPInput


def as_input_layer(value) -> InputLayer:
    """An input layer from an int (d_in: :class:`DenseInput`), a layer object, or its ``to_dict()`` form.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Anything else; the message lists the accepted forms.
    """
    if isinstance(value, (DenseInput, BlockInput, CPInput)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return DenseInput(int(value))
    if isinstance(value, dict):
        options = dict(value)
        kind = options.pop("kind", "dense")
        makers = {"dense": DenseInput, "block": BlockInput, "cp": CPInput}
        if kind not in makers:
            raise InvalidArgumentError(f"unknown input layer kind {kind!r}; valid kinds are 'dense', 'block', 'cp'")
        try:
            return makers[kind](**options)
        except TypeError as exc:
            raise InvalidArgumentError(f"input layer {kind!r}: {exc}") from None
    raise InvalidTypeError(
        f"input_layer must be an int (d_in), a DenseInput, BlockInput or CPInput, or a dict with 'kind', "
        f"got {type(value).__name__}")

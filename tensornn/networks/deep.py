"""Deep networks: L hidden layers of any registered activation, with a dense, block or CP first layer.

A :class:`DeepNetwork` of widths (n_1, ..., n_L) is (docs/depth.md)

    z^(1)_i   = b^(1)_i + <W^(1)_i, x>                                  (the input layer, :mod:`.input_layers`),
    z^(l+1)_i = b^(l+1)_i + sum_j W^(l+1)_ij phi(z^(l)_j),   W^(l+1) ~ N(0, sigma_w^2 / n_l),   l = 1..L-1,
    f(x)      = z^(L+1) = b^(L+1) + sum_j W^(L+1)_j phi(z^(L)_j),         W^(L+1) ~ N(0, sigma_v^2 / n_L),

with b ~ N(0, sigma_b^2) at every layer when sigma_b > 0 (no biases are drawn otherwise) and sigma_v = sigma_w
unless given: C_W = sigma_w^2 and C_b = sigma_b^2 in the language of the kernel recursion, the read-out scaled as
the one-layer networks' (W1 ~ N(0, sigma_v^2 / N)). One hidden layer is the one-layer family of the same input
layer (:class:`~tensornn.networks.scalar.ScalarNetwork`, :class:`~tensornn.networks.cp.StructuredNetwork`,
:class:`~tensornn.networks.blocks.BlockGaussNetwork` for the Gauss-net) and samples through it: the same draws,
the same numbers, bit for bit. The Gauss-net activation is normalised per input at every layer by the
infinite-width variance K^(l)(x, x) of that layer (for one layer, s(x, x)).

Random stream (L >= 2, or a first layer with no one-layer family). Networks are drawn in chunks of
max(1, 2^20 // max_{l >= 2} n_l n_{l-1}) (a number fixed by the widths); each chunk of m networks draws, in order:
the first-layer weights (:meth:`~tensornn.networks.input_layers.DenseInput.draw`: (n_0, m, n_1) component-major, or
the CP factors (R, n_c, m, n_1) colour after colour), b^(1) (m, n_1), then for l = 2..L W^(l) (m, n_l, n_{l-1}) and
b^(l) (m, n_l), then the read-out (m, n_L) and its bias (m); the biases only when sigma_b > 0.

References
----------
Neal (1996); Lee et al., arXiv:1711.00165; Matthews et al., arXiv:1804.11271 (deep networks as Gaussian
processes); Roberts, Yaida, Hanin, arXiv:2106.10165 (finite-width corrections).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_count, check_int, check_scale
from .._limits import MAX_SCALE
from ..errors import InvalidArgumentError, InvalidTypeError
from .activations import get_activation
from .deep_recursions import four_point_from_vertex, four_point_recursion, kernel_recursion
from .input_layers import BlockInput, CPInput, DenseInput, InputLayer, as_input_layer
from .layers import prefix_buffer
from .model import ModelBase, _check_order
from .spec import resolve_bias, resolve_readout, via_block_sampler
from .streams import sampling_dtype

__all__ = ["DeepNetwork", "deep_model"]

#: Elements of the hidden-to-hidden weights of one chunk of networks (fixes the chunks, hence the draw order).
_CHUNK_ELEMENTS = 1 << 20


def _check_widths(widths) -> tuple[int, ...]:
    if isinstance(widths, (int, np.integer)) and not isinstance(widths, bool):
        widths = (widths,)
    try:
        items = tuple(widths)
    except TypeError:
        raise InvalidTypeError(f"widths must be a sequence of hidden widths (n_1, ..., n_L), got {widths!r}") from None
    if not items:
        raise InvalidArgumentError("widths must list at least one hidden layer, got ()")
    return tuple(check_count(f"widths[{i}]", n) for i, n in enumerate(items))


@dataclass(frozen=True)
class DeepNetwork(ModelBase):
    """A deep network family: L hidden layers of widths (n_1..n_L), Gaussian weights and biases.

    Parameters
    ----------
    activation : str
        Any registered activation (:mod:`tensornn.networks.activations`), the same at every layer.
    widths : int or tuple of int
        (n_1, ..., n_L); L = len(widths) is the depth (an int is one hidden layer).
    input_layer : DenseInput, BlockInput, CPInput, int or dict
        How the first layer reads the input; an int is d_in of a dense layer (default ``DenseInput(1)``), a dict
        the ``to_dict()`` form of a layer.
    sigma_w : float
        Weight scale of every layer but the read-out: W^(l) ~ N(0, sigma_w^2 / n_{l-1}) (C_W = sigma_w^2).
    sigma_b : float
        Bias scale (C_b = sigma_b^2); biases at every layer exactly when sigma_b > 0.
    bias : bool or None
        None follows sigma_b; a contradicting value is refused.
    sigma_v : float or None
        Read-out scale, W^(L+1) ~ N(0, sigma_v^2 / n_L); None means sigma_v = sigma_w.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Unknown activation (the message lists the valid names), no or non-positive widths, bad scales, an
        unknown input layer.

    Examples
    --------
    >>> net = DeepNetwork("relu", (8, 8, 8), input_layer=2, sigma_w=math.sqrt(2.0))
    >>> net.depth, net.sample_outputs(np.ones((3, 2)), 5, np.random.default_rng(0)).shape
    (3, (5, 3))
    >>> np.round(net.kernel([[1.0, 1.0]]), 12).tolist()   # ReLU at criticality keeps K(x, x) = 2 |x|^2 / d_in
    [[2.0]]
    """

    activation: str
    widths: tuple = (1,)
    input_layer: InputLayer = DenseInput(1)
    sigma_w: float = 1.0
    sigma_b: float = 0.0
    bias: bool | None = None
    sigma_v: float | None = None

    def __post_init__(self):
        get_activation(self.activation)
        object.__setattr__(self, "widths", _check_widths(self.widths))
        object.__setattr__(self, "input_layer", as_input_layer(self.input_layer))
        object.__setattr__(self, "sigma_w", check_scale("sigma_w", self.sigma_w))
        sigma_b, bias = resolve_bias(self.sigma_b, self.bias)
        object.__setattr__(self, "sigma_b", sigma_b)
        object.__setattr__(self, "bias", bias)
        object.__setattr__(self, "sigma_v", resolve_readout(self.sigma_v, self.sigma_w))
        object.__setattr__(self, "one_hidden_layer", len(self.widths) == 1)  # L = 1: the exact G4c is of order 1/N

    # ------------------------------------------------------------------ shape and scales
    @property
    def depth(self) -> int:
        """L, the number of hidden layers."""
        return len(self.widths)

    @property
    def width(self) -> int:
        """The largest hidden width (what bounds the memory of a block of networks)."""
        return max(self.widths)

    @property
    def layer_widths(self) -> tuple[int, ...]:
        """(n_0, n_1, ..., n_L): n_0 the number of input components."""
        return (self.input_layer.n_components,) + self.widths

    @property
    def weight_variances(self) -> tuple[float, ...]:
        """C_W^(2), ..., C_W^(L+1): sigma_w^2 for the hidden layers, sigma_v^2 for the read-out."""
        return (self.sigma_w**2,) * (self.depth - 1) + (self._readout**2,)

    @property
    def _readout(self) -> float:
        """sigma_v (resolved to a float by __post_init__)."""
        return float(self.sigma_w if self.sigma_v is None else self.sigma_v)

    @property
    def bias_variance(self) -> float:
        """C_b = sigma_b^2 (0 without biases)."""
        return self.sigma_b**2 if self.bias else 0.0

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The shape of one input: (d_in,) for dense and block layers, (n_1, ..., n_d) for a CP layer."""
        return tuple(getattr(self.input_layer, "index_sizes", (self.input_layer.n_components,)))

    @property
    def symmetry(self) -> str:
        """The rotations of the inputs that leave the law of the outputs invariant (those of the input layer)."""
        return self.input_layer.symmetry

    # ------------------------------------------------------------------ inputs
    def check_inputs(self, inputs) -> np.ndarray:
        """Validate inputs for the input layer: (P, d_in) for dense and block layers, (P, n_1..n_d) for CP.

        Raises
        ------
        InvalidArgumentError
            A shape the input layer does not read, NaN/inf, no inputs, or a first-layer variance above 1e100.
        """
        x = self.input_layer.check_inputs(inputs)
        with np.errstate(over="ignore", invalid="ignore"):
            variance = np.diag(self.input_layer.first_kernel(x, sigma_w=self.sigma_w, sigma_b=self.sigma_b))
        bad = ~(variance <= MAX_SCALE**2)
        if np.any(bad):
            p = int(np.argmax(bad))
            raise InvalidArgumentError(
                f"inputs: the first-layer variance K^(1)(x, x) is {float(variance[p]):.3g} at input {p}, above "
                f"{MAX_SCALE**2:g} (the square of the largest scale, {MAX_SCALE:g}); rescale the inputs")
        return x

    def one_layer(self):
        """The one-hidden-layer family this network is when L = 1 (None when L > 1 or when there is none)."""
        if self.depth != 1:
            return None
        layer, width = self.input_layer, self.widths[0]
        common = dict(sigma_w=self.sigma_w, sigma_b=self.sigma_b, bias=self.bias, sigma_v=self.sigma_v)
        try:
            if isinstance(layer, DenseInput):
                from .scalar import ScalarNetwork

                return ScalarNetwork(self.activation, layer.d_in, width, **common)
            if isinstance(layer, CPInput):
                from .cp import StructuredNetwork

                return StructuredNetwork(layer.index_sizes, layer.cp_rank, self.activation, width, **common)
            if isinstance(layer, BlockInput) and get_activation(self.activation).normalised:
                from .blocks import BlockGaussNetwork

                return BlockGaussNetwork(layer.block_sizes, layer.sigma_blocks, width, **common)
        except InvalidArgumentError:  # a one-layer family that does not take this activation
            return None
        return None

    # ------------------------------------------------------------------ the theory: kernels and four-point functions
    def _first_kernel(self, x) -> np.ndarray:
        return self.input_layer.first_kernel(x, sigma_w=self.sigma_w, sigma_b=np.sqrt(self.bias_variance))

    def _gaussian_first_layer(self) -> bool:
        """The recursions start from a Gaussian z^(1) (any first layer for a linear network: only K^(1) enters)."""
        return self.input_layer.gaussian or get_activation(self.activation).name == "linear"

    def layer_kernels(self, inputs) -> np.ndarray | None:
        """K^(1), ..., K^(L+1) on the inputs, shape (L + 1, P, P); None when the first layer is not Gaussian.

        K^(L+1) is the kernel of the output. A CP first layer of finite rank makes z^(1) non-Gaussian; its
        second moment is K^(1), so only a linear network keeps the recursion (None otherwise).
        """
        if not self._gaussian_first_layer():
            return None
        x = self.check_inputs(inputs)
        return kernel_recursion(self.activation, self._first_kernel(x), self.weight_variances, self.bias_variance)

    def kernel(self, inputs) -> np.ndarray | None:
        """The infinite-width two-point function of the output on the inputs, (P, P), bias constant included.

        None when the first layer is CP-structured and the activation is not linear (see :meth:`layer_kernels`).
        """
        kernels = self.layer_kernels(inputs)
        return None if kernels is None else kernels[-1]

    def four_point_recursion(self, inputs):
        """The leading-order recursion of kernels and four-point vertices on all inputs
        (:class:`~tensornn.networks.deep_recursions.FourPointRecursion`), or None (see :meth:`layer_kernels`)."""
        kernels = self.layer_kernels(inputs)
        if kernels is None:
            return None
        return four_point_recursion(self.activation, kernels, self.weight_variances, self.layer_widths)

    def leading_four_point(self, inputs, quadruples) -> np.ndarray | None:
        """The leading 1/width connected four-point function of the output at each quadruple, shape (Q,).

        G4c(x_a..x_d) = (V_(ab)(cd) + V_(ac)(bd) + V_(ad)(bc)) / n_L with V = V^(L+1) of the recursion, run on
        the distinct inputs of each quadruple (fourth moments shared between quadruples). None when the first
        layer is not Gaussian (CP with a nonlinear activation).
        """
        one = self.one_layer()
        if one is not None and self._gaussian_first_layer():
            return one.exact_four_point(inputs, quadruples)
        kernels = self.layer_kernels(inputs)
        if kernels is None:
            return None
        quads = _check_quadruples(quadruples, kernels.shape[1])
        cache: dict = {}
        by_subset: dict = {}
        out = np.empty(len(quads))
        for i, q in enumerate(quads):
            subset = tuple(sorted(set(int(a) for a in q)))
            if subset not in by_subset:
                idx = np.array(subset)
                by_subset[subset] = four_point_recursion(
                    self.activation, kernels[:, idx][:, :, idx], self.weight_variances, self.layer_widths,
                    cache=cache, labels=subset)
            local = {a: j for j, a in enumerate(subset)}
            out[i] = four_point_from_vertex(by_subset[subset].vertices[-1], self.widths[-1],
                                            tuple(local[int(a)] for a in q))
        return out

    def exact_four_point(self, inputs, quadruples) -> np.ndarray | None:
        """The exact connected four-point function at every width, shape (Q,), where it is known; else None.

        Known at every input (so that one question answers for all of them): one hidden layer (the one-layer
        family's oracle), and every linear network with a dense or block first layer (any inputs, biases or not;
        the closed moment recursion of :mod:`tensornn.networks.deep_exact`). ReLU without biases is exact only at
        collinear inputs: :meth:`exact_collinear_four_point`.
        """
        from .deep_exact import linear_four_point

        one = self.one_layer()
        if one is not None:
            return one.exact_four_point(inputs, quadruples)
        x = self.check_inputs(inputs)
        quads = _check_quadruples(quadruples, len(x))
        if not self.input_layer.gaussian or get_activation(self.activation).name != "linear":
            return None
        _, g4c = linear_four_point(self._first_kernel(x), self.widths, self.weight_variances, self.bias_variance)
        return np.array([g4c[-1][tuple(int(a) for a in q)] for q in quads])

    def exact_collinear_four_point(self, inputs, quadruples) -> np.ndarray | None:
        """The exact G4c of a scale-invariant network without biases (linear, ReLU) at quadruples of inputs that are
        non-negative multiples of one vector, shape (Q,): c_a c_b c_c c_d times the single-input value
        E[z^4] - 3 E[z^2]^2 of the exact law; None when a quadruple is not of that kind or the network has biases,
        another activation or a CP first layer.

        Examples
        --------
        >>> net = DeepNetwork("relu", (4,), 1, sigma_w=2 ** 0.5)
        >>> g4c = net.exact_collinear_four_point([[1.0], [2.0]], [[0, 0, 1, 1]])
        >>> round(float(g4c[0]), 10)   # (1/4) 3 K^2 5/4 with K = 8
        60.0
        """
        from .deep_exact import SCALE_INVARIANT, scale_invariant_moments

        x = self.check_inputs(inputs)
        quads = _check_quadruples(quadruples, len(x))
        name = get_activation(self.activation).name
        if name not in SCALE_INVARIANT or self.bias or not self.input_layer.gaussian:
            return None
        flat = self.input_layer.flat(x) * self.input_layer.scales(self.sigma_w)
        out = np.empty(len(quads))
        for i, q in enumerate(quads):
            rows = flat[np.asarray(q)]
            ref = rows[int(np.argmax(np.linalg.norm(rows, axis=1)))]
            norm = float(np.linalg.norm(ref))
            if norm == 0.0:
                out[i] = 0.0
                continue
            coeffs = rows @ ref / norm**2
            if np.any(coeffs < 0) or np.max(np.abs(rows - coeffs[:, None] * ref)) > 1e-12 * norm:
                return None
            m = scale_invariant_moments(name, norm**2, self.widths, self.weight_variances, 2)[-1]
            out[i] = float(np.prod(coeffs)) * (m[2] - 3.0 * m[1] ** 2)
        return out

    def moment_problem(self, order: int = 4) -> str | None:
        """None when E[f^order] is finite; otherwise why it is not.

        An activation growing like exp(z) (exp, the Gauss-net) makes E[f^2] infinite from two hidden layers on:
        z^(2) is Gaussian given layer 1 with variance C_b + (C_W/n_1) sum_j phi(z^(1)_j)^2, a sum of log-normals,
        and E[exp(c e^{2 z})] diverges for every c > 0. One hidden layer defers to its one-layer family.
        """
        order = _check_order(order)
        if get_activation(self.activation).growth == "exponential" and self.depth >= 2 and order >= 2:
            return (f"E[f^{order}] is infinite at every finite width: the {self.activation} activation grows like "
                    "exp(z), and from the second hidden layer on the pre-activations are Gaussian with a variance "
                    "that is a sum of log-normals, whose exponential moments diverge")
        one = self.one_layer()
        if one is not None and hasattr(one, "moment_problem"):
            return one.moment_problem(order)
        return None

    def pattern_space(self):
        """Where the readings amputate: the one-layer family's space for L = 1; for a linear network without
        biases on a CP or dense tensor input the index space with the propagator scale of its kernel,
        K_w = s^2 <x, y>, s^2 = sigma_w^(2L) sigma_v^2 / n; None otherwise (no closed-form patterns: the kernel
        itself, :meth:`kernel`, is the propagator)."""
        one = self.one_layer()
        if one is not None:
            return one.pattern_space()
        layer = self.input_layer
        if layer.kind != "cp" or self.bias or get_activation(self.activation).name != "linear":
            return None
        from ..readings.deep_patterns import DeepIndexSpace

        scale = self.sigma_w ** (2 * self.depth) * self._readout**2 / layer.n_components
        return DeepIndexSpace(layer.index_sizes, scale, self.depth)

    def describe(self) -> str:
        """One line: architecture, scales and the symmetry of the law."""
        bias = f"sigma_b={self.sigma_b:g}" if self.bias else "no biases"
        layer = self.input_layer
        first = {"dense": f"dense input (d_in={layer.n_components})",
                 "block": f"block input {getattr(layer, 'block_sizes', '')}",
                 "cp": f"CP input {getattr(layer, 'index_sizes', '')} rank {getattr(layer, 'cp_rank', None)}",
                 }[layer.kind]
        return (f"deep {self.activation} network, {self.depth} hidden layer(s) of widths {list(self.widths)}, {first}, "
                f"sigma_w={self.sigma_w:g}, sigma_v={self.sigma_v:g}, {bias}; law invariant under {self.symmetry}")

    def to_dict(self) -> dict:
        """The parameters, with ``"model": "deep"``: ``get_model(**d)`` rebuilds the network."""
        layer = {k: (tuple(v) if isinstance(v, list) else v) for k, v in self.input_layer.to_dict().items()
                 if k != "kind"}
        if layer.get("cp_rank", 1) is None:  # the dense twin on tensor inputs
            layer.pop("cp_rank")
            return {"model": "deep-dense", "activation": self.activation, "widths": self.widths, **layer,
                    "sigma_w": self.sigma_w, "sigma_b": self.sigma_b, "bias": self.bias, "sigma_v": self.sigma_v}
        return {"model": "deep", "activation": self.activation, "widths": self.widths, **layer,
                "sigma_w": self.sigma_w, "sigma_b": self.sigma_b, "bias": self.bias, "sigma_v": self.sigma_v}

    # ------------------------------------------------------------------ sampling
    def _chunk(self) -> int:
        hidden = [a * b for a, b in zip(self.widths[1:], self.widths[:-1])]
        return max(1, _CHUNK_ELEMENTS // max(hidden)) if hidden else 1 << 62

    def _shifts(self, x):
        """Per-layer shifts of a normalised activation: K^(l)(x, x), l = 1..L (Gaussian recursion), or None."""
        phi = get_activation(self.activation)
        if not phi.normalised:
            return None
        k1 = self._first_kernel(x)
        kernels = kernel_recursion(phi, k1, self.weight_variances, self.bias_variance)
        return [np.diag(k) for k in kernels[:-1]]

    def _deep_sampler(self, x, dtype, record=None):
        """``sample(n, rng)`` -> f (n, P); with ``record`` the layers as well, (n, L + 1, P):

        - ``"units"``: z^(l)_0 for l = 1..L and f;
        - ``"variances"``: z^(1)_0, then for l = 2..L+1 the variance of z^(l)_i given layer l - 1,
          Ghat^(l)(x, x) = C_b + (C_W^(l) / n_{l-1}) sum_j phi(z^(l-1)_j(x))^2 (the same draws);
        - ``"covariances"``: (n, L + 1, P (P + 1) / 2), the covariances Ghat^(l)(x_a, x_b), a <= b (row-major upper
          triangle), with Ghat^(1) = K^(1) (a Gaussian first layer);
        - ``"conditional"``: (n, P, P), the covariance of the outputs given the last hidden layer, Ghat^(L+1).
        """
        layer, widths, depth = self.input_layer, self.widths, self.depth
        scaled = np.ascontiguousarray((layer.flat(x) * layer.scales(self.sigma_w)).astype(dtype))
        n_in = len(x)
        phi = get_activation(self.activation)
        shifts = self._shifts(x)
        bias = self.bias
        cb = self.bias_variance
        readout = (self.sigma_w**2,) * (depth - 1) + (self._readout**2,)
        chunk = self._chunk()
        store = {}

        def buffer(name, shape):
            return prefix_buffer(store, name, shape, dtype)

        upper = np.triu_indices(n_in)
        width_out = len(upper[0]) if record == "covariances" else n_in
        k1 = self._first_kernel(x)[upper] if record == "covariances" else None

        def sample(n, rng):
            shape = {None: (n, n_in), "conditional": (n, n_in, n_in)}.get(record, (n, depth + 1, width_out))
            out = np.empty(shape, dtype)
            for start in range(0, n, chunk):
                m = min(chunk, n - start)
                rows = slice(start, start + m)
                w1 = layer.draw(rng, m, widths[0], dtype, store)
                z = np.matmul(scaled, w1).reshape(n_in, m, widths[0]).transpose(1, 2, 0).copy()
                if bias:
                    b = buffer("b1", (m, widths[0]))
                    rng.standard_normal(out=b, dtype=dtype)
                    z += (self.sigma_b * b)[:, :, None]
                if record == "covariances":
                    out[rows, 0] = k1
                elif record in ("units", "variances"):
                    out[rows, 0] = z[:, 0, :]
                for l in range(1, depth + 1):
                    if record == "units" and l > 1:
                        out[rows, l - 1] = z[:, 0, :]
                    if shifts is not None:
                        z -= shifts[l - 1].astype(dtype)
                    h = phi(z)
                    if record == "variances":
                        out[rows, l] = cb + readout[l - 1] / widths[l - 1] * np.einsum("mjp,mjp->mp", h, h)
                    elif record == "covariances":
                        gram = np.einsum("mja,mjb->mab", h, h)[:, upper[0], upper[1]]
                        out[rows, l] = cb + readout[l - 1] / widths[l - 1] * gram
                    elif record == "conditional" and l == depth:
                        out[rows] = cb + readout[l - 1] / widths[l - 1] * np.einsum("mja,mjb->mab", h, h)
                    if l == depth:
                        break
                    w = buffer(f"w{l + 1}", (m, widths[l], widths[l - 1]))
                    rng.standard_normal(out=w, dtype=dtype)
                    z = np.matmul(w, h)
                    z *= self.sigma_w / math.sqrt(widths[l - 1])
                    if bias:
                        b = buffer(f"b{l + 1}", (m, widths[l]))
                        rng.standard_normal(out=b, dtype=dtype)
                        z += (self.sigma_b * b)[:, :, None]
                v = buffer("readout", (m, 1, widths[-1]))
                rng.standard_normal(out=v, dtype=dtype)
                f = np.matmul(v, h)[:, 0, :]
                f *= self._readout / math.sqrt(widths[-1])
                if bias:
                    b = buffer("bout", (m,))
                    rng.standard_normal(out=b, dtype=dtype)
                    f += (self.sigma_b * b)[:, None]
                if record == "units":
                    out[rows, depth] = f
                elif not record:
                    out[rows] = f
            return out

        return sample

    def block_sampler(self, inputs, *, dtype=np.float64, conditional: bool = False):
        """A sampler of blocks of networks, ``sampler(n, rng) -> f`` (n, P); for L = 1 the one-layer family's.

        ``conditional=True``: for the same draws, the covariance of each network's outputs given its last hidden
        layer, Ghat^(L+1) (n, P, P) (the output is Gaussian given it; the read-out is still drawn, so the stream is
        unchanged).
        """
        one = self.one_layer()
        if one is not None:
            return one.block_sampler(inputs, dtype=dtype, conditional=True) if conditional else \
                one.block_sampler(inputs, dtype=dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._deep_sampler(self.check_inputs(inputs), sampling_dtype(dtype),
                                      record="conditional" if conditional else None)

    @via_block_sampler
    def sample_outputs(self, inputs, n_networks, rng, *, dtype=np.float64) -> np.ndarray:
        """Draw ``n_networks`` networks from ``rng`` (the stream in the module docstring) and evaluate them.

        Returns
        -------
        ndarray, shape (n_networks, P), in ``dtype``
        """
        n = check_count("n_networks", n_networks)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
        with np.errstate(over="ignore", invalid="ignore"):
            return self.block_sampler(inputs, dtype=dtype)(n, rng)

    def layer_probe(self, record: str = "variances"):
        """The same networks seen at every layer (:class:`~tensornn.networks.layer_probe.LayerProbe`)."""
        from .layer_probe import LayerProbe

        return LayerProbe(self, record)


def _check_quadruples(quadruples, n_inputs) -> np.ndarray:
    q = np.asarray(quadruples)
    if q.ndim == 1 and q.size == 4:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != 4 or (q.size and q.dtype.kind not in "iu"):
        raise InvalidArgumentError(f"quadruples must be integer indices of shape (Q, 4), got shape {q.shape}")
    if q.size and (q.min() < 0 or q.max() >= n_inputs):
        raise InvalidArgumentError(f"quadruples index the inputs 0..{n_inputs - 1}, got {int(q.min())}..{int(q.max())}")
    return q


def deep_model(*, activation, widths=None, width=None, depth=None, d_in=None, index_sizes=None, cp_rank=1,
               block_sizes=None, sigma_blocks=None, sigma_w=1.0, sigma_b=0.0, bias=None, sigma_v=None) -> DeepNetwork:
    """The factory of the registered model "deep" (:func:`tensornn.networks.model.get_model`).

    The hidden widths are ``widths`` (n_1, ..., n_L), or ``width`` repeated ``depth`` times. The input layer is
    dense on ``d_in`` components (the default, d_in = 1), CP-structured on ``index_sizes`` (rank ``cp_rank``,
    None: dense weights on the tensor), or dense with per-block scales on ``block_sizes`` (``sigma_blocks``).

    Raises
    ------
    InvalidArgumentError
        Both or neither of ``widths`` and ``width``/``depth``, widths that contradict ``depth``, or more than one
        input layer.

    Examples
    --------
    >>> from tensornn.networks.model import get_model
    >>> net = get_model("deep", activation="tanh", width=16, depth=3, d_in=2)
    >>> net.widths, get_model(**net.to_dict()) == net
    ((16, 16, 16), True)
    """
    if widths is None:
        if width is None or depth is None:
            raise InvalidArgumentError("give the hidden widths: widths=(n_1, ..., n_L), or width=N and depth=L")
        widths = (check_count("width", width),) * check_count("depth", depth)
    else:
        if width is not None:
            raise InvalidArgumentError(f"give widths or width, not both (got widths={widths!r}, width={width!r})")
        widths = _check_widths(widths)
        if depth is not None and check_count("depth", depth) != len(widths):
            raise InvalidArgumentError(f"depth={depth} contradicts widths={widths!r} ({len(widths)} hidden layers)")
    given = [name for name, value in (("d_in", d_in), ("index_sizes", index_sizes), ("block_sizes", block_sizes))
             if value is not None]
    if len(given) > 1:
        raise InvalidArgumentError(f"give one input layer (d_in, index_sizes or block_sizes), got {', '.join(given)}")
    layer: InputLayer
    if index_sizes is not None:
        layer = CPInput(index_sizes, cp_rank)
    elif block_sizes is not None:
        layer = BlockInput(block_sizes, sigma_blocks)
    else:
        layer = DenseInput(1 if d_in is None else d_in)
    if sigma_blocks is not None and block_sizes is None:
        raise InvalidArgumentError("sigma_blocks needs block_sizes (the colour blocks of a block input layer)")
    return DeepNetwork(activation, widths, layer, sigma_w, sigma_b, bias, sigma_v)

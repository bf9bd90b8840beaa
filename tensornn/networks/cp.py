"""Networks whose inputs carry several indices: the CP-structured first layer.

An input is a tensor x in R^{n_1 x ... x n_d}, n = prod_c n_c. Hidden unit j has first-layer weights

    W^j = (sigma_w / sqrt(n R)) sum_{r=1..R} u^{j,r,1} (x) ... (x) u^{j,r,d},   u entries iid N(0, 1),

so that E[W_a W_b] = sigma_w^2/n delta_ab, the second moment of a dense layer; ``cp_rank=None`` is the
dense layer W_a iid N(0, sigma_w^2/n) (the R -> infinity limit). The output is

    f(x) = b1 + (1/sqrt(N)) sum_j v_j act(<W^j, x> + b0_j),   v_j ~ N(0, sigma_v^2),

with sigma_v = sigma_w unless given and b0, b1 ~ N(0, sigma_b^2) when sigma_b > 0 (the vocabulary of
:mod:`tensornn.networks.spec`; docs/theory/structured_inputs.md). The law of f is invariant under rotations
O(n_1) x ... x O(n_d) of the input indices (and, for dense weights, under all of O(n)).

:class:`StructuredNetwork` is a model (:mod:`tensornn.networks.model`, registered as "cp" and "dense"). Its
theory face: the kernel K = sigma_b^2 + sigma_v^2 k(s(x,x), s(y,y), s(x,y)), s(x, y) = sigma_b^2 + sigma_w^2
<x, y>/n and k the activation's kernel map, wherever the pre-activation is Gaussian (dense weights, one index)
or the activation is linear (only second moments enter); the exact G4c of the linear bias-free layer
(:func:`tensornn.correlators.cp_cumulants.linear_four_point`) and of Gaussian pre-activations (the scalar
formula); where its readings amputate, with its own propagator: the index space (linear), the kernel space of
its kernel map (nonlinear with Gaussian pre-activations), or a refusal with the reason (a nonlinear CP layer on
d >= 2 indices, :meth:`StructuredNetwork.reading_problem`); the exact couplings of the linear layer and of the
kernel space.

Moments. A CP weight tensor of rank R on d >= 2 indices makes the pre-activation a sum of R products of d
Gaussians, z = c sum_r x(u^{r,1}, ..., u^{r,d}) + b0 with c = sigma_w / sqrt(n R). For an activation growing
like exp(z), E|f|^k is finite exactly when E exp(k z) is (the Gaussian read-out cannot cancel it). For d = 2,
E exp(t u^T X v) = prod_i (1 - t^2 sigma_i(X)^2)^(-1/2) when t sigma_max(X) < 1 and infinite beyond (for one
factor pair, E exp(t g1 g2) = (1 - t^2)^(-1/2)); so the k-th moments are finite exactly when
k sigma_w sigma_max(x) < sqrt(n R) at every input. For d >= 3, conditioning on the third factor leaves a
bilinear form whose matrix grows without bound, so E exp(t z) is infinite for every t != 0 and every nonzero
input (E exp(t g1 g2 g3) = infinity): even the mean diverges. :meth:`StructuredNetwork.moment_problem` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_count, check_index_sizes, check_int, check_scale
from ..errors import InvalidArgumentError, InvalidTypeError, UnsupportedReadingError
from .activations import activation_names, get_activation
from .layers import HiddenLayer, prefix_buffer, readout_bias_sampler
from .model import ModelBase, _check_order, quadruple_legs
from .spec import resolve_bias, resolve_readout, via_block_sampler
from .streams import sampling_dtype

__all__ = ["StructuredNetwork", "STRUCTURED_ACTIVATIONS"]

#: Activations of the structured network (every registered one; "linear" is the exactly solvable case).
STRUCTURED_ACTIVATIONS = activation_names()

#: Networks per sampling chunk: 2^21 // (N max(R max_c n_c, n)); the chunks fix the draw order.
_CHUNK_ELEMENTS = 1 << 21


def cp_weight_matrix(factors, work=None) -> np.ndarray:
    """The CP weight tensors W^j = sum_r u^{j,r,1} (x) ... (x) u^{j,r,d} of M hidden units as an (n, M) matrix.

    Parameters
    ----------
    factors : list of ndarray, shape (R, n_c, M)
        The factors of the d colours, component-major (the last axis runs over the hidden units).
    work : dict, optional
        Buffers kept between calls (pass the same dict to reuse them).

    Returns
    -------
    ndarray, shape (n, M): row a (the C-order index of the inputs) holds W^j_a of every hidden unit. Every
    product runs over the long unit axis (several times faster than broadcasting over the short colour axes).

    Examples
    --------
    >>> u = [np.array([[[1.0], [2.0]]]), np.array([[[3.0], [4.0]]])]   # R = 1, n_1 = n_2 = 2, one unit
    >>> cp_weight_matrix(u)[:, 0].tolist()
    [3.0, 4.0, 6.0, 8.0]
    """
    work = {} if work is None else work
    rank, units = factors[0].shape[0], factors[0].shape[2]
    sizes = [f.shape[1] for f in factors]
    dtype = factors[0].dtype
    total = prefix_buffer(work, "total", (math.prod(sizes), units), dtype)
    for r in range(rank):
        term = factors[0][r]
        for c in range(1, len(sizes)):
            last = c == len(sizes) - 1
            out = total if last and r == 0 else prefix_buffer(work, f"partial{c}", (len(term), sizes[c], units), dtype)
            np.multiply(term[:, None, :], factors[c][r][None, :, :], out=out.reshape(len(term), sizes[c], units))
            term = out.reshape(-1, units)
        if len(sizes) == 1 and r == 0:
            np.copyto(total, term)
        elif r > 0:
            total += term
    return total


def _index_sizes(value) -> tuple[int, ...]:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    return check_index_sizes(value, max_colours=12)


@dataclass(frozen=True)
class StructuredNetwork(ModelBase):
    """One-hidden-layer network on tensor inputs with a CP-structured (or dense) first layer.

    Parameters
    ----------
    index_sizes : tuple of int
        (n_1, ..., n_d), the sizes of the input indices (colours); every n_c >= 1.
    cp_rank : int or None
        The CP rank R >= 1 of every first-layer weight tensor; None gives dense weights.
    activation : str
        A registered activation; "linear" is the identity. "gauss" is exp normalised per input as for the scalar
        Gauss-net, with the structured second moment: exp(z - sigma_b^2 - sigma_w^2 |x|^2 / n), in log space.
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
    sigma_v: float = None  # type: ignore[assignment]  # None means sigma_w, resolved in __post_init__
    sigma_b: float = 0.0
    bias: bool | None = None

    one_hidden_layer = True

    def __post_init__(self):
        object.__setattr__(self, "index_sizes", _index_sizes(self.index_sizes))
        if self.cp_rank is not None:
            object.__setattr__(self, "cp_rank", check_int("cp_rank", self.cp_rank, minimum=1))
        get_activation(self.activation)
        object.__setattr__(self, "width", check_count("width", self.width))
        object.__setattr__(self, "sigma_w", check_scale("sigma_w", self.sigma_w))
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

    @property
    def input_shape(self) -> tuple[int, ...]:
        """(n_1, ..., n_d), the shape of one input."""
        return self.index_sizes

    @property
    def gaussian_preactivation(self) -> bool:
        """True when the pre-activation is Gaussian: dense weights, or one index (a sum of Gaussians)."""
        return self.dense or self.order == 1

    @property
    def _linear(self) -> bool:
        return self.activation == "linear"

    # ------------------------------------------------------------------ the model's theory face
    def kernel(self, inputs) -> np.ndarray | None:
        """K(x_a, x_b) = sigma_b^2 + sigma_v^2 k(s_aa, s_bb, s_ab), shape (P, P), or None.

        Exact (at every width) where the pre-activation is Gaussian or the activation linear; None for a
        nonlinear CP layer on d >= 2 indices, whose pre-activation is not Gaussian.

        Examples
        --------
        >>> net = StructuredNetwork((2, 2), cp_rank=1, sigma_w=2.0)   # linear: K = sigma_v^2 sigma_w^2 <x, y> / n
        >>> float(net.kernel(np.ones((1, 2, 2)))[0, 0])
        16.0
        """
        if not (self._linear or self.gaussian_preactivation):
            return None
        x = self.check_inputs(inputs).reshape(-1, self.n_components)
        s = self.sigma_b**2 + self.sigma_w**2 * (x @ x.T) / self.n_components
        diag = np.diagonal(s)
        with np.errstate(over="ignore", under="ignore"):
            return self.sigma_b**2 + self.sigma_v**2 * get_activation(self.activation).kernel_map(
                diag[:, None], diag[None, :], s)

    def exact_four_point(self, inputs, quadruples, *, nodes=None) -> np.ndarray | None:
        """The exact G4c at the quadruples, shape (Q,), or None.

        The linear bias-free layer (any rank): its exact cumulant
        (:func:`tensornn.correlators.cp_cumulants.linear_four_point`).
        Gaussian pre-activations (dense, or one index): the scalar network on the flattened input, (sigma_v /
        sigma_w)^4 times :func:`tensornn.correlators.exact.g4_connected_exact`. Otherwise None.
        """
        if self._linear and not self.bias:
            from ..correlators.cp_cumulants import linear_four_point

            return linear_four_point(self, inputs, quadruples)
        if not self.gaussian_preactivation:
            return None
        from ..correlators.exact import g4_connected_exact

        flat = self.check_inputs(inputs).reshape(-1, self.n_components)
        ratio = (self.sigma_v / self.sigma_w) ** 4
        return ratio * g4_connected_exact(self.activation, *quadruple_legs(flat, quadruples), width=self.width,
                                          sigma_w=self.sigma_w, sigma_b=self.sigma_b, bias=self.bias, nodes=nodes)

    def pattern_space(self):
        """Where the readings amputate, with the network's own propagator (:mod:`tensornn.readings.patterns`).

        The linear layer: the index space (n_1, ..., n_d) with propagator scale s^2 = sigma_v^2 sigma_w^2 / n. A
        nonlinear activation with Gaussian pre-activations (dense weights, or one index): the kernel space of its
        kernel map (one colour: the double trace and the hidden-unit contact), same s^2.

        Raises
        ------
        UnsupportedReadingError
            A CP layer on d >= 2 indices with a nonlinear activation: no basis built on its own propagator.
        """
        if self._linear:
            from ..readings.patterns import IndexSpace

            return IndexSpace(self.index_sizes, self.sigma_v**2 * self.sigma_w**2 / self.n_components)
        if self.gaussian_preactivation:
            from ..readings.patterns import KernelSpace

            return KernelSpace(self.activation, self.index_sizes, self.sigma_w,
                               self.sigma_b if self.bias else 0.0, self.sigma_v)
        raise UnsupportedReadingError(self.reading_problem())

    def reading_problem(self) -> str | None:
        """None when the readings can amputate this network with its own propagator, else the reason (infinite
        moments first: then G4c itself does not exist)."""
        if self._linear or self.gaussian_preactivation:
            return None
        moments = self.moment_problem(4)
        if moments is not None and "pass inputs" not in moments:
            return f"no reading of the CP layer of rank {self.cp_rank} with the {self.activation!r} activation: {moments}"
        return (f"no reading of the CP layer of rank {self.cp_rank} on {self.order} indices with the "
                f"{self.activation!r} activation: its pre-activation is a sum of products of {self.order} Gaussians, "
                "not Gaussian, so its kernel E[phi(z_x) phi(z_y)] is neither the Gaussian kernel map of <x, y> nor a "
                "product over colours, its hidden-unit contact has no closed form, and the bubble patterns of the "
                "index space are those of the linear propagator s^2 <x, y>, which would misread its G4c as "
                "structure; use the linear activation or dense weights for a reading, or the model-free symmetry "
                "test (tensornn.readings.symmetry.symmetry_test) for its symmetry")

    def exact_couplings(self, classes) -> dict | None:
        """{class name: lambda_V} where the first-order action is known, else None.

        The linear bias-free layer: the bubbles carry lambda_B = -W_B / (4! N s^4)
        (:func:`tensornn.readings.content.linear_tensor_action`) in the normalisation of
        :mod:`tensornn.readings.patterns`; local and mixed classes are absent (0). A class whose members' couplings
        differ (a colour-merged class of unequal bubbles) makes the answer None. A nonlinear layer with Gaussian
        pre-activations, on its kernel space: local -1/(8 N s^4), double trace +1/(8 N s^4) (every activation).
        """
        if not self._linear and self.gaussian_preactivation:
            return self.pattern_space().exact_couplings(classes, self.width)
        if not self._linear or self.bias:
            return None
        from ..readings.content import linear_tensor_action

        action = linear_tensor_action(self)
        out = {}
        for c in classes:
            values = [action.couplings.get(name, 0.0) for name in c.members]
            if max(values) - min(values) > 1e-12 * max(1.0, max(abs(v) for v in values)):
                return None
            out[c.name] = float(sum(values))
        return out

    def moment_problem(self, order: int = 4, *, inputs=None) -> str | None:
        """None when E|f|^order is finite, else the reason (module docstring, "Moments").

        Only a CP layer on d >= 2 indices with an activation growing like exp has a problem. For d = 2 the answer
        depends on the inputs: pass ``inputs`` (P, n_1, n_2) to decide, else the condition is returned.

        Examples
        --------
        >>> StructuredNetwork((2, 2, 2), cp_rank=1, activation="exp").moment_problem(4)[:27]
        'E|f|^4 is infinite at every'
        >>> net = StructuredNetwork((2, 2), cp_rank=1, activation="exp")
        >>> print(net.moment_problem(4, inputs=0.1 * np.ones((1, 2, 2))))
        None
        """
        order = _check_order(order)
        if get_activation(self.activation).growth != "exponential" or self.gaussian_preactivation:
            return None
        x = None if inputs is None else self.check_inputs(inputs).reshape(-1, *self.index_sizes)
        if x is not None and not np.any(x):
            return None
        rank, n = self.cp_rank, self.n_components
        if rank is None:  # dense weights: Gaussian pre-activations, every moment finite (returned above)
            return None
        if self.order >= 3:
            return (f"E|f|^{order} is infinite at every nonzero input: the CP layer of rank {rank} on {self.order} "
                    f"indices makes the pre-activation a sum of products of {self.order} Gaussians, and "
                    f"E exp(t g1 g2 g3) is infinite for every t != 0, so the {self.activation!r} activation (growing "
                    "like exp) has no finite moments; use a bounded or linear activation, or dense weights")
        bound = np.sqrt(n * rank) / (order * self.sigma_w)
        n1, n2 = self.index_sizes
        condition = (f"E|f|^{order} is finite only at inputs whose largest singular value sigma_max(x) (x read as "
                     f"a {n1} x {n2} matrix) is below sqrt(n R) / ({order} sigma_w) = {bound:.4g}: the pre-activation is a bilinear form of Gaussians, and E exp(t g1 g2) = "
                     "(1 - t^2)^(-1/2) is infinite for |t| >= 1")
        if x is None:
            return condition + "; pass inputs to decide"
        largest = np.linalg.norm(x, ord=2, axis=(1, 2))
        worst = int(np.argmax(largest))
        if largest[worst] < bound:
            return None
        return condition + f"; input {worst} has sigma_max = {largest[worst]:.4g}"

    def describe(self) -> str:
        if self.dense:
            return f"dense layer (the CP layer's twin), {self.activation}, N = {self.width}"
        return f"CP-structured layer, rank {self.cp_rank}, {self.activation}, N = {self.width}"

    def to_dict(self) -> dict:
        out: dict = {"model": "dense" if self.dense else "cp", "index_sizes": list(self.index_sizes)}
        if not self.dense:
            out["cp_rank"] = self.cp_rank
        out.update(activation=self.activation, width=self.width, sigma_w=self.sigma_w, sigma_v=self.sigma_v,
                   sigma_b=self.sigma_b, bias=self.bias)
        return out

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

    @via_block_sampler
    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator, *, dtype=np.float64) -> np.ndarray:
        """Draw ``n_networks`` independent networks and return their outputs, shape (n_networks, P), in ``dtype``.

        The networks are drawn in chunks of ``max(1, 2^21 // (N max(R max_c n_c, n)))`` networks, a number
        that depends on the width and the weight shapes but not on the inputs. Each chunk draws, in this
        order: the CP factors u_c, component-major (R, n_c, m, N), for c = 1..d (dense: the weights
        (n, m, N)), the read-out v (m, N), then b0 (m, N) and b1 (m) when sigma_b > 0. A zero scale skips what it
        multiplies: no first-layer draws when sigma_w = 0, only b1 (for all networks at once) when
        sigma_v = 0. The weight tensors W^j are formed from their factors one cache-sized sub-chunk at a
        time and contracted with the inputs by one matrix product
        (:class:`tensornn.networks.layers.HiddenLayer`). ``dtype`` (float64 or float32) is the precision
        of the draws and of the evaluation.
        """
        n_networks = check_count("n_networks", n_networks)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return self.block_sampler(inputs, dtype=dtype)(n_networks, rng)

    def block_sampler(self, inputs, *, dtype=np.float64, conditional=False):
        """A sampler of blocks of networks on fixed inputs, ``sampler(n, rng) -> f`` of shape (n, P), with
        reused buffers (the returned array is overwritten by the next call); the draws of :meth:`sample_outputs`.

        ``conditional=True``: for the same draws, the covariance of each network's outputs given its hidden
        layer, shape (n, P, P) (the output is Gaussian given it; the read-out is still drawn, so the stream is
        unchanged).
        """
        x = self.check_inputs(inputs)
        dtype = sampling_dtype(dtype)
        x_flat = x.reshape(x.shape[0], self.n_components)
        n, width, rank = self.n_components, self.width, self.cp_rank
        bias_scale = self.sigma_b if self.bias else None
        if self.sigma_v == 0.0:  # the hidden layer is multiplied by zero: only the read-out bias is drawn
            return readout_bias_sampler(len(x), bias_scale, dtype, conditional)
        if self.sigma_w == 0.0:  # z is the bias alone: no first layer
            scaled = np.zeros((len(x), 0))
        elif self.dense:
            scaled = x_flat * (self.sigma_w / math.sqrt(n))
        else:
            scaled = x_flat * (self.sigma_w / math.sqrt(n * rank))
        activation = get_activation(self.activation)
        shift = None
        if activation.normalised:  # Gauss: subtract the preactivation variance s(x, x), in log space
            shift = self.sigma_b**2 + self.sigma_w**2 * np.sum(x_flat**2, axis=1) / n
        cp = self.sigma_w != 0.0 and not self.dense
        layer = HiddenLayer(scaled, width=width, activation=activation, bias_scale=bias_scale, shift=shift,
                            readout_scale=self.sigma_v / math.sqrt(width), dtype=dtype, weights_buffer=not cp)
        chunk = max(1, _CHUNK_ELEMENTS // (width * max((rank or 1) * max(self.index_sizes), n)))
        factors, work, stored = [], {}, {}

        def weights(start, stop):
            return cp_weight_matrix([f[:, :, start * width: stop * width] for f in factors], work)

        def sample(n_networks, rng):
            out = None
            for start in range(0, n_networks, chunk):
                m = min(chunk, n_networks - start)
                layer.prepare(m)
                if cp:  # component-major factors (R, n_c, m N), drawn colour after colour
                    factors[:] = [prefix_buffer(stored, c, (rank, size, m * width), dtype)
                                  for c, size in enumerate(self.index_sizes)]
                    for f in factors:
                        rng.standard_normal(out=f, dtype=dtype)
                elif self.sigma_w != 0.0:
                    rng.standard_normal(out=layer.first_layer(), dtype=dtype)
                rng.standard_normal(out=layer.readout(), dtype=dtype)
                if bias_scale is not None:
                    rng.standard_normal(out=layer.bias0(), dtype=dtype)
                    rng.standard_normal(out=layer.bias1(), dtype=dtype)
                if conditional:
                    f_chunk = layer.conditional_covariance(weights=weights if cp else None)
                else:
                    f_chunk = layer.evaluate(weights=weights if cp else None)
                if m == n_networks:
                    return f_chunk
                if out is None:
                    out = np.empty((n_networks,) + f_chunk.shape[1:], f_chunk.dtype)
                out[start:start + m] = f_chunk
            return out

        return sample

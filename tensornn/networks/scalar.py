"""One-hidden-layer scalar networks: the ensembles of scalar NN-QFT.

A :class:`ScalarNetwork` is the specification of an ensemble (docs/theory/nn_qft.md):

    f(x) = b1 + sum_{j=1}^{N} W1_j act(z_j(x)),   z_j(x) = W0_j . x + b0_j,

    W0 ~ N(0, sigma_w^2 / d_in),  b0 ~ N(0, sigma_b^2),  W1 ~ N(0, sigma_v^2 / N),  b1 ~ N(0, sigma_b^2),

all independent, with ``sigma_v = sigma_w`` unless given (the vocabulary of :mod:`tensornn.networks.spec`).
The biases exist exactly when sigma_b > 0. The Gauss-net is act(z(x)) = exp(z(x) - s(x, x)),
s(x, x) = sigma_b^2 + sigma_w^2 |x|^2 / d_in, evaluated in log space so that sigma_w ~ 100 does not
overflow.

It is a model (:mod:`tensornn.networks.model`, registered as "scalar"). Besides sampling it answers for its
theory: the kernel (the exact 2-point function at every width), the exact G4c (which, for one hidden layer,
is exactly the leading 1/N term), the Gauss product space of the Gauss-net's readings, and what the one
measurement path of :mod:`tensornn.couplings` needs: the Gaussian widths of the Gauss-net kernel (for the
closed-form amputation) and its kinetic coefficients. Its pre-activations are Gaussian, so every moment of
its output is finite.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Neal, "Bayesian learning for neural networks" (1996).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_count, check_int, check_scale
from ..errors import InvalidArgumentError, InvalidTypeError
from .activations import get_activation
from .blocks import BlockKinetic, block_kinetic_coefficients
from .kernels import _check_variance, kernel_w
from .layers import dense_sampler
from .model import ModelBase, _check_order, quadruple_legs
from .spec import resolve_bias, resolve_readout, via_block_sampler
from .streams import sampling_dtype

__all__ = ["ScalarNetwork"]


@dataclass(frozen=True)
class ScalarNetwork(ModelBase):
    """A one-hidden-layer network family with Gaussian parameter laws.

    Parameters
    ----------
    activation : str
        A registered hidden activation (:mod:`tensornn.networks.activations`: "gauss" is the Gauss-net,
        "exp", "erf", "relu", "linear", "tanh", "gelu", or one added with ``register_activation``).
    d_in : int
        Input dimension, >= 1.
    width : int
        Hidden width N, >= 1.
    sigma_w : float
        First-layer weight scale, finite and > 0.
    sigma_b : float, optional
        Bias scale, finite and >= 0 (default 0: no biases).
    bias : bool or None, optional
        None (default) follows sigma_b; True with sigma_b = 0 or False with sigma_b > 0 is refused.
    sigma_v : float or None, optional
        Read-out scale (W1 ~ N(0, sigma_v^2/N)); None means sigma_v = sigma_w.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Unknown activation (the message lists the valid names), width < 1, non-integer sizes,
        negative or non-finite scales, a bias flag that contradicts sigma_b.

    Examples
    --------
    >>> net = ScalarNetwork("erf", d_in=1, width=10, sigma_w=1.0)
    >>> net.sample_outputs([[0.1], [0.2]], 3, np.random.default_rng(0)).shape
    (3, 2)
    """

    activation: str
    d_in: int
    width: int
    sigma_w: float
    sigma_b: float = 0.0
    bias: bool | None = None
    sigma_v: float = None  # type: ignore[assignment]  # None means sigma_w, resolved in __post_init__

    one_hidden_layer = True

    def __post_init__(self):
        get_activation(self.activation)
        object.__setattr__(self, "d_in", check_int("d_in", self.d_in, minimum=1))
        object.__setattr__(self, "width", check_count("width", self.width))
        object.__setattr__(self, "sigma_w", check_scale("sigma_w", self.sigma_w))
        sigma_b, bias = resolve_bias(self.sigma_b, self.bias)
        object.__setattr__(self, "sigma_b", sigma_b)
        object.__setattr__(self, "bias", bias)
        object.__setattr__(self, "sigma_v", resolve_readout(self.sigma_v, self.sigma_w))

    @property
    def effective_sigma_b(self) -> float:
        """The bias scale of the ensemble (0 without biases); kept for compatibility, equal to sigma_b."""
        return self.sigma_b

    @property
    def input_shape(self) -> tuple[int, ...]:
        """(d_in,), the shape of one input."""
        return (self.d_in,)

    @property
    def _readout_ratio2(self) -> float:
        # every kernel formula is written with sigma_v = sigma_w; a separate read-out rescales K_w by this
        return (self.sigma_v / self.sigma_w) ** 2

    def check_inputs(self, inputs) -> np.ndarray:
        """Validate inputs and return them as a float array of shape (P, d_in).

        A 1-d array is read as P scalar inputs when ``d_in == 1`` and as one input when its
        length is ``d_in > 1``.

        Raises
        ------
        InvalidArgumentError
            NaN/inf entries, no inputs, a last axis that is not d_in, or an input whose preactivation
            variance sigma_b^2 + sigma_w^2 |x|^2 / d_in exceeds 1e100 (the square of the largest scale).
        """
        x = check_array("inputs", inputs)
        if x.ndim == 0:
            x = x.reshape(1, 1)
        elif x.ndim == 1:
            x = x[:, None] if self.d_in == 1 else x[None, :]
        if x.ndim != 2 or x.shape[1] != self.d_in:
            raise InvalidArgumentError(
                f"inputs must have shape (P, d_in) = (P, {self.d_in}), got shape {x.shape}; "
                "put one input per row"
            )
        if x.shape[0] == 0:
            raise InvalidArgumentError("inputs must contain at least one input, got none")
        _check_variance(x, self.sigma_w, self.sigma_b)
        return x

    # ------------------------------------------------------------------ the free theory and its oracles
    def kernel_w(self, x, y) -> np.ndarray:
        """K_w(x, y) = K - sigma_b^2 = sigma_v^2 E[act(z(x)) act(z(y))], broadcast over leading axes."""
        return self._readout_ratio2 * kernel_w(self.activation, x, y, sigma_w=self.sigma_w, sigma_b=self.sigma_b)

    def kernel_matrix(self, inputs) -> np.ndarray:
        """The (P, P) matrix K(x_a, x_b) of this ensemble, equal to its exact 2-point function."""
        x = self.check_inputs(inputs)
        return self.sigma_b**2 + self.kernel_w(x[:, None, :], x[None, :, :])

    def gauss_kernel_widths(self) -> np.ndarray | None:
        """For the Gauss-net, alpha_i with K_w(x, y) = sigma_v^2 exp(-sum_i alpha_i (x_i - y_i)^2); else None.

        alpha_i = sigma_w^2 / (2 d_in) for every component. The amputation of :mod:`tensornn.couplings`
        uses it to integrate in closed form; other kernels are integrated numerically.
        """
        if not get_activation(self.activation).normalised:
            return None
        return np.full(self.d_in, self.sigma_w**2 / (2.0 * self.d_in))

    def kinetic_coefficients(self) -> BlockKinetic:
        """The Gauss-net's kinetic operator to order p^2: 1/K_w(p) = A + a p^2 + O(p^4) (one colour).

        Raises
        ------
        InvalidArgumentError
            For activations other than "gauss", whose kernels are not translation invariant.
        """
        if not get_activation(self.activation).normalised:
            raise InvalidArgumentError(
                f"kinetic coefficients exist for the translation-invariant Gauss-net only, got activation="
                f"{self.activation!r}; use activation='gauss'"
            )
        return block_kinetic_coefficients(block_sizes=(self.d_in,), sigma_blocks=(self.sigma_w,), sigma_v=self.sigma_v)

    # ------------------------------------------------------------------ the model's theory face
    def kernel(self, inputs) -> np.ndarray:
        """The (P, P) kernel K(x_a, x_b), the exact 2-point function at every width (:meth:`kernel_matrix`)."""
        return self.kernel_matrix(inputs)

    def exact_four_point(self, inputs, quadruples, *, nodes=None) -> np.ndarray:
        """The exact G4c at the quadruples (Q, 4) of the inputs, shape (Q,), at width N.

        ``G4c = (sigma_v^4 / N) [3 E(h1 h2 h3 h4) - (C12 C34 + C13 C24 + C14 C23)]``
        (:func:`tensornn.correlators.exact.g4_connected_exact`, with the read-out scale); ``nodes`` are the
        Gauss-Hermite nodes of activations without an n-point rule.

        Examples
        --------
        >>> net = ScalarNetwork("linear", d_in=1, width=5, sigma_w=1.0)
        >>> round(float(net.exact_four_point([[1.0]], [[0, 0, 0, 0]])[0]), 12)  # (1/5)(3 E z^4 - 3 (E z^2)^2) = 6/5
        1.2
        """
        from ..correlators.exact import g4_connected_exact

        legs = quadruple_legs(self.check_inputs(inputs), quadruples)
        g4 = g4_connected_exact(self.activation, *legs, width=self.width, sigma_w=self.sigma_w,
                                sigma_b=self.sigma_b, nodes=nodes)
        return self._readout_ratio2**2 * g4

    def pattern_space(self):
        """The Gauss-net's fields live on one continuum colour R^{d_in} (a Gauss product space); other
        activations have no closed-form amputation patterns (None)."""
        if not get_activation(self.activation).normalised:
            return None
        from ..readings.patterns import GaussProductSpace

        return GaussProductSpace.from_blocks((self.d_in,), (self.sigma_w,), self.sigma_v)

    def moment_problem(self, order: int = 4) -> str | None:
        """None: the pre-activations are Gaussian, so E|f|^k is finite for every k (lognormal for exp)."""
        _check_order(order)
        return None

    def describe(self) -> str:
        bias = f", sigma_b = {self.sigma_b:g}" if self.bias else ""
        readout = "" if self.sigma_v == self.sigma_w else f", sigma_v = {self.sigma_v:g}"
        return (f"one-hidden-layer {self.activation} network, d_in = {self.d_in}, N = {self.width}, "
                f"sigma_w = {self.sigma_w:g}{bias}{readout}")

    def to_dict(self) -> dict:
        return {"model": "scalar", "activation": self.activation, "d_in": self.d_in, "width": self.width,
                "sigma_w": self.sigma_w, "sigma_b": self.sigma_b, "bias": self.bias, "sigma_v": self.sigma_v}

    # ------------------------------------------------------------------ sampling
    def block_sampler(self, inputs, *, dtype=np.float64, conditional: bool = False):
        """A sampler of blocks of networks on fixed inputs, ``sampler(n, rng) -> f`` of shape (n, P).

        The inputs are validated once and the buffers are reused from call to call (the returned array
        is overwritten by the next call); :func:`tensornn.networks.sampling.sample_ensemble` uses one per
        task. The draws are those of :meth:`sample_outputs`. ``conditional=True``: for the same draws, the
        covariance of each network's outputs given its hidden layer, shape (n, P, P).
        """
        x = self.check_inputs(inputs)
        dtype = sampling_dtype(dtype)
        activation = get_activation(self.activation)
        shift = None
        if activation.normalised:  # Gauss-net: exp(z - s(x, x)), evaluated in log space
            shift = self.sigma_b**2 + self.sigma_w**2 * np.sum(x * x, axis=1) / self.d_in
        return dense_sampler(x * (self.sigma_w / np.sqrt(self.d_in)), width=self.width, activation=activation,
                             bias_scale=self.sigma_b if self.bias else None, shift=shift,
                             readout_scale=self.sigma_v / np.sqrt(self.width), dtype=dtype, conditional=conditional)

    @via_block_sampler
    def sample_outputs(self, inputs, n_networks, rng, *, dtype=np.float64) -> np.ndarray:
        """Draw ``n_networks`` independent networks from ``rng`` and evaluate them on ``inputs``.

        The draws are made in a fixed order, each for all networks at once: W0 component-major
        (d_in, n, N), b0 (n, N), W1 (n, N), b1 (n), the biases only when sigma_b > 0; with sigma_v = 0
        the output is b1 alone and only b1 is drawn. So the outputs depend only on the generator state,
        ``n_networks``, the inputs and ``dtype``. The evaluation runs in cache-sized sub-chunks
        (:class:`tensornn.networks.layers.HiddenLayer`); memory is that of the draws,
        O(n_networks * width * (d_in + 2)). Stream large ensembles with
        :func:`tensornn.networks.sampling.sample_ensemble`.

        Parameters
        ----------
        inputs : array_like, shape (P, d_in)
        n_networks : int, >= 1
        rng : numpy.random.Generator
        dtype : {numpy.float64, numpy.float32}
            Precision of the draws and of the evaluation (float32 draws are other numbers).

        Returns
        -------
        ndarray, shape (n_networks, P), in ``dtype``
        """
        n = check_count("n_networks", n_networks)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
        return self.block_sampler(inputs, dtype=dtype)(n, rng)

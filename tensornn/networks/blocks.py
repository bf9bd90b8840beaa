"""Block-structured Gauss-nets: colour blocks of the input with their own weight scales.

The input x in R^{d_in} is split into colour blocks x = (x^1, ..., x^d), x^c in R^{D_c}. Block c of the
first layer has W0 ~ N(0, sigma_c^2 / d_in) (sigma_c = sigma_w unless ``sigma_blocks`` is given); the
Gauss activation is normalised per input,

    h(x) = exp(z(x) - sigma_b^2 - sum_c sigma_c^2 |x^c|^2 / d_in),   z = W0 . x + b0,

and f(x) = b1 + sum_j W1_j h_j(x), W1 ~ N(0, sigma_v^2 / N). The 2-point function is exactly, at every N,

    K(x, y) = sigma_b^2 + sigma_v^2 prod_c exp(-sigma_c^2 |x^c - y^c|^2 / (2 d_in)).

In momentum space (Fourier transform in each block, p = (p_1..p_d))

    K_w(p) = sigma_v^2 prod_c (2 pi d_in / sigma_c^2)^{D_c/2} exp(-d_in p_c^2 / (2 sigma_c^2)),
    1 / K_w(p) = A exp(sum_c d_in p_c^2 / (2 sigma_c^2)) = A + sum_c a_c p_c^2 + O(p^4),
    A = sigma_v^-2 prod_c (sigma_c^2 / (2 pi d_in))^{D_c/2},   a_c = A d_in / (2 sigma_c^2).

Equal sigma_c = sigma_v = sigma_w give the plain Gauss-net (docs/theory/nn_qft.md): a_c = Z and
A = Z m^2 with m^2 = 2 sigma_w^2 / d_in. One block is the scalar Gauss-net itself.

:class:`BlockGaussNetwork` is a model (:mod:`tensornn.networks.model`, registered as "block-gauss"): its exact
G4c is the scalar formula with the block pre-activation covariance s_ij = sigma_b^2 + sum_c sigma_c^2
x_i^c . x_j^c / d_in, G4c = (sigma_v^4/N) [3 E(h1 h2 h3 h4) - sum_pairings C C] with
E(h1..h4) = exp(sum_{i<j} s_ij - sum_i s_ii / 2) and C_ij = exp(s_ij - (s_ii + s_jj)/2), in closed form.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .._checks import check_count, check_int, check_scale
from ..errors import InvalidArgumentError, InvalidTypeError
from .activations import get_activation
from .layers import dense_sampler
from .model import ModelBase, _check_order, quadruple_legs
from .spec import resolve_bias, resolve_readout, via_block_sampler
from .streams import sampling_dtype

__all__ = ["BlockGaussNetwork", "BlockKinetic", "block_gauss_kernel", "block_kinetic_coefficients"]


def _positive_tuple(name, values, check):
    try:
        items = tuple(values)
    except TypeError:
        raise InvalidTypeError(f"{name} must be a sequence with one entry per colour block, got {values!r}") from None
    if not items:
        raise InvalidArgumentError(f"{name} must have at least one colour block, got ()")
    return tuple(check(f"{name}[{c}]", v) for c, v in enumerate(items))


def _validated_blocks(block_sizes, sigma_blocks):
    sizes = _positive_tuple("block_sizes", block_sizes, lambda n, v: check_int(n, v, minimum=1))
    sigmas = _positive_tuple("sigma_blocks", sigma_blocks, lambda n, v: check_scale(n, v))
    if len(sizes) != len(sigmas):
        raise InvalidArgumentError(
            f"sigma_blocks needs one scale per colour block: block_sizes has {len(sizes)} blocks {sizes}, "
            f"sigma_blocks has {len(sigmas)} {sigmas}"
        )
    return sizes, sigmas


def block_gauss_kernel(x, y, *, block_sizes, sigma_blocks, sigma_v: float = 1.0, sigma_b: float = 0.0) -> np.ndarray:
    """K(x, y) = sigma_b^2 + sigma_v^2 prod_c exp(-sigma_c^2 |x^c - y^c|^2 / (2 d_in)).

    Parameters
    ----------
    x, y : array, shape (..., d_in)
        Broadcast against each other; d_in = sum(block_sizes), blocks taken in order.
    block_sizes : sequence of int
        (D_1, ..., D_d).
    sigma_blocks : sequence of float
        (sigma_1, ..., sigma_d), the first-layer scale of each block.
    sigma_v : float
        Read-out scale (W1 ~ N(0, sigma_v^2 / N)).
    sigma_b : float
        Bias scale.

    Returns
    -------
    ndarray, the broadcast shape of x and y without the last axis.

    Examples
    --------
    >>> float(block_gauss_kernel([0.0, 0.0], [0.0, 0.0], block_sizes=(1, 1), sigma_blocks=(1.0, 3.0), sigma_v=2.0))
    4.0
    """
    sizes, sigmas = _validated_blocks(block_sizes, sigma_blocks)
    sigma_v = check_scale("sigma_v", sigma_v)
    sigma_b = check_scale("sigma_b", sigma_b, allow_zero=True)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    d_in = sum(sizes)
    if x.shape[-1:] != (d_in,) or y.shape[-1:] != (d_in,):
        raise InvalidArgumentError(f"x and y must end with d_in = sum(block_sizes) = {d_in}, got {x.shape}, {y.shape}")
    scales = np.repeat(np.asarray(sigmas) ** 2, sizes)
    exponent = -np.sum(scales * (x - y) ** 2, axis=-1) / (2.0 * d_in)
    return sigma_b**2 + sigma_v**2 * np.exp(exponent)


@dataclass(frozen=True)
class BlockKinetic:
    """Kinetic coefficients of the block Gauss-net: 1/K_w(p) = mass_term + sum_c a_c p_c^2 + O(p^4).

    Attributes
    ----------
    mass_term : float
        A = sigma_v^-2 prod_c (sigma_c^2 / (2 pi d_in))^{D_c/2} (Z m^2 for the plain Gauss-net).
    a : tuple of float
        a_c = A d_in / (2 sigma_c^2), the coefficient of p_c^2 of colour c.
    masses : tuple of float
        m_c^2 = A / a_c = 2 sigma_c^2 / d_in, the mass each colour would read alone.
    """

    mass_term: float
    a: tuple
    masses: tuple
    block_sizes: tuple = ()


def block_kinetic_coefficients(*, block_sizes, sigma_blocks, sigma_v: float = 1.0) -> BlockKinetic:
    """The order-p^2 kinetic operator of each continuum colour (see the module docstring).

    Computed through logarithms, so A stays meaningful where its powers over- or underflow.

    Examples
    --------
    >>> kin = block_kinetic_coefficients(block_sizes=(1,), sigma_blocks=(1.0,), sigma_v=1.0)
    >>> round(kin.masses[0], 12)   # m^2 = 2 sigma_w^2 / d_in
    2.0
    """
    sizes, sigmas = _validated_blocks(block_sizes, sigma_blocks)
    sigma_v = check_scale("sigma_v", sigma_v)
    d_in = sum(sizes)
    log_a = -2.0 * math.log(sigma_v) + sum(0.5 * dc * math.log(s**2 / (2 * math.pi * d_in)) for dc, s in zip(sizes, sigmas))
    mass_term = math.exp(log_a)
    a = tuple(mass_term * d_in / (2.0 * s**2) for s in sigmas)
    return BlockKinetic(mass_term=mass_term, a=a, masses=tuple(2.0 * s**2 / d_in for s in sigmas), block_sizes=sizes)


@dataclass(frozen=True)
class BlockGaussNetwork(ModelBase):
    """Gauss-net whose input is split into colour blocks with their own first-layer scales.

    Parameters
    ----------
    block_sizes : tuple of int
        (D_1, ..., D_d), every D_c >= 1; d_in = sum D_c.
    sigma_blocks : tuple of float, optional
        (sigma_1, ..., sigma_d) > 0, W0 of block c ~ N(0, sigma_c^2 / d_in); default every sigma_c = sigma_w.
    width : int
        N >= 1.
    sigma_w : float
        First-layer scale (of every block without its own ``sigma_blocks`` entry), > 0.
    sigma_b : float
        Bias scale (biases exist exactly when sigma_b > 0).
    bias : bool or None
        None follows sigma_b; a contradicting value is refused.
    sigma_v : float or None
        Read-out scale, W1 ~ N(0, sigma_v^2 / N); None means sigma_v = sigma_w.

    Implements the NetworkSpec protocol: inputs of shape (P, d_in).

    Examples
    --------
    >>> net = BlockGaussNetwork((1, 2), sigma_blocks=(1.0, 2.0), width=4)
    >>> net.sample_outputs(np.zeros((3, 3)), 5, np.random.default_rng(0)).shape
    (5, 3)
    """

    block_sizes: tuple
    sigma_blocks: tuple = None  # type: ignore[assignment]  # None means sigma_w per block, resolved in __post_init__
    width: int = 1
    sigma_w: float = 1.0
    sigma_b: float = 0.0
    bias: bool | None = None
    sigma_v: float = None  # type: ignore[assignment]  # None means sigma_w, resolved in __post_init__

    one_hidden_layer = True

    def __post_init__(self):
        object.__setattr__(self, "sigma_w", check_scale("sigma_w", self.sigma_w))
        sigma_blocks = self.sigma_blocks
        if sigma_blocks is None:
            sizes = _positive_tuple("block_sizes", self.block_sizes, lambda n, v: check_int(n, v, minimum=1))
            sigma_blocks = (self.sigma_w,) * len(sizes)
        sizes, sigmas = _validated_blocks(self.block_sizes, sigma_blocks)
        object.__setattr__(self, "block_sizes", sizes)
        object.__setattr__(self, "sigma_blocks", sigmas)
        object.__setattr__(self, "width", check_count("width", self.width))
        sigma_b, bias = resolve_bias(self.sigma_b, self.bias)
        object.__setattr__(self, "sigma_b", sigma_b)
        object.__setattr__(self, "bias", bias)
        object.__setattr__(self, "sigma_v", resolve_readout(self.sigma_v, self.sigma_w))

    @property
    def d_in(self) -> int:
        return sum(self.block_sizes)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """(d_in,), the shape of one input."""
        return (self.d_in,)

    def kernel(self, inputs, y=None) -> np.ndarray:
        """The (P, P) kernel K(x_a, x_b) on ``inputs`` (P, d_in): the exact 2-point function at every width.

        The two-argument form ``kernel(x, y)`` (broadcast pairs) is deprecated: use ``kernel_w(x, y) + sigma_b**2``
        or :func:`block_gauss_kernel`.
        """
        if y is not None:
            warnings.warn("BlockGaussNetwork.kernel(x, y) is deprecated: kernel(inputs) is the (P, P) kernel of the "
                          "model contract; for pairs use kernel_w(x, y) + sigma_b**2 or block_gauss_kernel(x, y, ...)",
                          DeprecationWarning, stacklevel=2)
            return block_gauss_kernel(inputs, y, block_sizes=self.block_sizes, sigma_blocks=self.sigma_blocks,
                                      sigma_v=self.sigma_v, sigma_b=self.sigma_b)
        return self.kernel_matrix(inputs)

    def kernel_w(self, x, y) -> np.ndarray:
        """K_w = K - sigma_b^2."""
        return block_gauss_kernel(x, y, block_sizes=self.block_sizes, sigma_blocks=self.sigma_blocks,
                                  sigma_v=self.sigma_v, sigma_b=0.0)

    def kernel_matrix(self, inputs) -> np.ndarray:
        """The (P, P) matrix K(x_a, x_b), equal to the exact 2-point function at every width."""
        x = self.check_inputs(inputs)
        return block_gauss_kernel(x[:, None, :], x[None, :, :], block_sizes=self.block_sizes,
                                  sigma_blocks=self.sigma_blocks, sigma_v=self.sigma_v, sigma_b=self.sigma_b)

    def exact_four_point(self, inputs, quadruples) -> np.ndarray:
        """The exact G4c at the quadruples (Q, 4) of the inputs, in closed form (module docstring)."""
        x = np.stack(quadruple_legs(self.check_inputs(inputs), quadruples), axis=-2)  # (Q, 4, d_in)
        scales = np.repeat(np.asarray(self.sigma_blocks) ** 2, self.block_sizes) / self.d_in
        cov = self.sigma_b**2 + np.einsum("...id,d,...jd->...ij", x, scales, x)
        product_moment = get_activation("gauss").product_moment
        if product_moment is None:
            raise InvalidArgumentError("the registered 'gauss' activation has no product moment (its closed form)")
        product = product_moment(cov)
        diag = np.einsum("...ii->...i", cov)
        pair = get_activation("gauss").kernel_map(diag[..., :, None], diag[..., None, :], cov)
        wick = pair[..., 0, 1] * pair[..., 2, 3] + pair[..., 0, 2] * pair[..., 1, 3] + pair[..., 0, 3] * pair[..., 1, 2]
        return self.sigma_v**4 / self.width * (3.0 * product - wick)

    def pattern_space(self):
        """The Gauss product space of the blocks (a_c = sigma_c^2 / (2 d_in), amplitude sigma_v^2)."""
        from ..readings.patterns import GaussProductSpace

        return GaussProductSpace.from_blocks(self.block_sizes, self.sigma_blocks, self.sigma_v)

    def moment_problem(self, order: int = 4) -> str | None:
        """None: Gaussian pre-activations, so every moment of the output is finite."""
        _check_order(order)
        return None

    def describe(self) -> str:
        return f"block Gauss-net, blocks {list(self.block_sizes)}, N = {self.width}"

    def view_data(self, data):
        """Tensor data (:class:`tensornn.data.TensorData`) whose index sizes are the blocks are read through their
        colour marginals (block c holds the average over the other indices, D_c = n_c); arrays as they are."""
        sizes = getattr(data, "index_sizes", None)
        if sizes is not None:
            if tuple(sizes) != self.block_sizes:
                raise InvalidArgumentError(
                    f"data with index sizes {tuple(sizes)} do not match block_sizes={self.block_sizes}; "
                    "build the network with block_sizes equal to the data's index sizes")
            return data.colour_marginals()
        return data

    def reading_prediction(self) -> str:
        return ("Expected for the block Gauss-net: its hidden units factorise over the blocks, so G4c has only an "
                "all-local part and an all-paired-alike part: no pillow and no tetrahedron, a scalar theory seen "
                "through colours")

    def to_dict(self) -> dict:
        return {"model": "block-gauss", "block_sizes": list(self.block_sizes), "sigma_blocks": list(self.sigma_blocks),
                "width": self.width, "sigma_w": self.sigma_w, "sigma_b": self.sigma_b, "bias": self.bias,
                "sigma_v": self.sigma_v}

    def gauss_kernel_widths(self) -> np.ndarray:
        """alpha_i with K_w(x, y) = sigma_v^2 exp(-sum_i alpha_i (x_i - y_i)^2): sigma_c^2/(2 d_in) on block c."""
        return np.repeat(np.asarray(self.sigma_blocks) ** 2, self.block_sizes) / (2.0 * self.d_in)

    def kinetic_coefficients(self) -> BlockKinetic:
        """The order-p^2 kinetic operator per block, :func:`block_kinetic_coefficients`."""
        return block_kinetic_coefficients(block_sizes=self.block_sizes, sigma_blocks=self.sigma_blocks,
                                          sigma_v=self.sigma_v)

    def check_inputs(self, inputs) -> np.ndarray:
        """Return ``inputs`` as a float array of shape (P, d_in); raise naming both shapes."""
        try:
            x = np.asarray(inputs, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidTypeError(f"inputs must be an array of numbers, got {type(inputs).__name__}: {exc}") from None
        if x.ndim != 2 or x.shape[1] != self.d_in or x.shape[0] == 0:
            raise InvalidArgumentError(
                f"inputs must have shape (P, {self.d_in}) with P >= 1 for block_sizes={self.block_sizes}, got {x.shape}"
            )
        if not np.all(np.isfinite(x)):
            raise InvalidArgumentError("inputs must contain only finite numbers (found NaN or inf)")
        return x

    def block_sampler(self, inputs, *, dtype=np.float64, conditional: bool = False):
        """A sampler of blocks of networks on fixed inputs, ``sampler(n, rng) -> f`` of shape (n, P), with
        reused buffers (the returned array is overwritten by the next call); the draws of :meth:`sample_outputs`.
        ``conditional=True``: for the same draws, the covariance of the outputs given the hidden layer, (n, P, P)."""
        x = self.check_inputs(inputs)
        dtype = sampling_dtype(dtype)
        scales = np.repeat(np.asarray(self.sigma_blocks), self.block_sizes) / math.sqrt(self.d_in)
        return dense_sampler(x * scales, width=self.width, activation=get_activation("gauss"),
                             bias_scale=self.sigma_b if self.bias else None,
                             shift=self.sigma_b**2 + (x**2) @ (scales**2),
                             readout_scale=self.sigma_v / math.sqrt(self.width), dtype=dtype, conditional=conditional)

    @via_block_sampler
    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator, *, dtype=np.float64) -> np.ndarray:
        """Outputs of ``n_networks`` independent networks, shape (n_networks, P), in ``dtype``.

        The draws are those of :meth:`tensornn.networks.scalar.ScalarNetwork.sample_outputs`, each for all
        networks at once: W0 component-major (d_in, n, N) (standard normals, scaled per block), b0 (n, N),
        W1 (n, N), b1 (n), the biases only when sigma_b > 0, only b1 when sigma_v = 0. ``dtype`` (float64 or float32)
        is the precision of the draws and of the evaluation.
        """
        n = check_count("n_networks", n_networks)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return self.block_sampler(inputs, dtype=dtype)(n, rng)

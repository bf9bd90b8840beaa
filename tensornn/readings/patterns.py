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

The network's own kernel (a dense layer, or any layer with Gaussian pre-activations, of a nonlinear activation
phi): the kernel K_w(x, y) = sigma_v^2 E[phi(z_x) phi(z_y)], z Gaussian with covariance s(x, y) = sigma_b^2 +
sigma_w^2 <x, y> / n, depends on the inputs only through <x, x>, <x, y> and <y, y>. It is O(n)-invariant but, for a
nonlinear phi, neither bilinear in the inputs nor a product over colours, so no colour survives in the patterns: the
field is one colour (order 1) on the hidden units' feature space, K_w(x, y) = int dmu(w) G(x, w) G(y, w) with
G(x, w) = sigma_v phi(w . x + b) and mu the Gaussian law of one unit's weights (w, b). Two quartic vertices have
patterns built from the network's own propagator, and both are O(n)-invariant:

    pairing (double trace)   K_w(x_i, x_j) K_w(x_k, x_l),
    local (hidden contact)   int dmu(w) prod_i G(x_i, w) = sigma_v^4 E[phi(z_1) phi(z_2) phi(z_3) phi(z_4)],

the four legs meeting at one hidden unit (local in the weights, not in the inputs: the input-space integral
int dy prod_i K(x_i, y) diverges for a kernel that does not decay, ReLU or erf). Both are divided by s^4 (the
patterns are products of the dimensionless kernel K_w / s^2, equal to <x, y> for the linear layer), so the couplings
are in the units of the linear twin: with phi the identity the double trace is the index space's. The exact G4c of one
hidden layer of width N, (1/N) [3 sigma_v^4 E(phi_1..phi_4) - sum_pi K_w K_w], is then exactly

    lambda_local = -1 / (8 N s^4),   lambda_double_trace = +1 / (8 N s^4),

for every activation (:class:`KernelSpace`). Neither class alone describes a nonlinear layer; for the linear one
the contact equals three double traces and the two classes are not separable (use the index space). A CP layer of
rank R on d >= 2 indices with a nonlinear activation has a non-Gaussian pre-activation: its kernel is not the
Gaussian kernel map of <x, y> and does not factorise over colours, its contact pattern has no closed form, and the
bubble patterns of the index space are those of the linear propagator: it has no honest basis, and
:func:`pattern_space` refuses it (:class:`tensornn.errors.UnsupportedReadingError`).
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

__all__ = ["IndexSpace", "GaussProductSpace", "KernelSpace", "amputation_patterns", "pattern_space"]

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


@dataclass(frozen=True)
class KernelSpace:
    """Fields on the feature space of one hidden layer with Gaussian pre-activations: the network's own kernel.

    Parameters
    ----------
    activation : str
        A registered activation (:mod:`tensornn.networks.activations`).
    input_shape : tuple of int
        The shape of one input, (n_1, ..., n_d) or (d_in,); n = its product.
    sigma_w : float
        First-layer scale: s(x, y) = sigma_b^2 + sigma_w^2 <x, y> / n.
    sigma_b : float
        Pre-activation bias scale (0 without biases).
    sigma_v : float
        Read-out scale: K_w = sigma_v^2 k(s_xx, s_yy, s_xy).
    propagator_scale : float, optional
        s^2 > 0, the unit of the couplings; default sigma_v^2 sigma_w^2 / n (the linear twin's).
    quadrature : {"auto", "hermite", "qmc"}
        How the contact pattern E prod phi(z_i) is integrated where the activation has no n-point rule (erf, tanh,
        GELU; ReLU at three or four distinct inputs). "hermite" is the exact oracle's own rule
        (:func:`tensornn.correlators.exact.gaussian_product_expectation`): an exact fit agrees with the oracle to
        rounding, accurate to about 1e-5 for smooth activations, about 0.5 s per quadruple of four distinct inputs.
        "qmc" is randomised quasi-Monte Carlo (:func:`tensornn.networks.kernels.gaussian_product_qmc`), faster,
        relative error about 1e-3 (reported by :meth:`contact`), and for ReLU the accurate one: the tensor-product
        rule converges only algebraically across the kinks (24 nodes: 4% off at four distinct inputs, while its own
        error estimate says 0.7%; a Monte-Carlo fit with the conditional G4c estimator at 2^17 networks rejects
        those patterns, p = 1.7e-4, and accepts the QMC ones, p = 0.036). "auto" (default): "qmc" for ReLU,
        "hermite" otherwise.
    nodes : int, optional
        Gauss-Hermite nodes per direction ("hermite").

    Examples
    --------
    >>> space = KernelSpace("relu", (2, 2), sigma_w=1.0)
    >>> space.order, space.kind
    (1, 'kernel')
    """

    activation: str
    input_shape: tuple
    sigma_w: float
    sigma_b: float = 0.0
    sigma_v: float = 1.0
    propagator_scale: float = None  # type: ignore[assignment]  # None: sigma_v^2 sigma_w^2 / n
    quadrature: str = "auto"
    nodes: int | None = None

    def __post_init__(self):
        from ..networks.activations import get_activation

        get_activation(self.activation)
        try:
            shape = tuple(check_int(f"input_shape[{c}]", n, minimum=1) for c, n in enumerate(self.input_shape))
        except TypeError:
            raise InvalidTypeError(f"input_shape must be a sequence of sizes, got {self.input_shape!r}") from None
        if not shape:
            raise InvalidArgumentError("input_shape must have at least one axis, got ()")
        object.__setattr__(self, "input_shape", shape)
        object.__setattr__(self, "sigma_w", check_real("sigma_w", self.sigma_w, positive=True))
        object.__setattr__(self, "sigma_b", check_real("sigma_b", self.sigma_b, minimum=0.0))
        object.__setattr__(self, "sigma_v", check_real("sigma_v", self.sigma_v, positive=True))
        scale = self.sigma_v**2 * self.sigma_w**2 / self.n_components if self.propagator_scale is None \
            else self.propagator_scale
        object.__setattr__(self, "propagator_scale", check_real("propagator_scale", scale, positive=True))
        if self.quadrature not in ("auto", "hermite", "qmc"):
            raise InvalidArgumentError(f"quadrature must be 'auto', 'hermite' or 'qmc', got {self.quadrature!r}")
        if self.nodes is not None:
            object.__setattr__(self, "nodes", check_int("nodes", self.nodes, minimum=4))

    kind = "kernel"
    order = 1

    @property
    def n_components(self) -> int:
        return math.prod(self.input_shape)

    def mass_exponent(self, readout_follows_sigma_w: bool) -> float:
        """p in m^2 ~ sigma_w^p as for the linear twin (-4 or -2): exact for a positively homogeneous activation
        (linear, ReLU) without biases, whose K_w scales as sigma_v^2 sigma_w^2; a convention otherwise."""
        return -4.0 if readout_follows_sigma_w else -2.0

    def check_inputs(self, inputs) -> np.ndarray:
        x = check_array("inputs", inputs)
        if x.ndim != len(self.input_shape) + 1 or x.shape[1:] != self.input_shape:
            raise InvalidArgumentError(
                f"inputs must have shape (P, {', '.join(map(str, self.input_shape))}) on this kernel space, got "
                f"{x.shape}")
        return x

    def _covariance(self, x: np.ndarray) -> np.ndarray:
        """s(x_i, x_j) of flattened inputs (..., m, n) -> (..., m, m)."""
        return self.sigma_b**2 + self.sigma_w**2 * np.einsum("...id,...jd->...ij", x, x) / self.n_components

    def kernel(self, inputs) -> np.ndarray:
        """K_w(x_a, x_b) = sigma_v^2 k(s_aa, s_bb, s_ab), shape (P, P) (the bias constant of the read-out excluded).

        Examples
        --------
        >>> space = KernelSpace("linear", (2,), sigma_w=2.0)
        >>> space.kernel([[1.0, 0.0], [1.0, 1.0]]).tolist()
        [[2.0, 2.0], [2.0, 4.0]]
        """
        from ..networks.activations import get_activation

        x = self.check_inputs(inputs).reshape(-1, self.n_components)
        s = self._covariance(x)
        diag = np.diagonal(s)
        with np.errstate(over="ignore", under="ignore"):
            return self.sigma_v**2 * get_activation(self.activation).kernel_map(diag[:, None], diag[None, :], s)

    def contact(self, inputs, quadruples) -> tuple[np.ndarray, np.ndarray]:
        """sigma_v^4 E[phi(z_1) .. phi(z_4)] at the quadruples and its quadrature error estimate, shapes (Q,)."""
        legs = quadruple_legs(self.check_inputs(inputs).reshape(-1, self.n_components), quadruples)
        cov = self._covariance(np.stack(legs, axis=-2))
        if self.quadrature == "qmc" or (self.quadrature == "auto" and self.activation == "relu"):
            from ..networks.kernels import gaussian_product_qmc

            value, error = gaussian_product_qmc(self.activation, cov)
        else:
            from ..correlators.exact import gaussian_product_expectation

            value, error = gaussian_product_expectation(self.activation, cov, nodes=self.nodes)
        return self.sigma_v**4 * value, self.sigma_v**4 * error

    def tuple_patterns(self, tuples, inputs, quadruples) -> np.ndarray:
        """(K_w K_w or the contact) / s^4 for every one-colour tuple, shape (Q, len(tuples))."""
        q = np.asarray(quadruples)
        kernel = self.kernel(inputs)
        legs = quadruple_legs(np.arange(len(kernel)), q)
        unit = self.propagator_scale**2
        cols = []
        contact = None
        for t in tuples:
            if len(t) != 1:
                raise InvalidArgumentError(f"a kernel space has one colour; got the tuple {tuple(t)}")
            if t[0] == LOCAL:
                if contact is None:
                    contact = self.contact(inputs, q)[0] / unit
                cols.append(contact)
            else:
                (i, j), (k, m) = PAIRINGS[int(t[0])]
                cols.append(kernel[legs[i], legs[j]] * kernel[legs[k], legs[m]] / unit)
        return np.stack(cols, axis=1)

    def exact_couplings(self, classes, width: int) -> dict | None:
        """{"local": -1/(8 N s^4), "double trace": 1/(8 N s^4)} of one hidden layer of width N (module docstring),
        for classes of order 1 (None for other classes)."""
        width = check_int("width", width, minimum=1)
        value = 1.0 / (8.0 * width * self.propagator_scale**2)
        known = {"local": -value, "double trace": value}
        names = [c.name for c in classes]
        if any(n not in known for n in names):
            return None
        return {n: known[n] for n in names}


def amputation_patterns(space, classes, inputs, quadruples) -> np.ndarray:
    """A_V at the quadruples for every class V, shape (Q, K) (module docstring).

    Parameters
    ----------
    space : IndexSpace, GaussProductSpace, KernelSpace, or a network
        Where the patterns live; a network is asked for its own space (:func:`pattern_space`), so that a
        nonlinear network amputates with its own kernel or is refused.
    classes : sequence of QuarticPatternClass
        From :func:`tensornn.readings.quartic_classes` of the space's order.
    inputs : array
        (P, n_1..n_d) on an index or kernel space, (P, d_in) for a Gauss product kernel.
    quadruples : int array, shape (Q, 4)

    Returns
    -------
    ndarray, shape (Q, K)

    Raises
    ------
    UnsupportedReadingError
        A network without an honest basis (a nonlinear CP layer); the message says why.
    """
    if not isinstance(space, _SPACES):
        if hasattr(space, "pattern_space"):
            space = pattern_space(space)
        else:
            raise InvalidTypeError(f"space must be an IndexSpace, a GaussProductSpace, a KernelSpace or a network, "
                                   f"got {type(space).__name__}")
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


_SPACES = (IndexSpace, GaussProductSpace, KernelSpace)


def pattern_space(network):
    """The space of a network's fields, where its readings amputate: the model's ``pattern_space()``.

    An IndexSpace for a linear StructuredNetwork, a KernelSpace for a nonlinear one with Gaussian pre-activations
    (dense weights, or one index), a GaussProductSpace for a block Gauss-net or a scalar Gauss-net (one block); a
    model without closed-form patterns answers None, and this function then refuses it.

    Raises
    ------
    UnsupportedReadingError
        The model has patterns but not for these parameters (a CP layer with a nonlinear activation): the reason.
    InvalidTypeError
        Not a model, or a model without amputation patterns.
    """
    space = network.pattern_space() if hasattr(network, "pattern_space") else None
    if space is None:
        what = network.describe() if hasattr(network, "describe") else type(network).__name__
        raise InvalidTypeError(
            f"no amputation patterns for {type(network).__name__} ({what}): its pattern_space() is None; patterns "
            "exist on index spaces, for Gauss product kernels and for the kernel of Gaussian pre-activations: "
            "StructuredNetwork (linear: index space; dense or one index: its kernel), BlockGaussNetwork, "
            "ScalarNetwork('gauss'); the model-free symmetry test (tensornn.readings.symmetry.symmetry_test) needs "
            "no patterns")
    return space

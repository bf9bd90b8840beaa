"""Exact finite-width correlators of the single-hidden-layer scalar network (oracles).

The network (docs/theory/nn_qft.md) is ``f(x) = b1 + sum_j W1_j h_j(x)`` with ``h_j(x) = act(z_j(x))``,
``z_j(x) = W0_j . x + b0_j``, ``W0 ~ N(0, sigma_w^2/d_in)``, ``b0, b1 ~ N(0, sigma_b^2)``,
``W1 ~ N(0, sigma_w^2/N)``. The hidden units are iid, so every correlator reduces to Gaussian
expectations over the preactivations of *one* unit, which are jointly Gaussian with covariance

    s(x, y) = sigma_b^2 + sigma_w^2 x.y / d_in        (sigma_b -> 0 when bias=False).

With ``C(x, y) = E h(x) h(y)`` the exact results are, at every width N,

    G2(x, y)     = sigma_b^2 + sigma_w^2 C(x, y)                       (= the kernel K)
    G4c(x1..x4)  = (sigma_w^4 / N)   [3 E(h1h2h3h4) - (C12 C34 + C13 C24 + C14 C23)]
    G6c(x1..x6)  = (sigma_w^6 / N^2) [15 E(h1..h6) - 3 sum_{15} E(h_a h_b h_c h_d) C_ef
                                       + 2 sum_{15} C_ab C_cd C_ef]

The 6-point formula follows from f - b1 = sum_j t_j with iid terms t_j = W1_j h_j: every joint
cumulant of the sum is N times the cumulant of one term, whose moments are
``E t_1..t_{2k} = (2k-1)!! (sigma_w^2/N)^k E(h_1..h_{2k})``. The first sum runs over the 15 ways
to split six legs into a group of four and a pair, the second over the 15 pairings.

Gaussian expectations ``E prod_i act(z_i)`` use the activation's own n-point rule where it has one
(:attr:`tensornn.networks.activations.Activation.product_moment`) and Gauss-Hermite quadrature otherwise:

- Gauss-net (``act(z) = exp(z - s(x, x))``): ``exp(sum_{i<j} s_ij - sum_i s_ii / 2)``, closed form.
- Exp-net (``act = exp``): ``exp(sum_{i<j} s_ij + sum_i s_ii / 2)`` (lognormal), closed form.
- linear: Isserlis' theorem, the sum over pairings of products of s_ij, closed form.
- ReLU-net: positively homogeneous of degree 1, so ``E prod relu(a_i . xi) = E[rho^n] E_omega
  prod relu(a_i . omega)`` with rho = |xi| (chi-distributed, ``E rho^n = 2^(n/2) Gamma((r+n)/2) /
  Gamma(r/2)``) and omega uniform on the sphere. For r <= 2 the angular average is done piecewise
  between the kinks with Gauss-Legendre (converged to rounding); for r > 2 Gauss-Hermite is used
  and converges only algebraically (its error estimate says how far).
- Every other activation (erf, tanh, GELU, registered ones): tensor-product Gauss-Hermite quadrature over
  the range of the covariance. The covariance of n preactivations has rank <= d_in + 1, often less than n;
  it is diagonalised and the integral runs over the r = rank directions only, ``z = V_r Lambda_r^(1/2) xi``,
  xi ~ N(0, I_r). Entire functions (erf, GELU) converge fast; tanh, whose poles sit at z = i pi/2, converges
  more slowly at large variances, and the error estimate says so.

Every quadrature also reports an error estimate, ``|Q(n) - Q(n/2)|`` for n nodes per direction.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601 (NN-QFT, single-layer correlators).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from .._checks import check_array, check_choice, check_count, check_int, check_scale
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.activations import get_activation
from ..networks.gaussian import range_factor
from ..networks.kernels import _check_variance
from .wick import pairings

__all__ = [
    "HiddenMoments",
    "preactivation_covariance_matrix",
    "gaussian_product_expectation",
    "hidden_moments",
    "two_point_exact",
    "g4_connected_exact",
    "g6_connected_exact",
    "g4_connected_oracle",
]


# Gauss-Hermite nodes per direction, by the rank of the preactivation covariance: enough for the
# erf-net to converge to ~1e-12 at s of order 1, and bounded so that n^rank stays below ~1e6.
_DEFAULT_NODES = {1: 256, 2: 128, 3: 40, 4: 24, 5: 14, 6: 10}
_MAX_GRID_POINTS = 4_000_000


@dataclass(frozen=True)
class HiddenMoments:
    """Moments of one hidden unit at n inputs.

    Attributes
    ----------
    activation : str
    second : ndarray, shape (..., n, n)
        ``C(x_i, x_j) = E h(x_i) h(x_j)``.
    product : ndarray, shape (...)
        ``E prod_{i=1}^n h(x_i)`` (the n-fold product over all the inputs given).
    error : ndarray, shape (...)
        Estimated absolute quadrature error of ``product`` (0 for closed forms).
    method : str
        ``"closed form"``, ``"angular"`` or ``"gauss-hermite"``.
    """

    activation: str
    second: np.ndarray
    product: np.ndarray
    error: np.ndarray
    method: str

    def __repr__(self) -> str:
        return (
            f"HiddenMoments(activation={self.activation!r}, n_inputs={self.second.shape[-1]}, "
            f"batch_shape={self.product.shape}, method={self.method!r}, "
            f"max_error={float(np.max(self.error)) if self.error.size else 0.0:.3g})"
        )


def _check_sigmas(sigma_w, sigma_b, bias):
    sigma_w = check_scale("sigma_w", sigma_w)
    sigma_b = check_scale("sigma_b", sigma_b, allow_zero=True)
    if not isinstance(bias, (bool, np.bool_)):
        raise InvalidArgumentError(f"bias must be True or False, got {bias!r}")
    return sigma_w, (sigma_b if bias else 0.0)


def preactivation_covariance_matrix(inputs, *, sigma_w, sigma_b=0.0, bias=True):
    """Covariance of the preactivations ``z(x_1), ..., z(x_n)`` of one hidden unit.

    ``s_ij = sigma_b^2 + sigma_w^2 x_i . x_j / d_in`` (``sigma_b -> 0`` when ``bias=False``).

    Parameters
    ----------
    inputs : array_like, shape (..., n, d_in)
    sigma_w, sigma_b : float
        Weight and bias scales (``W0 ~ N(0, sigma_w^2/d_in)``, ``b0 ~ N(0, sigma_b^2)``).
    bias : bool

    Returns
    -------
    ndarray, shape (..., n, n)
    """
    sigma_w, sigma_b = _check_sigmas(sigma_w, sigma_b, bias)
    x = check_array("inputs", inputs)
    if x.ndim < 2:
        raise InvalidArgumentError(
            f"inputs must have shape (..., n, d_in), got shape {x.shape}; for d_in = 1 pass x[..., None]"
        )
    d_in = x.shape[-1]
    if d_in < 1:
        raise InvalidArgumentError(f"inputs must have d_in >= 1 components, got shape {x.shape}")
    _check_variance(x, sigma_w, sigma_b)
    return sigma_b**2 + sigma_w**2 * np.einsum("...id,...jd->...ij", x, x) / d_in


def _hermite_grid(rank, nodes):
    x, w = hermegauss(nodes)
    w = w / math.sqrt(2.0 * math.pi)
    points = np.stack(np.meshgrid(*([x] * rank), indexing="ij"), axis=-1).reshape(-1, rank)
    weights = np.prod(np.stack(np.meshgrid(*([w] * rank), indexing="ij"), axis=-1).reshape(-1, rank), axis=-1)
    return points, weights


def _act(act, z, variance):
    return act(z - variance if act.normalised else z.copy())


def _hermite(activation, factor, rank, nodes, variances):
    points, weights = _hermite_grid(rank, nodes)
    out = np.empty(factor.shape[0])
    for b in range(factor.shape[0]):
        z = points @ factor[b].T  # (P, n)
        out[b] = weights @ np.prod(_act(activation, z, variances[b]), axis=-1)
    return out


def _check_covariance(cov: np.ndarray) -> None:
    """Refuse a covariance that is not symmetric or not positive semi-definite (relative tolerance 1e-10)."""
    scale = max(float(np.max(np.abs(cov))), 1e-300)
    if np.max(np.abs(cov - np.swapaxes(cov, -1, -2))) > 1e-10 * scale:
        raise InvalidArgumentError("cov must be symmetric (cov[..., i, j] == cov[..., j, i]); got a non-symmetric matrix")
    lowest = float(np.min(np.linalg.eigvalsh(cov)))
    if lowest < -1e-10 * scale:
        raise InvalidArgumentError(
            f"cov must be positive semi-definite; its smallest eigenvalue is {lowest:.3g}. "
            "Build it from inputs with preactivation_covariance_matrix"
        )


def _expectation(act, cov, nodes, method):
    """(value, error, rule) of E prod act(z_i): the activation's own rule where it applies, else Gauss-Hermite."""
    if method == "auto" and act.product_moment is not None:
        value = act.product_moment(cov)
        if value is not None:
            return value, np.zeros_like(value), act.product_method
    batch = cov.shape[:-2]
    flat = cov.reshape(-1, *cov.shape[-2:])
    factor, rank = range_factor(flat)
    variances = np.einsum("bii->bi", flat)
    n = nodes if nodes is not None else _DEFAULT_NODES.get(rank, 8)
    if n**rank > _MAX_GRID_POINTS:
        raise InvalidArgumentError(
            f"nodes={n} in {rank} dimensions needs {n**rank} grid points (> {_MAX_GRID_POINTS}); "
            "pass fewer nodes or fewer input dimensions"
        )
    fine = _hermite(act, factor, rank, n, variances)
    coarse = _hermite(act, factor, rank, max(2, n // 2), variances)
    return fine.reshape(batch), np.abs(fine - coarse).reshape(batch), "gauss-hermite"


def gaussian_product_expectation(activation, cov, *, nodes=None, method="auto"):
    """``E prod_{i=1}^n act(z_i)`` for ``z ~ N(0, cov)``, with an error estimate.

    Parameters
    ----------
    activation : str
        A registered activation; for a normalised one ("gauss") ``act(z_i) = exp(z_i - cov_ii)``.
    cov : array_like, shape (..., n, n)
        Positive semi-definite covariance (may be singular).
    nodes : int, optional
        Gauss-Hermite nodes per direction of the covariance range (default by rank, see module doc).
        Not used by the activations' own rules (validated all the same).
    method : {"auto", "quadrature"}, optional
        "auto" uses the activation's own rule (closed forms for gauss, exp and linear, the angular rule for
        relu at rank <= 2) where it applies; "quadrature" forces Gauss-Hermite (an independent check).

    Returns
    -------
    value, error : ndarray, shape (...)
        The expectation and an estimate of its absolute quadrature error (0 for the exact rules).

    Examples
    --------
    >>> value, error = gaussian_product_expectation("linear", np.eye(2) + 1.0)  # E z1 z2 = cov_12
    >>> float(value), float(error)
    (1.0, 0.0)
    """
    act = get_activation(activation)
    cov = check_array("cov", cov)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2]:
        raise InvalidArgumentError(f"cov must have shape (..., n, n), got {cov.shape}")
    _check_covariance(cov)
    if nodes is not None:
        nodes = check_int("nodes", nodes, minimum=4)
    method = check_choice("method", method, ("auto", "quadrature"))
    value, error, _ = _expectation(act, cov, nodes, method)
    return value, error


def hidden_moments(activation, inputs, *, sigma_w, sigma_b=0.0, bias=True, nodes=None) -> HiddenMoments:
    """Second moments and the full product moment of one hidden unit at n inputs.

    ``C(x_i, x_j) = E h(x_i) h(x_j)`` and ``E prod_{i=1}^n h(x_i)``, h = act(z), z jointly
    Gaussian with covariance ``s_ij = sigma_b^2 + sigma_w^2 x_i.x_j/d_in`` (module docstring).

    Parameters
    ----------
    activation : {"gauss", "exp", "erf", "relu"}
    inputs : array_like, shape (..., n, d_in)
        n inputs (repeats allowed; n = 4 gives ``E(h1 h2 h3 h4)``).
    sigma_w : float
        Weight scale (> 0).
    sigma_b : float, optional
        Bias scale (>= 0); ignored only in the sense that ``bias=False`` sets it to zero.
    bias : bool, optional
    nodes : int, optional
        Gauss-Hermite nodes per direction (erf; relu at covariance rank > 2).

    Returns
    -------
    HiddenMoments

    Raises
    ------
    InvalidArgumentError
        Unknown activation, non-positive sigma_w, negative sigma_b, inputs not of shape (..., n, d_in).

    Examples
    --------
    >>> m = hidden_moments("gauss", [[0.0], [0.0], [0.0], [0.0]], sigma_w=1.0, sigma_b=0.0)
    >>> float(m.product), float(m.second[0, 1])
    (1.0, 1.0)
    """
    act = get_activation(activation)
    cov = preactivation_covariance_matrix(inputs, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias)
    if nodes is not None:
        nodes = check_int("nodes", nodes, minimum=4)
    n = cov.shape[-1]
    pairs = np.stack(
        [np.stack([cov[..., [i, j], :][..., :, [i, j]] for j in range(n)], axis=-3) for i in range(n)], axis=-4
    )  # (..., n, n, 2, 2)
    second, _, _ = _expectation(act, pairs, nodes, "auto")
    product, error, method = _expectation(act, cov, nodes, "auto")
    return HiddenMoments(act.name, second, product, np.maximum(error, 0.0), method)


def _stack_points(points, names):
    arrays = [check_array(name, p) for name, p in zip(names, points)]
    for name, a in zip(names, arrays):
        if a.ndim < 1:
            raise InvalidArgumentError(
                f"{name} must have shape (..., d_in), got a scalar; for d_in = 1 pass [x]"
            )
    d_in = {a.shape[-1] for a in arrays}
    if len(d_in) != 1:
        shapes = ", ".join(f"{n}{a.shape}" for n, a in zip(names, arrays))
        raise InvalidArgumentError(f"inputs must share the last dimension d_in, got {shapes}")
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{n}{a.shape}" for n, a in zip(names, arrays))
        raise InvalidArgumentError(f"inputs must broadcast against each other, got {shapes}") from None
    return np.stack(arrays, axis=-2)


def two_point_exact(activation, x, y, *, sigma_w, sigma_b=0.0, bias=True, nodes=None):
    """Exact 2-point function ``G2(x, y) = sigma_b^2 + sigma_w^2 C(x, y)``, the kernel K at every N.

    ``x, y`` have shape (..., d_in) and broadcast. ``sigma_b`` counts only when ``bias=True``.
    """
    sigma_w_, sigma_b_ = _check_sigmas(sigma_w, sigma_b, bias)
    inputs = _stack_points((x, y), ("x", "y"))
    m = hidden_moments(activation, inputs, sigma_w=sigma_w_, sigma_b=sigma_b_, bias=bias, nodes=nodes)
    return sigma_b_**2 + sigma_w_**2 * m.product


def g4_connected_exact(activation, x1, x2, x3, x4, *, width, sigma_w, sigma_b=0.0, bias=True, nodes=None):
    """Exact connected 4-point function of the single-hidden-layer network at width N.

    ``G4c = (sigma_w^4 / N) [3 E(h1 h2 h3 h4) - (C12 C34 + C13 C24 + C14 C23)]`` (docs/theory/nn_qft.md).
    It does not depend on the output bias b1; sigma_b enters through the preactivations.

    Parameters
    ----------
    activation : {"gauss", "exp", "erf", "relu"}
    x1, x2, x3, x4 : array_like, shape (..., d_in)
        Broadcast against each other; vectorised over the leading axes.
    width : int
        Hidden width N >= 1.
    sigma_w, sigma_b : float
    bias : bool
    nodes : int, optional
        Quadrature nodes per direction (see :func:`gaussian_product_expectation`).

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> g = g4_connected_exact("exp", [0.0], [0.0], [0.0], [0.0], width=10, sigma_w=1.0, sigma_b=0.0)
    >>> float(g)  # (1/10) [3 E h^4 - 3 (E h^2)^2] with h = exp(0) = 1
    0.0
    """
    width = check_count("width", width)
    sigma_w_, sigma_b_ = _check_sigmas(sigma_w, sigma_b, bias)
    inputs = _stack_points((x1, x2, x3, x4), ("x1", "x2", "x3", "x4"))
    m = hidden_moments(activation, inputs, sigma_w=sigma_w_, sigma_b=sigma_b_, bias=bias, nodes=nodes)
    c = m.second
    wick = c[..., 0, 1] * c[..., 2, 3] + c[..., 0, 2] * c[..., 1, 3] + c[..., 0, 3] * c[..., 1, 2]
    return sigma_w_**4 / width * (3.0 * m.product - wick)


def g6_connected_exact(activation, x1, x2, x3, x4, x5, x6, *, width, sigma_w, sigma_b=0.0, bias=True, nodes=None):
    """Exact connected 6-point function of the single-hidden-layer network (order 1/N^2).

    ``G6c = (sigma_w^6/N^2) [15 E(h1..h6) - 3 sum_{15} E(h_a h_b h_c h_d) C_ef + 2 sum_{15} C_ab C_cd C_ef]``:
    the first sum over the 15 splits of the six legs into four and two, the second over the 15
    pairings (module docstring for the derivation). Arguments as :func:`g4_connected_exact`.
    """
    width = check_count("width", width)
    sigma_w_, sigma_b_ = _check_sigmas(sigma_w, sigma_b, bias)
    names = ("x1", "x2", "x3", "x4", "x5", "x6")
    inputs = _stack_points((x1, x2, x3, x4, x5, x6), names)
    full = hidden_moments(activation, inputs, sigma_w=sigma_w_, sigma_b=sigma_b_, bias=bias, nodes=nodes)
    c = full.second
    legs = tuple(range(6))
    four_two = 0.0
    for pair in itertools.combinations(legs, 2):
        quartet = [i for i in legs if i not in pair]
        e4 = hidden_moments(
            activation, inputs[..., quartet, :], sigma_w=sigma_w_, sigma_b=sigma_b_, bias=bias, nodes=nodes
        ).product
        four_two = four_two + e4 * c[..., pair[0], pair[1]]
    triple = 0.0
    for pairing in pairings(6):
        term = 1.0
        for a, b in pairing:
            term = term * c[..., a, b]
        triple = triple + term
    return sigma_w_**6 / width**2 * (15.0 * full.product - 3.0 * four_two + 2.0 * triple)


def g4_connected_oracle(network, x1, x2, x3, x4, *, nodes=None) -> np.ndarray:
    """The exact connected 4-point function of a network model at four points, where it has one.

    The model answers (:meth:`~tensornn.networks.model.Model.exact_four_point`): for a
    :class:`~tensornn.networks.scalar.ScalarNetwork` :func:`g4_connected_exact` with the read-out scale,
    ``G4c = (sigma_v^4/N) [3 E(h1 h2 h3 h4) - sum_pairings C C]``; for a
    :class:`~tensornn.networks.blocks.BlockGaussNetwork` the same formula with the block preactivation
    covariance (closed form); for a linear or dense :class:`~tensornn.networks.cp.StructuredNetwork` its
    exact cumulant.

    Parameters
    ----------
    network : model
    x1, x2, x3, x4 : array_like, shape (..., *input_shape)
        Broadcast against each other; ``input_shape`` is the model's (``(d_in,)`` for scalar and block networks).
    nodes : int, optional
        Quadrature nodes, passed to the model (scalar networks without a closed form).

    Returns
    -------
    ndarray, shape (...)

    Raises
    ------
    InvalidTypeError
        A network without an exact oracle (``exact_four_point`` returns None): measure it by sampling instead.
    """
    if not hasattr(network, "exact_four_point"):
        raise InvalidTypeError(
            f"network must be a network model (tensornn.networks.model), got {type(network).__name__}")
    shape = tuple(getattr(network, "input_shape", ()))
    names = ("x1", "x2", "x3", "x4")
    legs = [check_array(name, p) for name, p in zip(names, (x1, x2, x3, x4))]
    for name, leg in zip(names, legs):
        if leg.ndim < max(1, len(shape)):
            raise InvalidArgumentError(f"{name} must have shape (..., {', '.join(map(str, shape)) or 'd_in'}), "
                                       f"got {leg.shape}")
    try:
        legs = list(np.broadcast_arrays(*legs))
    except ValueError:
        shapes = ", ".join(f"{n}{a.shape}" for n, a in zip(names, legs))
        raise InvalidArgumentError(f"inputs must broadcast against each other, got {shapes}") from None
    core = len(shape) or 1
    batch = legs[0].shape[:legs[0].ndim - core]
    points = np.stack(legs, axis=len(batch)).reshape(-1, *legs[0].shape[len(batch):])
    quadruples = np.arange(len(points)).reshape(-1, 4)
    extra = {} if nodes is None else {"nodes": nodes}
    values = network.exact_four_point(points, quadruples, **extra)
    if values is None:
        raise InvalidTypeError(
            f"no exact 4-point oracle for {type(network).__name__}; estimate it from an ensemble "
            "(tensornn.networks.sample_ensemble and tensornn.correlators.four_point)"
        )
    return np.asarray(values).reshape(batch)

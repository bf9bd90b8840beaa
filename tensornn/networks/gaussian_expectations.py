"""Gaussian expectations of activation products: what the deep-network recursions integrate.

For a centred Gaussian vector z ~ N(0, Q) (n <= 4 components, Q positive semi-definite and possibly
singular: repeated or collinear inputs) and a registered activation phi,

    M(Q) = E[ phi(z_1) ... phi(z_n) ],

and, for n = 2, the gradient of the activation's kernel map F(q11, q22, q12) = E[phi(u) phi(v)] in the three
entries of the 2 x 2 covariance (the derivative in q12 is taken along the shared off-diagonal entry).

How each is computed:

- products: the activation's own n-point rule where it has one (:attr:`~tensornn.networks.activations.
  Activation.product_moment`: Isserlis for ``linear``, log-normal for ``exp`` and ``gauss``, the angular rule for
  ``relu`` at covariance rank r <= 2). ReLU at r = 3, 4: one direction t of the whitened Gaussian is integrated
  exactly (the product of ReLUs is a polynomial in t on a single interval, integrated against the Gaussian by
  truncated moments) and the other r - 1 by Gauss-Hermite (120 resp. 48 nodes per direction; the outer
  integrand has kinks, so the error falls algebraically: about 1e-5 relative at r = 3, 1e-4 at r = 4). Any other activation: a product rule over the range
  of Q (r directions, whitened): for r <= 2 the trapezoid rule on [-9, 9]^r with step 0.3 / max(1, sigma)
  (sigma the largest standard deviation), which converges exponentially for an activation analytic in a strip of
  width about 1 around the real axis (tanh, erf, GELU bend on the scale |z| ~ 1); for r = 3, 4 Gauss-Hermite with
  32 resp. 20 nodes per direction times max(1, sigma) (at most 120 resp. 36), which converges more slowly when
  sigma is large (phi then looks like a step: the error estimate says so);
- gradients: closed forms for ``relu`` (arc-cosine), ``erf`` (arcsine), ``linear``, ``exp`` and ``gauss``; any
  other activation by Price's theorem, dF/dq12 = E[phi'(u) phi'(v)] and dF/dq11 = E[phi''(u) phi(v)] / 2, with the
  registered derivative phi', phi'' its five-point central difference (step 1e-3, relative error about 1e-11 for
  smooth phi), and the graded quadrature of :func:`tensornn.networks.gaussian.pair_expectation` (relative error
  below 1e-9 at variances 0.01-100, degenerate pairs included).

Every product quadrature reports an error estimate, |Q - Q_coarse| with a coarse rule of 1.25 times the step
(three quarters of the nodes): the error of the coarse rule, so an upper estimate of that of the fine one.

The ``gauss`` activation (the Gauss-net) is phi_a(z) = exp(z - s_a) with s_a the infinite-width variance of
input a, a constant: the products subtract the diagonal of Q, and the gradient is taken at fixed shifts.

References
----------
Cho, Saul, NeurIPS 2009 (arc-cosine kernel); Williams, NeurIPS 1996 (arcsine kernel);
Price, IRE Trans. Inform. Theory, vol. IT-4 (1958) 69 (Price's theorem); Roberts, Yaida, Hanin, arXiv:2106.10165.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from ..errors import InvalidArgumentError
from .activations import Activation, get_activation
from .gaussian import gaussian_expectation, pair_expectation, range_factor

__all__ = ["GaussianMoment", "product_moment", "kernel_map_gradient", "single_input_maps", "resolve_activation"]

#: Gauss-Hermite nodes per direction (at unit spread) for three and four directions ...
_NODES = {1: 160, 2: 80, 3: 32, 4: 20}
#: ... and their upper bounds (at most about 2e6 points).
_MAX_NODES = {1: 2000, 2: 1400, 3: 120, 4: 36}
#: Gauss-Hermite nodes per direction of the r - 1 outer directions of the exact-direction ReLU rule (r = 3, 4);
#: its error falls algebraically (about 1e-5 relative at r = 3, 1e-4 at r = 4; tests/test_deep_recursions.py).
_RELU_NODES = {2: 120, 3: 48}
#: Trapezoid step (whitened units) at unit spread; the rule covers [-_HALF_RANGE, _HALF_RANGE] per direction.
_STEP_RULE = 0.3
_HALF_RANGE = 9.0
#: The spread (largest standard deviation) beyond which the rules are not refined further.
_MAX_SPREAD = 25.0
#: Step of the central differences of phi' (relative to max(1, |z|)).
_STEP = 1e-3


@dataclass(frozen=True)
class GaussianMoment:
    """E[prod_i phi(z_i)] with its estimated absolute quadrature error.

    Attributes
    ----------
    value, error : ndarray, shape (...)
        The expectation and the estimate of its absolute error (0 for exact rules).
    method : str
        The activation's rule ("closed form", "angular"), "exact direction + Gauss-Hermite", "trapezoid" or
        "Gauss-Hermite".
    """

    value: np.ndarray
    error: np.ndarray
    method: str

    def __repr__(self):
        worst = float(np.max(self.error)) if np.size(self.error) else 0.0
        return f"GaussianMoment(shape={np.shape(self.value)}, method={self.method!r}, max_error={worst:.3g})"


def resolve_activation(activation) -> Activation:
    """The registered :class:`~tensornn.networks.activations.Activation` ``activation`` (or the object itself)."""
    if isinstance(activation, Activation):
        return activation
    return get_activation(activation)


# ---------------------------------------------------------------------------------------------- product rules
def _hermite_grid(dim, nodes):
    x, w = hermegauss(nodes)
    w = w / math.sqrt(2.0 * math.pi)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weights = np.meshgrid(*([w] * dim), indexing="ij")
    return np.stack(grids, axis=-1).reshape(-1, dim), np.prod(np.stack(weights, axis=-1).reshape(-1, dim), axis=-1)


@functools.lru_cache(maxsize=64)
def _trapezoid_grid(dim, step):
    """Points and weights of the trapezoid rule for E over xi ~ N(0, I_dim), on [-9, 9]^dim with ``step``."""
    half = int(math.ceil(_HALF_RANGE / step))
    x = np.arange(-half, half + 1) * step
    w = step * np.exp(-0.5 * x**2) / math.sqrt(2.0 * math.pi)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weights = np.meshgrid(*([w] * dim), indexing="ij")
    points = np.stack(grids, axis=-1).reshape(-1, dim)
    weights = np.prod(np.stack(weights, axis=-1).reshape(-1, dim), axis=-1)
    points.flags.writeable = weights.flags.writeable = False  # cached: shared between calls
    return points, weights


def _quadrature_grid(rank, sigma, refine):
    """The rule of :func:`product_moment` for ``rank`` directions whose largest standard deviation is ``sigma``.

    Up to two directions: the trapezoid rule with step 0.3 / max(1, sigma) (``refine`` = 1) or 1.25 times that
    (``refine`` = 0, the coarse rule of the error estimate). Three or four: Gauss-Hermite with
    _NODES[rank] * max(1, sigma) nodes per direction (three quarters as many for the coarse rule).
    """
    spread = math.ceil(4.0 * max(1.0, min(sigma, _MAX_SPREAD))) / 4.0  # a few cached rules, never coarser
    if rank <= 2:
        return _trapezoid_grid(rank, _STEP_RULE / spread * (1.0 if refine else 1.25))
    nodes = int(min(_NODES[rank] * spread, _MAX_NODES[rank]))
    return _hermite_grid(rank, nodes if refine else max(2, (3 * nodes) // 4))


def _values(phi: Activation, z, shifts):
    z = np.array(z, dtype=float, copy=True)
    return phi(z if shifts is None else z - shifts)


def _quadrature(phi, factor, rank, shifts, nodes=None):
    """E prod phi over the range (B, n, r) with the fine and the coarse rule: (fine, coarse), each shape (B,)."""
    out = np.empty((2, factor.shape[0]))
    for b in range(factor.shape[0]):
        sigma = float(np.max(np.linalg.norm(factor[b], axis=1)))
        for refine in (1, 0):
            if nodes is None:
                points, weights = _quadrature_grid(rank, sigma, refine)
            else:
                points, weights = _hermite_grid(rank, nodes if refine else max(2, (3 * nodes) // 4))
            z = points @ factor[b].T
            out[1 - refine, b] = weights @ np.prod(_values(phi, z, None if shifts is None else shifts[b]), axis=-1)
    return out[0], out[1]


def _truncated_moments(lo, hi, order):
    """M_k = int_lo^hi t^k phi(t) dt for k = 0..order (phi the standard normal density), shape (order + 1, ...)."""
    from scipy.special import ndtr

    with np.errstate(invalid="ignore", over="ignore"):
        dens_lo = np.where(np.isfinite(lo), np.exp(-0.5 * lo**2) / math.sqrt(2.0 * math.pi), 0.0)
        dens_hi = np.where(np.isfinite(hi), np.exp(-0.5 * hi**2) / math.sqrt(2.0 * math.pi), 0.0)
        upper_tail = lo > 0  # the difference of two small upper tails, not of two numbers near 1
        m0 = np.where(upper_tail, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))
        moments = [m0, dens_lo - dens_hi]
        lo_f = np.where(np.isfinite(lo), lo, 0.0)
        hi_f = np.where(np.isfinite(hi), hi, 0.0)
        for k in range(2, order + 1):
            moments.append((k - 1) * moments[k - 2] + lo_f ** (k - 1) * dens_lo - hi_f ** (k - 1) * dens_hi)
    return np.stack(moments[: order + 1])


def _exact_direction(a):
    """A unit vector e with min_i |a_i . e| / |a_i| as large as a few candidates allow."""
    norms = np.linalg.norm(a, axis=1)
    unit = a / np.where(norms > 0, norms, 1.0)[:, None]
    candidates = [np.eye(a.shape[1])[k] for k in range(a.shape[1])]
    for signs in itertools.product((1.0, -1.0), repeat=len(a) - 1):
        v = unit[0] + np.asarray(signs) @ unit[1:]
        if np.linalg.norm(v) > 1e-6:
            candidates.append(v / np.linalg.norm(v))
    return max(candidates, key=lambda e: float(np.min(np.abs(unit @ e))))


def _relu_inner_exact(factor, rank, nodes):
    """E prod relu(a_i . xi), xi ~ N(0, I_r): one direction exactly (truncated moments), r - 1 by Gauss-Hermite."""
    n = factor.shape[1]
    points, weights = _hermite_grid(rank - 1, nodes)
    out = np.empty(factor.shape[0])
    for b in range(factor.shape[0]):
        a = factor[b]
        e = _exact_direction(a)
        basis = np.linalg.qr(np.column_stack([e, np.eye(rank)]))[0][:, :rank]
        basis[:, 0] = e
        rotated = a @ basis
        alpha, beta = rotated[:, 0], points @ rotated[:, 1:].T  # (n,), (nodes, n)
        tiny = 1e-14 * np.linalg.norm(a, axis=1)
        lo = np.full(len(points), -np.inf)
        hi = np.full(len(points), np.inf)
        constant = np.ones(len(points))
        poly = np.zeros((len(points), n + 1))
        poly[:, 0] = 1.0
        for i in range(n):
            if abs(alpha[i]) <= tiny[i]:
                constant *= np.maximum(beta[:, i], 0.0)
                continue
            edge = -beta[:, i] / alpha[i]
            if alpha[i] > 0:
                lo = np.maximum(lo, edge)
            else:
                hi = np.minimum(hi, edge)
            shifted = np.zeros_like(poly)  # poly * (alpha t + beta)
            shifted[:, 1:] = alpha[i] * poly[:, :-1]
            poly = shifted + beta[:, i : i + 1] * poly
        inside = hi > lo
        moments = _truncated_moments(np.where(inside, lo, 0.0), np.where(inside, hi, 0.0), n)
        inner = np.where(inside, np.einsum("pk,kp->p", poly, moments), 0.0) * constant
        out[b] = weights @ inner
    return out


def _check_cov(cov):
    cov = np.asarray(cov, dtype=float)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2]:
        raise InvalidArgumentError(f"cov must have shape (..., n, n), got {cov.shape}")
    if not np.all(np.isfinite(cov)):
        raise InvalidArgumentError("cov must contain only finite numbers (found NaN or inf)")
    scale = max(float(np.max(np.abs(cov), initial=0.0)), 1e-300)
    if np.max(np.abs(cov - np.swapaxes(cov, -1, -2)), initial=0.0) > 1e-10 * scale:
        raise InvalidArgumentError("cov must be symmetric (cov[..., i, j] == cov[..., j, i])")
    if cov.size and float(np.min(np.linalg.eigvalsh(cov))) < -1e-10 * scale:
        raise InvalidArgumentError("cov must be positive semi-definite; build it from a kernel matrix")
    return cov


def product_moment(activation, cov, *, nodes=None) -> GaussianMoment:
    """E[phi(z_1) ... phi(z_n)] for z ~ N(0, cov), with an error estimate (module docstring).

    Parameters
    ----------
    activation : str or Activation
        Any registered activation. A normalised one (the Gauss-net) is phi(z_i - cov_ii).
    cov : array_like, shape (..., n, n)
        Positive semi-definite covariance (singular allowed), n >= 1; the batch axes are vectorised.
    nodes : int, optional
        Gauss-Hermite nodes per direction of a quadrature, instead of the default rules.

    Returns
    -------
    GaussianMoment

    Raises
    ------
    InvalidArgumentError
        A covariance that is not square, symmetric, finite or positive semi-definite; too few nodes.

    Examples
    --------
    >>> cov = np.array([[1.0, 0.5], [0.5, 2.0]])
    >>> float(product_moment("linear", cov).value)
    0.5
    >>> round(float(product_moment("relu", np.ones((4, 4))).value), 12)   # E[relu(z)^4] = 3/2
    1.5
    """
    phi = resolve_activation(activation)
    cov = _check_cov(cov)
    n = cov.shape[-1]
    if nodes is not None and (not isinstance(nodes, (int, np.integer)) or nodes < 4):
        raise InvalidArgumentError(f"nodes must be an integer >= 4, got {nodes!r}")
    batch = cov.shape[:-2]
    if phi.product_moment is not None and nodes is None:
        with np.errstate(over="ignore"):
            value = phi.product_moment(cov)
        if value is not None:
            value = np.asarray(value, dtype=float)
            return GaussianMoment(value, np.zeros_like(value), phi.product_method or "closed form")
    flat = cov.reshape(-1, n, n)
    factor, rank = range_factor(flat)
    if phi.name == "relu" and nodes is None:
        m = _RELU_NODES[rank - 1]
        fine = _relu_inner_exact(factor, rank, m)
        coarse = _relu_inner_exact(factor, rank, max(2, (3 * m) // 4))
        return GaussianMoment(fine.reshape(batch), np.abs(fine - coarse).reshape(batch),
                              "exact direction + Gauss-Hermite")
    if nodes is not None and nodes**rank > 4_000_000:
        raise InvalidArgumentError(f"nodes={nodes} in {rank} directions needs {nodes**rank} grid points (> 4e6); "
                                   "pass fewer")
    shifts = np.einsum("bii->bi", flat) if phi.normalised else None
    fine, coarse = _quadrature(phi, factor, rank, shifts, nodes)
    method = "trapezoid" if rank <= 2 and nodes is None else "Gauss-Hermite"
    return GaussianMoment(fine.reshape(batch), np.abs(fine - coarse).reshape(batch), method)


# ---------------------------------------------------------------------------------------------- kernel-map gradients
def _pair_cov(q11, q22, q12):
    q11, q22, q12 = np.broadcast_arrays(*(np.asarray(q, dtype=float) for q in (q11, q22, q12)))
    return q11, q22, q12


def _relu_gradient(q11, q22, q12):
    norm = np.sqrt(q11 * q22)
    safe = np.where(norm > 0, norm, 1.0)
    t = np.arccos(np.clip(q12 / safe, -1.0, 1.0))
    det = np.sqrt(np.maximum(q11 * q22 - q12**2, 0.0))
    d11 = np.where(q11 > 0, det / (4.0 * np.pi * np.where(q11 > 0, q11, 1.0)), 0.0)
    d22 = np.where(q22 > 0, det / (4.0 * np.pi * np.where(q22 > 0, q22, 1.0)), 0.0)
    d12 = np.where(norm > 0, (np.pi - t) / (2.0 * np.pi), 0.5)
    return d11, d22, d12


def _erf_gradient(q11, q22, q12):
    a, b = 1.0 + 2.0 * q11, 1.0 + 2.0 * q22
    root = np.sqrt(a * b)
    s = np.clip(2.0 * q12 / root, -1.0, 1.0)
    ds = (2.0 / np.pi) / np.sqrt(1.0 - s**2)
    return -ds * s / a, -ds * s / b, ds * 2.0 / root


def _linear_gradient(q11, q22, q12):
    return np.zeros_like(q11), np.zeros_like(q22), np.ones_like(q12)


def _exponential_gradient(phi):
    def gradient(q11, q22, q12):
        value = np.asarray(phi.kernel_map(q11, q22, q12), dtype=float)  # at fixed shifts for the Gauss-net
        return 0.5 * value, 0.5 * value, value.copy()

    return gradient


#: Closed-form gradients of the kernel maps (name -> (q11, q22, q12) -> (dF/dq11, dF/dq22, dF/dq12)).
_CLOSED_GRADIENTS = {"relu": _relu_gradient, "erf": _erf_gradient, "linear": _linear_gradient}


def _second_derivative(phi):
    """phi'' from the registered phi' by the five-point central stencil (error O(h^4), h = 1e-3 max(1, |z|))."""

    def second(z):
        z = np.asarray(z, dtype=float)
        h = _STEP * np.maximum(1.0, np.abs(z))
        d = [phi.derivative(z + k * h) for k in (2, 1, -1, -2)]
        return (d[3] - d[0] + 8.0 * (d[1] - d[2])) / (12.0 * h)

    return second


def _gradient_rule(phi):
    if phi.name in _CLOSED_GRADIENTS:
        return _CLOSED_GRADIENTS[phi.name]
    if phi.growth == "exponential":  # exp and the Gauss-net: log-normal
        return _exponential_gradient(phi)
    second = _second_derivative(phi)

    def price(q11, q22, q12):
        return (0.5 * pair_expectation(second, phi.function, q11, q22, q12),
                0.5 * pair_expectation(phi.function, second, q11, q22, q12),
                pair_expectation(phi.derivative, phi.derivative, q11, q22, q12))

    return price


def kernel_map_gradient(activation, q11, q22, q12):
    """F = E[phi(u) phi(v)] for (u, v) ~ N(0, [[q11, q12], [q12, q22]]) and its gradient.

    Parameters
    ----------
    activation : str or Activation
    q11, q22, q12 : array_like
        The entries of the 2 x 2 covariance (broadcast); q12^2 <= q11 q22 (equality allowed).

    Returns
    -------
    (F, dF/dq11, dF/dq22, dF/dq12) : tuple of ndarray
        F is the activation's kernel map; dF/dq12 is the derivative along the shared off-diagonal entry. Along
        the diagonal of a single input (q11 = q22 = q12 = q) the derivative of E[phi(z)^2] in q is their sum.

    Examples
    --------
    >>> [round(float(v), 12) for v in kernel_map_gradient("relu", 1.0, 1.0, 1.0)]   # E[relu(z)^2] = q/2
    [0.5, 0.0, 0.0, 0.5]
    """
    phi = resolve_activation(activation)
    q11, q22, q12 = _pair_cov(q11, q22, q12)
    value = np.asarray(phi.kernel_map(q11, q22, q12), dtype=float)
    d11, d22, d12 = _gradient_rule(phi)(q11, q22, q12)
    return value, np.asarray(d11, float), np.asarray(d22, float), np.asarray(d12, float)


def single_input_maps(activation, k):
    """g(K) = E[phi(z)^2], its derivative g'(K) and g1(K) = E[phi'(z)^2] for z ~ N(0, K), vectorised over K.

    One-dimensional integrals (:func:`tensornn.networks.gaussian.gaussian_expectation`) for activations without
    closed-form gradients: g' = E[phi'^2] + E[phi phi''] (Price's theorem).

    Examples
    --------
    >>> [round(float(v), 12) for v in single_input_maps("linear", 2.0)]
    [2.0, 1.0, 1.0]
    """
    phi = resolve_activation(activation)
    k = np.asarray(k, dtype=float)
    if phi.name in _CLOSED_GRADIENTS or phi.growth == "exponential":
        value, d11, d22, d12 = kernel_map_gradient(phi, k, k, k)
        return value, d11 + d22 + d12, d12
    second = _second_derivative(phi)
    g = gaussian_expectation(lambda z: np.square(phi(np.array(z, copy=True))), k)
    g1 = gaussian_expectation(lambda z: np.square(phi.derivative(z)), k)
    curvature = gaussian_expectation(lambda z: phi(np.array(z, copy=True)) * second(z), k)
    return g, g1 + curvature, g1

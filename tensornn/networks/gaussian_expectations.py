"""Gaussian expectations of activation products: what the deep-network recursions integrate.

For a centred Gaussian vector z ~ N(0, Q) (n <= 4 components, Q positive semi-definite and possibly
singular: repeated or collinear inputs) and an activation phi,

    M(Q) = E[ phi(z_1) ... phi(z_n) ],

and, for n = 2, the kernel map F(q11, q22, q12) = E[phi(u) phi(v)] with its gradient in the three
entries of the 2 x 2 covariance (the derivative in q12 is taken along the shared off-diagonal entry).

How each is computed:

- closed forms: ``linear`` (Isserlis), ``exp`` and ``gauss`` (log-normal), and for the kernel map and its
  gradient ``relu`` (arc-cosine) and ``erf`` (arcsine);
- ``relu`` products: positively homogeneous of degree 1, so for a covariance of rank r <= 2 the radial
  and angular integrals separate and the angular one runs piecewise between the kinks with Gauss-Legendre
  (exact to rounding: the integrand is a trigonometric polynomial between kinks). For r = 3, 4 one
  direction t of the whitened Gaussian is integrated exactly (the product of ReLUs is a polynomial in t on
  a single interval, integrated against the Gaussian by truncated moments) and the other r - 1 by
  Gauss-Hermite;
- any other activation: a product rule over the range of Q (r directions, whitened): for r <= 2 the
  trapezoid rule on [-9, 9]^r with step 0.3 / max(1, sigma) (sigma the largest standard deviation), which
  converges exponentially for an activation analytic in a strip of width about 1 around the real axis
  (tanh, erf, GELU: the features of phi are of size 1 in pre-activation units, of size 1/sigma in whitened
  ones); for r = 3, 4 Gauss-Hermite with 32 resp. 20 nodes per direction times max(1, sigma) (at most 120
  resp. 36), which converges more slowly when sigma is large (phi then looks like a step: the estimate says
  so). For the gradient, Price's theorem, dF/dq12 = E[phi'(u) phi'(v)], dF/dq11 = E[phi''(u) phi(v)]/2,
  with the derivatives of phi by five-point central differences (step 1e-3, relative accuracy about 1e-10 for smooth
  phi).

Every quadrature reports an error estimate, |Q - Q_coarse| with a coarse rule of 1.25 times the step (three
quarters of the nodes): the error of the coarse rule, so an upper estimate of that of the fine one.

The ``gauss`` activation (the Gauss-net) is phi_a(z) = exp(z - s_a) with a fixed shift s_a per input,
the infinite-width variance of that input's pre-activation; the gradient is taken at fixed shifts.

References
----------
Cho, Saul, NeurIPS 2009 (arc-cosine kernel); Williams, NeurIPS 1996 (arcsine kernel);
Price, IRE Trans. Inf. Theory 4 (1958) 69 (Price's theorem); Roberts, Yaida, Hanin, arXiv:2106.10165.
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

__all__ = ["GaussianMoment", "product_moment", "kernel_map", "kernel_map_gradient", "resolve_activation"]

#: Gauss-Hermite nodes per direction (at unit spread) by the number of directions integrated numerically.
_NODES = {1: 160, 2: 80, 3: 32, 4: 20}
#: ... and their upper bounds (at most about 2e6 points).
_MAX_NODES = {1: 2000, 2: 1400, 3: 120, 4: 36}
#: Trapezoid step (whitened units) at unit spread; the rule covers [-_HALF_RANGE, _HALF_RANGE] per direction.
_STEP_RULE = 0.3
_HALF_RANGE = 9.0
#: The spread (largest standard deviation) beyond which the rules are not refined further.
_MAX_SPREAD = 25.0
#: Relative eigenvalue below which a direction of Q is dropped (Q is singular there).
_RANK_TOLERANCE = 1e-12
#: Gauss-Legendre nodes per smooth piece of the angular ReLU integral.
_ANGULAR_NODES = 24
#: Step of the central differences of phi (relative to max(1, |z|)).
_STEP = 1e-3


@dataclass(frozen=True)
class GaussianMoment:
    """E[prod_i phi(z_i)] with its estimated absolute quadrature error.

    Attributes
    ----------
    value, error : ndarray, shape (...)
        The expectation and the estimate of its absolute error (0 for closed forms).
    method : str
        "closed form", "angular", "exact direction + Gauss-Hermite" or "Gauss-Hermite".
    """

    value: np.ndarray
    error: np.ndarray
    method: str

    def __repr__(self):
        worst = float(np.max(self.error)) if np.size(self.error) else 0.0
        return f"GaussianMoment(shape={np.shape(self.value)}, method={self.method!r}, max_error={worst:.3g})"


def resolve_activation(activation) -> Activation:
    """The :class:`~tensornn.networks.activations.Activation` named ``activation`` (or the object itself)."""
    if isinstance(activation, Activation):
        return activation
    return get_activation(activation)


# ---------------------------------------------------------------------------------------------- helpers
def _pairings(items):
    if not items:
        yield ()
        return
    first, rest = items[0], items[1:]
    for i, partner in enumerate(rest):
        for tail in _pairings(rest[:i] + rest[i + 1:]):
            yield ((first, partner),) + tail


def _isserlis(cov):
    n = cov.shape[-1]
    if n % 2:
        return np.zeros(cov.shape[:-2])
    total = np.zeros(cov.shape[:-2])
    for pairing in _pairings(tuple(range(n))):
        term = np.ones(cov.shape[:-2])
        for a, b in pairing:
            term = term * cov[..., a, b]
        total = total + term
    return total


def _range_factor(cov):
    """A (B, n, r) with cov[b] = A[b] A[b]^T over the directions above the rank tolerance (r common to the batch)."""
    lam, vec = np.linalg.eigh(cov)
    lam = np.clip(lam, 0.0, None)
    scale = np.maximum(lam[..., -1:], np.finfo(float).tiny)
    rank = int(max(1, np.max(np.sum(lam > _RANK_TOLERANCE * scale, axis=-1))))
    return vec[..., -rank:] * np.sqrt(lam[..., None, -rank:]), rank


def _hermite_grid(dim, nodes):
    x, w = hermegauss(nodes)
    w = w / math.sqrt(2.0 * math.pi)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weights = np.meshgrid(*([w] * dim), indexing="ij")
    return np.stack(grids, axis=-1).reshape(-1, dim), np.prod(np.stack(weights, axis=-1).reshape(-1, dim), axis=-1)


def _evaluate(phi: Activation, z):
    return phi(np.array(z, dtype=float, copy=True))


def _shifted(phi: Activation, z, shifts):
    return _evaluate(phi, z if shifts is None else z - shifts)


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
            out[1 - refine, b] = weights @ np.prod(_shifted(phi, z, None if shifts is None else shifts[b]), axis=-1)
    return out[0], out[1]


def _chi_moment(n, rank):
    """E[rho^n] for rho chi-distributed with ``rank`` degrees of freedom."""
    return math.exp(0.5 * n * math.log(2.0) + math.lgamma(0.5 * (rank + n)) - math.lgamma(0.5 * rank))


def _relu_angular(factor, rank):
    n = factor.shape[1]
    radial = _chi_moment(n, rank)
    if rank == 1:
        a = factor[:, :, 0]
        return radial * 0.5 * (np.prod(np.maximum(a, 0), axis=-1) + np.prod(np.maximum(-a, 0), axis=-1))
    t, w = np.polynomial.legendre.leggauss(_ANGULAR_NODES)
    out = np.empty(factor.shape[0])
    for b in range(factor.shape[0]):
        a = factor[b]
        phase = np.arctan2(a[:, 1], a[:, 0])
        kinks = np.mod(np.concatenate([phase + 0.5 * np.pi, phase - 0.5 * np.pi]), 2.0 * np.pi)
        edges = np.unique(np.concatenate([[0.0, 2.0 * np.pi], kinks]))
        lo, hi = edges[:-1], edges[1:]
        theta = (0.5 * (hi - lo))[:, None] * t + (0.5 * (hi + lo))[:, None]
        omega = np.stack([np.cos(theta), np.sin(theta)], axis=-1)
        values = np.prod(np.maximum(omega @ a.T, 0.0), axis=-1)
        out[b] = np.sum((0.5 * (hi - lo))[:, None] * w * values) / (2.0 * np.pi)
    return radial * out


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


# ---------------------------------------------------------------------------------------------- products
def product_moment(activation, cov, *, shifts=None, nodes=None) -> GaussianMoment:
    """E[phi(z_1 - s_1) ... phi(z_n - s_n)] for z ~ N(0, cov), with an error estimate.

    Parameters
    ----------
    activation : str or Activation
        Any registered activation.
    cov : array_like, shape (..., n, n)
        Positive semi-definite covariance (singular allowed), n >= 1; the batch axes are vectorised.
    shifts : array_like, shape (..., n), optional
        Subtracted from z before phi. None: 0, except for a normalised activation (the Gauss-net), whose
        shift is the variance cov_ii of each component.
    nodes : int, optional
        Gauss-Hermite nodes per numerically integrated direction (default by the number of directions:
        160, 80, 32, 20 for 1..4).

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
    if phi.normalised and shifts is None:
        shifts = np.einsum("...ii->...i", cov)
    if phi.name == "linear" and shifts is None:
        value = _isserlis(cov)
        return GaussianMoment(value, np.zeros_like(value), "closed form")
    if phi.name in ("exp", "gauss"):
        total = 0.5 * cov.sum(axis=(-1, -2)) - (0.0 if shifts is None else np.sum(shifts, axis=-1))
        with np.errstate(over="ignore"):
            value = np.exp(total)
        return GaussianMoment(value, np.zeros_like(value), "closed form")
    flat = cov.reshape(-1, n, n)
    factor, rank = _range_factor(flat)
    flat_shifts = None if shifts is None else np.broadcast_to(np.asarray(shifts, float), batch + (n,)).reshape(-1, n)
    if phi.name == "relu" and flat_shifts is None:
        if rank <= 2:
            value = _relu_angular(factor, rank)
            return GaussianMoment(value.reshape(batch), np.zeros(batch), "angular")
        m = nodes or _NODES[rank - 1]
        fine = _relu_inner_exact(factor, rank, m)
        coarse = _relu_inner_exact(factor, rank, max(2, (3 * m) // 4))
        return GaussianMoment(fine.reshape(batch), np.abs(fine - coarse).reshape(batch),
                              "exact direction + Gauss-Hermite")
    if nodes is not None and nodes**rank > 4_000_000:
        raise InvalidArgumentError(f"nodes={nodes} in {rank} directions needs {nodes**rank} grid points (> 4e6); "
                                   "pass fewer")
    fine, coarse = _quadrature(phi, factor, rank, flat_shifts, nodes)
    method = "trapezoid" if rank <= 2 and nodes is None else "Gauss-Hermite"
    return GaussianMoment(fine.reshape(batch), np.abs(fine - coarse).reshape(batch), method)


# ---------------------------------------------------------------------------------------------- kernel maps
def _pair_cov(q11, q22, q12):
    q11, q22, q12 = np.broadcast_arrays(*(np.asarray(q, dtype=float) for q in (q11, q22, q12)))
    return q11, q22, q12


def _relu_map(q11, q22, q12):
    norm = np.sqrt(q11 * q22)
    safe = np.where(norm > 0, norm, 1.0)
    cos_t = np.clip(q12 / safe, -1.0, 1.0)
    t = np.arccos(cos_t)
    det = np.sqrt(np.maximum(q11 * q22 - q12**2, 0.0))
    value = np.where(norm > 0, (det + (np.pi - t) * q12) / (2.0 * np.pi), 0.0)
    d11 = np.where(q11 > 0, det / (4.0 * np.pi * np.where(q11 > 0, q11, 1.0)), 0.0)
    d22 = np.where(q22 > 0, det / (4.0 * np.pi * np.where(q22 > 0, q22, 1.0)), 0.0)
    d12 = np.where(norm > 0, (np.pi - t) / (2.0 * np.pi), 0.5)
    return value, d11, d22, d12


def _erf_map(q11, q22, q12):
    a, b = 1.0 + 2.0 * q11, 1.0 + 2.0 * q22
    root = np.sqrt(a * b)
    s = np.clip(2.0 * q12 / root, -1.0, 1.0)
    value = (2.0 / np.pi) * np.arcsin(s)
    ds = (2.0 / np.pi) / np.sqrt(1.0 - s**2)
    return value, -ds * s / a, -ds * s / b, ds * 2.0 / root


def _derivative(phi, z, order):
    """phi' or phi'' by the five-point central stencil (error O(h^4), h = 1e-3 max(1, |z|))."""
    h = _STEP * np.maximum(1.0, np.abs(z))
    f2, f1, f_1, f_2 = (_evaluate(phi, z + k * h) for k in (2, 1, -1, -2))
    if order == 1:
        return (f_2 - f2 + 8.0 * (f1 - f_1)) / (12.0 * h)
    return (16.0 * (f1 + f_1) - (f2 + f_2) - 30.0 * _evaluate(phi, z)) / (12.0 * h**2)


def _price_sums(phi, u, v, weights):
    """(F, dF/dq11, dF/dq22, dF/dq12) from nodes u, v (..., N) with weights (N,) (Price's theorem)."""
    pu, pv = _evaluate(phi, u), _evaluate(phi, v)
    return (np.sum(weights * pu * pv, axis=-1),
            0.5 * np.sum(weights * _derivative(phi, u, 2) * pv, axis=-1),
            0.5 * np.sum(weights * pu * _derivative(phi, v, 2), axis=-1),
            np.sum(weights * _derivative(phi, u, 1) * _derivative(phi, v, 1), axis=-1))


def _quadrature_map(phi, q11, q22, q12):
    """F and its gradient by the trapezoid rule on the Cholesky factor and Price's theorem.

    Degenerate pairs (q12^2 = q11 q22: one input, or collinear inputs) are one-dimensional integrals, done for
    all of them at once, a group per rule (pairs of the same rounded spread).
    """
    a, c, b = (np.asarray(q, dtype=float).ravel() for q in (q11, q22, q12))
    s1 = np.sqrt(np.maximum(a, 0.0))
    r = np.divide(b, s1, out=np.zeros_like(b), where=s1 > 0)
    s2 = np.sqrt(np.maximum(c - r * r, 0.0))
    degenerate = s2 <= 1e-7 * np.sqrt(np.maximum(c, 1e-300))  # dropping s2 errs by O(s2^2) < 1e-14 c
    out = np.empty((4, a.size))
    spreads = np.ceil(4.0 * np.clip(np.sqrt(np.maximum(a, c)), 1.0, _MAX_SPREAD)) / 4.0
    for spread in np.unique(spreads[degenerate]):
        group = degenerate & (spreads == spread)
        points, weights = _quadrature_grid(1, float(spread), 1)
        xi = points[:, 0]
        out[:, group] = _price_sums(phi, s1[group, None] * xi, r[group, None] * xi, weights)
    for i in np.flatnonzero(~degenerate):
        points, weights = _quadrature_grid(2, math.sqrt(max(a[i], c[i])), 1)
        u = s1[i] * points[:, 0]
        out[:, i] = _price_sums(phi, u, r[i] * points[:, 0] + s2[i] * points[:, 1], weights)
    return tuple(row.reshape(np.shape(q11)) for row in out)


def kernel_map_gradient(activation, q11, q22, q12, *, shifts=None):
    """F = E[phi(u) phi(v)] for (u, v) ~ N(0, [[q11, q12], [q12, q22]]) and its gradient.

    Parameters
    ----------
    activation : str or Activation
    q11, q22, q12 : array_like
        The entries of the 2 x 2 covariance (broadcast); q12^2 <= q11 q22 (equality allowed).
    shifts : tuple (s1, s2) of array_like, optional
        Fixed shifts of a normalised activation (Gauss-net: phi_a(z) = exp(z - s_a)); default (q11, q22).

    Returns
    -------
    (F, dF/dq11, dF/dq22, dF/dq12) : tuple of ndarray
        dF/dq12 is the derivative along the shared off-diagonal entry; along the diagonal of a single input
        (q11 = q22 = q12 = q) the derivative of E[phi(z)^2] in q is their sum.

    Examples
    --------
    >>> [round(float(v), 12) for v in kernel_map_gradient("relu", 1.0, 1.0, 1.0)]   # E[relu(z)^2] = q/2
    [0.5, 0.0, 0.0, 0.5]
    """
    phi = resolve_activation(activation)
    q11, q22, q12 = _pair_cov(q11, q22, q12)
    if phi.name == "linear":
        zero = np.zeros_like(q12)
        return q12.copy(), zero, zero.copy(), np.ones_like(q12)
    if phi.name == "relu":
        return _relu_map(q11, q22, q12)
    if phi.name == "erf":
        return _erf_map(q11, q22, q12)
    if phi.name in ("exp", "gauss"):
        s1, s2 = (0.0, 0.0) if phi.name == "exp" else ((q11, q22) if shifts is None else shifts)
        with np.errstate(over="ignore"):
            value = np.exp(0.5 * (q11 + q22) + q12 - s1 - s2)
        return value, 0.5 * value, 0.5 * value, value.copy()
    return _quadrature_map(phi, q11, q22, q12)


def kernel_map(activation, q11, q22, q12, *, shifts=None) -> np.ndarray:
    """E[phi(u) phi(v)] for the 2 x 2 covariance (q11, q22, q12) (see :func:`kernel_map_gradient`).

    Examples
    --------
    >>> round(float(kernel_map("erf", 0.5, 0.5, 0.5)), 12)   # (2/pi) arcsin(1/2) = 1/3
    0.333333333333
    """
    return kernel_map_gradient(activation, q11, q22, q12, shifts=shifts)[0]

"""Gaussian expectations of activations: the quadrature behind kernel maps without a closed form.

For a centred Gaussian pair (u, v) with variances q11, q22 and covariance q12, write the Cholesky form

    u = l11 t1,   v = l21 t1 + l22 t2,   l11 = sqrt(q11),  l21 = q12 / l11,  l22 = sqrt(q22 - l21^2),

with t1, t2 independent standard normals, so that

    E[f(u) g(v)] = int dt1 phi(t1) f(l11 t1) int dt2 phi(t2) g(l21 t1 + l22 t2),

phi the standard normal density. Both integrals run over |t| <= 9 (the Gaussian mass beyond is 2e-19) with
composite Gauss-Legendre panels. The activations the package knows bend near z = 0 (the kink of ReLU, the
step of tanh), on the scale |z| ~ 1; in the variable t that point sits at t1 = 0 and at t2 = -l21 t1 / l22,
and the bend is 1/l11 (or 1/l22) wide. So each rule has panel edges at the bend, geometric towards it from
the Gaussian scale down to an eighth of its width (:data:`GRADED_LEVELS` levels), plus a fixed grid of the
Gaussian scale (0, +-0.8, +-1.6, ... +-9), each panel with :data:`PANEL_NODES` nodes.

Accuracy (tests/test_activations.py checks it against adaptive one-dimensional quadrature and the closed
forms): relative error below 1e-9 for tanh, ReLU, erf and GELU at variances 0.01 <= q <= 100 and any
correlation, including the degenerate pair u = v; about 1e-7 at q = 1e4. Functions that grow faster than a
polynomial are not integrated well by a rule truncated at |t| = 9 (the exp activations have closed forms).
The cost is about (29 x 6)^2 = 3e4 evaluations per pair.

The n-point expectations of the exact oracles (:mod:`tensornn.correlators.exact`) use the eigen-directions of
an n x n covariance (:func:`range_factor`) and, for ReLU, the angular rule :func:`relu_angular_product`.

References
----------
Cho, Saul, "Kernel methods for deep learning", NIPS 2009 (the arc-cosine kernel, the angular integral).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "pair_expectation",
    "gaussian_expectation",
    "quadrature_kernel_map",
    "range_factor",
    "relu_angular_product",
    "GRADED_LEVELS",
    "PANEL_NODES",
]

#: Geometric levels between the Gaussian scale and an eighth of the activation's bend, on each side.
GRADED_LEVELS = 6
#: Gauss-Legendre nodes per panel.
PANEL_NODES = 6
_LIMIT = 9.0
_FLOOR = 0.125
_GAUSS_EDGES = np.array([-9.0, -6.5, -5.0, -3.8, -2.6, -1.6, -0.8, 0.0, 0.8, 1.6, 2.6, 3.8, 5.0, 6.5, 9.0])
_NORMAL = 1.0 / math.sqrt(2.0 * math.pi)
#: Evaluations per chunk of pairs (bounds the memory of the inner rule).
_CHUNK_EVALUATIONS = 1 << 20
# Rank tolerance of :func:`range_factor` (relative to the largest eigenvalue).
_RANK_TOLERANCE = 1e-12
_ANGULAR_NODES = 24


def _rule(centre: np.ndarray, width: np.ndarray):
    """Nodes and weights of int h(t) phi(t) dt over |t| <= 9, for h bending at ``centre`` over ``width``.

    ``centre`` and ``width`` have the same shape S; the result has shape S + (M,), M the same for every row.
    """
    lower = np.minimum(width, 1.0) * _FLOOR
    steps = np.arange(GRADED_LEVELS + 1) / GRADED_LEVELS
    graded = lower[..., None] * (1.0 / lower[..., None]) ** steps
    anchors = np.concatenate([centre[..., None] - graded, centre[..., None], centre[..., None] + graded], axis=-1)
    edges = np.concatenate([np.clip(anchors, -_LIMIT, _LIMIT),
                            np.broadcast_to(_GAUSS_EDGES, anchors.shape[:-1] + _GAUSS_EDGES.shape)], axis=-1)
    edges.sort(axis=-1)
    x, w = np.polynomial.legendre.leggauss(PANEL_NODES)
    lo, hi = edges[..., :-1, None], edges[..., 1:, None]
    half = 0.5 * (hi - lo)
    t = (0.5 * (hi + lo) + half * x).reshape(*edges.shape[:-1], -1)
    weights = (half * w).reshape(*edges.shape[:-1], -1) * np.exp(-0.5 * t * t) * _NORMAL
    return t, weights


def _cholesky(q11, q22, q12):
    l11 = np.sqrt(q11)
    l21 = np.divide(q12, l11, out=np.zeros_like(q12), where=l11 > 0)
    l22 = np.sqrt(np.maximum(q22 - l21 * l21, 0.0))
    return l11, l21, l22


def _bend_width(scale: np.ndarray) -> np.ndarray:
    return np.divide(1.0, scale, out=np.full_like(scale, np.inf), where=scale > 0)


def _pair_chunk(f, g, q11, q22, q12):
    l11, l21, l22 = _cholesky(q11, q22, q12)
    t1, w1 = _rule(np.zeros_like(l11), _bend_width(l11))  # (S, M)
    m = l21[:, None] * t1
    s = np.broadcast_to(l22[:, None], m.shape)
    centre = np.divide(-m, s, out=np.where(m > 0, -2.0 * _LIMIT, 2.0 * _LIMIT), where=s > 0)
    t2, w2 = _rule(np.clip(centre, -2.0 * _LIMIT, 2.0 * _LIMIT), _bend_width(s))  # (S, M, M)
    inner = np.einsum("...j,...j->...", w2, g(m[..., None] + s[..., None] * t2))
    return np.einsum("...j,...j->...", w1 * f(l11[:, None] * t1), inner)


def _as_pair(q11, q22, q12):
    q11, q22, q12 = np.broadcast_arrays(*(np.asarray(q, dtype=float) for q in (q11, q22, q12)))
    return q11, q22, q12


def pair_expectation(f, g, q11, q22, q12) -> np.ndarray:
    """E[f(u) g(v)] for a centred Gaussian pair by the graded composite rule (module docstring).

    Parameters
    ----------
    f, g : callable
        Vectorised functions of an array (they may overwrite their argument).
    q11, q22 : array_like
        Variances of u and v, >= 0.
    q12 : array_like
        Their covariance, q12^2 <= q11 q22 (rounding beyond is clipped). The three broadcast.

    Returns
    -------
    ndarray, the broadcast shape of the variances.

    Examples
    --------
    >>> round(float(pair_expectation(np.tanh, np.tanh, 1.0, 1.0, 1.0)), 9)  # E tanh(z)^2, z ~ N(0, 1)
    0.39429449
    """
    q11, q22, q12 = _as_pair(q11, q22, q12)
    shape = q11.shape
    q11, q22, q12 = (np.ravel(q) for q in (q11, q22, q12))
    per_pair = (2 * (2 * GRADED_LEVELS + 1) + len(_GAUSS_EDGES) - 1) * PANEL_NODES
    chunk = max(1, _CHUNK_EVALUATIONS // per_pair**2)
    out = np.empty(q11.size)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for start in range(0, q11.size, chunk):
            stop = start + chunk
            out[start:stop] = _pair_chunk(f, g, q11[start:stop], q22[start:stop], q12[start:stop])
    return out.reshape(shape)


def gaussian_expectation(f, q) -> np.ndarray:
    """E[f(z)] for z ~ N(0, q), by the graded composite rule of :func:`pair_expectation` in one dimension.

    Used for susceptibilities such as E[phi'(z)^2].

    Examples
    --------
    >>> round(float(gaussian_expectation(lambda z: z**2, 2.5)), 9)
    2.5
    """
    q = np.asarray(q, dtype=float)
    scale = np.sqrt(np.ravel(q))
    t, w = _rule(np.zeros_like(scale), _bend_width(scale))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return np.einsum("...j,...j->...", w, f(scale[:, None] * t)).reshape(q.shape)


def quadrature_kernel_map(function):
    """The kernel map (q11, q22, q12) -> E[phi(u) phi(v)] of ``function`` by quadrature (:func:`pair_expectation`).

    The map is symmetric under exchanging u and v, so each distinct pair {(q11, q22), q12} is integrated once (a
    kernel matrix costs P (P + 1) / 2 integrals, not P^2). The way to register an activation without a
    closed-form kernel:
    ``register_activation("softplus", f, derivative=df, kernel_map=quadrature_kernel_map(f), growth="linear")``.
    """

    def kernel_map(q11, q22, q12):
        q11, q22, q12 = _as_pair(q11, q22, q12)
        triples = np.stack([np.minimum(q11, q22).ravel(), np.maximum(q11, q22).ravel(), q12.ravel()], axis=1)
        distinct, where = np.unique(triples, axis=0, return_inverse=True)
        values = pair_expectation(function, function, distinct[:, 0], distinct[:, 1], distinct[:, 2])
        return values[where.ravel()].reshape(q11.shape)

    kernel_map.quadrature = True
    return kernel_map


def range_factor(cov):
    """Return (A, r) with cov = A A^T restricted to the r non-zero eigen-directions; A has shape (B, n, r).

    ``cov`` has shape (B, n, n); r is the largest rank in the batch (eigenvalues above 1e-12 of the largest).
    """
    lam, vec = np.linalg.eigh(cov)
    lam = np.clip(lam, 0.0, None)
    scale = np.maximum(lam[..., -1:], np.finfo(float).tiny)
    rank = int(max(1, np.max(np.sum(lam > _RANK_TOLERANCE * scale, axis=-1))))
    return vec[..., -rank:] * np.sqrt(lam[..., None, -rank:]), rank


def relu_angular_product(factor, rank):
    """E prod_i relu(a_i . xi), xi ~ N(0, I_r), for r <= 2 (``factor`` (B, n, r) from :func:`range_factor`).

    ReLU is positively homogeneous of degree 1, so the expectation is E[rho^n] times the angular average
    of prod relu(a_i . omega) over the circle: E rho^n = 2^(n/2) Gamma((r + n)/2) / Gamma(r/2) and the angular
    average is done piecewise between the kinks with Gauss-Legendre (exact up to rounding).
    """
    from scipy.special import gammaln  # scipy.special costs ~0.3 s to import; only ReLU oracles pay it

    n = factor.shape[1]
    radial = math.exp(0.5 * n * math.log(2.0) + gammaln(0.5 * (rank + n)) - gammaln(0.5 * rank))
    out = np.empty(factor.shape[0])
    if rank == 1:
        a = factor[:, :, 0]
        out[:] = 0.5 * (np.prod(np.maximum(a, 0), axis=-1) + np.prod(np.maximum(-a, 0), axis=-1))
        return radial * out
    t, w = np.polynomial.legendre.leggauss(_ANGULAR_NODES)
    for b in range(factor.shape[0]):
        a = factor[b]
        phase = np.arctan2(a[:, 1], a[:, 0])
        kinks = np.mod(np.concatenate([phase + 0.5 * np.pi, phase - 0.5 * np.pi]), 2.0 * np.pi)
        edges = np.unique(np.concatenate([[0.0, 2.0 * np.pi], kinks]))
        lo, hi = edges[:-1], edges[1:]
        theta = (0.5 * (hi - lo))[:, None] * t + (0.5 * (hi + lo))[:, None]
        omega = np.stack([np.cos(theta), np.sin(theta)], axis=-1)  # (pieces, nodes, 2)
        values = np.prod(np.maximum(omega @ a.T, 0.0), axis=-1)
        out[b] = np.sum((0.5 * (hi - lo))[:, None] * w * values) / (2.0 * np.pi)
    return radial * out

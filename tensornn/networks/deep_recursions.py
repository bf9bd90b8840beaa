"""The layer-to-layer recursions of deep networks: the kernel and the four-point vertex (leading order in 1/width).

Layers l = 1..L+1 with widths n_0 = d_in (the input), n_1..n_L (hidden) and n_{L+1} = 1 (the output):

    z^(1)_i     = b^(1)_i + sum_k W^(1)_ik x_k,                    W^(1) ~ N(0, C_W / n_0),
    z^(l+1)_i   = b^(l+1)_i + sum_j W^(l+1)_ij phi(z^(l)_j),        W^(l+1) ~ N(0, C_W^(l+1) / n_l),

b ~ N(0, C_b), C_W^(l+1) = sigma_w^2 for the hidden layers and sigma_v^2 for the read-out (docs/theory/depth.md).

Kernel (exact at infinite width; K^(1) = C_b + C_W x.y / n_0 is exact at every width):

    K^(l+1)_ab = C_b + C_W^(l+1) F_ab(K^(l)),    F_ab(K) = E[phi(z_a) phi(z_b)],  z ~ N(0, K).

Four-point vertex: E[z^(l)_i1(x1) z^(l)_i2(x2) z^(l)_i3(x3) z^(l)_i4(x4)]_connected =
(1/n_{l-1}) [delta_i1i2 delta_i3i4 V^(l)_(12)(34) + 2 pairings], V^(1) = 0, and to leading order in 1/width

    V^(l+1)_(ab)(cd) = (C_W^(l+1))^2 [ E(phi_a phi_b phi_c phi_d) - F_ab F_cd ]
                     + (C_W^(l+1))^2 (n_l / n_{l-1}) sum_{e,f,g,h} D_ab^ef D_cd^gh V^(l)_(ef)(gh),

with all expectations under K^(l) and D_ab^ef = dF_ab / dK_ef (K_ef and K_fe counted as separate entries,
so a shared off-diagonal derivative is split in halves). The derivation is in docs/theory/depth.md.

The two-point function itself is K^(l) + delta^(l) + O(1/n^2) at finite width: for one input (g(K) = E[phi^2])

    delta^(l+1) = C_W^(l+1) [ g'(K^(l)) delta^(l) + g''(K^(l)) V^(l) / (2 n_{l-1}) ],   delta^(1) = delta^(2) = 0.

The normalised single-input four-point function of layer l is

    kappa^(l)(x) = G4c(x, x, x, x) / (3 G2(x, x)^2) = V^(l)_(xx)(xx) / (n_{l-1} K^(l)(x, x)^2).

References
----------
Roberts, Yaida, Hanin, "The Principles of Deep Learning Theory", arXiv:2106.10165 (chapters 4-5);
Yaida, arXiv:1910.00019; Poole et al., arXiv:1606.05340.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError
from .gaussian_expectations import kernel_map_gradient, product_moment, resolve_activation, single_input_maps

__all__ = ["LayerMaps", "layer_maps", "kernel_recursion", "FourPointRecursion", "four_point_recursion",
           "four_point_from_vertex", "single_input_recursion", "single_input_kappa", "kernel_correction"]


@dataclass(frozen=True)
class LayerMaps:
    """F_ab(K) and its derivatives D_ab^ef = dF_ab/dK_ef on P inputs.

    Attributes
    ----------
    values : ndarray, shape (P, P)
        F_ab = E[phi(z_a) phi(z_b)] under K.
    derivatives : ndarray, shape (P, P, P, P)
        D[a, b, e, f]; nonzero only for {e, f} inside {a, b}; symmetric in (a, b) and in (e, f).
    """

    values: np.ndarray
    derivatives: np.ndarray


def layer_maps(activation, kernel) -> LayerMaps:
    """The kernel map F(K) and its gradient on every pair of the P inputs of ``kernel`` (P, P).

    For a != b, D_ab^aa = dF/dq11, D_ab^bb = dF/dq22 and D_ab^ab = D_ab^ba = dF/dq12 / 2 of the 2 x 2 map at
    (K_aa, K_bb, K_ab); for a = b, D_aa^aa = d E[phi(z)^2] / dK_aa (the sum of the three).

    Examples
    --------
    >>> m = layer_maps("relu", np.array([[2.0]]))
    >>> float(m.values[0, 0]), float(m.derivatives[0, 0, 0, 0])
    (1.0, 0.5)
    """
    phi = resolve_activation(activation)
    k = np.asarray(kernel, dtype=float)
    p = k.shape[0]
    diag = np.diag(k)
    q11, q22 = np.broadcast_to(diag[:, None], (p, p)), np.broadcast_to(diag[None, :], (p, p))
    value, d11, d22, d12 = kernel_map_gradient(phi, q11, q22, k)
    derivatives = np.zeros((p, p, p, p))
    for a, b in itertools.product(range(p), repeat=2):
        if a == b:
            derivatives[a, a, a, a] = d11[a, a] + d22[a, a] + d12[a, a]
        else:
            derivatives[a, b, a, a] = d11[a, b]
            derivatives[a, b, b, b] = d22[a, b]
            derivatives[a, b, a, b] = derivatives[a, b, b, a] = 0.5 * d12[a, b]
    return LayerMaps(np.asarray(value, dtype=float), derivatives)


def _check_layers(weight_variances, bias_variance):
    cw = np.asarray(weight_variances, dtype=float)
    if cw.ndim != 1 or cw.size < 1 or not np.all(np.isfinite(cw)) or np.any(cw < 0):
        raise InvalidArgumentError(
            f"weight_variances must list C_W of every layer after the first (finite, >= 0), got {weight_variances!r}")
    cb = float(bias_variance)
    if not np.isfinite(cb) or cb < 0:
        raise InvalidArgumentError(f"bias_variance C_b must be finite and >= 0, got {bias_variance!r}")
    return cw, cb


def kernel_recursion(activation, first_kernel, weight_variances, bias_variance) -> np.ndarray:
    """K^(1), ..., K^(L+1) from the first-layer kernel by K^(l+1) = C_b + C_W^(l+1) F(K^(l)).

    Parameters
    ----------
    activation : str or Activation
    first_kernel : array_like, shape (P, P)
        K^(1) = C_b + C_W x_a . x_b / n_0 (or the first-layer covariance of a structured layer).
    weight_variances : sequence of float, length L
        C_W^(2), ..., C_W^(L+1) (the last one the read-out's).
    bias_variance : float
        C_b (0 without biases).

    Returns
    -------
    ndarray, shape (L + 1, P, P)

    Examples
    --------
    >>> k = kernel_recursion("relu", [[1.0]], [2.0, 2.0, 2.0], 0.0)   # ReLU at criticality keeps K
    >>> k[:, 0, 0].tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    phi = resolve_activation(activation)
    cw, cb = _check_layers(weight_variances, bias_variance)
    k = np.array(first_kernel, dtype=float, ndmin=2)
    out = [k]
    for c in cw:
        diag = np.diag(k)
        k = cb + c * np.asarray(kernel_map_gradient(phi, diag[:, None], diag[None, :], k)[0], dtype=float)
        k = 0.5 * (k + k.T)
        out.append(k)
    return np.stack(out)


def _sorted_quadruples(p):
    return list(itertools.combinations_with_replacement(range(p), 4))


def _fourth_moments(phi, kernel, cache=None, labels=None):
    """E[phi_a phi_b phi_c phi_d] under ``kernel`` for all (a, b, c, d), shape (P,)*4, and the largest error."""
    p = kernel.shape[0]
    labels = tuple(range(p)) if labels is None else labels
    moments = np.empty((p, p, p, p))
    worst = 0.0
    for q in _sorted_quadruples(p):
        key = tuple(labels[i] for i in q)
        if cache is not None and key in cache:
            value, error = cache[key]
        else:
            idx = np.array(q)
            m = product_moment(phi, kernel[np.ix_(idx, idx)])
            value, error = float(m.value), float(m.error)
            if cache is not None:
                cache[key] = (value, error)
        worst = max(worst, error)
        for perm in set(itertools.permutations(q)):
            moments[perm] = value
    return moments, worst


@dataclass(frozen=True)
class FourPointRecursion:
    """The kernels and four-point vertices of every layer at leading order in 1/width.

    Attributes
    ----------
    kernels : ndarray, shape (L + 1, P, P)
        K^(1), ..., K^(L+1).
    vertices : ndarray, shape (L + 1, P, P, P, P)
        V^(1) = 0, ..., V^(L+1), with V[l][a, b, c, d] = V^(l+1)_(ab)(cd).
    widths : tuple of int
        (n_0, n_1, ..., n_L): layer l's four-point function is V^(l) / n_{l-1}.
    quadrature_error : ndarray, shape (L + 1,)
        The largest estimated absolute error of the fourth moments that entered V^(l) (0 for closed forms).
    """

    kernels: np.ndarray
    vertices: np.ndarray
    widths: tuple
    quadrature_error: np.ndarray

    def kappa(self, index: int = 0) -> np.ndarray:
        """kappa^(l) at input ``index`` for l = 1..L+1, shape (L + 1,)."""
        k = self.kernels[:, index, index]
        v = self.vertices[:, index, index, index, index]
        n_prev = np.asarray(self.widths, dtype=float)
        return v / (n_prev * k**2)

    def __repr__(self):
        return (f"FourPointRecursion(layers={len(self.kernels)}, inputs={self.kernels.shape[1]}, widths={self.widths}, "
                f"max quadrature error={float(np.max(self.quadrature_error)):.2g})")


def four_point_recursion(activation, kernels, weight_variances, widths, *, cache=None,
                         labels=None) -> FourPointRecursion:
    """The leading-order four-point vertices V^(1..L+1) on all P inputs of ``kernels``.

    Parameters
    ----------
    activation : str or Activation
    kernels : ndarray, shape (L + 1, P, P)
        From :func:`kernel_recursion`.
    weight_variances : sequence of float, length L
        C_W^(2), ..., C_W^(L+1).
    widths : sequence of int, length L + 1
        n_0 (the input dimension or the first layer's number of input components), n_1, ..., n_L.
    cache, labels : optional
        A dict of fourth moments shared between calls on overlapping inputs, keyed by the ``labels`` of the
        inputs (default 0..P-1) and the layer index.

    Returns
    -------
    FourPointRecursion

    Examples
    --------
    >>> k = kernel_recursion("relu", [[1.0]], [2.0] * 4, 0.0)
    >>> r = four_point_recursion("relu", k, [2.0] * 4, [1, 10, 10, 10, 10])
    >>> np.round(r.kappa(), 12).tolist()   # 5 (l - 1) / n
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    phi = resolve_activation(activation)
    kernels = np.asarray(kernels, dtype=float)
    cw = np.asarray(weight_variances, dtype=float)
    widths = tuple(int(n) for n in widths)
    if len(cw) != len(kernels) - 1 or len(widths) != len(kernels):
        raise InvalidArgumentError(
            f"kernels of {len(kernels)} layers need {len(kernels) - 1} weight variances and {len(kernels)} widths "
            f"(n_0..n_L), got {len(cw)} and {len(widths)}")
    p = kernels.shape[1]
    labels = tuple(range(p)) if labels is None else tuple(labels)
    vertex = np.zeros((p, p, p, p))
    vertices, errors = [vertex], [0.0]
    for layer, c in enumerate(cw):
        k = kernels[layer]
        maps = layer_maps(phi, k)
        layer_cache = None if cache is None else cache.setdefault(layer, {})
        fourth, error = _fourth_moments(phi, k, layer_cache, labels)
        new = c**2 * (fourth - np.einsum("ab,cd->abcd", maps.values, maps.values))
        if layer > 0:
            ratio = widths[layer + 1] / widths[layer]  # n_l / n_{l-1} with l = layer + 1
            d = maps.derivatives
            new = new + c**2 * ratio * np.einsum("abef,cdgh,efgh->abcd", d, d, vertex, optimize=True)
        vertex = new
        vertices.append(vertex)
        errors.append(c**2 * error)
    return FourPointRecursion(kernels, np.stack(vertices), widths, np.asarray(errors))


def four_point_from_vertex(vertex, width, quadruple) -> float:
    """G4c(x_a, x_b, x_c, x_d) = (V_(ab)(cd) + V_(ac)(bd) + V_(ad)(bc)) / width for one layer's vertex (P,)*4."""
    a, b, c, d = quadruple
    return float((vertex[a, b, c, d] + vertex[a, c, b, d] + vertex[a, d, b, c]) / width)


def single_input_recursion(activation, k1, weight_variances, bias_variance, widths) -> FourPointRecursion:
    """The kernel and four-point recursions at one input, with one-dimensional integrals only.

    K^(l+1) = C_b + C_W g(K^(l)) and V^(l+1) = C_W^2 [E phi^4 - g^2] + C_W^2 (n_l / n_{l-1}) g'(K^(l))^2 V^(l)
    (g(K) = E[phi(z)^2]; :func:`~tensornn.networks.gaussian_expectations.single_input_maps` and the rank-1 rule of
    :func:`~tensornn.networks.gaussian_expectations.product_moment`): the same numbers as
    :func:`four_point_recursion` on one input, without its two-dimensional kernel-map quadratures.

    Examples
    --------
    >>> np.round(single_input_recursion("relu", 1.0, [2.0] * 3, 0.0, [1, 10, 10, 10]).kappa(), 12).tolist()
    [0.0, 0.5, 1.0, 1.5]
    """
    phi = resolve_activation(activation)
    cw, cb = _check_layers(weight_variances, bias_variance)
    widths = tuple(int(n) for n in widths)
    if len(widths) != len(cw) + 1:
        raise InvalidArgumentError(f"{len(cw)} weight variances need {len(cw) + 1} widths (n_0..n_L), got {len(widths)}")
    k, v = float(k1), 0.0
    kernels, vertices, errors = [k], [0.0], [0.0]
    for layer, c in enumerate(cw):
        g, slope, _ = (float(x) for x in single_input_maps(phi, k))
        fourth = product_moment(phi, np.full((4, 4), k))
        new_v = c**2 * (float(fourth.value) - g * g)
        if layer > 0:
            new_v += c**2 * widths[layer + 1] / widths[layer] * slope**2 * v
        k, v = cb + c * g, new_v
        kernels.append(k)
        vertices.append(v)
        errors.append(c**2 * float(fourth.error))
    return FourPointRecursion(np.array(kernels)[:, None, None], np.array(vertices)[:, None, None, None, None], widths,
                              np.array(errors))


def single_input_kappa(activation, k1, weight_variances, bias_variance, widths) -> np.ndarray:
    """kappa^(l), l = 1..L+1, for one input with first-layer variance ``k1`` (leading order).

    Examples
    --------
    >>> np.round(single_input_kappa("linear", 1.0, [1.0] * 3, 0.0, [1, 4, 4, 4]), 12).tolist()   # 2 (l - 1) / n
    [0.0, 0.5, 1.0, 1.5]
    """
    return single_input_recursion(activation, k1, weight_variances, bias_variance, widths).kappa(0)


#: Relative step of the second difference of g(K) in :func:`kernel_correction`.
_K_STEP = 1e-3


def _second_derivative(phi, k):
    """g''(K) of g(K) = E[phi(z)^2] by a central difference of its derivative g'."""
    h = _K_STEP * max(k, 1e-6)
    lo = max(k - h, 0.0)
    slopes = single_input_maps(phi, np.array([lo, lo + 2 * h]))[1]
    return float(slopes[1] - slopes[0]) / (2 * h)


def kernel_correction(activation, k1, weight_variances, bias_variance, widths) -> np.ndarray:
    """The 1/width correction delta^(l) of the single-input two-point function, l = 1..L+1 (module docstring).

    G2^(l)(x, x) = K^(l)(x, x) + delta^(l) + O(1/n^2). It comes from the fluctuation of the conditional variance of
    layer l: E[g(Ghat)] = g(G) + g''(G) Var(Ghat) / 2 + ..., with Var(Ghat^(l)) = V^(l) / n_{l-1}. g'' is a central
    difference (step 1e-3 K) of g' (:func:`~tensornn.networks.gaussian_expectations.single_input_maps`; relative accuracy
    about 1e-6).

    Examples
    --------
    >>> kernel_correction("relu", 1.0, [2.0, 2.0, 2.0], 0.0, [1, 8, 8, 8]).tolist()   # exact at every width: G2 = K
    [0.0, 0.0, 0.0, 0.0]
    """
    phi = resolve_activation(activation)
    cw = np.asarray(weight_variances, dtype=float)
    rec = single_input_recursion(phi, k1, cw, bias_variance, widths)
    kernels = rec.kernels
    delta = [0.0]
    for layer, c in enumerate(cw):
        k = float(kernels[layer, 0, 0])
        slope = float(single_input_maps(phi, k)[1])
        curvature = _second_derivative(phi, k) if layer > 0 else 0.0
        v = float(rec.vertices[layer, 0, 0, 0, 0])
        delta.append(c * (slope * delta[-1] + 0.5 * curvature * v / widths[layer]))
    return np.array(delta)

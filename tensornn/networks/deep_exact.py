"""Exact finite-width results of deep networks (no 1/width expansion): oracles for the recursions and Monte Carlo.

Scale-invariant layers at zero bias, one input
----------------------------------------------
For phi(a z) = a phi(z) (a > 0: ReLU; all a: linear) and no biases, write S_l for the variance of z^(l+1)_i
given layer l, S_l = (C_W^(l+1) / n_l) sum_j phi(z^(l)_j)^2, and S_0 = K^(1)(x, x). Given S_{l-1} the z^(l)_j are
i.i.d. N(0, S_{l-1}), so z^(l)_j = sqrt(S_{l-1}) xi_j with xi_j i.i.d. N(0, 1) independent of S_{l-1}, and

    S_l = S_{l-1} R_l,    R_l = (C_W^(l+1) / n_l) sum_{j=1}^{n_l} t_j,    t_j = phi(xi_j)^2,

with R_1, R_2, ... independent. Hence E[(z^(l+1))^(2k)] = (2k - 1)!! S_0^k prod_{i=1}^{l} E[R_i^k], and

    E[z^4] / E[z^2]^2 = 3 prod_i E[R_i^2] / E[R_i]^2 = 3 prod_i (1 + Var(t) / (n_i E[t]^2)),
    kappa^(l+1) = prod_{i=1}^{l} (1 + a / n_i) - 1,     a = 2 (linear: t = xi^2), a = 5 (ReLU: E t = 1/2, E t^2 = 3/2).

At large width kappa^(l+1) = a sum_i 1/n_i + O(1/n^2): the leading-order recursion's 2 l/n and 5 l/n.
The same holds for inputs that are non-negative multiples of one vector (z(c x) = c z(x) for c >= 0).

Linear layers, any inputs and biases
------------------------------------
With G^(l) the conditional covariance of z^(l) given layer l-1 (a random P x P matrix, G^(1) = K^(1)),
G^(l+1) = C_b + (C_W / n_l) sum_j z_j z_j^T and the z_j i.i.d. N(0, G^(l)), the first two moments close:

    E G' = C_b + C_W E G,
    E[G'_ab G'_cd] = C_b^2 + C_b C_W (E G_ab + E G_cd) + C_W^2 (E[G_ab G_cd] + (E[G_ac G_bd] + E[G_ad G_bc]) / n_l),

and G4(abcd) = E[G_ab G_cd] + E[G_ac G_bd] + E[G_ad G_bc]: the connected four-point function of a deep linear
network is exact at every width and depth.

References
----------
Hanin, Nica, arXiv:1812.05994 (products of random matrices, finite depth and width); Roberts, Yaida, Hanin,
arXiv:2106.10165; Zavatone-Veth, Pehlevan, arXiv:2106.00651 (exact priors of deep linear and ReLU networks).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InvalidArgumentError

__all__ = ["SCALE_INVARIANT", "unit_moments", "scale_invariant_moments", "scale_invariant_kappa", "kappa_standard_error",
           "linear_moments", "linear_four_point"]

#: Moments E[t^m] = E[phi(xi)^(2m)], xi ~ N(0, 1), of the scale-invariant activations with an exact single-input law.
SCALE_INVARIANT = {
    "linear": lambda m: float(math.prod(range(1, 2 * m, 2))),
    "relu": lambda m: 0.5 * float(math.prod(range(1, 2 * m, 2))),
}


def _check_scale_invariant(activation) -> str:
    name = getattr(activation, "name", activation)
    if name not in SCALE_INVARIANT:
        valid = ", ".join(repr(n) for n in SCALE_INVARIANT)
        raise InvalidArgumentError(
            f"the exact single-input law needs a scale-invariant activation ({valid}) at zero bias, got {name!r}")
    return name


def _moments_to_cumulants(m):
    """Cumulants kappa_1..kappa_K from raw moments m_0 = 1, m_1..m_K (lists indexed by order)."""
    kappa = [0.0] * len(m)
    for k in range(1, len(m)):
        kappa[k] = m[k] - sum(math.comb(k - 1, j - 1) * kappa[j] * m[k - j] for j in range(1, k))
    return kappa


def _cumulants_to_moments(kappa):
    m = [1.0] + [0.0] * (len(kappa) - 1)
    for k in range(1, len(kappa)):
        m[k] = sum(math.comb(k - 1, j - 1) * kappa[j] * m[k - j] for j in range(1, k + 1))
    return m


def unit_moments(activation, width: int, max_order: int = 4) -> np.ndarray:
    """E[(sum_{j=1}^n t_j / n)^k], k = 0..max_order, for t_j = phi(xi_j)^2 i.i.d. (the factor R / C_W).

    Examples
    --------
    >>> unit_moments("linear", 4, 2).tolist()   # chi^2_4 / 4: 1, 1, 1 + 2/4
    [1.0, 1.0, 1.5]
    """
    name = _check_scale_invariant(activation)
    n = int(width)
    mu = [1.0] + [SCALE_INVARIANT[name](m) for m in range(1, max_order + 1)]
    kappa = [n * c for c in _moments_to_cumulants(mu)]
    moments = _cumulants_to_moments(kappa)
    return np.array([moments[k] / n**k for k in range(max_order + 1)])


def scale_invariant_moments(activation, k1: float, widths, weight_variances, max_order: int = 4) -> np.ndarray:
    """E[(z^(l))^(2k)] exactly, for l = 1..L+1 and k = 0..max_order (one input, zero bias).

    Parameters
    ----------
    activation : {"linear", "relu"}
    k1 : float
        K^(1)(x, x) = C_W |x|^2 / n_0.
    widths : sequence of int
        n_1..n_L.
    weight_variances : sequence of float
        C_W^(2)..C_W^(L+1).

    Returns
    -------
    ndarray, shape (L + 1, max_order + 1)

    Examples
    --------
    >>> np.round(scale_invariant_moments("relu", 1.0, [4], [2.0], 2), 12).tolist()   # E z^2 = 1, E z^4 = 3 (1 + 5/4)
    [[1.0, 1.0, 3.0], [1.0, 1.0, 6.75]]
    """
    widths = [int(n) for n in widths]
    cw = [float(c) for c in weight_variances]
    if len(widths) != len(cw):
        raise InvalidArgumentError(f"need one weight variance per hidden layer: {len(widths)} widths, {len(cw)} C_W")
    orders = np.arange(max_order + 1)
    double_factorial = np.array([float(math.prod(range(1, 2 * k, 2))) for k in orders])
    s = float(k1) ** orders
    rows = [double_factorial * s]
    for n, c in zip(widths, cw):
        s = s * unit_moments(activation, n, max_order) * c**orders
        rows.append(double_factorial * s)
    return np.stack(rows)


def scale_invariant_kappa(activation, widths) -> np.ndarray:
    """kappa^(l) = prod_{i<l} (1 + a/n_i) - 1 for l = 1..L+1 (a = 2 linear, 5 ReLU; one input, zero bias).

    Examples
    --------
    >>> np.round(scale_invariant_kappa("relu", [5, 5]), 12).tolist()
    [0.0, 1.0, 3.0]
    """
    widths = [int(n) for n in widths]
    r = np.array([unit_moments(activation, n, 2) for n in widths]) if widths else np.ones((0, 3))
    factors = r[:, 2] / r[:, 1] ** 2
    return np.concatenate([[0.0], np.cumprod(factors) - 1.0])


def linear_moments(first_kernel, widths, weight_variances, bias_variance):
    """The exact first and second moments of the conditional covariances G^(l) of a deep linear network.

    Parameters
    ----------
    first_kernel : array_like, shape (P, P)
        K^(1).
    widths : sequence of int
        n_1..n_L.
    weight_variances : sequence of float
        C_W^(2)..C_W^(L+1).
    bias_variance : float

    Returns
    -------
    (m1, m2) : ndarrays of shapes (L + 1, P, P) and (L + 1, P, P, P, P)
        m1[l - 1] = E G^(l), m2[l - 1][a, b, c, d] = E[G^(l)_ab G^(l)_cd].
    """
    g = np.array(first_kernel, dtype=float, ndmin=2)
    m1, m2 = g, np.einsum("ab,cd->abcd", g, g)
    first, second = [m1], [m2]
    cb = float(bias_variance)
    for n, c in zip(widths, weight_variances):
        new2 = (cb**2 + cb * c * (m1[:, :, None, None] + m1[None, None, :, :])
                + c**2 * (m2 + (np.einsum("acbd->abcd", m2) + np.einsum("adbc->abcd", m2)) / n))
        m1, m2 = cb + c * m1, new2
        first.append(m1)
        second.append(m2)
    return np.stack(first), np.stack(second)


def linear_four_point(first_kernel, widths, weight_variances, bias_variance):
    """Exact G2 and connected G4 of z^(l), l = 1..L+1, of a deep linear network on P inputs.

    Returns
    -------
    (g2, g4c) : ndarrays of shapes (L + 1, P, P) and (L + 1, P, P, P, P)

    Examples
    --------
    >>> g2, g4c = linear_four_point([[1.0]], [4, 4], [1.0, 1.0], 0.0)
    >>> np.round(g4c[:, 0, 0, 0, 0] / (3 * g2[:, 0, 0] ** 2), 12).tolist()   # (1 + 2/4)^(l-1) - 1
    [0.0, 0.5, 1.25]
    """
    m1, m2 = linear_moments(first_kernel, widths, weight_variances, bias_variance)
    full = m2 + np.einsum("lacbd->labcd", m2) + np.einsum("ladbc->labcd", m2)
    gauss = (np.einsum("lab,lcd->labcd", m1, m1) + np.einsum("lac,lbd->labcd", m1, m1)
             + np.einsum("lad,lbc->labcd", m1, m1))
    return m1, full - gauss


def kappa_standard_error(activation, widths, n_networks: int, estimator: str = "conditional") -> np.ndarray:
    """The standard error of the measured kappa^(l) from ``n_networks`` independent networks, l = 1..L+1
    (delta method with the exact moments; one input, zero bias, scale-invariant activation).

    With kappa = m_2 / m_1^2 - 1 for the conditional estimator (m_k = E[S^k], S the variance of z^(l) given the
    layer before, :class:`~tensornn.networks.layer_probe.LayerProbe`) or kappa = m_2 / (3 m_1^2) - 1 for the raw one
    (m_k = E[z^(2k)]), Var(kappa_hat) = g^T Sigma g / N, g the gradient in (m_1, m_2) and Sigma the covariance of
    the per-network statistics: m_2 - m_1^2, m_3 - m_1 m_2, m_4 - m_2^2. Layer 1 is measured raw either way.
    It does not depend on the scales (C_W, K^(1)).

    Examples
    --------
    >>> round(float(kappa_standard_error("linear", [], 1)[0]) ** 2, 12)   # one Gaussian: 8 - 16 + 96/9 = 8/3
    2.666666666667
    """
    widths = [int(n) for n in widths]
    raw = scale_invariant_moments(activation, 1.0, widths, [1.0] * len(widths), 4)
    raw_m = raw[:, 1:]
    conditional = raw_m / np.array([1.0, 3.0, 15.0, 105.0])  # E S^k = E z^(2k) / (2k - 1)!!
    if estimator == "raw":
        moments, c = raw_m, 3.0
    elif estimator == "conditional":
        moments, c = conditional, 1.0
        moments[0] = raw_m[0]  # layer 1 is measured raw
    else:
        raise InvalidArgumentError(f"estimator must be 'conditional' or 'raw', got {estimator!r}")
    factor = np.full(len(moments), c)
    factor[0] = 3.0
    m1, m2, m3, m4 = moments.T
    g1, g2 = -2.0 * m2 / (factor * m1**3), 1.0 / (factor * m1**2)
    var = g1**2 * (m2 - m1**2) + 2 * g1 * g2 * (m3 - m1 * m2) + g2**2 * (m4 - m2**2)
    return np.sqrt(var / int(n_networks))

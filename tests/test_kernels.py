"""Kernels against an independent quadrature of E[act(z1) act(z2)], special values and stability."""

import math

import numpy as np
import pytest
from scipy.special import erf

from tensornn import InvalidArgumentError
from tensornn.errors import NumericalOverflowWarning
from tensornn.networks.kernels import (
    gauss_fourier,
    kernel,
    kernel_w,
    preactivation_covariance,
)
from tensornn.networks.activations import activation_names

SCALAR_ACTIVATIONS = activation_names()

_ACT = {
    "exp": np.exp,
    "erf": erf,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
    "tanh": np.tanh,
    "gelu": lambda z: 0.5 * z * (1.0 + erf(z / math.sqrt(2.0))),
}


def _quadrature_kernel(activation, x, y, sigma_w, sigma_b, order=80):
    """sigma_b^2 + sigma_w^2 E[act(z1) act(z2)] by 2-d Gauss-Hermite quadrature (independent path)."""
    d_in = len(x)
    cov = np.array(
        [
            [sigma_b**2 + sigma_w**2 * x @ x / d_in, sigma_b**2 + sigma_w**2 * x @ y / d_in],
            [sigma_b**2 + sigma_w**2 * x @ y / d_in, sigma_b**2 + sigma_w**2 * y @ y / d_in],
        ]
    )
    nodes, weights = np.polynomial.hermite_e.hermegauss(order)
    weights = weights / math.sqrt(2 * math.pi)
    u, v = np.meshgrid(nodes, nodes, indexing="ij")
    w = np.outer(weights, weights)
    chol = np.linalg.cholesky(cov + 1e-300 * np.eye(2)) if np.linalg.det(cov) > 1e-14 else None
    if chol is None:  # degenerate pair: z2 is a multiple of z1
        z1 = math.sqrt(cov[0, 0]) * nodes
        z2 = z1 * (cov[0, 1] / cov[0, 0])
        if activation == "gauss":
            h1, h2 = np.exp(z1 - cov[0, 0]), np.exp(z2 - cov[1, 1])
        else:
            h1, h2 = _ACT[activation](z1), _ACT[activation](z2)
        return sigma_b**2 + sigma_w**2 * np.sum(weights * h1 * h2)
    z1 = chol[0, 0] * u
    z2 = chol[1, 0] * u + chol[1, 1] * v
    if activation == "gauss":
        h1, h2 = np.exp(z1 - cov[0, 0]), np.exp(z2 - cov[1, 1])
    else:
        h1, h2 = _ACT[activation](z1), _ACT[activation](z2)
    return sigma_b**2 + sigma_w**2 * np.sum(w * h1 * h2)


@pytest.mark.parametrize("activation", SCALAR_ACTIVATIONS)
@pytest.mark.parametrize(
    "x, y, sigma_w, sigma_b",
    [
        ([0.3], [-0.2], 1.0, 0.0),
        ([0.3], [0.7], 1.3, 0.5),
        ([0.2, -0.1, 0.4], [0.1, 0.3, -0.2], 0.8, 0.3),
    ],
)
def test_kernel_matches_quadrature(activation, x, y, sigma_w, sigma_b):
    x, y = np.array(x), np.array(y)
    expected = _quadrature_kernel(activation, x, y, sigma_w, sigma_b)
    got = kernel(activation, x, y, sigma_w=sigma_w, sigma_b=sigma_b)
    # ReLU has a kink, so Gauss-Hermite converges slowly (~1e-4 at 80 nodes); smooth kernels to ~1e-10.
    tol = 2e-3 if activation == "relu" else 1e-8
    assert got == pytest.approx(expected, rel=tol)


def test_kernel_matches_monte_carlo_relu():
    # Independent Monte-Carlo check of the arc-cosine formula; 4e6 samples give a relative error ~1e-3.
    rng = np.random.default_rng(3)
    x, y, sw, sb = np.array([0.5, -1.0]), np.array([1.2, 0.4]), 1.1, 0.4
    w = rng.standard_normal((4_000_000, 2)) * sw / math.sqrt(2)
    b = rng.standard_normal(4_000_000) * sb
    h = np.maximum(w @ x + b, 0) * np.maximum(w @ y + b, 0)
    mc, err = sb**2 + sw**2 * h.mean(), sw**2 * h.std() / math.sqrt(len(h))
    assert abs(kernel("relu", x, y, sigma_w=sw, sigma_b=sb) - mc) < 4 * err  # 4 standard errors


def test_special_values():
    x = np.array([0.4, -0.3])
    sw, sb = 1.7, 0.6
    s = sb**2 + sw**2 * x @ x / 2
    # ReLU on the diagonal: t = 0, K = sigma_b^2 + sigma_w^2 s / 2.
    assert kernel("relu", x, x, sigma_w=sw, sigma_b=sb) == pytest.approx(sb**2 + sw**2 * s / 2)
    # Erf on the diagonal: (2 sigma_w^2 / pi) arcsin(2s / (1 + 2s)).
    assert kernel("erf", x, x, sigma_w=sw, sigma_b=sb) == pytest.approx(
        sb**2 + 2 * sw**2 / math.pi * math.asin(2 * s / (1 + 2 * s))
    )
    # Gauss on the diagonal is sigma_b^2 + sigma_w^2 whatever x.
    assert kernel("gauss", x, x, sigma_w=sw, sigma_b=sb) == pytest.approx(sb**2 + sw**2)
    # ReLU at x = 0 with no bias: the pre-activation is identically zero.
    assert kernel("relu", np.zeros(2), x, sigma_w=sw) == 0.0


def test_gauss_kernel_is_translation_invariant_and_amputation_removes_bias():
    rng = np.random.default_rng(0)
    x, y, shift = rng.normal(size=(3, 5, 4))
    k1 = kernel("gauss", x, y, sigma_w=1.3, sigma_b=0.7)
    k2 = kernel("gauss", x + shift, y + shift, sigma_w=1.3, sigma_b=0.7)
    np.testing.assert_allclose(k1, k2, rtol=1e-13)
    np.testing.assert_allclose(kernel_w("gauss", x, y, sigma_w=1.3, sigma_b=0.7), k1 - 0.49, rtol=1e-13)


def test_broadcasting_gives_kernel_matrix():
    X = np.linspace(-1, 1, 5)[:, None]
    K = kernel("erf", X[:, None], X[None, :], sigma_w=1.0, sigma_b=0.2)
    assert K.shape == (5, 5)
    np.testing.assert_allclose(K, K.T)
    assert np.all(np.linalg.eigvalsh(K) > -1e-12)  # a covariance matrix
    assert K[1, 3] == pytest.approx(float(kernel("erf", X[1], X[3], sigma_w=1.0, sigma_b=0.2)))


def test_preactivation_covariance():
    assert preactivation_covariance([1.0, 2.0], [3.0, -1.0], sigma_w=2.0, sigma_b=0.5) == pytest.approx(
        0.25 + 4.0 * 1.0 / 2
    )


@pytest.mark.parametrize("activation", SCALAR_ACTIVATIONS)
def test_stable_at_large_sigma_and_dimension(activation):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2, 1000))
    with np.errstate(all="raise"):
        k = kernel(activation, x, y, sigma_w=100.0, sigma_b=1.0) if activation != "exp" else None
    if activation == "gauss":
        assert k == pytest.approx(1.0)  # sigma_w^2 exp(-1e4 |x-y|^2 / 2000) underflows to 0
    elif k is not None:
        assert np.isfinite(k)
    else:
        with pytest.warns(NumericalOverflowWarning, match="overflowed float64"):  # inf, and it says so
            assert not np.isnan(kernel("exp", x, y, sigma_w=100.0, sigma_b=1.0))


def test_gauss_fourier_values_and_quadratic_expansion():
    g = gauss_fourier(1.5, 2)
    assert g.mass2 == pytest.approx(2 * 1.5**2 / 2)
    assert g.A == pytest.approx(1.5**-2 * (1.5**2 / (2 * math.pi * 2)))
    assert g.Z == pytest.approx(g.A * 2 / (2 * 1.5**2))
    p = np.array([0.0, 0.3, 1.0])
    np.testing.assert_allclose(g.kernel_w(p) * g.kinetic(p), 1.0)
    # Fourier transform of the position-space kernel in d = 2 by direct quadrature at p = 0.7.
    r = np.linspace(0, 20, 20001)
    from scipy.special import j0

    integrand = 2 * math.pi * r * float(kernel_w("gauss", [0.0, 0.0], [0.0, 0.0], sigma_w=1.5)) * np.exp(
        -(1.5**2) * r**2 / 4
    ) * j0(0.7 * r)
    assert np.trapezoid(integrand, r) == pytest.approx(float(g.kernel_w(0.7)), rel=1e-6)  # trapezoid on a 1e-3 grid
    # Z (p^2 + m^2) matches 1/K_w to order p^2.
    small = 1e-3
    assert g.kinetic(small) == pytest.approx(g.kinetic_quadratic(small), rel=1e-10)
    big = gauss_fourier(100.0, 1000)
    assert np.isfinite(big.log_A) and np.isfinite(big.A) and np.isfinite(big.kernel_w(1.0))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(InvalidArgumentError, match="valid choices are 'gauss'"):
        kernel("swish", [0.0], [0.0], sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="sigma_w must be > 0"):
        kernel("erf", [0.0], [0.0], sigma_w=-1.0)
    with pytest.raises(InvalidArgumentError, match="sigma_b must be >= 0"):
        kernel("erf", [0.0], [0.0], sigma_w=1.0, sigma_b=-0.1)
    with pytest.raises(InvalidArgumentError, match="finite"):
        kernel("erf", [np.nan], [0.0], sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="input dimension"):
        kernel("erf", [0.0, 1.0], [0.0], sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match=r"shape \(\.\.\., d_in\)"):
        kernel("erf", 0.0, 0.0, sigma_w=1.0)

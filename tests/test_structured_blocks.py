"""Block-structured Gauss-nets, their factorised kernel and kinetic coefficients; colour spectra."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.networks.kernels import gauss_fourier, kernel
from tensornn.networks import NetworkSpec
from tensornn.data.spectra import colour_spectra
from tensornn.networks import BlockGaussNetwork, block_gauss_kernel, block_kinetic_coefficients
from tensornn.structured import estimate_correlators


def test_monte_carlo_two_point_function_matches_the_factorised_kernel():
    # Exact at every width; tolerance 3 block standard errors (50 blocks) on every pair.
    net = BlockGaussNetwork((2, 3), (0.5, 2.0), width=3, sigma_w=1.2, sigma_b=0.4, bias=True)
    assert isinstance(net, NetworkSpec)
    x = 0.5 * np.random.default_rng(0).standard_normal((4, 5))
    est = estimate_correlators(net, x, [[0, 1, 2, 3]], 200_000, seed=1, n_blocks=50)
    exact = net.kernel(x)
    assert np.max(np.abs((est.g2 - exact) / est.g2_error)) < 3.0
    # Teeth: the unequal block scales matter at these inputs.
    equal = block_gauss_kernel(x[:, None], x[None], block_sizes=(2, 3), sigma_v=1.2, sigma_blocks=(1.0, 1.0),
                               sigma_b=0.4)
    assert np.max(np.abs((est.g2 - equal) / est.g2_error)) > 10.0


def test_equal_block_scales_give_the_scalar_gauss_kernel():
    x = np.random.default_rng(1).standard_normal((5, 4))
    block = block_gauss_kernel(x[:, None], x[None], block_sizes=(1, 3), sigma_v=1.7, sigma_blocks=(1.7, 1.7),
                               sigma_b=0.3)
    np.testing.assert_allclose(block, kernel("gauss", x[:, None], x[None], sigma_w=1.7, sigma_b=0.3), rtol=1e-12)


def test_kinetic_coefficients_reduce_to_the_plain_gauss_net_for_equal_scales():
    sigma, d_in = 1.3, 5
    kin = block_kinetic_coefficients(block_sizes=(2, 3), sigma_v=sigma, sigma_blocks=(sigma, sigma))
    scalar = gauss_fourier(sigma, d_in)
    assert kin.a == pytest.approx((scalar.Z, scalar.Z), rel=1e-12)
    assert kin.mass_term == pytest.approx(scalar.Z * scalar.mass2, rel=1e-12)
    assert kin.masses == pytest.approx((2 * sigma**2 / d_in,) * 2)


def test_kinetic_coefficients_from_a_numerical_fourier_transform():
    # D_c = 1 blocks: integrate the kernel factor numerically; 1/K_w(p) = A + sum_c a_c p_c^2 + O(p^4)
    # so (1/K_w(p e_c) - 1/K_w(0)) / p^2 -> a_c; at p = 1e-2 the O(p^2) relative remainder is ~1e-4.
    sizes, sigmas, sigma_w = (1, 1), (0.7, 1.9), 1.1
    d_in = 2

    def factor_ft(p, s):
        return quad(lambda u: math.cos(p * u) * math.exp(-s**2 * u * u / (2 * d_in)), -np.inf, np.inf)[0]

    def inverse_kernel(p1, p2):
        return 1.0 / (sigma_w**2 * factor_ft(p1, sigmas[0]) * factor_ft(p2, sigmas[1]))

    kin = block_kinetic_coefficients(block_sizes=sizes, sigma_v=sigma_w, sigma_blocks=sigmas)
    assert inverse_kernel(0.0, 0.0) == pytest.approx(kin.mass_term, rel=1e-8)
    p = 1e-2
    a1 = (inverse_kernel(p, 0.0) - inverse_kernel(0.0, 0.0)) / p**2
    a2 = (inverse_kernel(0.0, p) - inverse_kernel(0.0, 0.0)) / p**2
    assert (a1, a2) == pytest.approx(kin.a, rel=1e-3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(block_sizes=(2, 0), sigma_blocks=(1.0, 1.0)), r"block_sizes\[1\] must be >= 1"),
        (dict(block_sizes=(2, 2), sigma_blocks=(1.0,)), "one scale per colour block"),
        (dict(block_sizes=(2,), sigma_blocks=(0.0,)), r"sigma_blocks\[0\] must be > 0"),
        (dict(block_sizes=(2,), sigma_blocks=(1.0,), width=0), "width must be >= 1"),
    ],
)
def test_bad_block_networks_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BlockGaussNetwork(**kwargs)


def test_block_network_input_shape_mismatch():
    with pytest.raises(ValueError, match=r"shape \(P, 5\).*got \(3, 4\)"):
        BlockGaussNetwork((2, 3), (1.0, 1.0)).check_inputs(np.zeros((3, 4)))


def test_colour_spectra_recover_per_colour_covariances_of_kronecker_data():
    # X_s = A1 G_s A2^T with G iid N(0,1): the mode-1 covariance is A1 A1^T |A2|_F^2 / n_2, and so on.
    rng = np.random.default_rng(0)
    a1, a2 = np.diag([3.0, 1.0, 0.5]), np.diag([2.0, 1.0, 1.0, 0.25])
    data = np.einsum("ij,sjk,lk->sil", a1, rng.standard_normal((40_000, 3, 4)), a2)
    spec = colour_spectra(data)
    exact1 = np.sort(np.diag(a1) ** 2 * np.sum(np.diag(a2) ** 2) / 4)[::-1]
    exact2 = np.sort(np.diag(a2) ** 2 * np.sum(np.diag(a1) ** 2) / 3)[::-1]
    # Sampling error of a covariance entry with 40 000 samples is ~1%; tolerance 3%.
    np.testing.assert_allclose(spec.eigenvalues[0], exact1, rtol=0.03)
    np.testing.assert_allclose(spec.eigenvalues[1], exact2, rtol=0.03)
    assert spec.success and spec.kinetic[0][0] == 0.0 and np.all(np.diff(spec.kinetic[1]) >= 0)
    np.testing.assert_allclose(spec.kinetic[0], 1 / spec.eigenvalues[0] - 1 / spec.eigenvalues[0][0])
    # Every colour's mean eigenvalue (trace / n_c) is the mean squared centred entry.
    centred = data - data.mean(0)
    for lam in spec.eigenvalues:
        assert lam.mean() == pytest.approx(np.mean(centred**2), rel=1e-10)


def test_colour_spectra_report_unused_directions():
    data = np.zeros((10, 2, 3))
    data[:, 0, :] = np.random.default_rng(1).standard_normal((10, 3))
    spec = colour_spectra(data)
    assert not spec.success and spec.status == "degenerate" and np.isinf(spec.kinetic[0][1])
    with pytest.raises(ValueError, match="S >= 2"):
        colour_spectra(np.zeros((1, 2, 2)))

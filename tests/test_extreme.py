"""Extreme parameters: a correct finite answer, or a result that says why not."""

import warnings

import numpy as np
import pytest

from tensornn.correlators import four_point, two_point
from tensornn.networks.sampling import sample_ensemble
from tensornn.errors import NumericalOverflowWarning, UnreliableErrorWarning
from tensornn.flow import SymmetricPotential, run_flow
from tensornn.networks.kernels import gauss_fourier, kernel
from tensornn.networks.scalar import ScalarNetwork
from tensornn.networks.activations import activation_names

SCALAR_ACTIVATIONS = activation_names(closed_kernel=True)


@pytest.mark.parametrize("sigma_w", [10.0, 50.0, 100.0])
@pytest.mark.parametrize("x", [1.0, 30.0, 300.0])
def test_gauss_net_outputs_stay_finite_at_large_sigma_and_inputs(sigma_w, x):
    """Log-space evaluation: exp(z - s(x,x)) with z ~ sigma_w x would overflow at sigma_w x ~ 710."""
    net = ScalarNetwork("gauss", d_in=1, width=8, sigma_w=sigma_w, sigma_b=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/invalid RuntimeWarning either
        f = net.sample_outputs([[x], [-x], [0.0]], 64, np.random.default_rng(0))
        K = net.kernel_matrix([[x], [-x], [0.0]])
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(K))
    # K(x, x) = sigma_b^2 + sigma_w^2 exactly (Gauss kernel is 1 at zero separation)
    assert K[0, 0] == pytest.approx(1.0 + sigma_w**2, rel=1e-14)


def test_gauss_net_ensemble_matches_kernel_at_sigma_100():
    """G2 of a Gauss-net at sigma_w = 100 is finite and agrees with K within 4 standard errors."""
    net = ScalarNetwork("gauss", d_in=1, width=4, sigma_w=100.0, sigma_b=0.0, bias=False)
    x = [[0.0], [0.001]]
    m = sample_ensemble(net, x, 4096, seed=3, block_size=256, n_groups=16)
    assert m.success
    K = net.kernel_matrix(x)
    for idx in [(0, 0), (0, 1)]:
        e = two_point(m, idx, kernel_matrix=K, warn=False)
        assert abs(e.value - e.gp) < 4 * e.stderr  # 4 sigma: a fixed-seed check with margin


def test_exp_net_overflow_is_flagged_everywhere():
    net = ScalarNetwork("exp", d_in=1, width=4, sigma_w=100.0)
    x = [[0.1], [10.0]]
    with pytest.warns(NumericalOverflowWarning, match="overflowed float64"):
        K = net.kernel_matrix(x)
    assert np.isinf(K[1, 1]) and np.isfinite(K[0, 0])
    m = sample_ensemble(net, x, 256, seed=0, block_size=64, n_groups=4)
    assert not m.success and "overflowed" in m.message
    with pytest.warns(NumericalOverflowWarning, match="overflowed"), pytest.warns(UnreliableErrorWarning):
        e = four_point(m, (1, 1, 1, 1))  # 4 groups: also a warning that the errors are unreliable
    assert not e.success and "success=False" in repr(e)
    ok = four_point(m, (0, 0, 0, 0), warn=False)  # the small input alone is still a number
    assert ok.success and np.isfinite(ok.value)


def test_exp_kernel_below_overflow_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        K = kernel("exp", [[1.0]], [[1.0]], sigma_w=10.0)  # exp(2 * 100) ~ 7e86, finite
    assert K[0] == pytest.approx(100.0 * np.exp(200.0), rel=1e-12)


@pytest.mark.parametrize("activation", SCALAR_ACTIVATIONS)
def test_kernels_at_d_in_1000_equal_the_tiled_one_dimensional_kernel(activation):
    """s(x, y) = sigma_b^2 + sigma_w^2 x.y / d_in: tiling a 1-d input d times leaves K unchanged."""
    x, y = np.array([0.3]), np.array([-0.7])
    small = kernel(activation, x, y, sigma_w=1.7, sigma_b=0.4)
    big = kernel(activation, np.tile(x, 1000), np.tile(y, 1000), sigma_w=1.7, sigma_b=0.4)
    assert np.isfinite(big) and big == pytest.approx(small, rel=1e-12)


def test_gauss_fourier_at_d_in_1000_keeps_finite_logs():
    g = gauss_fourier(1.0, 1000)
    assert np.isfinite(g.log_A) and np.isfinite(g.log_Z) and g.mass2 == pytest.approx(0.002)
    assert g.log_Z - g.log_A == pytest.approx(np.log(1000 / 2.0))


def test_width_one_and_width_1e5():
    """Width 1: G2 = K exactly in expectation; width 1e5 (16 networks per block): also finite and equal."""
    x = [[0.2], [-0.5]]
    for width, n, block in [(1, 20000, 1000), (100_000, 256, 16)]:
        net = ScalarNetwork("erf", d_in=1, width=width, sigma_w=1.5, sigma_b=0.3)
        m = sample_ensemble(net, x, n, seed=1, block_size=block, n_groups=16)
        K = net.kernel_matrix(x)
        assert m.success
        for idx in [(0, 0), (0, 1), (1, 1)]:
            e = two_point(m, idx, kernel_matrix=K, warn=False)
            assert abs(e.value - e.gp) < 4 * e.stderr, (width, idx, e)  # 4 sigma margin, fixed seed


@pytest.mark.parametrize(
    "start, status, word",
    [
        ([0.0, 0.0, 0.0], "completed", "reached"),  # Gaussian point: beta(0) = 0, stays at 0
        ([-1 + 1e-9, 0.1, 0.0], "pole", "1 + u2"),  # next to the pole of 1/(1 + u2)
        ([-1.0, 0.1, 0.0], "pole", "outside the range of validity"),
        ([1e12, 1e12, 0.0], "diverged", "blow-up"),
        ([0.1, 1e7, 1e7], "diverged", "blow-up"),
    ],
)
def test_flows_at_extreme_starts_end_with_a_status(start, status, word):
    system = SymmetricPotential(3, 1, 3)
    for dimensionless in (True, False):
        r = run_flow(system, start, k_start=1.0, k_stop=1e-3, dimensionless=dimensionless)
        assert r.status == status and word in r.message
        if status == "completed":
            np.testing.assert_array_equal(r.couplings[:, -1], 0.0)
        assert np.all(np.isfinite(r.couplings))  # the trajectory holds numbers only


def test_structured_networks_at_large_sigma_w():
    """Structured Gauss-net stays finite (log space); the structured Exp-net overflow is reported."""
    from tensornn.networks import StructuredNetwork

    x = np.full((2, 2, 3), 5.0)
    x[1] *= -1
    gauss = StructuredNetwork((2, 3), cp_rank=2, activation="gauss", width=4, sigma_w=100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = sample_ensemble(gauss, x, 128, seed=0, block_size=32, n_groups=4)
    assert m.success
    exp = StructuredNetwork((2, 3), cp_rank=2, activation="exp", width=4, sigma_w=100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no stray RuntimeWarning: the status carries the overflow
        m = sample_ensemble(exp, x, 128, seed=0, block_size=32, n_groups=4)
    assert not m.success and "overflowed" in m.message


def test_errors_of_values_near_1e160_stay_finite():
    """ReLU at |x| = 1e40: G4 ~ 1e160, whose squared jackknife deviations would overflow; the error is computed
    scaled, so it is a number, and the measurement agrees with the exact value within 4 standard errors.

    f = N^-1/2 sum_j v_j relu(z_j) with z ~ N(0, s), s = sigma_w^2 x^2 = 1e80, v ~ N(0, 1):
    E f^4 = N^-2 [N E v^4 E h^4 + 3 N (N - 1) (E v^2 E h^2)^2] = s^2 [9/(2N) + 3(N - 1)/(4N)],
    using E relu(z)^2 = s/2 and E relu(z)^4 = 3 s^2/2.
    """
    from tensornn.correlators.exact import g4_connected_exact

    n, s = 2, 1e80
    net = ScalarNetwork("relu", d_in=1, width=n, sigma_w=1.0)
    m = sample_ensemble(net, [[1e40]], 4096, seed=3, block_size=128)
    e = four_point(m, (0, 0, 0, 0), connected=False, warn=False)
    exact = s**2 * (9 / (2 * n) + 3 * (n - 1) / (4 * n))
    oracle = float(g4_connected_exact("relu", *[[1e40]] * 4, width=n, sigma_w=1.0)) + 3 * (s / 2) ** 2
    assert oracle == pytest.approx(exact, rel=1e-6)  # an independent path: the exact G4c plus 3 K^2
    assert e.success and np.isfinite(e.stderr) and 0 < e.stderr < e.value
    assert abs(e.value - exact) < 4 * e.stderr, (e.value, exact, e.stderr)

"""The amputated quartic coupling: y-integrals, u4, power-law fits and the scaling laws of docs/theory/nn_qft.md."""

import math

import numpy as np
import pytest

from tensornn.networks import ScalarNetwork

from tensornn.couplings import (
    amputation_integral,
    ball_quadrature,
    fit_power_law,
    gauss_amputation_integral,
    inputs_from_rescaled,
    measure_u4,
    u4_exact,
    u4_field_normalised,
    u4_from_measurement,
)
from tensornn.couplings.scans import scan_cutoff, scan_sigma_w, scan_width
from tensornn.errors import InvalidArgumentError
from tensornn.correlators.exact import g4_connected_exact
from tensornn.networks.kernels import gauss_fourier, kernel_w

RELU_X = np.array([0.2, 0.4, 0.6, 0.8])[:, None]


# ---------------------------------------------------------------- y-integrals


@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_ball_quadrature_integrates_the_volume_and_r_squared(d_in):
    # Volume of the ball pi^{d/2} L^d / Gamma(d/2 + 1); int |y|^2 = d/(d+2) L^2 Vol.
    cutoff = 2.5
    points, weights = ball_quadrature(d_in, cutoff, scale=0.1)
    volume = math.pi ** (d_in / 2) * cutoff**d_in / math.gamma(d_in / 2 + 1)
    assert weights.sum() == pytest.approx(volume, rel=1e-12)
    r2 = np.sum(points**2, axis=1)
    assert weights @ r2 == pytest.approx(d_in / (d_in + 2) * cutoff**2 * volume, rel=1e-12)


@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_gauss_closed_form_integral_matches_quadrature(d_in):
    # The Gaussian tail beyond |y - xbar| = 12 / sqrt(4a) is below 1e-30: the cut integral is the full one.
    rng = np.random.default_rng(d_in)
    xs = 0.3 * rng.normal(size=(4, d_in))
    sigma_w = 1.7
    closed = gauss_amputation_integral(*xs, sigma_w=sigma_w)
    points, weights = ball_quadrature(d_in, 12.0, scale=0.3)
    numeric = weights @ np.prod([kernel_w("gauss", x, points, sigma_w=sigma_w) for x in xs], axis=0)
    assert numeric == pytest.approx(closed, rel=1e-12)


def test_gauss_integral_is_sqrt_pi_over_2_at_coinciding_inputs():
    # sigma_w = 1, d = 1: int exp(-2 y^2) dy = sqrt(pi/2).
    assert gauss_amputation_integral([0.3], [0.3], [0.3], [0.3], sigma_w=1.0) == pytest.approx(math.sqrt(math.pi / 2))


def test_relu_integral_without_bias_is_a_power_of_the_cutoff():
    # d_in = 1, no bias, inputs > 0: K_w(x, y) = sigma^4 x y / 2 for y > 0 and 0 for y < 0, so
    # I = (sigma^4/2)^4 prod x_i L^5 / 5.
    sigma_w, cutoff = 1.3, 7.0
    value = amputation_integral("relu", *RELU_X, sigma_w=sigma_w, bias=False, cutoff=cutoff)
    expected = (sigma_w**4 / 2) ** 4 * np.prod(RELU_X) * cutoff**5 / 5
    assert value == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- u4


def test_u4_exact_is_minus_g4c_over_the_amputation():
    args = dict(sigma_w=1.5, sigma_b=0.5)
    u4 = u4_exact("relu", *RELU_X, width=10, cutoff=5.0, **args)
    g4 = g4_connected_exact("relu", *RELU_X, width=10, **args)
    amp = amputation_integral("relu", *RELU_X, cutoff=5.0, **args)
    assert u4 == pytest.approx(-g4 / amp, rel=1e-14)


def test_u4_from_measurement_propagates_the_error():
    est = u4_from_measurement("gauss", [0.1], [0.2], [0.0], [-0.1], delta_g4=2.0, delta_g4_error=0.5, sigma_w=3.0)
    amp = gauss_amputation_integral([0.1], [0.2], [0.0], [-0.1], sigma_w=3.0)
    assert est.value == pytest.approx(-2.0 / amp)
    assert est.error == pytest.approx(0.5 / amp)
    assert "f^4/4!" in repr(est)


def test_measured_u4_agrees_with_exact():
    # 3 jackknife standard errors per quadruple (32 groups): the sampling error of the error is ~13%.
    x = np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])[:, None]
    quads = [(0, 1, 2, 3), (1, 1, 4, 4)]
    for subtract in ("gp", "connected"):
        net = ScalarNetwork("relu", d_in=1, width=8, sigma_w=1.5, sigma_b=0.5)
        est = measure_u4(net, x, quads, 100_000, cutoff=10.0, seed=11, subtract=subtract)
        idx = np.array(quads)
        exact = u4_exact("relu", *(x[idx[:, i]] for i in range(4)), width=8, sigma_w=1.5, sigma_b=0.5, cutoff=10.0)
        assert np.all(np.abs(est.value - exact) < 3 * est.error), (subtract, est.value, exact, est.error)


# ---------------------------------------------------------------- fits


def test_power_law_fit_recovers_an_exact_law():
    x = np.array([1.0, 2.0, 5.0, 10.0])
    fit = fit_power_law(x, -3.0 * x**-1.5)
    assert fit.slope == pytest.approx(-1.5, abs=1e-13)
    assert fit.prefactor == pytest.approx(-3.0, rel=1e-13)
    assert fit.error < 1e-12


def test_weighted_power_law_fit_matches_weighted_polyfit():
    rng = np.random.default_rng(0)
    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    yerr = 0.05 * x**-1.0 * (1 + rng.random(5))
    y = 2.0 * x**-1.0 + yerr * rng.normal(size=5)
    fit = fit_power_law(x, y, yerr)
    (slope, intercept), cov = np.polyfit(np.log(x), np.log(y), 1, w=y / yerr, cov="unscaled")
    assert fit.slope == pytest.approx(slope, rel=1e-12)
    assert fit.intercept == pytest.approx(intercept, rel=1e-12)
    assert fit.error == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-10)


# ---------------------------------------------------------------- scaling laws


def test_exact_u4_falls_as_one_over_width():
    scan = scan_width("erf", [-1.0, -0.2, 0.6, 1.0], [1, 3, 10, 30, 100], sigma_w=2.0, sigma_b=0.5, cutoff=8.0)
    assert scan.fit.slope == pytest.approx(-1.0, abs=1e-12)


def test_measured_u4_slope_against_width_is_minus_one():
    # 60k networks per width (ReLU, d_in = 1): the fitted slope has an error of a few percent; the
    # check is |slope + 1| < 3 slope errors.
    scan = scan_width("relu", [0.2, 0.4, 0.6, 0.8], [2, 4, 8, 16], sigma_w=1.5, sigma_b=0.5, cutoff=10.0,
                      n_networks=60_000, seed=7)
    assert scan.mode == "measured" and np.all(scan.u4_error > 0)
    assert abs(scan.fit.slope + 1.0) < 3 * scan.fit.error, scan
    assert scan.fit.error < 0.1


@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_gauss_u4_slope_against_sigma_w_is_d_minus_four(d_in):
    rng = np.random.default_rng(10 + d_in)
    y = 0.4 * rng.normal(size=(4, d_in))
    scan = scan_sigma_w(y, [0.5, 1.0, 3.0, 10.0, 30.0], width=10, sigma_b=0.3)
    assert scan.fit.slope == pytest.approx(d_in - 4, abs=1e-12)
    assert scan.normalised_fit.slope == pytest.approx(4 - d_in, abs=1e-12)


def test_measured_gauss_u4_slope_against_sigma_w():
    # d_in = 1, N = 4, 100k networks per point: slope within 3 of its standard errors of d_in - 4 = -3.
    scan = scan_sigma_w([-0.5, -0.1, 0.2, 0.6], [1.0, 2.0, 4.0, 8.0], width=4, n_networks=100_000, seed=3)
    assert abs(scan.fit.slope + 3.0) < 3 * scan.fit.error, scan
    assert scan.fit.error < 0.15


def test_field_normalisation_uses_the_kernel_z():
    z = gauss_fourier(2.0, 3).Z
    assert u4_field_normalised(1.5, sigma_w=2.0, d_in=3) == pytest.approx(1.5 / z**2)
    # Z = A d/(2 sigma^2), A = sigma^-2 (sigma^2/(2 pi d))^{d/2} (docs/theory/nn_qft.md)
    assert z == pytest.approx(2.0**-2 * (4.0 / (6 * math.pi)) ** 1.5 * 3 / 8.0)


def test_rescaled_inputs():
    np.testing.assert_allclose(inputs_from_rescaled([[1.0, 2.0]], sigma_w=4.0), [[math.sqrt(2) / 4, math.sqrt(2) / 2]])


@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_relu_slope_against_cutoff_tends_to_minus_d_plus_four(d_in):
    # With bias the integrand is not a pure power; the local slope approaches -(d_in + 4) with
    # corrections of order |x|/Lambda, so a scan at larger cutoffs must be closer.
    q = np.full((4, d_in), 0.3)
    q[:, 0] = [0.2, 0.4, 0.6, 0.8]
    args = dict(width=10, sigma_w=1.5, sigma_b=0.5)
    near = scan_cutoff("relu", q, [5.0, 10.0], **args).fit.slope
    far = scan_cutoff("relu", q, [100.0, 200.0], **args).fit.slope
    assert abs(far + d_in + 4) < abs(near + d_in + 4)
    assert abs(far + d_in + 4) < 0.02


# ---------------------------------------------------------------- bad input


def test_cutoff_rules():
    with pytest.raises(InvalidArgumentError, match="Gauss-net"):
        u4_exact("gauss", [0.1], [0.2], [0.3], [0.4], width=3, sigma_w=1.0, cutoff=5.0)
    with pytest.raises(InvalidArgumentError, match="cutoff"):
        u4_exact("relu", [0.1], [0.2], [0.3], [0.4], width=3, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="cutoff"):
        u4_exact("erf", [0.1], [0.2], [0.3], [0.4], width=3, sigma_w=1.0, cutoff=-1.0)
    with pytest.raises(InvalidArgumentError, match="d_in <= 3"):
        amputation_integral("relu", *np.ones((4, 4)), sigma_w=1.0, cutoff=2.0)
    with pytest.raises(InvalidArgumentError, match="Gauss-net"):
        scan_cutoff("gauss", [0.1, 0.2, 0.3, 0.4], [1.0, 2.0], width=3, sigma_w=1.0)


def test_bad_arguments_are_named():
    with pytest.raises(InvalidArgumentError, match="width"):
        u4_exact("relu", [0.1], [0.2], [0.3], [0.4], width=-1, sigma_w=1.0, cutoff=3.0)
    with pytest.raises(InvalidArgumentError, match="sigma_w"):
        u4_exact("relu", [0.1], [0.2], [0.3], [0.4], width=2, sigma_w=-1.0, cutoff=3.0)
    with pytest.raises(InvalidArgumentError, match="quadruple"):
        scan_width("relu", [0.1, 0.2, 0.3], [2, 4], sigma_w=1.0, cutoff=3.0)
    with pytest.raises(InvalidArgumentError, match="widths"):
        scan_width("relu", [0.1, 0.2, 0.3, 0.4], [0, 4], sigma_w=1.0, cutoff=3.0)
    with pytest.raises(InvalidArgumentError, match="one sign"):
        fit_power_law([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(InvalidArgumentError, match="delta_g4_error"):
        u4_from_measurement("gauss", [0.1], [0.2], [0.0], [0.1], delta_g4=1.0, delta_g4_error=-1.0, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="quadruples"):
        measure_u4(ScalarNetwork("relu", 1, 2, 1.0), [[0.1], [0.2]], [(0, 1, 2, 3)], 100, cutoff=3.0)
    with pytest.raises(InvalidArgumentError, match="subtract"):
        measure_u4(ScalarNetwork("relu", 1, 2, 1.0), [[0.1]], [(0, 0, 0, 0)], 100, cutoff=3.0, subtract="x")


def test_deprecated_measure_u4_call_warns_and_gives_the_same_numbers():
    x = np.array([[0.1], [0.3]])
    new = measure_u4(ScalarNetwork("gauss", 1, 3, 1.0), x, [(0, 0, 1, 1)], 2048, seed=4)
    with pytest.warns(DeprecationWarning, match="network spec"):
        old = measure_u4("gauss", x, [(0, 0, 1, 1)], width=3, sigma_w=1.0, networks=2048, seed=4)
    np.testing.assert_array_equal(old.value, new.value)
    np.testing.assert_array_equal(old.error, new.error)

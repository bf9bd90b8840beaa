"""Criticality: fixed points, susceptibilities, the edge of chaos and the search for chi_par = chi_perp = 1.

Truth used here: the ReLU recursion in closed form (K -> C_b + C_W K / 2), the susceptibilities at K = 0
(chi = C_W phi'(0)^2, so tanh at C_W = 1 and erf at C_W = pi/4), direct iteration of the kernel recursion, and
the three critical conditions re-evaluated at the point the search returns with scipy's adaptive quadrature.
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.errors import InvalidArgumentError
from tensornn.networks.activations import get_activation
from tensornn.networks.criticality import critical_line, find_critical_points, fixed_point
from tensornn.networks.gaussian_expectations import single_input_maps


def _expect(f, k):
    return quad(lambda t: f(math.sqrt(k) * t) * math.exp(-t * t / 2) / math.sqrt(2 * math.pi), -12, 12,
                epsabs=1e-14, limit=200)[0]


def test_the_search_finds_relu_at_sigma_w_squared_two_and_no_bias():
    points = find_critical_points("relu")
    assert len(points) == 1
    p = points[0]
    assert p.sigma_w**2 == pytest.approx(2.0, rel=1e-14) and p.sigma_b == 0.0
    assert p.status == "line of fixed points"


def test_the_search_finds_tanh_at_sigma_w_one_and_no_bias():
    (p,) = find_critical_points("tanh")
    assert p.sigma_w == pytest.approx(1.0, abs=1e-9) and p.sigma_b == 0.0 and p.kernel == 0.0


def test_the_search_finds_erf_at_the_root_of_pi_over_four():
    (p,) = find_critical_points("erf")
    assert p.sigma_w == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-12) and p.sigma_b == 0.0


def test_gelu_critical_points_satisfy_the_three_conditions():
    """GELU has K* = 0 at C_W = 4 and a second point with K* > 0; both re-checked by adaptive quadrature."""
    phi = get_activation("gelu")
    points = find_critical_points("gelu")
    assert len(points) == 2 and points[0].sigma_w == pytest.approx(2.0, rel=1e-9)
    p = points[1]
    cw, cb, k = p.sigma_w**2, p.sigma_b**2, p.kernel
    f = lambda z: float(phi(np.array([z]))[0])  # noqa: E731
    d = lambda z: float(phi.derivative(np.array([z]))[0])  # noqa: E731
    h = 1e-4
    g = [_expect(lambda z: f(z) ** 2, q) for q in (k - h, k, k + h)]
    assert cb + cw * g[1] == pytest.approx(k, rel=1e-8)  # fixed point
    assert cw * _expect(lambda z: d(z) ** 2, k) == pytest.approx(1.0, rel=1e-8)  # chi_perp
    assert cw * (g[2] - g[0]) / (2 * h) == pytest.approx(1.0, rel=1e-6)  # chi_par


def test_fixed_points_and_susceptibilities_of_relu_in_closed_form():
    fp = fixed_point("relu", 1.0, 0.5)
    assert fp.kernel == pytest.approx(0.25 / (1 - 0.5), rel=1e-13)
    assert fp.chi_par == pytest.approx(0.5) and fp.chi_perp == pytest.approx(0.5) and fp.phase == "ordered"
    assert fixed_point("relu", 1.6, 0.1).status == "diverges"
    assert fixed_point("relu", math.sqrt(2), 0.0, k0=3.0).kernel == 3.0


def test_fixed_point_is_where_the_recursion_goes():
    fp = fixed_point("tanh", 1.5, 0.3)
    k = 1.0
    for _ in range(400):  # the single-input recursion, iterated
        k = 0.09 + 2.25 * float(single_input_maps("tanh", k)[0])
    assert fp.kernel == pytest.approx(k, rel=1e-8)
    assert fp.phase == "chaotic" and fp.chi_perp > 1 > fp.chi_par


def test_the_edge_of_chaos_has_unit_perpendicular_susceptibility():
    line = critical_line("erf", [0.0, 0.3, 1.0])
    assert line.sigma_w[0] == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-12)
    for w, b in zip(line.sigma_w[1:], line.sigma_b[1:]):
        fp = fixed_point("erf", w, b)
        assert fp.chi_perp == pytest.approx(1.0, abs=1e-9) and fp.chi_par < 1
    relu = critical_line("relu", [0.0, 0.5])
    assert relu.sigma_w[0] ** 2 == pytest.approx(2.0) and math.isnan(relu.sigma_w[1])  # K* runs away with bias


def test_normalised_activations_are_refused():
    with pytest.raises(InvalidArgumentError, match="normalised"):
        find_critical_points("gauss")

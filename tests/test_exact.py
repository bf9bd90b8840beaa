"""Exact single-layer correlators: closed forms against quadrature, and against Monte Carlo."""

import itertools

import numpy as np
import pytest
from scipy.special import erf

from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.correlators.exact import (
    g4_connected_exact,
    g6_connected_exact,
    gaussian_product_expectation,
    hidden_moments,
    preactivation_covariance_matrix,
    two_point_exact,
)
from tensornn.networks.kernels import kernel
from tensornn.networks.scalar import ScalarNetwork
from tensornn.correlators import four_point, six_point
from tensornn.networks.sampling import sample_ensemble
from tensornn.networks.activations import activation_names

SCALAR_ACTIVATIONS = activation_names(closed_kernel=True)

X4 = np.array([[-1.0], [-0.6], [0.2], [1.0]])
X4_2D = np.array([[0.3, -0.5], [0.1, 0.4], [-0.7, 0.2], [0.5, 0.5]])


# ---------------------------------------------------------------- closed forms vs quadrature


@pytest.mark.parametrize("activation", ["gauss", "exp"])
@pytest.mark.parametrize("inputs", [X4, X4_2D, np.zeros((4, 1)) + 0.3])
def test_lognormal_closed_forms_match_quadrature(activation, inputs):
    # Gauss-Hermite converges geometrically for exp(linear); 1e-10 relative is far above rounding.
    cov = preactivation_covariance_matrix(inputs, sigma_w=1.1, sigma_b=0.4)
    closed, closed_err = gaussian_product_expectation(activation, cov)
    quad, quad_err = gaussian_product_expectation(activation, cov, method="quadrature")
    assert closed_err == 0.0
    assert quad == pytest.approx(closed, rel=1e-10)
    assert quad_err < 1e-8 * closed


def test_gauss_net_closed_form_is_the_theory_formula():
    # docs/theory/nn_qft.md: E(h1h2h3h4) = exp(sum_{i<j} s_ij - sum_i s_ii/2), and C is the Gauss kernel.
    sigma_w, sigma_b = 1.7, 0.6
    s = sigma_b**2 + sigma_w**2 * X4_2D @ X4_2D.T / 2
    expected = np.exp(sum(s[i, j] for i, j in itertools.combinations(range(4), 2)) - np.trace(s) / 2)
    m = hidden_moments("gauss", X4_2D, sigma_w=sigma_w, sigma_b=sigma_b)
    assert m.product == pytest.approx(expected, rel=1e-13)
    assert m.method == "closed form"


@pytest.mark.parametrize("activation", ["gauss", "exp", "erf", "relu"])
@pytest.mark.parametrize("inputs,bias", [(X4, True), (X4, False), (X4_2D, True)])
def test_second_moment_is_the_closed_form_kernel(activation, inputs, bias):
    # C by quadrature (erf, relu) or lognormal formulas against the kernels module: G2 = K at every N.
    sigma_w, sigma_b = 1.3, 0.4
    eff_b = sigma_b if bias else 0.0
    g2 = two_point_exact(activation, inputs[:, None], inputs[None], sigma_w=sigma_w, sigma_b=sigma_b, bias=bias)
    k = kernel(activation, inputs[:, None], inputs[None], sigma_w=sigma_w, sigma_b=eff_b)
    np.testing.assert_allclose(g2, k, rtol=1e-10, atol=1e-12)


def test_relu_fourth_moment_closed_forms():
    # All four inputs equal: E relu(z)^4 = (3/2) s^2. Rank 1 (no bias, d_in = 1, inputs > 0):
    # E prod relu(w x_i) = E[w^4 theta(w)] prod x_i = (3/2) sigma_w^4 prod x_i.
    m = hidden_moments("relu", np.full((4, 1), 0.8), sigma_w=1.5, sigma_b=0.5)
    assert m.product == pytest.approx(1.5 * (0.25 + 2.25 * 0.64) ** 2, rel=1e-13)
    x = np.array([[0.2], [0.4], [0.9], [1.2]])
    m = hidden_moments("relu", x, sigma_w=1.5, bias=False)
    assert m.product == pytest.approx(1.5 * 1.5**4 * np.prod(x), rel=1e-13)


def test_relu_angular_rule_matches_gauss_hermite():
    # The angular rule is exact up to rounding; Gauss-Hermite converges algebraically for the kinks,
    # so agreement is checked against its own error estimate |Q(n) - Q(n/2)|.
    cov = preactivation_covariance_matrix(X4, sigma_w=1.3, sigma_b=0.4)
    exact, _ = gaussian_product_expectation("relu", cov)
    quad, quad_err = gaussian_product_expectation("relu", cov, method="quadrature", nodes=256)
    assert abs(quad - exact) < quad_err
    assert abs(quad - exact) < 1e-4 * exact


@pytest.mark.parametrize("inputs", [X4, X4_2D])
def test_erf_quadrature_converges_when_nodes_double(inputs):
    # Doubling the nodes changes the result by less than the reported error of the coarser rule,
    # and by less than 1e-9 at the default node count.
    cov = preactivation_covariance_matrix(inputs, sigma_w=1.3, sigma_b=0.4)
    base, base_err = gaussian_product_expectation("erf", cov, nodes=24)
    finer, _ = gaussian_product_expectation("erf", cov, nodes=48)
    assert abs(finer - base) <= base_err
    default, default_err = gaussian_product_expectation("erf", cov)
    doubled, _ = gaussian_product_expectation("erf", cov, nodes=2 * (128 if inputs.shape[1] == 1 else 40))
    assert abs(doubled - default) < 1e-9
    assert default_err < 1e-8


def test_singular_covariance_rank_is_used():
    # d_in = 1 with bias: the 4x4 covariance has rank 2; integrating over the range must agree with a
    # direct 2D integral over (w, b).
    cov = preactivation_covariance_matrix(X4, sigma_w=1.3, sigma_b=0.4)
    assert np.linalg.matrix_rank(cov) == 2
    t, w = np.polynomial.hermite_e.hermegauss(160)
    w = w / np.sqrt(2 * np.pi)
    wts = np.outer(w, w)
    z = 1.3 * t[:, None, None] * X4[:, 0] + 0.4 * t[None, :, None]
    direct = np.sum(wts * np.prod(erf(z), axis=-1))
    value, _ = gaussian_product_expectation("erf", cov)
    assert value == pytest.approx(direct, rel=1e-10)


def test_vectorised_quadruples_match_single_calls():
    xs = [np.array([[-1.0], [0.2]]), np.array([[0.3], [0.2]]), np.array([[0.6], [-0.6]]), np.array([[1.0], [1.0]])]
    batch = g4_connected_exact("erf", *xs, width=7, sigma_w=2.0, sigma_b=0.5)
    singles = [g4_connected_exact("erf", *(x[k] for x in xs), width=7, sigma_w=2.0, sigma_b=0.5) for k in range(2)]
    np.testing.assert_allclose(batch, singles, rtol=1e-13)


def test_trivial_hidden_units_have_no_connected_part():
    # Gauss-net at x = 0 without bias: h = exp(0) = 1 for every unit, so f is Gaussian.
    assert g4_connected_exact("gauss", [0.0], [0.0], [0.0], [0.0], width=3, sigma_w=2.0) == 0.0
    assert g6_connected_exact("gauss", *([[0.0]] * 6), width=3, sigma_w=2.0) == 0.0


def test_connected_functions_scale_with_width():
    args = ([0.2], [0.4], [0.9], [1.2])
    g10 = g4_connected_exact("relu", *args, width=10, sigma_w=1.5, sigma_b=0.5)
    g40 = g4_connected_exact("relu", *args, width=40, sigma_w=1.5, sigma_b=0.5)
    assert g10 / g40 == pytest.approx(4.0, rel=1e-13)
    six = ([0.2], [0.4], [0.6], [0.8], [1.0], [1.2])
    h10 = g6_connected_exact("relu", *six, width=10, sigma_w=1.5, sigma_b=0.5)
    h40 = g6_connected_exact("relu", *six, width=40, sigma_w=1.5, sigma_b=0.5)
    assert h10 / h40 == pytest.approx(16.0, rel=1e-13)


# ---------------------------------------------------------------- Monte Carlo


MC_CONFIGS = {
    # activation: (inputs, sigma_w, sigma_b). Gauss-net: sigma_w = 50 makes s_ii up to 0.25 at inputs
    # of order 0.01, so the connected part is resolvable; larger s makes the lognormal tails of the
    # estimator too heavy for its error estimate (E h^8 = exp(24 s)).
    "gauss": (0.01 * np.array([-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]), 50.0, 0.0),
    "erf": (np.array([-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]), 2.0, 0.5),
    "relu": (np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2]), 1.5, 0.5),
}
QUADRUPLES = [(0, 1, 2, 3), (2, 3, 4, 5), (0, 0, 5, 5), (1, 1, 1, 1)]
# Networks per width: the cost is networks x width. At N = 100 the connected part of the erf-net
# and the Gauss-net is below the noise (exact/stderr ~ 0.2-3): there the test is a consistency check.
NETWORKS = {2: 200_000, 10: 100_000, 100: 50_000}


def _ensemble(activation, width, n_networks, seed, tuples):
    xs, sigma_w, sigma_b = MC_CONFIGS[activation]
    net = ScalarNetwork(activation, d_in=1, width=width, sigma_w=sigma_w, sigma_b=sigma_b)
    return sample_ensemble(net, xs[:, None], n_networks, seed=seed, tuples=tuples)


@pytest.mark.parametrize("width", [2, 10, 100])
@pytest.mark.parametrize("activation", ["gauss", "erf", "relu"])
def test_g4c_exact_matches_monte_carlo(activation, width):
    # Tolerance: 3 jackknife standard errors (32 groups) per quadruple. The N = 2 estimators have
    # heavy tails (f^4 is a degree-8 polynomial in Gaussians, or lognormal), which skews their
    # sampling distribution slightly; the jackknife error itself is uncertain at the ~13% level.
    xs, sigma_w, sigma_b = MC_CONFIGS[activation]
    x = xs[:, None]
    seed = 1000 * width + sum(map(ord, activation))
    moments = _ensemble(activation, width, NETWORKS[width], seed, QUADRUPLES)
    for quad in QUADRUPLES:
        exact = g4_connected_exact(activation, *(x[i] for i in quad), width=width, sigma_w=sigma_w, sigma_b=sigma_b)
        est = four_point(moments, quad, exact=float(exact), warn=False)
        assert abs(est.z_exact) < 3, est


@pytest.mark.parametrize("activation,width", [("relu", 2), ("erf", 2), ("relu", 5)])
def test_g6c_exact_matches_monte_carlo(activation, width):
    # 3 jackknife standard errors; the exact value is 3-9 standard errors from zero at these sizes.
    xs, sigma_w, sigma_b = MC_CONFIGS[activation]
    x = xs[:, None]
    six = (0, 1, 2, 3, 4, 5)
    moments = _ensemble(activation, width, 200_000, 60 + width, [six])
    exact = g6_connected_exact(activation, *x, width=width, sigma_w=sigma_w, sigma_b=sigma_b)
    est = six_point(moments, six, exact=float(exact), warn=False)
    assert abs(est.z_exact) < 3, est


# ---------------------------------------------------------------- bad input


def test_exact_activations_are_the_kernel_activations():
    # every registered activation has an exact oracle (its n-point rule or quadrature); an unknown name is refused
    for activation in activation_names():
        assert np.isfinite(g4_connected_exact(activation, *X4, width=2, sigma_w=1.0))
    with pytest.raises(InvalidArgumentError, match="activation"):
        g4_connected_exact("swish", *X4, width=2, sigma_w=1.0)


def test_linear_oracle_is_twice_the_wick_sum():
    # h = z Gaussian: 3 E(z1 z2 z3 z4) - sum_pairings s s = 2 sum_pairings s s (Isserlis), so
    # G4c = 2 sigma_w^4 / N sum_pairings s_ab s_cd, exactly.
    s = preactivation_covariance_matrix(X4_2D, sigma_w=1.3, sigma_b=0.4)
    wick = s[0, 1] * s[2, 3] + s[0, 2] * s[1, 3] + s[0, 3] * s[1, 2]
    g4 = g4_connected_exact("linear", *X4_2D, width=7, sigma_w=1.3, sigma_b=0.4)
    assert g4 == pytest.approx(2 * 1.3**4 / 7 * wick, rel=1e-14)


def test_bad_input_is_rejected_with_the_argument_named():
    with pytest.raises(InvalidArgumentError, match="width"):
        g4_connected_exact("erf", [0.1], [0.2], [0.3], [0.4], width=-3, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="sigma_w"):
        g4_connected_exact("erf", [0.1], [0.2], [0.3], [0.4], width=3, sigma_w=-1.0)
    with pytest.raises(InvalidArgumentError, match="sigma_b"):
        g4_connected_exact("erf", [0.1], [0.2], [0.3], [0.4], width=3, sigma_w=1.0, sigma_b=-0.1)
    with pytest.raises(InvalidArgumentError, match="activation"):
        g4_connected_exact("swish", [0.1], [0.2], [0.3], [0.4], width=3, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="d_in"):
        g4_connected_exact("erf", [0.1], [0.2, 0.1], [0.3], [0.4], width=3, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="shape"):
        g4_connected_exact("erf", 0.1, 0.2, 0.3, 0.4, width=3, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="inputs"):
        hidden_moments("erf", [0.1, 0.2], sigma_w=1.0)
    with pytest.raises(InvalidTypeError, match="width"):
        g4_connected_exact("erf", [0.1], [0.2], [0.3], [0.4], width=2.5, sigma_w=1.0)
    with pytest.raises(InvalidArgumentError, match="method"):
        gaussian_product_expectation("erf", np.eye(2), method="monte-carlo")

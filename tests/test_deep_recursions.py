"""The four-point recursion, the exact finite-width laws, the Gaussian expectations behind them, and kappa.

Truth used here: Isserlis and the ReLU half-Gaussian moments; one-dimensional adaptive quadrature (scipy.quad);
Monte Carlo of the Gaussian integrals with stated errors; finite differences of the activations' kernel maps;
the one-layer exact G4c (its own oracle); the closed forms 5 (l - 1)/n and 2 (l - 1)/n of the leading recursion;
the exact laws (1 + a/n)^(l-1) - 1 and the deep-linear moment recursion against Monte Carlo of the networks, with
the standard error predicted from the exact eighth moments.
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.correlators.depth import measure_layers
from tensornn.networks.activations import get_activation
from tensornn.networks.deep import DeepNetwork
from tensornn.networks.deep_exact import (kappa_standard_error, linear_four_point, scale_invariant_kappa,
                                          scale_invariant_moments, unit_moments)
from tensornn.networks.deep_recursions import (four_point_recursion, kernel_recursion, layer_maps,
                                               single_input_kappa)
from tensornn.networks.gaussian_expectations import kernel_map_gradient, product_moment, single_input_maps
from tensornn.networks.model import get_model
from tensornn.networks.sampling import sample_ensemble

COV4 = np.array([[1.0, 0.5, 0.2, 0.1], [0.5, 1.2, 0.3, 0.2], [0.2, 0.3, 0.8, 0.1], [0.1, 0.2, 0.1, 0.9]])


# ---------------------------------------------------------------------------------------------- Gaussian expectations
def test_products_of_exact_rules():
    assert product_moment("linear", COV4).value == pytest.approx(0.5 * 0.1 + 0.2 * 0.2 + 0.1 * 0.3, rel=1e-15)
    assert float(product_moment("relu", 2.0 * np.ones((4, 4))).value) == pytest.approx(1.5 * 4.0, rel=1e-14)
    # E[relu(u)^2 relu(v)^2] at correlation 0 is (1/2 E z^2 ... )^2 = 1/4 q11 q22
    assert float(product_moment("relu", np.diag([1.0, 1.0, 2.0, 2.0])[[0, 0, 2, 2]][:, [0, 0, 2, 2]]).value) \
        == pytest.approx(0.25 * 1.0 * 2.0, rel=1e-12)


@pytest.mark.parametrize("rank", [3, 4])
def test_relu_products_of_rank_three_and_four_agree_with_monte_carlo(rank):
    """The exact-direction rule against 1e6 Gaussian samples (4 standard errors plus its error estimate); the
    estimate itself is below 1e-4 (rank 3) and 1e-3 (rank 4) relative (algebraic convergence: the outer integrand
    has kinks)."""
    rng = np.random.default_rng(rank)
    factor = rng.standard_normal((4, rank)) / math.sqrt(rank)
    cov = factor @ factor.T
    m = product_moment("relu", cov)
    assert m.method == "exact direction + Gauss-Hermite" and m.error < {3: 1e-4, 4: 1e-3}[rank] * m.value
    z = rng.standard_normal((1_000_000, rank)) @ factor.T
    p = np.prod(np.maximum(z, 0.0), axis=1)
    assert abs(float(m.value) - p.mean()) < 4 * p.std() / math.sqrt(len(p)) + float(m.error)


@pytest.mark.parametrize("variance", [0.01, 1.0, 20.0])
def test_single_input_products_of_smooth_activations_against_adaptive_quadrature(variance):
    erf = get_activation("erf")
    ref = quad(lambda t: float(erf(np.array([math.sqrt(variance) * t]))[0]) ** 4 * math.exp(-t * t / 2)
               / math.sqrt(2 * math.pi), -12, 12, epsabs=1e-15, limit=400)[0]
    for name in ("erf", "tanh"):
        if name == "tanh":
            ref = quad(lambda t: math.tanh(math.sqrt(variance) * t) ** 4 * math.exp(-t * t / 2) / math.sqrt(2 * math.pi),
                       -12, 12, epsabs=1e-15, limit=400)[0]
        m = product_moment(name, np.full((4, 4), variance))
        assert float(m.value) == pytest.approx(ref, rel=1e-10, abs=1e-15)


def test_four_dimensional_products_of_tanh_agree_with_monte_carlo():
    m = product_moment("tanh", COV4)
    z = np.random.default_rng(9).multivariate_normal(np.zeros(4), COV4, size=1_000_000)
    p = np.prod(np.tanh(z), axis=1)
    assert abs(float(m.value) - p.mean()) < 4 * p.std() / math.sqrt(len(p)) + float(m.error)


@pytest.mark.parametrize("activation", ["relu", "erf", "tanh", "gelu"])
def test_kernel_map_gradients_are_the_derivatives_of_the_kernel_maps(activation):
    """Central differences (step 1e-4) of the registered kernel map: agreement to 1e-6 (the quadrature maps are
    accurate to 1e-9, divided by the step)."""
    q = np.array([0.9, 1.4, 0.5])
    phi = get_activation(activation)
    grad = kernel_map_gradient(activation, *q)[1:]
    for i in range(3):
        e = np.zeros(3)
        e[i] = 1e-4
        numeric = (phi.kernel_map(*(q + e)) - phi.kernel_map(*(q - e))) / 2e-4
        assert float(grad[i]) == pytest.approx(float(numeric), abs=2e-6)


@pytest.mark.parametrize("activation", ["tanh", "gelu", "erf"])
def test_single_input_maps_are_g_its_derivative_and_the_susceptibility_integral(activation):
    phi = get_activation(activation)
    k, h = 0.7, 1e-4
    g, slope, perp = (float(v) for v in single_input_maps(activation, k))
    gk = [float(phi.kernel_map(q, q, q)) for q in (k - h, k, k + h)]
    assert g == pytest.approx(gk[1], rel=1e-9)
    assert slope == pytest.approx((gk[2] - gk[0]) / (2 * h), rel=1e-6)
    ref = quad(lambda t: float(phi.derivative(np.array([math.sqrt(k) * t]))[0]) ** 2 * math.exp(-t * t / 2)
               / math.sqrt(2 * math.pi), -12, 12, epsabs=1e-14)[0]
    assert perp == pytest.approx(ref, rel=1e-9)


# ---------------------------------------------------------------------------------------------- leading recursion
@pytest.mark.parametrize("activation, cw, a", [("relu", 2.0, 5.0), ("linear", 1.0, 2.0)])
def test_single_input_leading_kappa_is_a_times_the_sum_of_inverse_widths(activation, cw, a):
    widths = [3, 10, 7, 20, 5]
    kappa = single_input_kappa(activation, 0.8, [cw] * 4, 0.0, widths)
    want = [0.0] + [a * sum(1.0 / n for n in widths[1:l + 1]) for l in range(1, 5)]
    np.testing.assert_allclose(kappa, want, rtol=1e-12, atol=1e-15)


def test_two_layer_vertex_is_the_one_layer_exact_four_point():
    """V^(2)/n_1 is the exact G4c of one hidden layer (tanh: quadrature on both sides, the oracle with 60
    Gauss-Hermite nodes per direction; the tolerance is the recursion's own error estimate, 3 pairings / n_1)."""
    x = np.array([[0.4, -0.3], [0.1, 0.9], [-0.5, 0.2]])
    quads = np.array([[0, 1, 2, 2], [0, 0, 1, 1], [2, 2, 2, 2], [0, 1, 1, 2]])
    net = get_model("scalar", activation="tanh", d_in=2, width=6, sigma_w=1.3, sigma_b=0.3)
    deep = DeepNetwork("tanh", (6, 6), 2, sigma_w=1.3, sigma_b=0.3)
    kernels = deep.layer_kernels(x)
    rec = four_point_recursion("tanh", kernels, deep.weight_variances, deep.layer_widths)
    v2 = rec.vertices[1]
    got = [(v2[a, b, c, d] + v2[a, c, b, d] + v2[a, d, b, c]) / 6 for a, b, c, d in quads]
    np.testing.assert_allclose(got, net.exact_four_point(x, quads, nodes=60), rtol=0,
                               atol=3 * rec.quadrature_error[1] / 6 + 1e-12)


def test_leading_recursion_agrees_with_the_exact_laws_at_large_width():
    """(exact - leading)/leading = O(L/n): below 20 L / n here."""
    for n in (1000, 100_000):
        widths = [n] * 4
        exact = scale_invariant_kappa("relu", widths)[1:]
        lead = single_input_kappa("relu", 1.0, [2.0] * 4, 0.0, [1] + widths)[1:]
        assert np.all(np.abs(exact - lead) / lead < 20 * 4 / n)
    x = np.array([[0.3, 1.0], [-0.5, 0.2], [1.0, -1.0]])
    k1 = 0.04 + 1.3 * x @ x.T / 2
    for n in (1000, 100_000):
        g2, g4c = linear_four_point(k1, [n] * 4, [1.3] * 4, 0.04)
        rec = four_point_recursion("linear", kernel_recursion("linear", k1, [1.3] * 4, 0.04), [1.3] * 4, [2] + [n] * 4)
        v = rec.vertices[-1]
        lead = (v + np.einsum("acbd->abcd", v) + np.einsum("adbc->abcd", v)) / n
        np.testing.assert_allclose(g4c[-1], lead, rtol=20 * 4 / n)
        np.testing.assert_allclose(g2[-1], rec.kernels[-1], rtol=1e-14)  # linear: G2 = K exactly


def test_layer_maps_derivatives_split_the_shared_off_diagonal():
    k = np.array([[1.0, 0.3], [0.3, 2.0]])
    m = layer_maps("erf", k)
    _, d11, d22, d12 = kernel_map_gradient("erf", 1.0, 2.0, 0.3)
    assert m.derivatives[0, 1, 0, 0] == pytest.approx(float(d11))
    assert m.derivatives[0, 1, 1, 1] == pytest.approx(float(d22))
    assert m.derivatives[0, 1, 0, 1] == m.derivatives[0, 1, 1, 0] == pytest.approx(0.5 * float(d12))


# ---------------------------------------------------------------------------------------------- exact laws
def test_unit_moments_are_chi_square_and_half_gaussian_moments():
    n = 5
    chi2 = [1.0, 1.0, (n * n + 2 * n) / n**2, (n * (n + 2) * (n + 4)) / n**3]
    np.testing.assert_allclose(unit_moments("linear", n, 3), chi2, rtol=1e-14)
    # ReLU: t = xi^2 1{xi > 0}; E t = 1/2, E t^2 = 3/2, so E S^2 / n^2 = (n(n-1)/4 + 3n/2) / n^2
    assert unit_moments("relu", n, 2)[2] == pytest.approx((n * (n - 1) / 4 + 1.5 * n) / n**2, rel=1e-14)
    np.testing.assert_allclose(scale_invariant_kappa("relu", [4, 8]), [0, 5 / 4, (1 + 5 / 4) * (1 + 5 / 8) - 1])


def test_exact_four_point_of_deep_linear_networks_agrees_with_monte_carlo():
    """Width 3, two hidden layers, biases, three inputs: the moment recursion against 60000 networks (4 s.e.)."""
    x = np.array([[0.6, 0.2], [-0.4, 0.9], [0.8, -0.5]])
    net = DeepNetwork("linear", (3, 3), 2, sigma_w=1.1, sigma_b=0.4)
    quads = np.array([[0, 1, 2, 2], [0, 0, 1, 1], [2, 2, 2, 2], [0, 1, 1, 2]])
    exact = net.exact_four_point(x, quads)
    from tensornn.correlators.estimators import four_point

    m = sample_ensemble(net, x, 60_000, seed=7, block_size=500)
    for q, want in zip(quads, exact):
        e = four_point(m, tuple(q), warn=False)
        assert abs(e.value - want) < 4 * e.stderr, (q, e, want)


def test_exact_four_point_of_relu_needs_collinear_inputs_without_biases():
    net = DeepNetwork("relu", (4, 4), 2, sigma_w=1.2)
    x = np.array([[1.0, 2.0], [0.5, 1.0], [0.0, 0.0]])
    g = net.exact_collinear_four_point(x, [[0, 0, 0, 0], [0, 1, 1, 1], [0, 1, 2, 2]])
    m = scale_invariant_moments("relu", 1.44 * 5 / 2, [4, 4], [1.44, 1.44], 2)[-1]
    np.testing.assert_allclose(g, [m[2] - 3 * m[1] ** 2, 0.125 * (m[2] - 3 * m[1] ** 2), 0.0], rtol=1e-13)
    assert net.exact_collinear_four_point(np.array([[1.0, 0.0], [0.0, 1.0]]), [[0, 0, 1, 1]]) is None
    assert DeepNetwork("relu", (4, 4), 2, sigma_b=0.1).exact_collinear_four_point(x, [[0, 0, 0, 0]]) is None
    # the model contract's exact_four_point is known at every input or at none: not for deep ReLU
    assert net.exact_four_point(x, [[0, 0, 0, 0]]) is None


@pytest.mark.parametrize("activation, width, depth", [("relu", 8, 2), ("relu", 16, 3), ("linear", 8, 3),
                                                      ("linear", 16, 4)])
def test_kappa_matches_the_exact_finite_width_law(activation, width, depth):
    """Measured kappa of every layer (conditional estimator) against prod (1 + a/n) - 1; the ensemble is sized so
    that the predicted relative error of the output's kappa (from the exact moments up to E S^4) is 8 percent
    (at least 20000 networks), and the tolerance is 4 predicted standard errors (the jackknife error of these
    heavy-tailed statistics is itself noisy). These points have a skewness of the mean below 0.3."""
    widths = [width] * depth
    exact = scale_invariant_kappa(activation, widths)
    per_network = kappa_standard_error(activation, widths, 1)
    n_networks = max(20_000, int((per_network[-1] / (0.08 * exact[-1])) ** 2))
    net = DeepNetwork(activation, widths, sigma_w=math.sqrt(2.0) if activation == "relu" else 1.0)
    m = measure_layers(net, [[1.0]], n_networks, seed=12, block_size=1000)
    sigma = kappa_standard_error(activation, widths, n_networks)
    assert np.all(np.abs(m.kappa[:, 0] - exact) < 4 * sigma + 1e-12), (m.kappa[:, 0], exact, sigma)


@pytest.mark.parametrize("activation", ["tanh", "erf", "relu", "gelu"])
def test_single_input_recursion_is_the_general_recursion_on_one_input(activation):
    """The one-dimensional path against the general one (two-dimensional kernel maps and Price gradients):
    agreement to 1e-8 relative (the quadrature kernel maps are accurate to 1e-9)."""
    from tensornn.networks.deep_recursions import single_input_recursion

    cw, cb, widths = [1.7, 1.2, 0.9], 0.05, [1, 6, 9, 4]
    one = single_input_recursion(activation, 0.8, cw, cb, widths)
    general = four_point_recursion(activation, kernel_recursion(activation, [[0.8]], cw, cb), cw, widths)
    np.testing.assert_allclose(one.kernels, general.kernels, rtol=1e-8)
    np.testing.assert_allclose(one.vertices, general.vertices, rtol=1e-8, atol=1e-14)

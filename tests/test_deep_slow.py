"""Long Monte-Carlo checks of deep networks (slow marker; a few minutes on two cores).

- kappa of linear and ReLU networks without biases against the exact finite-width law on the grid of widths 4, 8, 16
  and depths 2-6, at every point whose ensemble for a 10 % error and a skewness of the mean below 0.2 is at most
  4e6 networks (the predicted standard error from the exact moments, 4 standard errors);
- at the heavier points the exact law itself: the distribution of the output's conditional variance S (z = sqrt(S) xi)
  against samples of the product of independent factors prod_l R_l (two-sample Kolmogorov-Smirnov, p > 1e-4; its
  false-rejection rate is 1e-4 per point by construction);
- the leading four-point recursion on several inputs against Monte Carlo for tanh, erf and ReLU (width 64, depth 3);
- deep kernels on several inputs against Monte Carlo: the difference is a 1/width correction (widths 32 and 128,
  depth 5).
"""

import math

import numpy as np
import pytest
from scipy.stats import ks_2samp

from tensornn.correlators.depth import measure_layer_four_point, measure_layers
from tensornn.networks.deep import DeepNetwork
from tensornn.networks.deep_exact import kappa_standard_error, scale_invariant_kappa, unit_moments
from tensornn.networks.sampling import sample_ensemble

pytestmark = pytest.mark.slow

SIGMA_W = {"linear": 1.0, "relu": math.sqrt(2.0)}
GRID = [(a, n, depth) for a in ("linear", "relu") for n in (4, 8, 16) for depth in (2, 3, 4, 5, 6)]
MAX_NETWORKS = 4_000_000


def _needed(activation, widths):
    r = unit_moments(activation, widths[0], 6)
    m = r ** len(widths)
    skew = (m[6] - 3 * m[2] * m[4] + 2 * m[2] ** 3) / (m[4] - m[2] ** 2) ** 1.5
    per = kappa_standard_error(activation, widths, 1)[-1] / scale_invariant_kappa(activation, widths)[-1]
    return int(max((per / 0.1) ** 2, (skew / 0.2) ** 2, 20_000))


REACHABLE = [g for g in GRID if _needed(g[0], [g[1]] * g[2]) <= MAX_NETWORKS]
HEAVY = [g for g in GRID if g not in REACHABLE]


@pytest.mark.parametrize("activation, width, depth", REACHABLE)
def test_kappa_on_the_grid_matches_the_exact_law(activation, width, depth):
    widths = [width] * depth
    n_networks = _needed(activation, widths)
    m = measure_layers(DeepNetwork(activation, widths, sigma_w=SIGMA_W[activation]), [[1.0]], n_networks,
                       seed=1000 * width + depth, block_size=4096)
    exact = scale_invariant_kappa(activation, widths)
    sigma = kappa_standard_error(activation, widths, n_networks)
    assert np.all(np.abs(m.kappa[:, 0] - exact) < 4 * sigma + 1e-12), (m.kappa[:, 0], exact, sigma)


def _law(activation, widths, n, rng):
    """Samples of S / S_0 = prod_l R_l, R_l = (C_W / n_l) sum_j t_j: t = xi^2 (linear, C_W = 1); xi^2 on xi > 0
    (ReLU, C_W = 2), so that sum_j t_j is chi^2 with a Binomial(n_l, 1/2) number of degrees of freedom."""
    s = np.ones(n)
    for w in widths:
        if activation == "linear":
            s *= rng.chisquare(w, size=n) / w
        else:
            active = rng.binomial(w, 0.5, size=n)
            s *= 2.0 * np.where(active > 0, rng.chisquare(np.maximum(active, 1)), 0.0) / w
    return s


@pytest.mark.parametrize("activation, width, depth", HEAVY)
def test_the_exact_law_holds_where_kappa_is_too_heavy_tailed_to_measure(activation, width, depth):
    widths = [width] * depth
    net = DeepNetwork(activation, widths, sigma_w=SIGMA_W[activation])
    probe = net.layer_probe("variances")
    s = probe.sample_outputs(probe.check_inputs([[1.0]]), 100_000, np.random.default_rng(depth + 10 * width))[:, -1]
    k1 = SIGMA_W[activation] ** 2
    law = _law(activation, widths, 100_000, np.random.default_rng(99 + depth))
    assert ks_2samp(s / k1, law).pvalue > 1e-4


@pytest.mark.parametrize("activation", ["tanh", "erf", "relu"])
def test_leading_four_point_recursion_on_several_inputs_agrees_with_monte_carlo(activation):
    """Width 64, depth 3, biases: 4 standard errors plus 5 % (the leading order neglects relative corrections of
    order L/n = 0.05; for ReLU's single input the exact law is 7 % above it, so (2, 2, 2, 2) is left out there)."""
    x = np.array([[0.6, 0.2], [-0.4, 0.9], [0.8, -0.5]])
    quads = np.array([[0, 1, 2, 2], [0, 0, 1, 1], [2, 2, 2, 2], [0, 1, 1, 2]])
    if activation == "relu":
        quads = quads[[0, 1, 3]]
    net = DeepNetwork(activation, (64, 64, 64), 2, sigma_w=1.3, sigma_b=0.3)
    m = measure_layer_four_point(net, x, quads, 40_000, seed=3)
    lead = net.leading_four_point(x, quads)
    assert np.all(np.abs(m.g4c[-1] - lead) < 4 * m.g4c_error[-1] + 0.05 * np.abs(lead)), (m.g4c[-1], lead)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_deep_kernels_on_several_inputs_differ_from_monte_carlo_by_a_one_over_width_correction(activation):
    """Depth 5, three inputs, 20000 networks at widths 32 and 128: n (G2 - K) is the same at both widths (4 combined
    standard errors plus 25 % of its size for the O(1/n^2) remainder), so G2 -> K as 1/n. For ReLU the correction of
    the off-diagonal entries is large (about -2.5 K / n here: the kernel map's second derivative in q12 grows as
    the layers align the inputs), which is why the kernels are compared with Monte Carlo on the diagonal with delta
    (tests/test_deep_networks.py) and here by their scaling."""
    x = np.array([[0.6, 0.2], [-0.4, 0.9], [0.8, -0.5]])
    scaled = []
    for n in (32, 128):
        net = DeepNetwork(activation, (n,) * 5, 2, sigma_w=1.5, sigma_b=0.2)
        m = measure_layer_four_point(net, x, [[0, 0, 0, 0]], 20_000, seed=5)
        scaled.append((n * (m.g2[-1] - net.kernel(x)), n * m.g2_error[-1]))
    (d1, e1), (d2, e2) = scaled
    assert np.all(np.abs(d1 - d2) < 4 * np.hypot(e1, e2) + 0.25 * np.maximum(np.abs(d1), np.abs(d2)))


def test_deep_linear_exact_four_point_against_the_outputs_themselves():
    """The raw outputs (not the probe): width 3, two hidden layers, biases, 400000 networks."""
    x = np.array([[0.6, 0.2], [-0.4, 0.9], [0.8, -0.5]])
    net = DeepNetwork("linear", (3, 3), 2, sigma_w=1.1, sigma_b=0.4)
    quads = np.array([[0, 1, 2, 2], [0, 0, 1, 1], [2, 2, 2, 2]])
    exact = net.exact_four_point(x, quads)
    from tensornn.correlators.estimators import four_point

    moments = sample_ensemble(net, x, 400_000, seed=17)
    for q, want in zip(quads, exact):
        e = four_point(moments, tuple(q), warn=False)
        assert abs(e.value - want) < 4 * e.stderr

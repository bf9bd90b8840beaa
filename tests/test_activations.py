"""Activations carry their behaviour: kernel maps against quadrature, Monte Carlo and the numbers of 0.2.

Truth used here: the closed-form kernel maps (arc-cosine, arcsine, lognormal, GELU) against the graded
quadrature of tensornn.networks.gaussian and against Monte-Carlo averages over Gaussian pairs (four standard
errors, fixed seeds); the quadrature against scipy's adaptive one-dimensional quadrature nested twice; the
one-layer kernels against the values tensornn 0.2 printed before the kernels became kernel maps.
"""

import math
import warnings

import numpy as np
import pytest
from scipy import integrate
from scipy.special import erf

from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.networks.activations import (
    ACTIVATIONS,
    activation_names,
    get_activation,
    register_activation,
    unregister_activation,
)
from tensornn.networks.gaussian import gaussian_expectation, pair_expectation, quadrature_kernel_map
from tensornn.networks.kernels import kernel
from tensornn.networks.scalar import ScalarNetwork
from tensornn.networks.sampling import sample_ensemble
from tensornn.correlators import two_point
from tensornn.correlators.exact import gaussian_product_expectation

# Independent definitions of the activations (not the registry's functions).
_PHI = {
    "exp": np.exp,
    "erf": erf,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
    "tanh": np.tanh,
    "gelu": lambda z: 0.5 * z * (1.0 + erf(z / math.sqrt(2.0))),
}

# (q11, q22, q12): generic, anticorrelated, nearly and exactly degenerate, one variance zero, large variances.
PAIRS = [(1.0, 1.0, 0.3), (0.5, 2.0, -0.8), (1.3, 1.2, 1.2487), (2.0, 2.0, 2.0), (0.0, 1.5, 0.0), (0.04, 0.09, 0.03),
         (20.0, 30.0, 12.0)]


def _phi_pair(name, q11, q22):
    """phi for u and for v (the Gauss-net subtracts each variance)."""
    if name == "gauss":
        return (lambda u: np.exp(u - q11)), (lambda v: np.exp(v - q22))
    return _PHI[name], _PHI[name]


# ---------------------------------------------------------------- closed forms against quadrature


# An exponentially growing integrand peaks beyond the quadrature's |t| <= 9 at large variances: the exp maps are
# checked where it does not.
CASES = [(name, *pair) for name in activation_names(closed_kernel=True) for pair in PAIRS
         if get_activation(name).growth != "exponential" or max(pair[:2]) <= 2.5]


@pytest.mark.parametrize("name, q11, q22, q12", CASES)
def test_closed_forms_match_quadrature(name, q11, q22, q12):
    f, g = _phi_pair(name, q11, q22)
    expected = float(pair_expectation(f, g, q11, q22, q12))
    got = float(get_activation(name).kernel_map(q11, q22, q12))
    # the quadrature is good to ~1e-11 relative (module docstring); 1e-9 leaves room, 1e-12 absolute for zeros
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def _nested_quad(f, q11, q22, q12):
    """E f(u) f(v) by scipy's adaptive quadrature, nested, with the kinks at u = 0 and v = 0 as break points."""
    l11 = math.sqrt(q11)
    l21 = q12 / l11
    l22 = math.sqrt(max(q22 - l21**2, 0.0))
    pdf = lambda t: math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)  # noqa: E731

    def inner(t1):
        if l22 == 0.0:
            return f(l21 * t1)
        return integrate.quad(lambda t2: f(l21 * t1 + l22 * t2) * pdf(t2), -12, 12, points=[-l21 * t1 / l22],
                              limit=200, epsabs=1e-14, epsrel=1e-13)[0]

    return integrate.quad(lambda t1: f(l11 * t1) * inner(t1) * pdf(t1), -12, 12, points=[0.0], limit=200,
                          epsabs=1e-14, epsrel=1e-13)[0]


@pytest.mark.parametrize("q", [0.01, 1.0, 25.0, 100.0])
@pytest.mark.parametrize("rho", [-0.4, 0.999])
def test_tanh_quadrature_is_accurate_to_1e_9(q, rho):
    q11, q22 = q, 1.3 * q
    q12 = rho * math.sqrt(q11 * q22)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)  # rounding at the 1e-14 level
        expected = _nested_quad(math.tanh, q11, q22, q12)
    assert float(get_activation("tanh").kernel_map(q11, q22, q12)) == pytest.approx(expected, rel=1e-9)


def test_kernel_maps_broadcast_and_the_one_dimensional_rule():
    q11 = np.array([[1.0], [2.0]])
    for name in activation_names():
        assert get_activation(name).kernel_map(q11, 1.5, np.array([0.1, 0.2, 0.3])).shape == (2, 3)
    # E z^2 = q and E tanh(z) = 0 by symmetry, to the rule's accuracy
    assert float(gaussian_expectation(lambda z: z * z, 3.0)) == pytest.approx(3.0, rel=1e-10)
    assert abs(float(gaussian_expectation(np.tanh, 4.0))) < 1e-15


# ---------------------------------------------------------------- against Monte Carlo


@pytest.mark.parametrize("name", activation_names())
def test_kernel_maps_match_monte_carlo(name):
    # 400000 Gaussian pairs per case; the map must lie within 4 standard errors of the mean of phi(u) phi(v)
    rng = np.random.default_rng(11)
    for q11, q22, q12 in [(1.0, 0.7, 0.4), (0.6, 1.5, -0.5)]:
        chol = np.linalg.cholesky(np.array([[q11, q12], [q12, q22]]))
        u, v = chol @ rng.standard_normal((2, 400_000))
        f, g = _phi_pair(name, q11, q22)
        values = f(u) * g(v)
        mc, se = values.mean(), values.std() / math.sqrt(values.size)
        assert abs(float(get_activation(name).kernel_map(q11, q22, q12)) - mc) < 4 * se


def test_tanh_network_kernel_matches_an_ensemble():
    # a tanh network's 2-point function is its kernel at every width: 65536 networks of width 4, 32 groups;
    # each entry within 4 jackknife standard errors (a kernel that fell through to ReLU's is off by ~40%)
    net = ScalarNetwork("tanh", d_in=2, width=4, sigma_w=1.5, sigma_b=0.3)
    x = np.array([[0.4, -0.9], [1.2, 0.3], [-0.7, 0.8]])
    k = net.kernel(x)
    moments = sample_ensemble(net, x, 65_536, seed=5, tuples=2)
    for a in range(3):
        for b in range(a, 3):
            est = two_point(moments, (a, b))
            assert abs(est.value - k[a, b]) < 4 * est.stderr, (a, b, est, k[a, b])


# ---------------------------------------------------------------- derivatives and n-point rules


@pytest.mark.parametrize("name", activation_names())
def test_derivatives_match_finite_differences(name):
    act = get_activation(name)
    z = np.array([-2.1, -0.7, -0.05, 0.3, 1.4, 2.6])  # away from ReLU's kink
    h = 1e-6
    numeric = (act.function(z + h) - act.function(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z.copy()), numeric, rtol=1e-7, atol=1e-9)  # central difference O(h^2)


def test_isserlis_rule_of_the_identity_matches_quadrature():
    cov = np.array([[1.0, 0.3, -0.2, 0.1], [0.3, 0.8, 0.4, 0.0], [-0.2, 0.4, 1.5, 0.6], [0.1, 0.0, 0.6, 0.9]])
    closed, _ = gaussian_product_expectation("linear", cov)
    quad, _ = gaussian_product_expectation("linear", cov, method="quadrature")
    assert float(closed) == pytest.approx(float(quad), rel=1e-12)  # Gauss-Hermite is exact for polynomials
    assert float(gaussian_product_expectation("linear", cov[:3, :3])[0]) == 0.0  # odd moments vanish


# ---------------------------------------------------------------- the one-layer kernels keep their numbers

# K(x_a, x_b), a <= b (row-major upper triangle), printed by tensornn 0.2 for these inputs and scales.
_X = np.array([[0.5144284369759506, 0.8209600203355751, 0.5733597647983069],
               [-0.9731795154745656, -1.3928000963768683, 0.06719635507109722],
               [1.7227018358808526, 1.018373597691376, 3.6205711485905665],
               [0.03754217365769592, 0.031987977696573126, -0.03656612606146238]])
_KERNELS_0_2 = {
    ("gauss", 1.0, 0.0): [
        1.0, 0.29278439951836016, 0.16572939178696905, 0.8157468833655824, 1.0, 0.013778196806574938,
        0.6002608267958448, 1.0, 0.05700808832965155, 1.0
    ],
    ("gauss", 1.7, 0.4): [
        3.05, 0.2430273864676397, 0.1760310697368096, 1.7643274554633464, 3.05, 0.16001211054902775,
        0.821150679771655, 3.05, 0.16073376039007614, 3.05
    ],
    ("gauss", 0.3, 2.0): [
        4.09, 4.080580846133826, 4.076557627749932, 4.0883654508323355, 4.09, 4.061202593209735, 4.085959347388572,
        4.09, 4.0695467424306795, 4.09
    ],
    ("exp", 1.0, 0.0): [
        2.3277502916961503, 1.1711204746953547, 75.90577388207822, 1.2461471884447255, 6.873388517534348,
        10.84388520412514, 1.5756914284157688, 90118.54307233439, 17.13520414110105, 1.0025163120089184
    ],
    ("exp", 1.7, 0.4): [
        45.902325851490055, 6.4424729199790445, 1081101.1990891462, 7.677396808556486, 1045.5924054764996,
        3904.57947990771, 14.970296922615534, 830395534431242.1, 14649.299146402687, 4.1689105040858845
    ],
    ("exp", 0.3, 2.0): [
        293.4827167388683, 276.1275466400674, 400.1166502377644, 277.65261680494314, 323.11244761274423,
        336.4796025299687, 283.49289374223025, 753.0859289658451, 350.45624983420447, 272.34690764660894
    ],
    ("erf", 1.0, 0.0): [
        0.30284362477108984, -0.304699706627967, 0.3550221117053239, 0.007679716332056602, 0.4575582453921358,
        -0.20428185031863455, -0.020700554190226025, 0.7426705824249888, -0.004228531791051507, 0.0015959127754740044
    ],
    ("erf", 1.7, 0.4): [
        1.6768299611917064, -0.8998277602461827, 1.5169598227806529, 0.46390159512789453, 2.0464207590479875,
        -0.47159997518184515, 0.25679587160698136, 2.604590220599537, 0.2288202919932839, 0.6183740534685054
    ],
    ("erf", 0.3, 2.0): [
        4.062850612248645, 4.060018868337635, 4.059598429871671, 4.062289649484479, 4.062997942873959,
        4.0547166163563935, 4.061627975214578, 4.064193221851153, 4.057342769525141, 4.062734304776801
    ],
    ("relu", 1.0, 0.0): [
        0.21122556527474623, 0.006253637900953946, 0.6516501843273029, 0.005952547973535918, 0.4819143046569274,
        0.16665928282817327, 0.00047113627736392066, 2.852220306971425, 0.010675546800508168, 0.000628287849200636
    ],
    ("relu", 1.7, 0.4): [
        2.1553770437312076, 0.31524609393316927, 5.871097596638617, 0.5279081653826219, 4.416196463925123,
        1.7339719035298393, 0.5388703891404336, 24.213229225856033, 1.012469553414174, 0.3964475229453087
    ],
    ("relu", 0.3, 2.0): [
        4.181710927078726, 4.1780788980134815, 4.185527670866461, 4.180049879115073, 4.183903505867721,
        4.177685647521345, 4.1799528721678705, 4.203102984486469, 4.180774263615316, 4.180005089131578
    ],
}


@pytest.mark.parametrize("key", list(_KERNELS_0_2))
def test_one_layer_kernels_keep_the_numbers_of_0_2(key):
    name, sigma_w, sigma_b = key
    got = kernel(name, _X[:, None], _X[None, :], sigma_w=sigma_w, sigma_b=sigma_b)[np.triu_indices(4)]
    if name == "gauss":
        # its exponent is now s(x,y) - (s(x,x) + s(y,y))/2 instead of -sigma_w^2 |x-y|^2 / (2 d_in): a few ulps
        np.testing.assert_allclose(got, _KERNELS_0_2[key], rtol=4e-15)
    else:
        # the same expressions: bit for bit on one machine; another CPU's libm (arccos, erf) moves an entry by 1 ulp
        np.testing.assert_allclose(got, _KERNELS_0_2[key], rtol=5e-16, atol=0)


# ---------------------------------------------------------------- registering


def test_registering_without_a_kernel_map_is_an_error_that_says_what_to_pass():
    with pytest.raises(InvalidArgumentError, match="kernel_map.*quadrature_kernel_map"):
        register_activation("softsign", lambda z: z / (1 + abs(z)), derivative=lambda z: 1 / (1 + abs(z)) ** 2,
                            growth="bounded")
    with pytest.raises(InvalidArgumentError, match="derivative"):
        register_activation("softsign", np.tanh, kernel_map=quadrature_kernel_map(np.tanh), growth="bounded")
    with pytest.raises(InvalidArgumentError, match="growth"):
        register_activation("softsign", np.tanh, derivative=np.tanh, kernel_map=quadrature_kernel_map(np.tanh))
    with pytest.raises(InvalidTypeError, match="kernel_map must be a callable"):
        register_activation("softsign", np.tanh, derivative=np.tanh, kernel_map="quadrature", growth="bounded")
    with pytest.raises(InvalidArgumentError, match="finite"):
        register_activation("softsign", np.tanh, derivative=np.tanh, kernel_map=lambda a, b, c: np.nan * c,
                            growth="bounded")
    with pytest.raises(InvalidArgumentError, match="built-in"):
        register_activation("relu", np.tanh, derivative=np.tanh, kernel_map=quadrature_kernel_map(np.tanh),
                            growth="bounded")
    assert "softsign" not in ACTIVATIONS


def test_a_registered_activation_is_one_entry_and_its_kernel_is_its_own():
    softsign = lambda z: z / (1.0 + np.abs(z))  # noqa: E731
    act = register_activation("softsign-test", softsign, derivative=lambda z: 1.0 / (1.0 + np.abs(z)) ** 2,
                              kernel_map=quadrature_kernel_map(softsign), growth="bounded")
    try:
        assert act.kernel_method == "quadrature" and "softsign-test" in activation_names()
        with pytest.raises(InvalidArgumentError, match="already registered"):
            register_activation("softsign-test", softsign, derivative=np.tanh,
                                kernel_map=quadrature_kernel_map(softsign), growth="bounded")
        x, y = np.array([0.7, -0.2]), np.array([0.1, 0.9])
        got = float(kernel("softsign-test", x, y, sigma_w=1.2, sigma_b=0.5))
        s = lambda a, b: 0.25 + 1.44 * (a @ b) / 2  # noqa: E731
        expected = 0.25 + 1.44 * float(pair_expectation(softsign, softsign, s(x, x), s(y, y), s(x, y)))
        assert got == pytest.approx(expected, rel=1e-13)
        assert got != pytest.approx(float(kernel("relu", x, y, sigma_w=1.2, sigma_b=0.5)), rel=1e-2)
    finally:
        unregister_activation("softsign-test")
    assert "softsign-test" not in activation_names()


def test_cutoff_scans_follow_the_growth_of_the_activation():
    # a linearly growing activation (gelu ~ relu at large |z|) makes K_w grow like |y|: the slope of u4 against the
    # cutoff tends to -(d_in + 4), as for relu; the scan asks the entry, not the name
    from tensornn.couplings.scans import scan_cutoff

    q = np.array([[0.2], [0.4], [0.6], [0.8]])
    far = scan_cutoff("gelu", q, [100.0, 200.0], width=10, sigma_w=1.5, sigma_b=0.5)
    assert far.expected_slope == -5.0 and abs(far.fit.slope + 5.0) < 0.02
    assert scan_cutoff("erf", q, [100.0, 200.0], width=10, sigma_w=1.5).expected_slope is None  # bounded

"""The functional LPA fixed points: literature exponents, the polynomial expansions, large N, multicritical points."""

import json

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.flow import exponents_by_order, make_preset, potential_fixed_point
from tensornn.flow.chebyshev import ChebyshevGrid
from tensornn.flow.functional import lpa_residual, spectrum
from tensornn.flow.functional_result import resolve_fixed_point
from tensornn.flow.functional_search import functional_fixed_point, functional_fixed_points
from tensornn.flow.potential import litim_volume


@pytest.fixture(scope="module")
def wf3():
    return functional_fixed_point(3.0, 1)


@pytest.fixture(scope="module")
def search25():
    return functional_fixed_points(2.5, 1)


# ----------------------------------------------------------------------------- literature and truncations
def test_ising_lpa_exponents_against_the_literature(wf3):
    # Litim's LPA with the optimised regulator (hep-th/0203006; Bervillier, Juettner, Litim hep-th/0701172):
    # nu = 0.649561773880, omega = 0.655745939
    assert wf3.label == "Wilson-Fisher" and wf3.n_relevant == 1 and wf3.status == "converged" and not wf3.flags
    assert abs(wf3.nu - 0.649561773880) < 1e-8
    assert abs(wf3.omega - 0.655745939) < 1e-6
    # the diagnostics say why these digits can be trusted
    d = wf3.diagnostics
    assert d["resolution_change"] < 1e-9 and d["domain_change"] < 1e-9 and d["chebyshev_tail"] < 1e-9
    assert d["boundary_decay"] >= 30 and wf3.residual < 1e-11 and d["residual_between_nodes"] < 1e-6


@pytest.mark.parametrize("n_components", [2, 3, 4])
def test_on_exponents_agree_with_the_minimum_expansion_to_its_converged_digits(n_components):
    fp = functional_fixed_point(3.0, n_components)
    (_, p12), (_, p14) = exponents_by_order(3, n_components, [12, 14])
    # the expansion's own convergence, |order 14 - order 12|, bounds its error; the functional value lies inside
    for name in ("nu", "omega"):
        spread = abs(getattr(p14, name) - getattr(p12, name))
        assert abs(getattr(fp, name) - getattr(p14, name)) <= spread, (name, getattr(fp, name), getattr(p14, name))
        assert spread < 1e-4
    # the potential around its minimum: kappa and lambda2 of MinimumPotential, to the expansion's own accuracy
    m = fp.minimum()
    for i, name in enumerate(("kappa", "lambda2")):
        assert abs(m[name] - p14.couplings[i]) <= abs(p14.couplings[i] - p12.couplings[i]), name


def test_non_integer_dimension_against_the_polynomial_preset():
    # D = 3.5 through the preset (real --dim) and MinimumPotential at order 12 (converged to ~1e-9 there)
    fp = functional_fixed_point(3.5, 1)
    preset = make_preset("scalar", dim=3.5, order=12, expansion="minimum")
    poly = [p for p in preset.fixed_points(n_starts=0).valid if p.n_relevant == 1][0]
    assert abs(fp.nu - poly.nu) < 1e-8 and abs(fp.omega - poly.omega) < 1e-6


def test_large_n_approaches_the_spherical_limit():
    # nu -> 1/(D - 2) with a 1/N correction; in the LPA N (1/(D - 2) - nu) -> 0.75 at D = 3 (0.7508 at N = 1000,
    # 0.7504 at N = 2000, docs/functional_lpa.md)
    # (n = 80 instead of the default 192 for N > 300, to keep the test fast: nu is then off by ~1e-6, so
    # N (1 - nu) by ~1e-3, far inside the band)
    fp = functional_fixed_point(3.0, 1000, resolution=80, check=False)
    assert 0.74 < 1000 * (1.0 - fp.nu) < 0.76


@pytest.mark.slow
@pytest.mark.parametrize("dim, rate", [(2.5, 0.8), (3.5, 0.52)])
def test_large_n_in_other_dimensions(dim, rate):
    # the rates measured in docs/functional_lpa.md; at D = 2.5 the eigenfunctions need many points (10 % band)
    nus = {n: functional_fixed_point(dim, n).nu for n in (500, 1000)}
    for n, nu in nus.items():
        assert n * (1 / (dim - 2) - nu) == pytest.approx(rate, rel=0.1)


# ----------------------------------------------------------------------------- every fixed point
def test_d3_has_only_gaussian_and_wilson_fisher():
    search = functional_fixed_points(3.0, 1, check=False)
    assert [(fp.label, fp.n_relevant) for fp in search] == [("Gaussian", 2), ("Wilson-Fisher", 1)]
    assert not search.failures
    # at D = 3 the phi^6 direction of the Gaussian is marginal: the tricritical point has just merged with it
    assert search[0].exponents[2] == 0.0 and any("marginal" in n for n in search[0].notes)


def _wilson_fisher_below_the_polynomial_reach(dim, fp):
    # the expansion around the minimum loses Wilson-Fisher: no order from 4 to 12 finds a root with one relevant
    # direction; order 2 (its closed form, where the continuation in the order starts) has none or one whose nu is
    # below the mean-field 1/2, so it is not Wilson-Fisher (nu > 1/2 for 2 < D < 4)
    by_order = dict(exponents_by_order(dim, 1, range(2, 13)))
    assert all(by_order[order] is None for order in range(4, 13))
    assert by_order[2] is None or by_order[2].nu < 0.5
    assert fp.label == "Wilson-Fisher" and fp.n_relevant == 1 and not fp.flags
    assert 1 / (dim - 2) > fp.nu > 0.5  # between mean field and the spherical limit


def test_wilson_fisher_below_the_reach_of_the_polynomial_expansion(search25):
    _wilson_fisher_below_the_polynomial_reach(2.5, search25[1])


@pytest.mark.slow
def test_wilson_fisher_below_the_reach_of_the_polynomial_expansion_d_2_6():
    _wilson_fisher_below_the_polynomial_reach(2.6, functional_fixed_point(2.6, 1))


def test_multicritical_points_at_d_2_5(search25):
    # phi^(2n) exists below D = 2n/(n - 1): at D = 2.5 the phi^4, phi^6 and phi^8 points (phi^10 merges with the
    # Gaussian exactly at 2.5); the phi^(2n) point has n - 1 relevant directions and u*' has n - 1 zeros
    assert [fp.label for fp in search25] == ["Gaussian", "Wilson-Fisher", "phi^6 multicritical (tricritical)",
                                             "phi^8 multicritical"]
    assert not search25.failures
    for fp in search25[1:]:
        n = fp.multicriticality
        assert fp.n_relevant == n - 1 and len(fp.zeros()) == n - 1, fp
        assert fp.status == "converged" and not fp.flags
    assert search25[0].n_relevant == 4  # theta_m = 2 - m/2 > 0 for m = 0..3


def test_gaussian_closed_form_against_the_collocation_jacobian():
    fp = functional_fixed_point(2.7, 2, multicriticality=1)
    np.testing.assert_allclose(fp.exponents, 2 - 0.7 * np.arange(len(fp.exponents)), atol=1e-15)
    # the collocation Jacobian at w = 0 on the same kind of domain reproduces them (polynomial eigenfunctions on a
    # long domain are ill-conditioned: ~1e-6)
    grid = ChebyshevGrid(48, fp.r_max / litim_volume(2.7))
    theta, _ = spectrum(lpa_residual(np.zeros(49), grid, 2.7, 2.0, jacobian=True)[2], 4)
    np.testing.assert_allclose(theta, fp.exponents[:4], atol=1e-5)
    assert fp.eigenfunctions[1][0] == 1.0  # Laguerre L_1^(N/2)(0) normalised to 1


def test_d4_has_only_the_gaussian():
    search = functional_fixed_points(4.0, 1)
    assert [fp.label for fp in search] == ["Gaussian"] and search[0].n_relevant == 1
    assert functional_fixed_point(4.0, 1) is None  # Wilson-Fisher has merged with the Gaussian


# ----------------------------------------------------------------------------- independent checks
def test_fixed_point_solves_the_ode_by_shooting(wf3):
    # integrate F[w] = 0 outward from r = 0 with w(0) = sigma* (DOP853, an independent path): the shot follows the
    # collocation solution until the unstable mode takes over
    vd, sigma = litim_volume(3), wf3.sigma
    w1_0 = -2 * sigma * (1 + sigma) ** 2 / 3  # F(0) = 0: -2 w - 3 w'/(1 + w)^2 = 0 (x units)

    def rhs(x, y):
        w, w1 = y
        h = 1 + w + 2 * x * w1
        return [w1, (h**2 * (-2 * w + x * w1) - 3 * w1) / (2 * x)]

    x0 = 1e-8
    x_end = 1.2 * wf3.minimum()["kappa"] / vd
    sol = solve_ivp(rhs, (x0, x_end), [sigma + w1_0 * x0, w1_0], method="DOP853", rtol=1e-12, atol=1e-14,
                    dense_output=True)
    x = np.linspace(0.1, x_end, 7)
    np.testing.assert_allclose(sol.sol(x)[0], wf3.potential(x * vd), atol=1e-7)


def test_eigenfunction_solves_the_linearised_equation(wf3):
    # (J v)_i = -theta v_i, J the Jacobian of F at w*: check it by a finite difference of F along v
    grid = wf3.grid
    v = wf3.eigenfunctions[0]
    h = 1e-6
    dF = (lpa_residual(wf3.w + h * v, grid, 3.0, 1.0)[0] - lpa_residual(wf3.w - h * v, grid, 3.0, 1.0)[0]) / (2 * h)
    np.testing.assert_allclose(dF, -wf3.exponents[0] * v, atol=1e-6 * np.max(np.abs(v)))
    assert wf3.eigenfunction(0, 0.0) == pytest.approx(1.0)


def test_resolution_and_domain_studies(wf3):
    coarse = resolve_fixed_point(wf3, resolution=32)
    longer = resolve_fixed_point(wf3, r_max=1.5 * wf3.r_max)
    assert abs(coarse.nu - wf3.nu) < 1e-7 and abs(longer.nu - wf3.nu) < 1e-9
    short = resolve_fixed_point(wf3, r_max=0.4 * wf3.r_max)  # the boundary condition is no longer damped
    assert short.diagnostics["boundary_decay"] < 30 and any("boundary_decay" in f for f in short.flags)
    with pytest.raises(InvalidArgumentError, match="Gaussian"):
        resolve_fixed_point(functional_fixed_point(3.0, 1, multicriticality=1))
    with pytest.raises(InvalidTypeError, match="FunctionalFixedPoint"):
        resolve_fixed_point(potential_fixed_point(3, 1, 4))


def test_couplings_at_the_origin_and_the_potential(wf3):
    # u2 = w*(0) (in the SymmetricPotential normalisation u2 = U''(0)/k^2 = w(0))
    assert wf3.couplings[0] == pytest.approx(wf3.sigma, rel=1e-14)
    # u*(r) from the fixed-point equation at r = 0 and the integral of w*: d u / d r = w
    r = np.linspace(0.0, 0.8 * wf3.r_max, 5)
    h = 1e-6 * wf3.r_max
    du = (wf3.u(r[1:] + h) - wf3.u(r[1:] - h)) / (2 * h)
    np.testing.assert_allclose(du, wf3.potential(r[1:]), rtol=1e-6)
    # the fixed-point equation for u at r = 0: 0 = -D u + c_D N/(1 + w)
    assert 3 * wf3.u(0.0) == pytest.approx(litim_volume(3) / (1 + wf3.sigma), rel=1e-12)


def test_results_are_json_ready(search25, wf3):
    text = json.dumps([fp.to_dict() for fp in search25] + [wf3.to_dict()], allow_nan=False)
    record = json.loads(text)[-1]
    assert record["nu"] == pytest.approx(wf3.nu) and record["n_relevant"] == 1 and record["minimum"]["kappa"] > 0
    assert set(record) >= {"couplings", "eta", "theta", "nu", "omega", "n_relevant", "flags", "residual", "status"}
    assert "Wilson-Fisher" in repr(wf3) and "phi^8" in repr(search25)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(dim=2.0), InvalidArgumentError, r"\(2, 4\]"),
    (dict(dim=4.5), InvalidArgumentError, r"\(2, 4\]"),
    (dict(dim=3.0, n_components=0.5), InvalidArgumentError, "n_components"),
    (dict(dim=3.0, resolution=4), InvalidArgumentError, "resolution"),
    (dict(dim=3.0, multicriticality=0), InvalidArgumentError, "multicriticality"),
    (dict(dim="3"), InvalidTypeError, "dim"),
])
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        functional_fixed_point(**kwargs)


def test_phi6_branch_starts_at_its_bifurcation():
    assert functional_fixed_point(3.2, 1, multicriticality=3) is None  # only below D_3 = 3
    # just below D_3 = 3 (eps = 3 - D) the point is close to the Gaussian: theta_1 -> 2, theta_2 -> 4 - D, and the
    # phi^6 direction, theta = -2 eps at the Gaussian, becomes irrelevant with omega = 2 eps + O(eps^2) (the
    # one-loop beta function -2 eps g + c g^2 of the sextic coupling)
    ratios = []
    for eps in (0.02, 0.01):
        fp = functional_fixed_point(3 - eps, 1, multicriticality=3)
        assert fp.n_relevant == 2 and abs(fp.exponents[0] - 2) < 1e-4 and abs(fp.exponents[1] - 1) < 5 * eps
        ratios.append(fp.omega / (2 * eps))
    assert 0.85 < ratios[0] < ratios[1] < 1.0
    assert 2 * ratios[1] - ratios[0] == pytest.approx(1.0, abs=0.03)  # linear extrapolation to eps = 0

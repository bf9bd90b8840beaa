"""The derivative expansion at order d^2: equations against an independent evaluation, limits, lower orders, API.

Truth used here:
- the flow equations against a direct evaluation of the one-loop two-point function of the truncation in D = 3
  (vertices read off the Lagrangian with nilpotent numbers, the loop integrated at finite momentum, the p^2
  coefficient fitted; tests/_wetterich_oracle.py), at arbitrary field values (not only at a fixed point);
- the Litim regulator as the limit of smooth regulators (a softplus-rounded kink);
- the LPA level against the functional LPA of the package (Litim; nu = 0.649561773880, omega = 0.655745939 from
  Litim, hep-th/0203006, and the package's own tables);
- the LPA' against the closed form of its eta with the Litim regulator (Tetradis and Wetterich, hep-ph/9308260;
  Litim, hep-th/0005245): eta = 4 x0 w'^2 / (1 + 2 x0 w')^2 for N > 1 (Goldstone two-point function) in the
  variables of the module;
- D -> 4: nu = 1/2 + (N + 2) eps/(4 (N + 8)) + O(eps^2), omega = eps + O(eps^2), and at order d^2
  eta = 3 (N + 2) eps^2/(4 (N + 8)^2) + O(eps^3), derived on docs/theory/derivative_expansion.md;
- N -> infinity: eta = O(1/N) (slow: a sequence in N).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.special

from tensornn.errors import InvalidArgumentError
from tensornn.flow import derivative_expansion_fixed_point, functional_fixed_point
from tensornn.flow.derivative_expansion import (
    LOCALS,
    MomentumQuadrature,
    field_equations,
    loop_terms,
    momentum_quadrature,
)
from tensornn.flow.derivative_expansion_result import STATUSES
from tensornn.flow.potential import litim_volume
from tensornn.theory.regulators import get_regulator

sys.path.insert(0, str(Path(__file__).parent))
from _minimum_expansion import minimum_expansion_exponents  # noqa: E402
from _wetterich_oracle import p2_coefficient, two_point_flow, vertex  # noqa: E402

RHO = 0.3
COUPLINGS = {"U": (0.0, 0.2, 0.7, -0.4, 0.9), "Z": (1.1, 0.3, -0.5), "Y": (0.4, -0.6, 0.8)}


def _locals_in_x(couplings, dim=3.0):
    """The module's local values for U, Z, Y given as derivatives in rho~ (x = rho~/V_D, yh = V_D Y)."""
    vd = litim_volume(dim)
    u, z, y = couplings["U"], couplings["Z"], couplings["Y"]
    values = {"w": u[1], "w1": vd * u[2], "w2": vd**2 * u[3], "z": z[0], "z1": vd * z[1], "z2": vd**2 * z[2],
              "y": vd * y[0], "y1": vd**2 * y[1], "y2": vd**3 * y[2]}
    return {k: np.array([v], dtype=float) for k, v in values.items()}


def _exponential_shape(y):
    return get_regulator("exponential").shape_derivatives(y)[:2]


# ----------------------------------------------------------------------------- the equations
@pytest.mark.parametrize("n_components", [1, 3])
def test_z_and_y_flows_equal_the_direct_one_loop_two_point_function(n_components):
    # exponential regulator, eta = 0, arbitrary U, Z, Y at rho~ = 0.3 (Y = 0 for N = 1). The oracle's p^2 fit has
    # a truncation error ~ (0.08)^10 and its 2D Gauss quadrature converges to ~1e-12: 1e-9 relative is honest.
    couplings = dict(COUPLINGS)
    if n_components == 1:
        couplings["Y"] = (0.0, 0.0, 0.0)
    vd = litim_volume(3.0)
    quad = momentum_quadrature("exponential", 3.0)
    _, z_loop, y_loop = loop_terms(_locals_in_x(couplings), np.array([RHO / vd]), 0.0, n_components, quad)
    transverse = p2_coefficient(lambda p: two_point_flow(couplings, RHO, n_components, n_components - 1, p,
                                                         _exponential_shape, n_q=120, n_c=16))
    assert z_loop[0] == pytest.approx(transverse, rel=1e-9)
    if n_components > 1:
        radial = p2_coefficient(lambda p: two_point_flow(couplings, RHO, n_components, 0, p, _exponential_shape,
                                                         n_q=120, n_c=16))
        # d_t yh = V_D d_t Y~ and z_L = z + rho~ Y~: the loop of d_t yh is V_D (radial - transverse)/rho~
        assert y_loop[0] == pytest.approx(vd * (radial - transverse) / RHO, rel=1e-9)


def test_potential_flow_is_the_field_derivative_of_the_one_loop_potential():
    # d_t w = d/d rho~ [1/2 int_q d_t R sum_c G_c] with the propagators of the Lagrangian (N = 2, exponential)
    vd, n = litim_volume(3.0), 2
    qn, qw = np.polynomial.legendre.leggauss(160)
    q = 9.0 * (1 + qn) / 2
    weight = qw * 9.0 / 2 * q**2 / (2 * math.pi**2)
    kvec = np.stack([q, 0 * q, 0 * q])

    def potential_loop(h):
        shifted = {name: tuple(sum(c[k + j] * h**j / math.factorial(j) for j in range(len(c) - k))
                               for k in range(len(c))) for name, c in COUPLINGS.items()}
        r, r1 = _exponential_shape(q * q)
        total = 0.0
        for c in range(n):
            g2 = vertex(shifted, RHO + h, (c, c), [kvec, -kvec])
            total = total + 0.5 * np.sum(weight * 2 * (r - q * q * r1) / (g2 + r))
        return total

    h = 1e-3
    derivative = (-potential_loop(2 * h) + 8 * potential_loop(h) - 8 * potential_loop(-h) + potential_loop(-2 * h)) / (
        12 * h)  # error ~ h^4 P^(5) ~ 1e-12
    quad = momentum_quadrature("exponential", 3.0)
    w_loop = loop_terms(_locals_in_x(COUPLINGS), np.array([RHO / vd]), 0.0, n, quad)[0]
    assert w_loop[0] == pytest.approx(derivative, rel=1e-9)


def _softplus_litim(eps, dim=3.0):
    """r = eps log(1 + exp((1 - y)/eps)) -> (1 - y) theta(1 - y), with nodes that resolve y = 1 +- 40 eps."""
    half = dim / 2
    a, b = 1 - 40 * eps, 1 + 40 * eps
    xj, wj = scipy.special.roots_jacobi(30, 0.0, half - 1.0)
    ys, ws = [a * (1 + xj) / 2], [wj * (a / 2) ** half * half]
    for lo, hi, n in ((a, b, 200), (b, 3.0, 40)):
        xl, wl = np.polynomial.legendre.leggauss(n)
        yy = lo + (hi - lo) * (1 + xl) / 2
        ys.append(yy)
        ws.append(wl * (hi - lo) / 2 * half * yy ** (half - 1))
    y, w = np.concatenate(ys), np.concatenate(ws)
    s = (1 - y) / eps
    sig = scipy.special.expit(s)
    return MomentumQuadrature(get_regulator("litim"), dim, y, eps * np.logaddexp(0, s), -sig, sig * (1 - sig) / eps, w)


def test_litim_regulator_is_the_limit_of_smooth_regulators():
    # every integrand is linear in r'' = delta(y - 1) and smooth in t = 1 + r': the kink contributes int_0^1 dt at
    # y = 1. Rounded kinks of width eps converge to it linearly; Richardson's 2 F(eps/2) - F(eps) is O(eps^2).
    loc = {k: np.array([v]) for k, v in dict(w=-0.1, w1=0.5, w2=-0.3, z=1.2, z1=0.4, z2=-0.2, y=0.3, y1=-0.2,
                                                y2=0.1).items()}
    x, eta = np.array([0.7]), 0.05
    exact = np.concatenate(loop_terms(loc, x, eta, 3, momentum_quadrature("litim", 3.0)))
    coarse, fine = (np.concatenate(loop_terms(loc, x, eta, 3, _softplus_litim(e))) for e in (4e-3, 2e-3))
    assert np.max(np.abs(fine - exact)) < 0.01 * np.max(np.abs(exact))  # O(eps) already small
    np.testing.assert_allclose(2 * fine - coarse, exact, rtol=0, atol=2e-5 * np.max(np.abs(exact)))


def test_frozen_z_reduces_the_d2_potential_equation_to_the_lpa():
    rng = np.random.default_rng(3)
    loc = {k: rng.uniform(-0.3, 0.3, 5) for k in LOCALS}
    loc["z"], loc["z1"], loc["z2"] = np.ones(5), np.zeros(5), np.zeros(5)
    loc["y"], loc["y1"], loc["y2"] = np.zeros(5), np.zeros(5), np.zeros(5)
    x = rng.uniform(0, 3, 5)
    for reg in ("litim", "exponential"):
        quad = momentum_quadrature(reg, 3.0)
        d2 = field_equations(loc, x, 0.0, 3, 3.0, quad, order="d2")
        lpa = field_equations(loc, x, 0.0, 3, 3.0, quad, order="lpa")
        np.testing.assert_allclose(d2[0], lpa[0], rtol=1e-14)
        # with z = 1 and y = 0 the transverse p^2 coefficient has no tadpole; z-row = loop only
        assert np.all(np.isfinite(d2[1])) and np.all(np.isfinite(d2[2]))


def test_exponential_quadrature_against_adaptive_integration():
    from scipy.integrate import quad as adaptive

    reg = get_regulator("exponential")
    for dim in (2.2, 3.0, 3.9):
        q = momentum_quadrature(reg, dim)
        g = 1.0 / (1.1 * q.y + q.r - 0.3)
        got = q.average(q.rdot0 * q.y**2 * g**3)

        def f(y):
            r, r1, _ = reg.shape_derivatives(y)
            return dim / 2 * y ** (dim / 2 - 1) * 2 * (r - y * r1) * y**2 / (1.1 * y + r - 0.3) ** 3

        assert got == pytest.approx(adaptive(f, 0, np.inf, epsabs=0, epsrel=1e-13, limit=400)[0], rel=1e-12)


# ----------------------------------------------------------------------------- lower orders and closed forms
def test_lpa_order_reproduces_the_functional_lpa():
    fp = derivative_expansion_fixed_point(3.0, 1, order="lpa", check=False)
    assert fp.eta == 0.0 and fp.success
    assert fp.nu == pytest.approx(0.649561773880, abs=2e-12)  # Litim hep-th/0203006; docs/functional_lpa.md
    assert fp.omega == pytest.approx(0.655745939, abs=1e-9)
    lpa3 = functional_fixed_point(3.0, 3)
    fp3 = derivative_expansion_fixed_point(3.0, 3, order="lpa", check=False)
    assert fp3.nu == pytest.approx(lpa3.nu, abs=1e-11) and fp3.omega == pytest.approx(lpa3.omega, abs=1e-9)


@pytest.mark.parametrize("regulator", ["litim", "exponential"])
def test_lpa_against_the_expansion_around_the_minimum(regulator):
    # an independent path (tests/_minimum_expansion.py: power series at the running minimum, no grid, no boundary
    # condition). It converges geometrically with the order, so its error at order 20 is below its change from
    # order 16 (<= 2e-8 in nu, 6e-7 in omega here): the collocation values must agree within that change.
    # Exponential regulator, N = 1, D = 3: nu = 0.6588930557 (agreement 2e-10), Litim: 0.6495617739 (9e-10).
    fp = derivative_expansion_fixed_point(3.0, 1, regulator=regulator, order="lpa", resolution=64, check=False)
    grid, x0 = fp.grid, fp.r0 / litim_volume(3.0)
    start, f = [x0], fp.w
    for _ in range(20):
        f = grid.d1 @ f
        start.append(float(grid.interpolate(f, x0)))
    results = {}
    for order in (16, 20):
        x0_m, _, theta = minimum_expansion_exponents(3.0, 1, regulator, order, np.array(start))
        re = np.real(theta)
        results[order] = (x0_m, 1 / re[re > 0].max(), -re[re < 0].max())
    x0_m, nu, omega = results[20]
    change_nu, change_omega = abs(results[16][1] - nu), abs(results[16][2] - omega)
    assert change_nu < 3e-8 and change_omega < 1e-6
    assert x0_m == pytest.approx(x0, abs=1e-8)
    assert abs(nu - fp.nu) < change_nu and abs(omega - fp.omega) < change_omega


@pytest.mark.parametrize("n_components", [1, 3])
def test_lpa_prime_eta_is_the_closed_form_of_the_litim_regulator(n_components):
    # N > 1: eta from the Goldstone two-point function, eta = (16 v_D/D) kappa lambda^2/(1 + 2 kappa lambda)^2;
    # in x = rho~/V_D and w' = V_D lambda this is 4 x0 w'^2/(1 + 2 x0 w')^2 (the kink alone contributes).
    # N = 1: the radial bubble, eta = 2 x0 (3 w' + 2 x0 w'')^2/(1 + 2 x0 w')^4 (docs/theory/derivative_expansion.md)
    fp = derivative_expansion_fixed_point(3.0, n_components, order="lpa_prime", check=False)
    x0 = fp.r0 / litim_volume(3.0)
    grid = fp.grid
    w1, w2 = (float(grid.interpolate(mat @ fp.w, x0)) for mat in (grid.d1, grid.d2))
    assert float(grid.interpolate(fp.w, x0)) == pytest.approx(0.0, abs=1e-11)
    closed = (4 * x0 * w1**2 / (1 + 2 * x0 * w1) ** 2 if n_components > 1
              else 2 * x0 * (3 * w1 + 2 * x0 * w2) ** 2 / (1 + 2 * x0 * w1) ** 4)
    assert fp.eta == pytest.approx(closed, rel=1e-10)
    assert np.all(fp.z == 1.0) and np.all(fp.y == 0.0)


def test_d2_at_n_equal_one_is_converged_in_resolution_and_domain():
    fp = derivative_expansion_fixed_point(3.0, 1)
    assert fp.success and not fp.flags
    for key in ("resolution_change", "domain_change"):
        assert max(fp.diagnostics[key].values()) < 1e-7
    # order d^2 moves nu below the LPA value and gives eta of a few per cent (Litim, z = 1 at the minimum)
    assert 0.62 < fp.nu < 0.63 and 0.045 < fp.eta < 0.055 and fp.n_relevant == 1
    assert float(fp.functions(fp.r0)["z"]) == pytest.approx(1.0, abs=1e-11)


def test_normalisation_at_the_origin_sets_z_there():
    fp = derivative_expansion_fixed_point(3.0, 2, normalisation="origin", check=False)
    assert fp.z[0] == pytest.approx(1.0, abs=1e-12) and fp.success
    other = derivative_expansion_fixed_point(3.0, 2, check=False)
    # the two normalisations are two approximations of one theory: close, not equal
    assert abs(fp.nu - other.nu) < 1e-3 and abs(fp.eta - other.eta) < 1e-3 and fp.eta != other.eta


# ----------------------------------------------------------------------------- limits
@pytest.mark.parametrize(("n_components", "regulator"), [(1, "litim"), (3, "litim"), (1, "exponential")])
def test_approach_to_four_dimensions(n_components, regulator):
    # nu = 1/2 + (N + 2) eps/(4 (N + 8)), omega = eps, and at order d^2 eta = 3 (N + 2) eps^2/(4 (N + 8)^2) (derived
    # in docs/theory/derivative_expansion.md; 3/2 of the exact two-loop coefficient), each + O(eps) relative.
    # Richardson's 2 f(eps/2) - f(eps) removes the O(eps) term; the O(eps^2) rest is below 1e-3 relative here.
    n = n_components
    nus, etas, omegas = [], [], []
    for eps in (0.02, 0.01):
        fp = derivative_expansion_fixed_point(4.0 - eps, n, regulator=regulator, check=False)
        nus.append((fp.nu - 0.5) / eps)
        etas.append(fp.eta / eps**2)
        omegas.append(fp.omega / eps)
    assert 2 * nus[1] - nus[0] == pytest.approx((n + 2) / (4 * (n + 8)), rel=1e-3)
    assert 2 * omegas[1] - omegas[0] == pytest.approx(1.0, rel=1e-3)
    assert 2 * etas[1] - etas[0] == pytest.approx(3 * (n + 2) / (4 * (n + 8) ** 2), rel=1e-3)


@pytest.mark.slow
def test_eta_vanishes_like_one_over_n():
    etas = {n: derivative_expansion_fixed_point(3.0, n, check=False).eta for n in (100, 300, 1000)}
    products = [n * eta for n, eta in etas.items()]
    assert max(products) / min(products) < 1.01  # eta = c/N + O(1/N^2): N eta settles
    assert etas[1000] < 4e-4


# ----------------------------------------------------------------------------- API, errors
@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(dim=4.0), r"\(2, 4\)"),
    (dict(dim=2.0), r"\(2, 4\)"),
    (dict(n_components=0.5), "n_components"),
    (dict(regulator="sharp"), "litim"),
    (dict(order="d4"), "order"),
    (dict(normalisation="middle"), "normalisation"),
    (dict(order="lpa_prime", normalisation="origin"), "minimum"),
    (dict(resolution=8), "resolution"),
])
def test_bad_arguments_are_refused(kwargs, match):
    args = dict(dim=3.0, n_components=1) | kwargs
    with pytest.raises(InvalidArgumentError, match=match):
        derivative_expansion_fixed_point(args.pop("dim"), args.pop("n_components"), **args)


def test_result_is_json_ready_and_readable():
    from tensornn._json import dumps_json

    fp = derivative_expansion_fixed_point(3.0, 2, regulator="exponential", check=False)
    record = json.loads(dumps_json(fp.to_dict()))
    assert record["order"] == "d2" and record["regulator"] == "exponential" and record["status"] in STATUSES
    assert record["eta"] == pytest.approx(fp.eta) and len(record["y"]) == fp.resolution + 1
    assert "eta=" in repr(fp) and "exponential" in repr(fp)
    assert set(fp.eigenfunction(0, [0.0, fp.r0])) == {"w", "z", "y"}


def test_engine_refuses_an_lpa_prime_it_cannot_compute():
    from tensornn.flow import derive_flow
    from tensornn.theory import ContinuumColour, FlatColour, Theory, scalar_truncation, vector_truncation

    for theory in (Theory((ContinuumColour(3),), "real", scalar_truncation(2)),
                   Theory((FlatColour(3), ContinuumColour(3)), "real", vector_truncation(2))):
        with pytest.raises(InvalidArgumentError, match="anomalous_dimension.*derivative_expansion_fixed_point"):
            derive_flow(theory, anomalous_dimension=True)
        assert derive_flow(theory).names  # the LPA is unchanged


def test_a_failed_search_is_a_result_with_its_reason(monkeypatch):
    from tensornn._json import dumps_json
    from tensornn.flow import derivative_expansion_solve

    monkeypatch.setattr(derivative_expansion_solve, "functional_fixed_point", lambda *args, **kwargs: None)
    fp = derivative_expansion_fixed_point(3.0, 2)
    assert fp.status == "failed" and not fp.success and "functional LPA" in fp.message
    assert math.isnan(fp.eta) and math.isnan(fp.nu) and "failed" in repr(fp)
    assert json.loads(dumps_json(fp.to_dict()))["status"] == "failed"

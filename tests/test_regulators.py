"""The regulator registry and smooth-regulator threshold sums against direct sums, quadrature and Poisson summation."""

from math import gamma

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.errors import InvalidArgumentError
from tensornn.flow import derive_flow
from tensornn.flow.thresholds import ModeCount
from tensornn.theory import (
    REGULATORS,
    ContinuumColour,
    LatticeColour,
    Theory,
    get_regulator,
    melonic_truncation,
    scalar_truncation,
)


def strands(d, s, kind="continuum"):
    if kind == "continuum":
        return tuple(ContinuumColour(1, power=s, density=1.0, role="pairing") for _ in range(d))
    return tuple(LatticeColour(1, power=s, role="pairing") for _ in range(d))


def test_registry_lookup_lists_the_valid_names():
    assert set(REGULATORS) == {"litim", "exponential"}
    assert get_regulator("exponential") is REGULATORS["exponential"]
    with pytest.raises(InvalidArgumentError, match="'litim', 'exponential'"):
        get_regulator("sharp")
    with pytest.raises(InvalidArgumentError, match="valid names"):
        Theory((ContinuumColour(3),), "real", scalar_truncation(2), "power-law")
    # a Regulator object of the registry is accepted and stored by name
    theory = Theory((ContinuumColour(3),), "real", scalar_truncation(2), REGULATORS["exponential"])
    assert theory.regulator == "exponential" and theory.regulator_object.counting is False


def test_exponential_shape_and_its_derivatives():
    reg = get_regulator("exponential")
    u = np.array([1e-6, 0.01, 0.049, 0.051, 0.3, 1.0, 5.0, 30.0, 700.0])
    r, r1, r2 = reg.shape_derivatives(u)
    exact = u / np.expm1(u)
    np.testing.assert_allclose(r, exact, rtol=1e-13)
    # derivatives against central differences of the closed form (step 1e-4: truncation error ~1e-9)
    h = 1e-4
    mid = u[(u > 2 * h) & (u < 100)]
    f = lambda v: v / np.expm1(v)  # noqa: E731
    _, d1, d2 = reg.shape_derivatives(mid)
    np.testing.assert_allclose(d1, (f(mid + h) - f(mid - h)) / (2 * h), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(d2, (f(mid + h) - 2 * f(mid) + f(mid - h)) / h**2, rtol=1e-5, atol=1e-9)
    assert np.all(np.isfinite(r2))
    # the propagator shape u + r(u) is >= 1 (equal at u = 0): the threshold pole is m/k^s = -1 as for Litim
    assert np.all(u + r >= 1.0)


@pytest.mark.parametrize("d, s", [(3, 1.0), (3, 2.0), (5, 2.0)])
def test_continuum_quadrature_against_adaptive_integration(d, s):
    reg = get_regulator("exponential")
    count = ModeCount(strands(d, s), range(d - 1))
    p, B = count.exponent, count.prefactor
    x, n = 1.7, 3
    w = np.array([-0.9, -0.4, 0.0, 2.0])
    got = np.array(count.regulated_sums(reg, x, w, n, s))
    for j, wj in enumerate(w):
        for part in range(4):
            f = lambda v: v ** (p - 1) * float(reg.kernels(np.array([v]), np.array([wj]), n, s)[part][0])  # noqa: E731
            ref = B * p * x**p * (quad(f, 0, 1, limit=200, epsrel=1e-13, epsabs=0)[0]
                                  + quad(f, 1, np.inf, limit=200, epsrel=1e-13, epsabs=0)[0])
            # 64 + 64 Gauss nodes: 1e-11 relative down to m/k^s = -0.9 (the summand peaks near u = 0 there)
            assert got[part, j] == pytest.approx(ref, rel=1e-11)


def test_lattice_sums_equal_the_continuum_integrals_for_a_smooth_regulator():
    # Poisson summation: sum over p in Z of a smooth f(p^2/k^2) equals its integral up to exp(-pi^2 k^2)-small
    # terms, so at k = 6 the exponential regulator's exact lattice flow equals the continuum one to rounding
    d, s = 3, 2.0
    flows = [derive_flow(Theory(strands(d, s, kind), "complex", melonic_truncation(d, 2), "exponential"),
                         projection="melonic", anomalous_dimension=True) for kind in ("lattice", "continuum")]
    g = np.array([0.3, 0.02, 0.03, 0.025])
    t = np.log(6.0)
    np.testing.assert_allclose(flows[0].beta_dimensionful(t, g), flows[1].beta_dimensionful(t, g), rtol=1e-11)
    assert flows[0].eta(g * 6.0 ** -flows[0].dimensions, t) == pytest.approx(
        float(flows[1].eta(g * 6.0 ** -flows[1].dimensions, t)), rel=1e-11)


def test_smooth_lpa_prime_eta_is_the_strand_derivative_of_the_tadpole():
    # eta = -d_t ln Z with d_t Z = sum_c (-2 g)(1/3) dL_2/de: check dL/de against a finite difference of the
    # direct lattice sum with the external strand shifted by e (exponential regulator, eta in d_t R)
    d, s = 3, 2.0
    reg = get_regulator("exponential")
    flow = derive_flow(Theory(strands(d, s, "lattice"), "complex", melonic_truncation(d, 2), "exponential"),
                       projection="melonic", anomalous_dimension=True)
    k, mu, g4 = 2.5, 0.4, 0.01
    x = k**s
    p = np.arange(-40, 41, dtype=float)
    E = np.add.outer(np.abs(p) ** s, np.abs(p) ** s).ravel()

    def tadpole(e, eta):
        u = (E + e) / x
        r, r1, _ = reg.shape_derivatives(u)
        return np.sum(x * (s * (r - u * r1) - eta * r) / (x * (u + r) + mu) ** 2)

    h = 1e-4
    dL = [(tadpole(h, eta) - tadpole(-h, eta)) / (2 * h) for eta in (0.0, 1.0)]  # linear in eta
    a, b = -2 * g4 * dL[0], -2 * g4 * (dL[1] - dL[0])  # d_t Z = a + b eta (one tadpole's worth after averaging)
    expected = -a / (1 + b)
    g = np.array([mu / x, g4, g4, g4])  # dimensionless at this k: [mass] = 2, [g4] = 2s - (d - 1) = 2
    g[1:] = g4 / k**2
    assert float(flow.eta(g, np.log(k))) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize("kind", ["lattice", "continuum"])
def test_regulator_eta_omit_drops_the_eta_part_of_d_t_r(kind):
    d, s = 3, 2.0
    reg = "litim" if kind == "continuum" else "exponential"
    theory = Theory(strands(d, s, kind), "complex", melonic_truncation(d, 2), reg)
    include, omit = (derive_flow(theory, projection="melonic", anomalous_dimension=True, regulator_eta=r)
                     for r in ("include", "omit"))
    lpa = derive_flow(theory, projection="melonic")
    g = np.array([0.1, 0.004, 0.004, 0.004])
    t = 0.4
    eta_o = float(omit.eta(g, t))
    # omit: the loops are those of the LPA and eta only adds the (n/2) eta g term
    expected = lpa.beta(g, t) + omit.n_legs / 2 * eta_o * g
    np.testing.assert_allclose(omit.beta(g, t), expected, rtol=1e-12)
    assert omit.validity(g, t)[1] == 1.0  # no pole of eta
    assert float(include.eta(g, t)) != pytest.approx(eta_o, rel=1e-3)
    assert include.conventions["regulator_eta"] == "include" and omit.conventions["regulator_eta"] == "omit"


def test_exponential_continuum_flow_of_the_scalar_field_matches_direct_integration():
    # d_t g2 = -6 g4 L_2 with L_2 = int d^3p/(2 pi)^3 d_t R G^2 for R = p^2/(exp(p^2/k^2) - 1)
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2), "exponential"))
    k, g = 1.4, np.array([0.05, 0.1])
    m = 2 * g[0]

    def integrand(q):
        E = q * q
        u = E / k**2
        R = E * np.exp(-u) / -np.expm1(-u)
        dR = 2 * k**2 * u**2 * np.exp(-u) / np.expm1(-u) ** 2
        return 4 * np.pi * q * q / (2 * np.pi) ** 3 * dR / (E + R + m) ** 2

    L2 = quad(integrand, 0, 12 * k, limit=400, epsrel=1e-13)[0]  # the integrand is below e^-140 beyond 12 k
    assert flow.beta_dimensionful(np.log(k), g)[0] == pytest.approx(-6 * g[1] * L2, rel=1e-11)
    assert flow.autonomous  # continuum colours: the dimensionless flow has fixed points with any regulator


def test_B_constant_of_the_closed_forms():
    # Litim power-law closed forms use N_S = B x^p with B = (2 Gamma(1 + 1/s))^(d-1)/Gamma(1 + (d-1)/s)
    for d, s in [(3, 1.0), (5, 2.0)]:
        count = ModeCount(strands(d, s), range(d - 1))
        assert count.prefactor == pytest.approx((2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s), rel=1e-14)

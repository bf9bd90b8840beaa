"""Kinetic functions, the spectrally adjusted Litim regulator in the engine, and the passive flow's kinetic option."""

import math

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.flow import run_flow
from tensornn.flow.kinetic import KINETIC_FUNCTIONS, KineticFlow, kinetic_function
from tensornn.flow.potential import litim_volume
from tensornn.networks.kernels import gauss_fourier
from tensornn.rg.passive import passive_flow, scalar_flow

_FACTORIALS = np.array([2.0, 24.0, 720.0])


# ----------------------------------------------------------------------------- the registry
def test_registry_lookup_and_errors():
    assert set(KINETIC_FUNCTIONS) == {"p2", "gauss"}
    with pytest.raises(InvalidArgumentError, match="'p2', 'gauss'"):
        kinetic_function("exp")
    with pytest.raises(InvalidArgumentError, match="needs its mass"):
        kinetic_function("gauss")
    with pytest.raises(InvalidArgumentError, match="has no mass"):
        kinetic_function("p2", mass=1.0)
    with pytest.raises(InvalidTypeError, match="pair of callables"):
        kinetic_function(3)
    with pytest.raises(InvalidArgumentError, match="increasing"):
        kinetic_function((lambda k: -k, lambda k: -1.0 + 0 * k)).check_increasing([1.0])


def test_gauss_kinetic_function_values():
    m = 1.7
    g = kinetic_function("gauss", mass=m)
    k = np.array([1e-5, 0.3, 1.0, 4.0])
    p_kin = m**2 * np.expm1(k**2 / m**2)
    np.testing.assert_allclose(g.window(k), p_kin, rtol=1e-14)
    np.testing.assert_allclose(g.log_derivative(k), k * 2 * k * np.exp(k**2 / m**2) / p_kin, rtol=1e-12)
    a, b = g.dimensionless(k)  # 1/p and q/p^2 with p = P_kin/k^2, q = k P_kin'/(2 k^2) = exp(k^2/m^2)
    np.testing.assert_allclose(a, k**2 / p_kin, rtol=1e-10)
    np.testing.assert_allclose(b, np.exp(k**2 / m**2) * (k**2 / p_kin) ** 2, rtol=1e-10)
    # far above m the loops vanish: every number stays finite
    huge = np.array([100.0, 1e4]) * m
    assert np.all(np.isfinite(g.window(huge))) and np.all(np.isfinite(g.log_derivative(huge)))
    assert np.all(np.array(g.dimensionless(huge)) == 0.0)


# ----------------------------------------------------------------------------- the engine hook
def test_p2_kinetic_flow_is_the_engine_flow():
    flow = scalar_flow(3)
    g = np.array([[0.3, -0.1], [-0.05, 0.2], [0.01, 0.0]])
    for t in (-2.0, 0.0, 0.8):
        assert np.array_equal(KineticFlow(flow, "p2").beta_dimensionful(t, g), flow.beta_dimensionful(t, g))
        custom = KineticFlow(flow, (lambda k: k**2, lambda k: 2 * k))
        np.testing.assert_allclose(custom.beta_dimensionful(t, g), flow.beta_dimensionful(t, g), rtol=1e-13)


def test_gauss_first_beta_function_by_hand():
    # d_t U = (1/2) V_D k^D k P'(k) / (P(k) + U''), so d_t u2 = -(1/2) V_D k^(D+1) P'(k) u4 / (P(k) + u2)^2 with
    # P' = 2 k exp(k^2/m^2): at D = 3, k = 0.7, m = 1.3, u2 = 0.6, u4 = -1.2
    d, k, m, u2, u4, u6 = 3, 0.7, 1.3, 0.6, -1.2, 0.5
    flow = KineticFlow(scalar_flow(d), "gauss", mass=m)
    beta = flow.beta_dimensionful(math.log(k), np.array([u2, u4, u6]) / _FACTORIALS) * _FACTORIALS
    p_kin = m**2 * math.expm1(k**2 / m**2)
    by_hand = -0.5 * litim_volume(d) * k ** (d + 1) * 2 * k * math.exp(k**2 / m**2) * u4 / (p_kin + u2) ** 2
    assert beta[0] == pytest.approx(by_hand, rel=1e-13)
    # and the quartic one: d_t u4 = (1/2) V_D k^(D+1) P' [6 u4^2/(P + u2)^3 - u6/(P + u2)^2]
    by_hand4 = 0.5 * litim_volume(d) * k ** (d + 1) * 2 * k * math.exp(k**2 / m**2) * (
        6 * u4**2 / (p_kin + u2) ** 3 - u6 / (p_kin + u2) ** 2)
    assert beta[1] == pytest.approx(by_hand4, rel=1e-13)


def test_kinetic_flow_is_not_autonomous_and_checks_its_theory():
    flow = KineticFlow(scalar_flow(3), "gauss", mass=1.0)
    assert not flow.autonomous and KineticFlow(scalar_flow(3), "p2").autonomous
    with pytest.raises(InvalidArgumentError, match="not autonomous"):
        flow.beta(np.array([0.1, 0.1, 0.0]))
    # dimensionless flow = rescaled dimensionful flow at k = e^t
    g = np.array([0.1, -0.2, 0.05])
    t = -0.4
    dims = scalar_flow(3).dimensions
    expected = flow.beta_dimensionful(t, g * np.exp(t * dims)) / np.exp(t * dims) - dims * g
    np.testing.assert_allclose(flow.beta(g, t), expected, rtol=1e-14)
    with pytest.raises(InvalidTypeError, match="DerivedFlow"):
        KineticFlow(object(), "p2")


# ----------------------------------------------------------------------------- the passive flow
def _old_passive(d_in, sigma_w0, u4_ir, u6_ir, k_uv_ratio):
    """The passive flow as computed before the kinetic option: the engine's flow in units of m0."""
    mass2 = gauss_fourier(sigma_w0, d_in).mass2
    m0 = math.sqrt(mass2)
    flow = scalar_flow(d_in)
    unit = m0**flow.dimensions
    u_ir = np.array([mass2, u4_ir, u6_ir])
    res = run_flow(flow, u_ir / _FACTORIALS / unit, k_start=1e-3, k_stop=k_uv_ratio, n_points=400, rtol=1e-9,
                   atol=1e-12)
    return res.k * m0, res.couplings * (_FACTORIALS * unit)[:, None]


@pytest.mark.parametrize("d_in, sigma_w0, u4_ir, u6_ir, k_uv_ratio", [(3, 1.0, -20.0, 5.0, 100.0),
                                                                     (1, 0.8, -2.0, 0.0, 30.0)])
def test_p2_reproduces_the_previous_numbers_exactly(d_in, sigma_w0, u4_ir, u6_ir, k_uv_ratio):
    flow = passive_flow(d_in, sigma_w0, u4_ir, u6_ir=u6_ir, k_uv_ratio=k_uv_ratio, kinetic="p2")
    k, u = _old_passive(d_in, sigma_w0, u4_ir, u6_ir, k_uv_ratio)
    assert flow.kinetic == "p2" and flow.status == "completed"
    # the same equations and integrator as before the kinetic option; the IR -> flow path now divides by the
    # factorials and the mass unit in another order, so the numbers agree to round-off, not bitwise
    np.testing.assert_allclose(flow.k, k, rtol=1e-14)
    np.testing.assert_allclose(np.array([flow.u2, flow.u4, flow.u6]), u, rtol=1e-10, atol=0)


@pytest.mark.parametrize("d_in", [1, 2])
def test_exact_kinetic_passive_flow_reduces_to_p2_as_k_over_m_vanishes(d_in):
    # P_kin = p^2 (1 + p^2/(2 m^2) + ...) and k P_kin' = 2 k^2 (1 + k^2/m^2 + ...): the loop integrand gains a factor
    # 1 + k^2/m^2, so the running of u2 from k_IR to k differs by the factor 1 + (D + 2)/(D + 4) k^2/m^2 + O(k^4/m^4).
    # Measured (examples/kinetic_passive_flow.py): the ratio approaches (D + 2)/(D + 4) to 0.5 % at k/m = 0.03.
    expected = (d_in + 2) / (d_in + 4)
    for ratio, tol in ((0.03, 0.01), (0.1, 0.02)):
        a = passive_flow(d_in, 1.0, -1.0, k_uv_ratio=ratio, kinetic="p2", rtol=1e-12, atol=1e-15)
        b = passive_flow(d_in, 1.0, -1.0, k_uv_ratio=ratio, kinetic="gauss", rtol=1e-12, atol=1e-15)
        relative = (b.u2[-1] - b.u2[0]) / (a.u2[-1] - a.u2[0]) - 1
        assert relative / ratio**2 == pytest.approx(expected, rel=tol)
    assert b.kinetic == "gauss" and "kinetic" in b.to_dict()


def test_gauss_kinetic_is_the_default_and_freezes_the_flow_above_m():
    default = passive_flow(3, 1.0, -5.0)
    assert default.kinetic == "gauss" and default.status == "completed"
    # the loops die like exp(-k^2/m^2) above m0: u2 stops moving, while with p^2 it keeps running
    top = default.k > 5 * default.k_ir / 1e-3
    assert np.ptp(default.u2[top]) < 1e-9 * abs(default.u2[-1])
    p2 = passive_flow(3, 1.0, -5.0, kinetic="p2")
    assert np.ptp(p2.u2[top]) > 1e-3 * abs(p2.u2[-1])
    with pytest.raises(InvalidArgumentError, match="'gauss', 'p2'"):
        passive_flow(3, 1.0, -5.0, kinetic="exp")


def test_gauss_pole_is_a_status():
    pole = passive_flow(1, 1.0, 0.0, u2_ir=-2.0 * (1e-3 * math.sqrt(2.0)) ** 2)  # 1 + u2/P_kin(k_IR) ~ -1
    assert pole.status == "pole" and pole.violated.startswith("1 + m/P_kin(k)")

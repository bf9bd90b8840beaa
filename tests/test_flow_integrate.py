"""run_flow on hand-written systems: exact solutions, poles, blow-ups, upward flows, statuses."""

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.flow.integrate import METHODS, run_flow

from _handwritten_flows import NonAutonomous, ScalarPhi6, TensorMelonic


class Power:
    """d g / dt = a g^p (dimensionless = dimensionful), validity g_max - g."""

    autonomous = True
    names = ("g",)

    def __init__(self, a=1.0, p=1, g_max=np.inf):
        self.a, self.p, self.g_max = a, p, g_max

    def beta(self, g, t=None):
        return self.a * np.asarray(g) ** self.p

    beta_dimensionful = lambda self, t, g: self.beta(g)  # noqa: E731

    def eta(self, g, t=None):
        return np.zeros(np.shape(g)[1:])

    def validity(self, g, t=None):
        return (self.g_max - np.asarray(g)[0])[None, ...]


@pytest.mark.parametrize("method", METHODS)
def test_linear_flow_exact_downward_and_upward(method):
    # g(t) = g0 exp(a (t - t0)); downward from k = 1 to 1e-2 and upward from 1e-3 to 1.
    down = run_flow(Power(a=-1.0), [2.0], k_start=1.0, k_stop=1e-2, dimensionless=True, method=method)
    assert down.status == "completed" and down.success
    assert np.isclose(down.couplings[0, -1], 2.0 * 100.0, rtol=1e-6)
    assert np.allclose(down.couplings[0], 2.0 / down.k, rtol=1e-6)
    up = run_flow(Power(a=1.0), [1.0], k_start=1e-3, k_stop=1.0, method=method)
    assert up.status == "completed" and up.k_stop_reached == pytest.approx(1.0)
    assert np.isclose(up.couplings[0, -1], 1000.0, rtol=1e-6)
    assert np.all(np.diff(up.t) > 0) and np.all(np.diff(down.t) < 0)


def test_blowup_is_diverged_at_the_right_scale():
    # dg/dt = g^2, g(0) = 1: g = 1 / (1 - t) blows up at t = 1; the bound 1e6 is met at t = 1 - 1e-6.
    res = run_flow(Power(a=1.0, p=2), [1.0], k_start=1.0, k_stop=np.exp(2.0), blowup=1e6)
    assert res.status == "diverged" and not res.success
    assert np.isclose(res.t[-1], 1 - 1e-6, atol=1e-6)
    assert "blow-up" in res.message


def test_stall_after_a_large_growth_is_a_blow_up_not_a_failure():
    # dg/dt = g^3: g = 1/sqrt(1 - 2t) blows up at t = 1/2; with an unreachable bound the step-size control stalls
    # first, after the couplings grew by far more than 1e3: that is a blow-up ("diverged"), not "failed"
    res = run_flow(Power(a=1.0, p=3), [1.0], k_start=1.0, k_stop=np.exp(1.0), blowup=1e300)
    assert res.status == "diverged", res
    assert res.t[-1] == pytest.approx(0.5, abs=1e-3)


def test_validity_crossing_is_pole_with_component_name():
    # dg/dt = g, g(0) = 1, validity 3 - g: crosses at t = ln 3.
    res = run_flow(Power(a=1.0, g_max=3.0), [1.0], k_start=1.0, k_stop=10.0, dimensionless=True)
    assert res.status == "pole" and res.violated == "validity[0]"
    assert np.isclose(res.k_stop_reached, 3.0, rtol=1e-6)
    assert np.isclose(res.couplings[0, -1], 3.0, rtol=1e-6)


def test_start_outside_validity():
    res = run_flow(Power(a=1.0, g_max=0.5), [1.0], k_start=1.0, k_stop=10.0, dimensionless=True)
    assert res.status == "pole" and "initial couplings" in res.message and len(res.t) == 1


def test_scalar_broken_phase_hits_threshold_pole():
    # D = 3 phi^4 started with a negative mass: as k falls, 1 + u2/k^2 -> 0 (the threshold pole).
    system = ScalarPhi6(3.0, phi6=False)
    res = run_flow(system, [-0.5, 0.2], k_start=1.0, k_stop=1e-3)
    assert res.status == "pole" and res.violated == "1 + u2"
    assert 1e-3 < res.k_stop_reached < 1.0
    u2_tilde = res.couplings[0, -1] / res.k_stop_reached**2
    assert abs(1 + u2_tilde) < 1e-6
    # the same flow in dimensionless couplings stops at the same scale
    dimless = run_flow(system, [-0.5, 0.2], k_start=1.0, k_stop=1e-3, dimensionless=True)
    assert dimless.status == "pole"
    assert np.isclose(dimless.k_stop_reached, res.k_stop_reached, rtol=1e-5)


def test_scalar_symmetric_phase_completes_and_matches_dimensionless():
    system = ScalarPhi6(3.0)
    g0 = np.array([0.3, 0.5, 0.1])
    full = run_flow(system, g0, k_start=1.0, k_stop=0.05, rtol=1e-10, atol=1e-12)
    dimless = run_flow(system, g0, k_start=1.0, k_stop=0.05, dimensionless=True, rtol=1e-10, atol=1e-12)
    assert full.status == dimless.status == "completed"
    converted = system.to_dimensionless(full.t[-1], full.couplings[:, -1])
    assert np.allclose(converted, dimless.couplings[:, -1], rtol=1e-7)


def test_methods_agree_on_completed_flow_and_on_pole_scale():
    system = TensorMelonic(d=3, s=1.5)
    kw = dict(k_start=1.0, k_stop=0.1, dimensionless=True, rtol=1e-10, atol=1e-12)
    ref = run_flow(system, [0.2, 0.01], **kw)
    # with [lam] = 2s - (d - 1) the quartic blows up as 1 + mu -> 0; start close enough that the pole is met cleanly
    ref_pole = run_flow(system, [-0.5, -0.01], **kw)
    assert ref.status == "completed" and ref_pole.status == "pole" and ref_pole.violated == "1 + mu"
    for method in ("Radau", "BDF", "DOP853"):
        res = run_flow(system, [0.2, 0.01], method=method, **kw)
        assert res.status == "completed"
        assert np.allclose(res.couplings[:, -1], ref.couplings[:, -1], rtol=1e-6)
        pole = run_flow(system, [-0.5, -0.01], method=method, **kw)
        assert pole.status == "pole"
        assert np.isclose(pole.k_stop_reached, ref_pole.k_stop_reached, rtol=1e-4)


def test_non_finite_beta_is_diverged_not_an_exception():
    class Nan(Power):
        def beta(self, g, t=None):
            return np.full(np.shape(g), np.nan)

    res = run_flow(Nan(), [1.0], k_start=1.0, k_stop=0.5, dimensionless=True)
    assert res.status == "diverged"


def test_non_autonomous_flow_integrates():
    # dg/dt = -2 g + e^{-t}: g = e^{-t} + C e^{-2t}; from g(0) = 1, C = 0.
    res = run_flow(NonAutonomous(), [1.0], k_start=1.0, k_stop=np.exp(1.5), dimensionless=True)
    assert res.status == "completed"
    assert np.allclose(res.couplings[0], np.exp(-res.t), rtol=1e-6)


def test_repr_and_bad_arguments():
    res = run_flow(Power(a=-1.0), [1.0], k_start=1.0, k_stop=0.5)
    assert "status='completed'" in repr(res) and "g=" in repr(res)
    with pytest.raises(InvalidArgumentError, match="valid choices"):
        run_flow(Power(), [1.0], k_start=1.0, k_stop=0.5, method="Euler")
    with pytest.raises(InvalidArgumentError, match="differ"):
        run_flow(Power(), [1.0], k_start=1.0, k_stop=1.0)
    with pytest.raises(InvalidArgumentError, match="shape"):
        run_flow(Power(), [1.0, 2.0], k_start=1.0, k_stop=0.5)
    with pytest.raises(InvalidArgumentError, match="> 0"):
        run_flow(Power(), [1.0], k_start=0.0, k_stop=0.5)
    with pytest.raises(TypeError):
        run_flow(Power(), [1.0], k_start=1.0, k_stop=0.5, tolerance=1e-3)

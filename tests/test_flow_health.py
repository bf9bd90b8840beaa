"""Health checks of fixed points, exponent tables and flows flag the untrustworthy cases."""

import dataclasses

import numpy as np
import pytest

from tensornn.errors import InvalidTypeError
from tensornn.flow import (
    exponent_convergence,
    fixed_point_health,
    flow_health,
    potential_convergence,
    potential_fixed_point,
    refine_fixed_point,
    run_flow,
)


class Diagonal:
    """beta_i = -a_i g_i + g_i^2: fixed points at 0 and a_i; stability matrix diag(a_i) at g = a."""

    autonomous = True

    def __init__(self, a):
        self.a = np.asarray(a, dtype=float)
        self.names = tuple(f"g{i}" for i in range(len(a)))

    def beta(self, g, t=None):
        g = np.asarray(g)
        a = self.a.reshape((-1,) + (1,) * (g.ndim - 1))
        return -a * g + g**2

    def beta_dimensionful(self, t, g):
        return self.beta(g, t)

    def eta(self, g, t=None):
        return np.zeros(np.shape(g)[1:])

    def validity(self, g, t=None):
        g = np.asarray(g)
        return (1.5 - g[0])[None]  # a pole where g0 reaches 1.5


def test_wilson_fisher_point_is_healthy():
    fp = potential_fixed_point(3, 1, 2, expansion="zero")
    from tensornn.flow import SymmetricPotential

    h = fixed_point_health(fp, SymmetricPotential(3, 1, 2))
    assert h.ok, h
    assert h.values["residual"] < 1e-10
    # cond of the 2x2 matrix = ratio of its singular values, computed independently
    s = np.linalg.svd(fp.matrix, compute_uv=False)
    assert h.values["condition_number"] == pytest.approx(s[0] / s[-1], rel=1e-12)


def test_badly_conditioned_fixed_point_is_flagged():
    system = Diagonal([1.0, 1e-10])  # a nearly marginal direction: cond ~ 1e10
    fp = refine_fixed_point(system, [0.9, 1.1e-10], tol=1e-14)
    assert fp is not None
    h = fixed_point_health(fp, system)
    assert not h.ok and any("ill-conditioned" in f for f in h.flags)
    assert h.values["condition_number"] == pytest.approx(1e10, rel=1e-3)
    assert fixed_point_health(fp, system, max_condition=1e11).ok  # the threshold is what flags it


def test_fixed_point_off_the_root_is_flagged_by_its_residual():
    system = Diagonal([1.0, 2.0])
    fp = refine_fixed_point(system, [0.9, 1.9])
    assert fixed_point_health(fp, system).ok
    moved = dataclasses.replace(fp, couplings=fp.couplings + np.array([1e-4, 0.0]))
    h = fixed_point_health(moved, system)  # recomputed from the system, not the stored residual
    assert not h.ok and "residual" in h.flags[0]
    assert h.values["residual"] == pytest.approx(1e-4 * (1 + 1e-4), rel=1e-6)


def test_exponents_converge_in_the_minimum_expansion_and_not_at_low_order():
    good = potential_convergence(3, 1, range(2, 11), expansion="minimum", tol=1e-3)
    assert good.ok, good
    assert good.values["dnu"][-1] < 1e-3 and len(good.values["nu"]) == 9
    assert good.values["nu"][-1] == pytest.approx(0.6496, abs=2e-3)  # LPA nu(D=3, N=1) = 0.6496 (Litim)
    bad = potential_convergence(3, 1, [2, 3], expansion="minimum", tol=1e-3)
    assert not bad.ok and any(f.startswith("nu not converged") for f in bad.flags)


def test_lost_fixed_point_and_single_order_are_flagged():
    fp = potential_fixed_point(3, 1, 2)
    h = exponent_convergence([(2, fp), (3, None)])
    assert "fixed point lost at order 3" in h.flags
    assert not exponent_convergence([(2, fp)]).ok
    with pytest.raises(InvalidTypeError, match="by_order"):
        exponent_convergence([fp])


def test_flow_health_reports_pole_and_settling():
    system = Diagonal([1.0, 2.0])
    # dg/dt = g (g - a): towards the IR (t decreasing) every g_i > 0 settles at a_i.
    done = run_flow(system, [0.5, 0.5], k_start=1.0, k_stop=1e-8, dimensionless=True)
    h = flow_health(done)
    assert done.status == "completed" and h.ok
    assert h.values["settled"] and h.values["max_relative_change"] < 1e-6
    assert h.values["k_stop_reached"] == pytest.approx(1e-8)
    # Towards the UV, g0 > a0 = 1 grows and crosses the pole of the validity at g0 = 1.5.
    pole = run_flow(system, [1.2, 0.5], k_start=1.0, k_stop=1e8, dimensionless=True)
    h = flow_health(pole)
    assert pole.status == "pole" and not h.ok and "'pole'" in h.flags[0]
    assert 1.0 < h.values["k_stop_reached"] < 1e8 and not h.values["settled"]


def test_health_rejects_wrong_types():
    with pytest.raises(InvalidTypeError, match="FixedPoint"):
        fixed_point_health("fp")
    with pytest.raises(InvalidTypeError, match="FlowTrajectory"):
        flow_health(None)

"""LPA potential expansions: the flows of docs/theory/flow.md, closed forms, convergence of nu and omega, large N."""

import math

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.flow.integrate import run_flow
from tensornn.flow.potential import (
    MinimumPotential,
    SymmetricPotential,
    exponents_by_order,
    litim_volume,
    potential_fixed_point,
)
from tensornn.flow.system import FlowSystem

from _handwritten_flows import ScalarPhi6


def test_litim_volume():
    assert litim_volume(3) == pytest.approx(1 / (6 * math.pi**2), rel=1e-14)
    assert litim_volume(4) == pytest.approx(1 / (32 * math.pi**2), rel=1e-14)


@pytest.mark.parametrize("dim", [3.0, 4.0, 2.5])
def test_symmetric_expansion_reproduces_theory_section_4_5(dim):
    # order 3 = u2, u4, u6 with u8 dropped: the three flows typed from docs/theory/flow.md.
    system = SymmetricPotential(dim, 1, 3)
    oracle = ScalarPhi6(dim)
    rng = np.random.default_rng(0)
    g = rng.uniform([-0.3, 0.0, -5.0], [0.5, 10.0, 5.0], size=(7, 3)).T
    for t in (-1.3, 0.0, 0.7):
        assert np.allclose(system.beta_dimensionful(t, g), oracle.beta_dimensionful(t, g), rtol=1e-12, atol=1e-14)
    assert np.allclose(system.beta(g), oracle.beta(g), rtol=1e-12, atol=1e-14)
    assert np.allclose(system.validity(g), oracle.validity(g))


def test_symmetric_phi4_wilson_fisher_d3():
    # docs/theory/flow.md: m^2/k^2 = -1/13 and nu = 0.54272; the hand-written phi^4 flow gives the same point.
    fp = potential_fixed_point(3, 1, 2, expansion="zero")
    assert abs(fp.couplings[0] + 1 / 13) < 1e-12
    assert round(fp.nu, 5) == 0.54272
    oracle = ScalarPhi6(3.0, phi6=False)
    assert np.allclose(oracle.beta(fp.couplings), 0, atol=1e-12)


def _series_oracle(system, g, n_points=64, radius=0.02):
    """Taylor coefficients of d_t w at kappa by a Cauchy integral of the pointwise flow (independent path)."""
    dim, n, vd = system.dim, system.n_components, system.vd
    kappa, lam = g[0], g[1:]
    coeffs = np.concatenate([[0.0], lam / np.array([math.factorial(j) for j in range(1, len(lam) + 1)])])
    w = np.polynomial.Polynomial(coeffs)
    w1, w2 = w.deriv(), w.deriv(2)

    def flow(x):  # d_t w at rho = kappa + x, with d/drho of the loop term written out
        rho = kappa + x
        a = 1 + w(x) + 2 * rho * w1(x)
        b = 1 + w(x)
        loop = -(3 * w1(x) + 2 * rho * w2(x)) / a**2 - (n - 1) * w1(x) / b**2
        return -2 * w(x) + (dim - 2) * rho * w1(x) + vd * loop

    z = radius * np.exp(2j * np.pi * np.arange(n_points) / n_points)
    values = flow(z)
    return np.array([np.mean(values * z**-j).real for j in range(len(g))])


@pytest.mark.parametrize("n_components", [1.0, 4.0])
def test_minimum_expansion_against_pointwise_flow(n_components):
    system = MinimumPotential(3.0, n_components, 6)
    g = np.array([0.03, 7.5, 100.0, 1300.0, -3000.0, -8e5])
    b = _series_oracle(system, g)
    beta = system.beta(g)
    # d_t kappa = -b0 / lambda2, d_t lambda_{j+1} = j! b_j + lambda_{j+2} d_t kappa (lambda_m = g[m - 1])
    dkappa = -b[0] / g[1]
    expected = [dkappa] + [
        math.factorial(j) * b[j] + (g[j + 1] if j + 1 < len(g) else 0.0) * dkappa for j in range(1, len(g))
    ]
    # the Cauchy integral with 64 points on radius 0.02 is exact to ~1e-12 relative here
    assert np.allclose(beta, expected, rtol=1e-9, atol=1e-9 * np.max(np.abs(expected)))


def test_minimum_expansion_order_two_closed_form():
    # With w = lambda (rho - kappa): d_t kappa = -kappa + 3 V_D / m^2, d_t lambda = -lambda + 18 V_D lambda^2 / m^3,
    # m = 1 + 2 kappa lambda (D = 3, N = 1). Fixed point m = 3/2, kappa = 4 V_D / 3, lambda = 3 / (16 V_D);
    # the stability matrix [[-5/3, -4 kappa^2/m], [-36 kappa lambda^3/m^2, 0]] has theta = 2 and -1/3.
    vd = litim_volume(3)
    fp = potential_fixed_point(3, 1, 2, expansion="minimum")
    assert np.allclose(fp.couplings, [4 * vd / 3, 3 / (16 * vd)], rtol=1e-12)
    assert np.allclose(fp.exponents, [2.0, -1.0 / 3.0], rtol=1e-9)


def test_minimum_expansion_converges_to_literature_lpa_exponents():
    # docs/theory/flow.md: nu = 0.6496 and omega = 0.6557 (N = 1, D = 3, LPA, Litim). The table of nu, omega
    # against order is in docs/fixed_points.md (examples/lpa_exponents_table.py).
    table = exponents_by_order(3, 1, range(2, 13))
    assert [order for order, _ in table] == list(range(2, 13))
    nus = {order: fp.nu for order, fp in table}
    omegas = {order: fp.omega for order, fp in table}
    for order in (10, 11, 12):
        assert abs(nus[order] - 0.6496) < 5e-5  # half a unit of the stated last digit
        assert abs(omegas[order] - 0.6557) < 1e-4  # one unit of the stated last digit (0.655796 at order 10)
        assert table[order - 2][1].n_relevant == 1 and not table[order - 2][1].spurious
    # convergence: the spread of the last three orders is far below the oscillation at low order
    assert np.ptp([nus[o] for o in (10, 11, 12)]) < 2e-5
    assert np.ptp([nus[o] for o in (4, 5, 6)]) > 1e-3


def test_large_n_approaches_spherical_limit():
    # nu -> 1/(D - 2) = 1 in D = 3. The correction is O(1/N) (the exact large-N value is
    # nu = 1 - 32/(3 pi^2 N) + ..., coefficient ~1.1); we allow |nu - 1| < 2/N and check the 1/N law by
    # doubling N.
    nu_1000 = potential_fixed_point(3, 1000, 8).nu
    nu_2000 = potential_fixed_point(3, 2000, 8).nu
    assert abs(nu_1000 - 1) < 2 / 1000
    assert (1 - nu_1000) / (1 - nu_2000) == pytest.approx(2.0, rel=0.01)
    assert potential_fixed_point(4.0, 1000, 6).nu == pytest.approx(0.5, abs=2 / 1000)  # 1/(D - 2) in D = 4


def test_potential_systems_are_flow_systems_and_flow_to_the_symmetric_phase():
    system = MinimumPotential(3, 1, 6)
    assert isinstance(system, FlowSystem) and isinstance(SymmetricPotential(3, 1, 2), FlowSystem)
    fp = potential_fixed_point(3, 1, 6)
    # push the fixed point along the relevant direction: one side ends in the symmetric phase (kappa -> 0),
    # the other in the broken phase where kappa grows (diverged beyond the bound).
    vals, vecs = np.linalg.eig(fp.matrix)
    v = np.real(vecs[:, np.argmax(-np.real(vals))])
    outcomes = set()
    for sign in (1, -1):
        res = run_flow(system, fp.couplings + sign * 1e-3 * v * np.abs(fp.couplings).max() / np.abs(v).max(),
                       k_start=1.0, k_stop=1e-6, dimensionless=True, blowup=1e6)
        outcomes.add((res.status, res.violated))
    assert ("pole", "kappa") in outcomes


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="dim"):
        SymmetricPotential(2.0, 1, 3)
    with pytest.raises(InvalidArgumentError, match="order"):
        MinimumPotential(3, 1, 1)
    with pytest.raises(InvalidArgumentError, match="valid choices"):
        potential_fixed_point(3, 1, 4, expansion="maximum")
    with pytest.raises(InvalidArgumentError, match="n_components"):
        MinimumPotential(3, 0.5, 4)


def test_example_table_script_runs(capsys, monkeypatch):
    import pathlib
    import runpy
    import sys

    script = pathlib.Path(__file__).resolve().parents[1] / "examples" / "lpa_exponents_table.py"
    monkeypatch.setattr(sys, "argv", [str(script), "--max-order", "4"])
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "| 4 | 0.650574 | 0.598864 |" in out  # the order-4 row of the table in docs/fixed_points.md

"""Fixed points, stability matrices and exponents on hand-written flows with known answers."""

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.flow.fixed_points import (
    FixedPoint,
    critical_exponents,
    find_fixed_points,
    refine_fixed_point,
    stability_matrix,
)
from tensornn.flow.system import FlowSystem

from _handwritten_flows import NonAutonomous, ScalarPhi6, TensorMelonic


class Product:
    """beta = (g1 (g1 - 1), g2 (g2 + 2)): four fixed points, exponents known exactly.

    At (a, b) the matrix is diag(2 a - 1, 2 b + 2), so theta = (1 - 2a, -2 - 2b).
    The validity component g2 + 1 is negative at the two roots with g2 = -2.
    """

    autonomous = True
    names = ("g1", "g2")
    validity_names = ("1.5 - g1", "g2 + 1")

    def beta(self, g, t=None):
        g = np.asarray(g)
        return np.stack([g[0] * (g[0] - 1), g[1] * (g[1] + 2)])

    def beta_dimensionful(self, t, g):
        return self.beta(g)

    def eta(self, g, t=None):
        return np.zeros(np.shape(g)[1:])

    def validity(self, g, t=None):
        g = np.asarray(g)
        return np.stack([1.5 - g[0], g[1] + 1])


def test_handwritten_systems_satisfy_protocol():
    for system in (Product(), ScalarPhi6(), TensorMelonic(), TensorMelonic(lpa_prime=True), NonAutonomous()):
        assert isinstance(system, FlowSystem)


def test_product_system_all_roots_and_exponents():
    search = find_fixed_points(Product(), n_starts=40, bounds=(-3, 3), seed=1)
    found = {tuple(np.round(fp.couplings, 9)) for fp in search}
    assert found == {(0.0, 0.0), (1.0, 0.0), (0.0, -2.0), (1.0, -2.0)}
    for fp in search:
        a, b = fp.couplings
        assert np.allclose(np.sort(fp.exponents), np.sort([1 - 2 * a, -2 - 2 * b]), atol=1e-9)
        assert fp.residual < 1e-12
    # (0, -2) and (1, -2) have g2 + 1 = -1 < 0: flagged, with the component named.
    spurious = {tuple(np.round(fp.couplings, 9)) for fp in search if fp.spurious}
    assert spurious == {(0.0, -2.0), (1.0, -2.0)}
    assert all("g2 + 1" in fp.flags[0] for fp in search if fp.spurious)
    assert len(search.valid) == 2 and not search[0].spurious


def test_search_is_reproducible_with_seed():
    a = find_fixed_points(Product(), n_starts=10, bounds=(-3, 3), seed=7)
    b = find_fixed_points(Product(), n_starts=10, bounds=(-3, 3), seed=7)
    assert [tuple(fp.couplings) for fp in a] == [tuple(fp.couplings) for fp in b]
    assert a.n_converged == b.n_converged


def test_scalar_phi4_wilson_fisher():
    # docs/theory/flow.md (scalar anchors): D = 3, phi^4 around phi = 0: m^2/k^2 = -1/13, nu = 0.54272.
    system = ScalarPhi6(3.0, phi6=False)
    search = find_fixed_points(system, n_starts=20, bounds=[(-0.5, 0.5), (0.0, 20.0)], seed=0)
    wf = [fp for fp in search.valid if not fp.is_gaussian]
    assert len(wf) == 1
    wf = wf[0]
    assert abs(wf.couplings[0] + 1 / 13) < 1e-12
    # u4* = (4 - D)(1 + u2*)^3 / (6 V_D) from d_t u4 = 0.
    assert abs(wf.couplings[1] - (12 / 13) ** 3 / (6 * system.vd)) < 1e-10
    assert round(wf.nu, 5) == 0.54272
    assert wf.n_relevant == 1
    gaussian = [fp for fp in search if fp.is_gaussian][0]
    assert np.allclose(gaussian.exponents, [2.0, 1.0])  # canonical dimensions of u2, u4 in D = 3


def test_tensor_melonic_closed_form():
    system = TensorMelonic(d=3, s=1.5)
    expected = system.closed_form_fixed_point()
    search = find_fixed_points(system, n_starts=30, bounds=[(-0.9, 3.0), (-3.0, 3.0)], seed=2)
    nontrivial = [fp for fp in search if not fp.is_gaussian]
    assert len(nontrivial) == 1
    fp = nontrivial[0]
    assert np.allclose(fp.couplings, expected, rtol=1e-10)
    matrix = system.closed_form_matrix(expected)
    assert np.allclose(fp.matrix, matrix, rtol=1e-9, atol=1e-10)
    assert np.allclose(fp.exponents, critical_exponents(matrix), rtol=1e-9)


def test_tensor_root_beyond_threshold_pole_is_flagged():
    # d = 4, s = 1: the closed-form root mu* = -2 has 1 + mu = -1 < 0.
    system = TensorMelonic(d=4, s=1.0)
    mu_star = system.closed_form_fixed_point()[0]
    assert mu_star == -2.0
    fp = refine_fixed_point(system, system.closed_form_fixed_point() * 1.01)
    assert fp is not None and abs(fp.couplings[0] + 2) < 1e-10
    assert fp.spurious and "1 + mu" in fp.flags[0] and "range of validity" in fp.flags[0]


def test_lpa_prime_tensor_eta_and_pole_flag():
    system = TensorMelonic(d=3, s=1.5, lpa_prime=True)
    search = find_fixed_points(system, n_starts=40, bounds=[(-0.9, 3.0), (-3.0, 3.0)], seed=3)
    assert len(search) >= 2
    # the search meets the root beyond the eta pole (a = 1.75 there) and flags it
    assert any(any("eta pole" in f for f in fp.flags) for fp in search)
    for fp in search:
        assert fp.residual < 1e-9
        a = system.B * fp.couplings[1] / (1 + fp.couplings[0]) ** 2
        if abs(1 - a) > 1e-6:
            assert np.isclose(fp.eta, -(system.d - 1) * a / (1 - a), rtol=1e-12)
        if a > 1 or fp.couplings[0] < -1:
            assert fp.spurious
    # a root beyond the eta pole is flagged: build the point by hand.
    beyond = find_fixed_points(system, starts=[[0.0, 1.5 / system.B]], n_starts=0)
    for fp in beyond:
        a = system.B * fp.couplings[1] / (1 + fp.couplings[0]) ** 2
        assert (a > 1) == any("eta pole" in f for f in fp.flags)


def test_eta_range_flag():
    system = TensorMelonic(d=3, s=1.5, lpa_prime=True)
    search = find_fixed_points(system, n_starts=40, bounds=[(-0.9, 3.0), (-3.0, 3.0)], seed=3,
                               eta_range=(-1e-3, 1e-3))
    for fp in search:
        assert (abs(fp.eta) > 1e-3) == any("eta =" in f for f in fp.flags)


def test_stability_matrix_central_and_complex_agree_with_analytic():
    system = TensorMelonic(d=3, s=1.5)
    g = np.array([0.3, -0.2])
    exact = system.closed_form_matrix(g)
    central = stability_matrix(system, g)
    complex_step = stability_matrix(system, g, derivative="complex")
    # five-point stencil with h ~ 7e-4: truncation h^4 ~ 3e-13 times fifth derivatives of O(10)
    assert np.allclose(central, exact, rtol=1e-10, atol=1e-11)
    assert np.allclose(complex_step, exact, rtol=1e-14, atol=1e-14)


def test_complex_step_refused_for_real_only_system():
    class RealOnly(Product):
        def beta(self, g, t=None):
            return np.asarray(super().beta(np.real(g)), dtype=float)

    with pytest.raises(InvalidArgumentError, match="central"):
        stability_matrix(RealOnly(), [0.0, 0.0], derivative="complex")


def test_critical_exponents_sorting_and_complex():
    theta = critical_exponents([[0.0, -1.0], [1.0, 0.0]])  # eigenvalues +-i
    assert np.iscomplexobj(theta) and np.allclose(sorted(theta.imag), [-1, 1])
    theta = critical_exponents(np.diag([1.0, -3.0, 0.5]))
    assert np.allclose(theta, [3.0, -0.5, -1.0])


def test_nu_omega_and_relevant_count():
    fp = FixedPoint(
        couplings=np.zeros(3), names=("a", "b", "c"), eta=0.0, residual=0.0, matrix=np.diag([-1.6, 0.7, 2.5]),
        exponents=critical_exponents(np.diag([-1.6, 0.7, 2.5])), condition_number=1.0, validity=np.ones(1),
    )
    assert fp.n_relevant == 1 and fp.nu == pytest.approx(1 / 1.6) and fp.omega == pytest.approx(0.7)
    assert "nu=0.625" in repr(fp)


def test_non_autonomous_refused_with_reason_and_frozen_scale_allowed():
    with pytest.raises(InvalidArgumentError, match="autonomous"):
        find_fixed_points(NonAutonomous(), n_starts=4)
    search = find_fixed_points(NonAutonomous(), n_starts=4, t=0.0, seed=0)
    assert len(search) == 1 and np.isclose(search[0].couplings[0], 0.5)
    assert "frozen scale" in search[0].notes[0]


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="valid keys"):
        find_fixed_points(Product(), bounds={"g3": (0, 1)})
    with pytest.raises(InvalidArgumentError, match="valid choices"):
        find_fixed_points(Product(), methods=("newton",))
    with pytest.raises(InvalidArgumentError, match="shape"):
        find_fixed_points(Product(), starts=[[0.0, 0.0, 0.0]])
    with pytest.raises(InvalidArgumentError, match="nothing to start"):
        find_fixed_points(Product(), n_starts=0)
    with pytest.raises(TypeError):
        find_fixed_points(object())

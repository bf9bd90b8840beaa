"""The Ward identity of the unitary symmetry and the Ward-constrained melonic flow, against the engine and closed forms."""

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.errors import InvalidArgumentError
from tensornn.flow import find_fixed_points, tensor_preset
from tensornn.flow.thresholds import ModeCount
from tensornn.flow.ward import WardMelonicFlow, ward_check


def _ward(d, s, regulator="litim", regulator_eta="include"):
    return tensor_preset(rank=d, kinetic_power=s, eta=True, ward=True, regulator=regulator,
                         regulator_eta=regulator_eta).system


def test_one_loop_self_energy_satisfies_the_identity():
    # sigma(p1) = lambda sum_perp G(p1, perp) with G = 1/K solves
    # sigma(p1) - sigma(q1) = lambda sum_perp [K(q1, perp) - K(p1, perp)] G(p1, perp) G(q1, perp)
    rng = np.random.default_rng(0)
    K = 1.0 + rng.random((7, 30))  # kernel on (colour-1 index, perp index), any positive values
    lam = 0.3
    sigma = lam * np.sum(1 / K, axis=1)
    for p1, q1 in [(0, 3), (2, 6)]:
        rhs = lam * np.sum((K[q1] - K[p1]) / (K[p1] * K[q1]))
        assert sigma[p1] - sigma[q1] == pytest.approx(rhs, rel=1e-13)


@pytest.mark.parametrize("regulator", ["litim", "exponential"])
@pytest.mark.parametrize("d", [3, 4])
def test_beta_functions_at_the_engines_eta_are_the_engines(regulator, d):
    # the Ward flow writes beta = b0 + eta b1 itself; at the tadpole's eta it must be the engine's LPA' flow
    engine = tensor_preset(rank=d, kinetic_power=2.0, eta=True, regulator=regulator).system
    ward = _ward(d, 2.0, regulator)
    for g in ([-0.3, 0.01], [0.5, 0.002], [-0.6, 0.004]):
        b0, b1, *_ = ward._parts(np.array(g))
        eta = float(engine.eta(np.array(g)))
        np.testing.assert_allclose(b0 + eta * b1, engine.beta(np.array(g)), rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("regulator", ["litim", "exponential"])
def test_ward_integrals_against_adaptive_quadrature(regulator):
    ward = _ward(3, 2.0, regulator)
    preset = tensor_preset(rank=3, kinetic_power=2.0, eta=True, regulator=regulator)
    count = ModeCount(preset.theory.ordered_colours, range(1, 3))
    B, p = count.factor * count.prefactor, count.exponent
    reg = ward.regulator
    mu = -0.3
    shape = (lambda u: 1 - u if u < 1 else 0.0) if regulator == "litim" else (lambda u: float(reg.shape(np.array([u]))[0]))
    slope = (lambda u: -1.0 if u < 1 else 0.0) if regulator == "litim" else \
        (lambda u: float(reg.shape_derivatives(np.array([u]))[1][0]))

    def integral(f):
        g = lambda u: B * p * u ** (p - 1) * f(u)  # noqa: E731
        return quad(g, 0, 1, epsabs=0, epsrel=1e-13)[0] + quad(g, 1, np.inf, epsabs=0, epsrel=1e-13, limit=200)[0]

    i0 = integral(lambda u: 1 / (u + shape(u) + mu) ** 2)
    i1 = integral(lambda u: slope(u) / (u + shape(u) + mu) ** 2)
    got = ward.ward_integrals(np.array(mu))
    assert float(got[0]) == pytest.approx(i0, rel=1e-11)
    assert float(got[1]) == pytest.approx(i1, rel=1e-11)


@pytest.mark.parametrize("regulator, d", [("litim", 3), ("litim", 4),
                                          pytest.param("exponential", 3, marks=pytest.mark.slow),
                                          pytest.param("exponential", 4, marks=pytest.mark.slow)])
def test_constrained_fixed_point_is_the_lpa_one(regulator, d):
    # at a fixed point where Phi = Z_0/Z_k is finite, eta = d_t ln Phi = 0: the LPA fixed point
    lpa = [fp for fp in tensor_preset(rank=d, kinetic_power=2.0, regulator=regulator).fixed_points().valid
           if not fp.is_gaussian][0]
    found = [fp for fp in tensor_preset(rank=d, kinetic_power=2.0, eta=True, ward=True,
                                        regulator=regulator).fixed_points().valid if not fp.is_gaussian]
    assert len(found) == 1
    np.testing.assert_allclose(found[0].couplings, lpa.couplings, rtol=1e-9)
    assert abs(found[0].eta) < 1e-12 and found[0].n_relevant == 1
    assert ward_check(_ward(d, 2.0, regulator), found[0].couplings, 0.0)["compatible"]


def test_lpa_prime_point_violates_the_identity():
    search = tensor_preset(rank=3, kinetic_power=2.0, eta=True).fixed_points()
    point = [fp for fp in search.valid if not fp.is_gaussian][0]
    assert point.eta < 0  # needs Z_0/Z_k -> infinity, i.e. 1 - lambda I_0 = 0
    check = ward_check(_ward(3, 2.0), point.couplings, float(point.eta))
    assert not check["compatible"] and check["ward_minus"] == pytest.approx(point.checks["ward_minus"])
    assert check["ward_minus"] > 0.5
    # Litim: 1 + lambda I_1 = 1 - a, a = B lambda/(1 + mu)^2, whose value 1 is the pole of the LPA' eta
    count = ModeCount(tensor_preset(rank=3, kinetic_power=2.0).theory.ordered_colours, range(1, 3))
    a = count.factor * count.prefactor * 2 * point.couplings[1] / (1 + point.couplings[0]) ** 2
    assert check["ward_plus"] == pytest.approx(1 - a, rel=1e-12)
    assert any("violates" in note for note in point.notes)


def test_just_renormalisable_strands_are_refused_with_the_reason():
    with pytest.raises(InvalidArgumentError, match="UV cutoff"):
        _ward(3, 1.0)
    with pytest.raises(InvalidArgumentError, match="needs eta=True"):
        tensor_preset(rank=3, kinetic_power=2.0, ward=True)
    notes = [n for fp in tensor_preset(rank=3, kinetic_power=1.0, eta=True).fixed_points() for n in fp.notes]
    assert any("no LPA' fixed point but the Gaussian" in n for n in notes)
    flow = WardMelonicFlow(3, 2.0, (np.pi, 1.0))
    assert np.all(np.isnan(flow.beta(np.array([-1.2, 0.01]))))  # beyond the threshold pole
    assert find_fixed_points(flow, n_starts=4, bounds=[(-0.9, 1.0), (0.0, 0.02)], seed=0).status == "complete"

"""Regulator families and the scalar/O(N) threshold functions against closed forms, adaptive quadrature and the
engine's independent quadrature of the same loops."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.errors import InvalidArgumentError
from tensornn.flow import MinimumPotential, SymmetricPotential, make_preset, potential_fixed_point
from tensornn.flow.presets import potential_to_engine
from tensornn.flow.threshold_functions import ThresholdFunction, threshold_function
from tensornn.theory import REGULATORS, get_regulator


def test_family_members_are_looked_up_by_name():
    member = get_regulator("exponential(alpha=2.5)")
    assert member.alpha == 2.5 and member.family == "exponential" and member.parameter == 2.5
    assert member.name == "exponential(alpha=2.5)" and "2.5" in member.formula
    assert get_regulator("exponential(alpha=1)") is REGULATORS["exponential"]
    assert REGULATORS["exponential"].with_parameter(2.5) == member
    assert get_regulator(member) is member
    with pytest.raises(InvalidArgumentError, match="has no parameter"):
        get_regulator("litim(alpha=2)")
    with pytest.raises(InvalidArgumentError, match="not a number"):
        get_regulator("exponential(alpha=x)")
    with pytest.raises(InvalidArgumentError, match="> 0"):
        get_regulator("exponential(alpha=-1)")


def test_exponential_family_shape_and_third_derivative():
    u = np.array([1e-4, 0.03, 0.07, 0.4, 2.0, 9.0])
    member = get_regulator("exponential(alpha=3)")
    r, r1, r2 = member.shape_derivatives(u)
    np.testing.assert_allclose(r, 3 * u / np.expm1(u), rtol=1e-13)
    # r''' against a central difference of r'' (step 1e-4: truncation error ~1e-9 relative)
    h = 1e-4
    third = (member.shape_derivatives(u + h)[2] - member.shape_derivatives(u - h)[2]) / (2 * h)
    np.testing.assert_allclose(member.shape_third_derivative(u), third, rtol=1e-6, atol=1e-10)


def test_litim_threshold_function_is_the_closed_form():
    lam = ThresholdFunction("litim", 2.7)
    w = np.array([-0.5, 0.0, 3.0])
    values = lam.derivatives(w, 4)
    for k in range(4):
        np.testing.assert_allclose(values[k], (-1) ** k * math.factorial(k) / (1 + w) ** (k + 1), rtol=1e-15)
    assert lam.pole == -1.0 and not np.any(lam.dim_derivatives(w, 2))


@pytest.mark.parametrize("regulator, dim", [("exponential", 3.0), ("exponential", 2.2), ("exponential(alpha=4)", 3.0)])
def test_smooth_threshold_derivatives_against_adaptive_quadrature(regulator, dim):
    lam = threshold_function(regulator, dim)
    reg = get_regulator(regulator)
    for w in (0.4 * lam.pole, 5.0):
        got = lam.derivatives(w, 12)
        for k in (0, 1, 11):
            def f(y):
                r, r1, _ = reg.shape_derivatives(np.array([y]))
                return (dim / 2) * y ** (dim / 2 - 1) * (r[0] - y * r1[0]) / (y + r[0] + w) ** (k + 1)
            ref = (-1) ** k * math.factorial(k) * (quad(f, 0, 1, epsabs=0, epsrel=1e-13, limit=400)[0]
                                                    + quad(f, 1, np.inf, epsabs=0, epsrel=1e-13, limit=400)[0])
            # 3 x 96 Gauss nodes: 1e-12 relative (measured ~1e-13; scipy's nodes carry ~5e-14 of their own)
            assert got[k] == pytest.approx(ref, rel=1e-12)


def test_dimension_derivative_against_a_difference_in_d():
    lam = threshold_function("exponential", 3.0)
    w = np.array([-0.3, 0.2, 4.0])
    h = 1e-4
    diff = (ThresholdFunction("exponential", 3.0 + h).derivatives(w, 2)
            - ThresholdFunction("exponential", 3.0 - h).derivatives(w, 2)) / (2 * h)
    # the Gauss-Jacobi nodes integrate the logarithm at y = 0 to ~1e-6 (documented; used for tangents only)
    np.testing.assert_allclose(lam.dim_derivatives(w, 2), diff, rtol=1e-5)


def test_composed_series_is_the_taylor_series_of_lambda_of_s():
    lam = threshold_function("exponential", 3.0)
    s = np.array([0.3, -0.2, 0.05, 0.01])  # s(x) = 0.3 - 0.2 x + 0.05 x^2 + 0.01 x^3
    series = lam.compose(s)
    x = 1e-3
    exact = float(lam(np.polyval(s[::-1], x)))
    approx = float(np.polyval(series[::-1], x))
    assert approx == pytest.approx(exact, rel=1e-11)  # truncation error ~x^4 = 1e-12


@pytest.mark.parametrize("n_components", [1, 3])
def test_series_form_with_the_exponential_regulator_matches_the_engine(n_components):
    # two independent evaluations of the same loops: the engine's quadrature of its regulator kernels
    # (tensornn.flow.thresholds) and the threshold function composed as a power series
    name = "scalar" if n_components == 1 else "on"
    options = dict(dim=3, order=4, regulator="exponential") | ({} if n_components == 1 else
                                                                 {"n_components": n_components})
    engine = make_preset(name, **options).system
    series = SymmetricPotential(3, n_components, 4, "exponential")
    rng = np.random.default_rng(0)
    for _ in range(5):
        u = rng.normal(scale=[0.1, 2.0, 20.0, 200.0])
        np.testing.assert_allclose(engine.beta(potential_to_engine(u)), potential_to_engine(series.beta(u)),
                                   rtol=1e-9, atol=1e-12)


def test_lowest_truncations_in_closed_form_for_any_regulator():
    # Litim through the generic route equals the closed form (Wilson-Fisher of order 2 at zero: u2 = -1/13)
    fp = potential_fixed_point(3, 1, 2, expansion="zero", regulator="exponential(alpha=1.0000000001)")
    assert fp is not None and fp.n_relevant == 1 and not fp.spurious
    assert potential_fixed_point(3, 1, 2, expansion="zero").couplings[0] == pytest.approx(-1 / 13, rel=1e-12)
    minimum = MinimumPotential(3, 2, 2, "exponential")
    assert minimum.conventions["regulator"] == "exponential" and minimum.pole == -1.0

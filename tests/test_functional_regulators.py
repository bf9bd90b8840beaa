"""The functional LPA near D = 2, at folds, at large N and with any regulator; the PMS scan."""

import math

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.flow import (
    exponents_by_order,
    functional_fixed_point,
    functional_fixed_points,
    pms_scan,
    potential_fixed_point,
)
from tensornn.flow.functional_continuation import target_length
from tensornn.flow.functional import boundary_decay
from tensornn.flow.functional_search import bifurcation_dimension


def test_exponential_regulator_nu_to_eight_digits_against_the_minimum_expansion():
    # independent method: the expansion around the minimum with the same threshold function composed as a power
    # series (no grid, no collocation); its orders 15 and 16 differ by 2.5e-8, and order 16 must agree with the
    # collocation to 5e-9 (eight digits)
    fp = functional_fixed_point(3.0, 1, regulator="exponential")
    assert fp.digits["nu"] >= 10 and fp.n_relevant == 1 and not fp.flags
    by_order = dict(exponents_by_order(3.0, 1, [15, 16], regulator="exponential"))
    assert abs(by_order[16].nu - by_order[15].nu) < 5e-8
    assert fp.nu == pytest.approx(by_order[16].nu, abs=5e-9)
    assert fp.nu == pytest.approx(0.65889306, abs=5e-9)
    # the optimised (Litim) regulator gives the smallest nu of the LPA (Litim, hep-th/0203006)
    assert fp.nu > functional_fixed_point(3.0, 1, check=False).nu


def test_litim_anchor_unchanged():
    fp = functional_fixed_point(3.0, 1)
    assert fp.nu == pytest.approx(0.649561773880, abs=2e-12)
    assert fp.omega == pytest.approx(0.655745939, abs=1e-9)
    assert fp.digits["nu"] >= 11 and fp.diagnostics["converged"]


def test_target_length_reaches_the_wanted_boundary_decay():
    fp = functional_fixed_point(2.5, 1, check=False)
    length = target_length(fp.w, fp.grid, 2.5, 1.0, goal=60.0)
    # the decay of the solution on its own (adapted) grid is the goal; aiming at it again keeps the length
    assert boundary_decay(fp.w, fp.grid, 2.5, 1.0) == pytest.approx(60.0, rel=0.05)
    assert length == pytest.approx(fp.grid.length, rel=0.02)


@pytest.mark.slow
@pytest.mark.parametrize("dim, nu, digits", [(2.2, 1.3617217, 10), (2.1, 2.0867290, 9)])
def test_wilson_fisher_near_two_dimensions_converged_in_resolution(dim, nu, digits):
    fp = functional_fixed_point(dim, 1)
    assert fp.diagnostics["converged"] and not fp.flags
    assert fp.nu == pytest.approx(nu, abs=1e-7)
    assert fp.digits["nu"] >= digits and fp.digits["omega"] >= 7 and fp.digits["theta_3"] >= 6
    assert 0.5 < fp.nu < 1 / (dim - 2)


@pytest.mark.slow
def test_a_high_resolution_does_not_lose_wilson_fisher_at_d_2_2():
    # the continuation runs at the default resolution; the requested one is reached at the end
    high = functional_fixed_point(2.2, 1, resolution=128)
    default = functional_fixed_point(2.2, 1)
    assert high is not None and high.resolution == 128
    assert high.nu == pytest.approx(default.nu, abs=1e-9)


@pytest.mark.slow
def test_phi6_branch_of_n10_reaches_d_2_5():
    # with 48 points the branch seems to turn back at D = 2.54 (96 points: 2.51); the resolution follows the
    # Chebyshev tail and the branch reaches D = 2.5, where the point has two relevant directions
    fp = functional_fixed_point(2.5, 10, multicriticality=3)
    assert fp is not None and fp.n_relevant == 2 and len(fp.zeros()) == 2
    assert fp.exponents[0] == pytest.approx(2.36012598, abs=1e-6)


@pytest.mark.slow
def test_large_n_wilson_fisher_is_found_or_reported():
    # the resolution is raised until nu settles (to 384 points): nu -> 1/(D - 2) = 1 with the LPA's 1/N rate
    search = functional_fixed_points(3.0, 100000, max_multicriticality=2)
    assert search.status == "complete"
    fp = search[1]
    assert fp.digits["nu"] >= 5
    assert 1.0 - fp.nu == pytest.approx(0.75 / 100000, rel=0.02)  # N (1 - nu) -> 0.75 (docs/functional_lpa.md)


def test_search_status_says_when_wilson_fisher_is_missing():
    search = functional_fixed_points(3.0, 1, max_multicriticality=1)  # no branch followed
    assert search.status == "incomplete" and "Wilson-Fisher" in search.message
    assert functional_fixed_points(4.0, 1).status == "complete"  # only the Gaussian point at D = 4
    assert bifurcation_dimension(2) == 4.0


def test_pms_scan_of_the_exponential_family():
    scan = pms_scan(3.0, 1, parameters=[1.0, 2.0, 4.0, 8.0, 16.0])
    assert scan.status == "stationary" and scan.stationary["kind"] == "minimum"
    assert scan.stationary["parameter"] == pytest.approx(6.0159, rel=1e-3)
    assert scan.stationary["nu"] == pytest.approx(0.6505947, abs=2e-7)
    assert scan.nu[0] == pytest.approx(functional_fixed_point(3.0, 1, regulator="exponential",
                                                              check=False).nu, abs=1e-10)
    # stationary means flat: nu a few per cent of alpha away differs at second order only
    a = scan.stationary["parameter"]
    near = pms_scan(3.0, 1, parameters=[a * 0.98, a, a * 1.02], refine=False)
    assert np.ptp(near.nu) < 2e-6


def test_pms_scan_with_a_polynomial_expansion_and_its_errors():
    scan = pms_scan(3.0, 1, parameters=[1.0, 1.5], method="minimum", order=8)
    assert scan.status == "failed"
    monotonic = pms_scan(3.0, 1, parameters=[1.0, 1.5, 2.0], method="minimum", order=10)
    assert monotonic.status == "monotonic" and "widen" in monotonic.message
    # the order-10 expansion agrees with the functional values to its own accuracy (1e-5 at order 10)
    assert monotonic.nu[0] == pytest.approx(0.6588930557, abs=2e-5)
    with pytest.raises(InvalidArgumentError, match="no parameter"):
        pms_scan(3.0, 1, family="litim")
    with pytest.raises(InvalidArgumentError, match="positive"):
        pms_scan(3.0, 1, parameters=[0.0, 1.0])
    assert math.isfinite(potential_fixed_point(3, 1, 6, regulator="exponential(alpha=6)").nu)

"""Colours and their counting functions against exact counts and closed forms."""

from math import gamma, pi

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.flow.thresholds import ModeCount
from tensornn.theory import ContinuumColour, EmpiricalColour, FlatColour, LatticeColour


def test_lattice_counts_are_exact_circle_counts():
    # integer points with p_x^2 + p_y^2 <= r^2: 1, 5, 9, 13, 21 for r^2 = 0, 1, 2, 4, 5 (Gauss circle problem)
    lattice = LatticeColour(2, 2.0)
    assert lattice.count([0.0, 1.0, 2.0, 4.0, 5.0]).tolist() == [1, 5, 9, 13, 21]
    # few-mode regime: below the first non-zero mode only the zero mode counts
    assert LatticeColour(1, 1.0).count(0.5) == 1
    assert LatticeColour(3, 2.0).count(0.99) == 1


def test_lattice_moment_sums_the_eigenvalues():
    lattice = LatticeColour(2, 2.0)
    # r^2 <= 2: four points with e = 1 and four with e = 2
    assert lattice.moment(2.0) == 12.0


@pytest.mark.parametrize("D", [1, 2, 3, 4])
def test_continuum_count_is_the_ball_volume_over_two_pi_to_the_D(D):
    k = 1.7
    V_D = 1 / (2**D * pi ** (D / 2) * gamma(D / 2 + 1))
    assert ContinuumColour(D).count(k**2) == pytest.approx(V_D * k**D, rel=1e-13)


def test_continuum_strand_sums_match_the_tensor_constant_B():
    # docs/theory/flow.md (the melonic tensor check): N_S(k) = B k^(d-1), B = (2 Gamma(1 + 1/s))^(d-1) / Gamma(1 + (d-1)/s)
    for d, s in [(3, 1.0), (4, 2.0), (5, 1.5)]:
        cols = [ContinuumColour(1, power=s, density=1.0, role="pairing") for _ in range(d)]
        B = (2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s)
        k = 1.3
        n, m = ModeCount(cols, range(d - 1)).count(k**s)
        assert n == pytest.approx(B * k ** (d - 1), rel=1e-13)
        # first moment of a power law N = B x^p: M = p/(p+1) x N
        p = (d - 1) / s
        assert m == pytest.approx(p / (p + 1) * k**s * n, rel=1e-13)


def test_discrete_colours_combine_by_exact_enumeration():
    cols = [LatticeColour(1, 1.0), LatticeColour(1, 1.0), FlatColour(3)]
    n, m = ModeCount(cols, {0, 1, 2}).count(2.0)
    # |p1| + |p2| <= 2: 13 points, sum of |p1| + |p2| = 4*1 + 8*2 = 20; the flat colour multiplies by 3
    assert (n, m) == (39.0, 60.0)
    brute = sum(1 for a in range(-5, 6) for b in range(-5, 6) if abs(a) + abs(b) <= 2)
    assert n == 3 * brute


def test_mixed_discrete_and_continuum_colours_convolve():
    cols = [LatticeColour(1, 2.0), ContinuumColour(1, power=2.0, density=1.0)]
    x = 4.3
    n, _ = ModeCount(cols, {0, 1}).count(x)
    # sum over lattice p with p^2 <= x of the continuum length 2 sqrt(x - p^2)
    expected = sum(2 * np.sqrt(x - p * p) for p in range(-3, 4) if p * p <= x)
    assert n == pytest.approx(expected, rel=1e-13)


def test_empirical_colour_from_covariance_puts_the_largest_variance_in_the_ir():
    colour = EmpiricalColour.from_covariance([4.0, 2.0, 1.0])
    assert colour.values == (0.0, 0.25, 0.75)
    assert colour.count([0.0, 0.3, 1.0]).tolist() == [1, 2, 3]
    with pytest.raises(InvalidArgumentError, match="variances"):
        EmpiricalColour.from_covariance([1.0, -1.0])


def test_bad_colour_arguments_are_rejected():
    with pytest.raises(InvalidArgumentError, match="size"):
        FlatColour(0)
    with pytest.raises(InvalidArgumentError, match="role"):
        FlatColour(3, role="bogus")
    with pytest.raises(InvalidArgumentError, match="power"):
        LatticeColour(1, -1.0)
    with pytest.raises(InvalidArgumentError, match="eigenvalues"):
        EmpiricalColour((-1.0, 2.0))

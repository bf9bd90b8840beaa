"""Enumerated bubbles against the closed counting formulas (theory.md 2.3)."""

from fractions import Fraction

import pytest

from tensornn.bubbles.counting import (
    burnside_orbit_count,
    count_bubbles,
    count_connected,
    count_melonic_rooted,
    fixed_matchings,
    inverse_euler_transform,
    labelled_mass,
)
from tensornn.bubbles.enumerate import enumerate_bubbles
from tensornn.errors import InvalidArgumentError

U3_ALL = [1, 4, 11, 43, 161, 901, 5579]
U3_CONNECTED = [1, 3, 7, 26, 97, 624, 4163]
O3_ALL = [1, 5, 16, 86, 448, 3580]
O3_CONNECTED = [1, 4, 11, 60, 318, 2806]

# (rank, largest order) pairs whose enumeration takes at most a few seconds.
COMPLEX_CASES = [(1, 6), (2, 6), (3, 5), (4, 3)]
REAL_CASES = [(1, 5), (2, 5), (3, 4), (4, 3)]


def test_rank3_sequences_from_formulas():
    assert [count_bubbles(3, n, "complex") for n in range(1, 8)] == U3_ALL
    assert [count_connected(3, n, "complex") for n in range(1, 8)] == U3_CONNECTED
    assert [count_bubbles(3, n, "real") for n in range(1, 7)] == O3_ALL
    assert [count_connected(3, n, "real") for n in range(1, 7)] == O3_CONNECTED


def test_low_rank_formulas():
    # rank 1: one bubble per order (T.T)^n, connected only at n = 1; rank 2 complex: partitions
    assert [count_bubbles(1, n, f) for n in range(1, 6) for f in ("real", "complex")] == [1] * 10
    assert [count_connected(1, n, "real") for n in range(1, 5)] == [1, 0, 0, 0]
    assert [count_bubbles(2, n, "complex") for n in range(1, 7)] == [1, 2, 3, 5, 7, 11]
    # rank 2 connected: one cycle per order
    assert [count_connected(2, n, f) for n in range(1, 7) for f in ("real", "complex")] == [1] * 12


def test_fixed_matchings_small_cases():
    assert fixed_matchings((1, 1, 1, 1)) == 3  # identity fixes all 3 matchings of 4 points
    assert fixed_matchings((2, 1, 1)) == 1  # (01): only {01}{23}
    assert fixed_matchings((4,)) == 1  # 4-cycle: only the "diameter" matching {02}{13}
    assert fixed_matchings((3, 1)) == 0


def test_inverse_euler_transform_round_trip():
    # the totals of 1, 1, 1, ... connected objects are the partition numbers
    assert inverse_euler_transform([1, 2, 3, 5, 7, 11]) == [1] * 6


@pytest.mark.parametrize("field,cases", [("complex", COMPLEX_CASES), ("real", REAL_CASES)])
def test_enumeration_matches_formulas(field, cases):
    for rank, top in cases:
        for n in range(1, top + 1):
            listed = list(enumerate_bubbles(rank, n, field))
            assert len(listed) == count_bubbles(rank, n, field), (rank, n, field)
            connected = [b for b in listed if b.is_connected()]
            assert len(connected) == count_connected(rank, n, field), (rank, n, field)
            assert sum(1 for _ in enumerate_bubbles(rank, n, field, connected=True)) == len(connected)
            certificates = {b.canonical_form() for b in listed}
            assert len(certificates) == len(listed)
            # orbit-stabiliser: sum over classes of 1/|Aut| = |labelled objects| / |group|
            mass = sum((Fraction(1, b.automorphism_count()) for b in listed), Fraction(0))
            assert mass == labelled_mass(rank, n, field), (rank, n, field)
            assert burnside_orbit_count(rank, n, field) == len(listed)


def test_rank3_real_order5():
    assert sum(1 for _ in enumerate_bubbles(3, 5, "real")) == O3_ALL[4]


@pytest.mark.parametrize("n", [6, pytest.param(7, marks=pytest.mark.slow)])
def test_rank3_complex_order6_and_7(n):
    listed = list(enumerate_bubbles(3, n, "complex"))
    assert len(listed) == U3_ALL[n - 1]
    assert sum(b.is_connected() for b in listed) == U3_CONNECTED[n - 1]


@pytest.mark.parametrize("rank,top", [(3, 5), (4, 4), (5, 3)])
def test_melonic_rooted_count_is_fuss_catalan(rank, top):
    # Fuss-Catalan C(dn, n)/((d-1)n+1) counts melonic bubbles with a marked black vertex.
    # Marking a black vertex of B gives as many distinct rooted bubbles as there are Aut(B)-orbits
    # of black vertices. Aut(B) of a connected bubble acts freely (an automorphism fixing one
    # vertex fixes its neighbours through every colour, hence everything), so every orbit has
    # |Aut(B)| elements and the number of orbits is n/|Aut(B)|.
    for n in range(1, top + 1):
        melons = list(enumerate_bubbles(rank, n, "complex", melonic=True))
        rooted = sum((Fraction(n, b.automorphism_count()) for b in melons), Fraction(0))
        assert rooted == count_melonic_rooted(rank, n), (rank, n)


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="rank"):
        count_bubbles(0, 2)
    with pytest.raises(InvalidArgumentError, match="order"):
        list(enumerate_bubbles(3, 0))
    with pytest.raises(InvalidArgumentError, match="field"):
        enumerate_bubbles(3, 2, "quaternion")

"""Enumerated bubbles against the closed counting formulas of docs/theory/bubbles.md."""

from fractions import Fraction

import pytest

from tensornn.bubbles import enumerate_bubbles
from tensornn.bubbles.counting import (
    automorphism_mass,
    count_bubbles,
    count_connected_bubbles,
    fuss_catalan,
    inverse_euler_transform,
)

# docs/theory/bubbles.md, rank 3.
U3_ALL = [1, 4, 11, 43, 161, 901, 5579]
U3_CONNECTED = [1, 3, 7, 26, 97, 624, 4163]
O3_ALL = [1, 5, 16, 86, 448, 3580]
O3_CONNECTED = [1, 4, 11, 60, 318, 2806]


def test_closed_formulas_reproduce_the_rank3_sequences():
    assert [count_bubbles(3, n, "complex") for n in range(1, 8)] == U3_ALL
    assert [count_connected_bubbles(3, n, "complex") for n in range(1, 8)] == U3_CONNECTED
    assert [count_bubbles(3, n, "real") for n in range(1, 7)] == O3_ALL
    assert [count_connected_bubbles(3, n, "real") for n in range(1, 7)] == O3_CONNECTED


def test_inverse_euler_transform_of_partitions_is_all_ones():
    # prod (1 - x^n)^-1 generates the partition numbers.
    assert inverse_euler_transform([1, 2, 3, 5, 7, 11, 15]) == [1] * 7


# (field, rank, largest order that enumerates in about a second)
CASES = [
    ("complex", 1, 6), ("complex", 2, 6), ("complex", 3, 6), ("complex", 4, 4), ("complex", 5, 3),
    ("real", 1, 5), ("real", 2, 5), ("real", 3, 4), ("real", 4, 3),
]


@pytest.mark.parametrize("field, rank, max_order", CASES)
def test_listed_bubbles_match_the_formulas_and_orbit_counting(field, rank, max_order):
    for order in range(1, max_order + 1):
        bubbles = list(enumerate_bubbles(rank, order, field))
        assert len(bubbles) == count_bubbles(rank, order, field), (field, rank, order)
        assert sum(b.is_connected() for b in bubbles) == count_connected_bubbles(rank, order, field)
        assert len({b.canonical_form() for b in bubbles}) == len(bubbles), "listed bubbles must be distinct"
        # orbit-stabiliser: sum of 1/|Aut| over the classes = labelled tuples / group order
        mass = sum(Fraction(1, b.automorphism_count()) for b in bubbles)
        assert mass == automorphism_mass(rank, order, field), (field, rank, order)


@pytest.mark.parametrize("field", ["complex", "real"])
def test_connected_listing_matches_the_inverse_euler_transform(field):
    for order in range(1, 5):
        listed = sum(1 for _ in enumerate_bubbles(3, order, field, connected=True))
        assert listed == count_connected_bubbles(3, order, field)


def test_vectors_and_matrices():
    # rank 1: one bubble per order, connected only at order 1 (the melon)
    for field in ("complex", "real"):
        for order in range(1, 5):
            bubbles = list(enumerate_bubbles(1, order, field))
            assert len(bubbles) == 1 and bubbles[0].is_connected() == (order == 1)
    # rank 2: unions of cycles, one bubble per partition of n, the connected one a 2n-cycle
    for order in range(1, 6):
        (cycle,) = enumerate_bubbles(2, order, "complex", connected=True)
        assert cycle.n_vertices == 2 * order and cycle.automorphism_count() == order


@pytest.mark.parametrize("rank, max_order", [(3, 5), (4, 4), (5, 3)])
def test_melonic_bubbles_rooted_at_a_black_vertex_are_fuss_catalan(rank, max_order):
    # A connected coloured graph has no automorphism fixing a vertex, so Aut acts freely on the
    # n black vertices: the number of distinct rootings of B is n / |Aut(B)|.
    for order in range(1, max_order + 1):
        melons = list(enumerate_bubbles(rank, order, "complex", melonic=True))
        rooted = sum(Fraction(order, b.automorphism_count()) for b in melons)
        assert rooted == fuss_catalan(rank, order), (rank, order)


@pytest.mark.slow
def test_order7_complex_rank3_full_listing():
    bubbles = list(enumerate_bubbles(3, 7, "complex"))
    assert len(bubbles) == 5579
    assert sum(b.is_connected() for b in bubbles) == 4163


def test_centraliser_orbits_lose_no_class():
    # Independent path: every last colour sigma_3 in S_n (no orbit reduction) after sigma_1 = id
    # and sigma_2 a cycle-type representative; the certificates must be the same set.
    from itertools import permutations

    from tensornn.bubbles import Bubble
    from tensornn.bubbles.counting import partitions
    from tensornn.bubbles.enumerate import _cycle_representative

    n = 5
    brute = {
        Bubble.from_permutations([list(range(n)), _cycle_representative(lam), list(s)]).canonical_form()
        for lam in partitions(n)
        for s in permutations(range(n))
    }
    listed = {b.canonical_form() for b in enumerate_bubbles(3, n, "complex")}
    assert listed == brute and len(listed) == count_bubbles(3, n, "complex")


@pytest.mark.slow
@pytest.mark.parametrize("rank, order", [(4, 5), (5, 4)])
def test_higher_rank_listing(rank, order):
    bubbles = list(enumerate_bubbles(rank, order, "complex"))
    assert len(bubbles) == count_bubbles(rank, order, "complex")
    assert sum(b.is_connected() for b in bubbles) == count_connected_bubbles(rank, order, "complex")


def test_counting_beyond_the_partition_limit_is_refused():
    with pytest.raises(ValueError, match="partitions of 51"):
        count_bubbles(3, 51, "complex")
    with pytest.raises(ValueError, match="order must be <= 25"):
        count_bubbles(3, 26, "real")

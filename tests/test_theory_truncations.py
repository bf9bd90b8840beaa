"""Interactions, truncations and theories: builders, counts and validation."""

import pytest

from tensornn import Bubble
from tensornn.errors import TruncationError
from tensornn.theory import (
    ContinuumColour,
    FlatColour,
    Interaction,
    Theory,
    Truncation,
    all_bubbles,
    full_truncation,
    melonic_bubbles,
    melonic_truncation,
    scalar_truncation,
    vector_truncation,
)


def test_all_bubbles_match_the_counting_formulas_of_theory_2_3():
    assert [len(all_bubbles(3, n, "complex")) for n in (1, 2, 3, 4)] == [1, 4, 11, 43]
    assert [len(all_bubbles(3, n, "real")) for n in (1, 2, 3)] == [1, 5, 16]


def test_melonic_bubbles_are_connected_and_counted():
    # order 2: the d pillows; order 3 rank 3: the 7 connected bubbles minus K_{3,3}
    assert [len(melonic_bubbles(3, n)) for n in (1, 2, 3)] == [1, 3, 6]
    assert len(melonic_bubbles(4, 2)) == 4
    every = set(all_bubbles(3, 3))
    for bubble in melonic_bubbles(3, 3):
        assert bubble.is_connected() and bubble in every
    # real rank 3 quartic: the 3 pillows, not the tetrahedron
    assert len(melonic_bubbles(3, 2, "real")) == 3


def test_builders_name_their_couplings():
    assert scalar_truncation(3).names == ("g2", "g4", "g6")
    assert vector_truncation(2, "complex").names == ("g2", "g4")
    assert full_truncation(3, 2).names == ("mass", "b2_1", "b2_2", "b2_3", "b2_4")
    assert len(melonic_truncation(3, 3)) == 1 + 3 + 6


def test_truncation_validation():
    with pytest.raises(TruncationError, match="empty"):
        Truncation(())
    g4 = Interaction.local(4)
    with pytest.raises(TruncationError, match="duplicate"):
        Truncation((g4, Interaction.local(4, name="h4")))
    with pytest.raises(TruncationError, match="rank"):
        Truncation((g4, Interaction(Bubble.from_matchings([[(0, 1)]]), "v2")))
    with pytest.raises(TruncationError, match="valid names: g2, g4"):
        scalar_truncation(2).index("g6")


def test_theory_rejects_a_truncation_of_another_rank_or_field():
    local = ContinuumColour(3)
    with pytest.raises(TruncationError, match="rank 3.*0 pairing"):
        Theory((local,), "complex", full_truncation(3, 2))
    with pytest.raises(TruncationError, match="complex"):
        Theory((local,), "real", scalar_truncation(2, "complex"))
    with pytest.raises(TruncationError, match="exponent"):
        Theory((ContinuumColour(3, power=2.0), ContinuumColour(1, power=1.0, role="pairing")), "real",
               vector_truncation(2))
    theory = Theory((FlatColour(4), ContinuumColour(3)), "real", vector_truncation(2))
    assert theory.n_pairing == 1 and theory.power == 2.0

"""Faces, jackets, the Gurau degree, melonicity and the named families."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornn import BubbleError
from tensornn.bubbles import (
    double_trace,
    enumerate_bubbles,
    face_count,
    faces,
    gurau_degree,
    is_melonic,
    k33_wheel,
    melon,
    melonic_insertion,
    necklace,
    pillow,
    tetrahedron,
)


def test_faces_of_the_quartic_bubbles_by_hand():
    # Pillow of colour 1: pairs (1,2), (1,3) close one face through both dipoles; (2,3) has a face
    # inside each dipole. Tetrahedron: every colour pair forms one 4-cycle.
    assert faces(pillow(3, 1)) == {(1, 2): 1, (1, 3): 1, (2, 3): 2}
    assert faces(tetrahedron()) == {(1, 2): 1, (1, 3): 1, (2, 3): 1}
    assert face_count(double_trace(3)) == 6
    assert face_count(melon(4)) == 6  # one face per colour pair


def test_melons_maximise_faces_and_have_degree_zero():
    # A connected melonic bubble of rank d with 2n vertices has F = d(d-1)/2 + (d-1)(d-2)/2 (n-1).
    for d in (3, 4):
        for n in (1, 2, 3):
            for b in enumerate_bubbles(d, n, "complex", melonic=True):
                assert face_count(b) == d * (d - 1) // 2 + (d - 1) * (d - 2) // 2 * (n - 1)
                assert gurau_degree(b) == 0


@pytest.mark.parametrize("rank, max_order", [(4, 4), (5, 3)])
def test_degree_zero_iff_melonic_for_rank_at_least_four(rank, max_order):
    for order in range(1, max_order + 1):
        for b in enumerate_bubbles(rank, order, "complex", connected=True):
            assert is_melonic(b) == (gurau_degree(b) == 0), b


def test_rank3_degree_is_the_genus_and_planar_is_not_melonic():
    # For d = 3 the single jacket is the bubble itself, so degree 0 means planar. The cube
    # (order 4) is planar but has no dipole: degree 0 without being melonic.
    cube = [b for b in enumerate_bubbles(3, 4, "complex", connected=True) if gurau_degree(b) == 0 and not is_melonic(b)]
    assert len(cube) == 1 and cube[0].n_vertices == 8 and face_count(cube[0]) == 6
    assert gurau_degree(tetrahedron()) == pytest.approx(0.5)  # K4 coloured: non-orientable jacket
    assert gurau_degree(k33_wheel()) > 0


def test_named_families_are_the_enumerated_classes():
    quartic_real = set(enumerate_bubbles(3, 2, "real"))
    assert quartic_real == {pillow(3, c, "real") for c in (1, 2, 3)} | {tetrahedron(), double_trace(3, "real")}
    quartic_complex = set(enumerate_bubbles(3, 2, "complex"))
    assert quartic_complex == {pillow(3, c) for c in (1, 2, 3)} | {double_trace(3)}
    assert necklace(3, 2) == pillow(3, 3)
    assert k33_wheel() in set(enumerate_bubbles(3, 3, "real", connected=True))
    assert melonic_insertion(melon(3), 0, 2) == pillow(3, 2)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_melonic_insertions_stay_melonic(data):
    b = melon(4)
    for _ in range(data.draw(st.integers(0, 4))):
        v = data.draw(st.integers(0, b.n_vertices - 1))
        c = data.draw(st.integers(1, 4))
        b = melonic_insertion(b, v, c)
    assert is_melonic(b) and gurau_degree(b) == 0


def test_invariant_errors_name_the_problem():
    with pytest.raises(BubbleError, match="rank >= 3"):
        gurau_degree(melon(2))
    with pytest.raises(ValueError, match="colour must be <= 3"):
        pillow(3, 4)

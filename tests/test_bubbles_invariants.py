"""Faces, Gurau degree, dipoles, families and canonical forms of bubbles."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornn.bubbles.enumerate import enumerate_bubbles
from tensornn.bubbles.families import (
    double_trace,
    k33_wheel,
    melon,
    melonic_insertion,
    necklace,
    pillow,
    tetrahedron,
)
from tensornn.bubbles.invariants import (
    dipole_colour,
    dipoles,
    face_count,
    faces,
    gurau_degree,
    is_melonic,
    jackets,
    remove_dipole,
)
from tensornn.errors import BubbleError


def test_faces_by_hand():
    # complex pillow of colour 3: black 0 -(1,2)- white 3, black 1 -(1,2)- white 2, 0-2 and 1-3 colour 3.
    # (1,2)-faces: the two thick sides -> 2; (1,3) and (2,3): one square each.
    assert faces(pillow(3)) == {(1, 2): 2, (1, 3): 1, (2, 3): 1}
    # tetrahedron K4: each pair of colours forms one 4-cycle
    assert faces(tetrahedron()) == {(1, 2): 1, (1, 3): 1, (2, 3): 1}
    assert face_count(melon(3)) == 3 and face_count(melon(4)) == 6
    assert face_count(double_trace(3)) == 6
    # K33 wheel: each pair of distinct permutations sigma_i^-1 sigma_j is a 3-cycle -> one face each
    assert faces(k33_wheel()) == {(1, 2): 1, (1, 3): 1, (2, 3): 1}


def test_degree_of_named_bubbles():
    assert gurau_degree(melon(3)) == 0 and gurau_degree(pillow(1)) == 0
    assert gurau_degree(k33_wheel()) == 1
    assert str(gurau_degree(tetrahedron())) == "1/2"  # one non-orientable jacket: the projective plane
    assert len(jackets(4)) == 3 and len(jackets(5)) == 12


def test_degree_zero_iff_melonic_rank4():
    for field in ("complex", "real"):
        for n in range(1, 5):
            for b in enumerate_bubbles(4, n, field, connected=True):
                assert (gurau_degree(b) == 0) == is_melonic(b), (field, n, b)


def test_degree_zero_iff_melonic_rank3_small_orders_and_the_cube():
    # With three colours the degree is the genus of the bubble itself, so degree 0 means planar;
    # up to order 3 planar and melonic coincide, from order 4 the cube is planar but not melonic.
    for field in ("complex", "real"):
        for n in range(1, 4):
            for b in enumerate_bubbles(3, n, field, connected=True):
                assert (gurau_degree(b) == 0) == is_melonic(b)
    cube = [b for b in enumerate_bubbles(3, 4, "complex", connected=True) if gurau_degree(b) == 0 and not is_melonic(b)]
    assert len(cube) == 1 and dipoles(cube[0]) == []


def test_dipoles_and_removal():
    p = pillow(2)
    found = dipoles(p)
    assert len(found) == 2 and all(c == 2 for _, _, c in found)
    u, v, c = found[0]
    assert dipole_colour(p, u, v) == 2
    assert remove_dipole(p, u, v) == melon(3)
    assert dipoles(k33_wheel()) == []
    with pytest.raises(BubbleError, match="not a"):
        remove_dipole(k33_wheel(), 0, 3)


def test_melonic_insertion_generates_melons():
    b = melon(3)
    for step, colour in enumerate((1, 2, 3, 1)):
        b = melonic_insertion(b, 0, colour)
        assert is_melonic(b) and gurau_degree(b) == 0 and b.order == step + 2
    assert melonic_insertion(melon(3), 0, 2) == pillow(2)


def test_families_are_the_enumerated_quartics():
    real = set(enumerate_bubbles(3, 2, "real"))
    assert real == {pillow(1, field="real"), pillow(2, field="real"), pillow(3, field="real"),
                    tetrahedron(), double_trace(3, "real")}
    cplx = set(enumerate_bubbles(3, 2, "complex"))
    assert cplx == {pillow(1), pillow(2), pillow(3), double_trace(3)}
    sextic = set(enumerate_bubbles(3, 3, "complex"))
    assert k33_wheel() in sextic and necklace(3, 2) in sextic and is_melonic(necklace(3, 2))


def test_rank_one_and_two():
    assert [len(list(enumerate_bubbles(1, n, "real"))) for n in (1, 2, 3)] == [1, 1, 1]
    cycles = list(enumerate_bubbles(2, 4, "complex", connected=True))
    assert len(cycles) == 1 and cycles[0].n_vertices == 8 and face_count(cycles[0]) == 1


@settings(max_examples=40, deadline=None)
@given(data=st.data(), field=st.sampled_from(["complex", "real"]), n=st.integers(1, 4))
def test_canonical_form_invariant_under_relabelling(data, field, n):
    listed = list(enumerate_bubbles(3, n, field))
    b = data.draw(st.sampled_from(listed))
    perm = data.draw(st.permutations(range(b.n_vertices)))
    c = b.relabelled(list(perm))
    assert c.canonical_form() == b.canonical_form()
    assert c.automorphism_count() == b.automorphism_count()
    assert faces(c) == faces(b)
    assert sum(c == other for other in listed) == 1

"""The Bubble type: construction, validation, canonical forms and automorphisms."""

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornn import Bubble, BubbleError
from tensornn.bubbles import enumerate_bubbles


def test_quartic_complex_pillow_and_double_trace_are_distinct():
    pillow = Bubble.from_permutations([(1, 0), (1, 0), (0, 1)])
    double_trace = Bubble.from_permutations([(0, 1), (0, 1), (0, 1)])
    assert pillow != double_trace
    assert pillow.is_connected() and not double_trace.is_connected()
    # |Aut|: the pillow swaps its two dipoles; the double trace swaps its two melons.
    assert pillow.automorphism_count() == 2
    assert double_trace.automorphism_count() == 2


def test_tetrahedron_has_klein_group_of_automorphisms():
    tet = Bubble.from_matchings([[(0, 1), (2, 3)], [(0, 2), (1, 3)], [(0, 3), (1, 2)]])
    assert tet.automorphism_count() == 4


def test_relabelling_keeps_the_canonical_form():
    b = Bubble.from_permutations([(1, 2, 0), (0, 2, 1), (2, 1, 0)])
    for perm in ([5, 4, 3, 2, 1, 0], [1, 0, 3, 2, 5, 4], [2, 0, 1, 4, 5, 3]):
        assert b.relabelled(perm).canonical_form() == b.canonical_form()


def test_colours_distinguish_pillows():
    pillows = [Bubble.from_permutations([(1, 0) if c != k else (0, 1) for c in range(3)]) for k in range(3)]
    assert len({p.canonical_form() for p in pillows}) == 3


@pytest.mark.parametrize(
    "edges, kinds, field, message",
    [
        ([(0, 1, 1)], None, "real", "missing colour"),
        ([(0, 1, 1), (0, 1, 1), (0, 1, 2), (0, 1, 2)], None, "real", "carries colour 1 twice"),
        ([(0, 1, 1), (0, 1, 5)], None, "real", "colours must be integers in 1..2"),
        ([(0, 1, 1)], {0: "black", 1: "black"}, "complex", "joins two black vertices"),
        ([(0, 0, 1)], None, "real", "self-loop"),
    ],
)
def test_invalid_bubbles_are_refused_with_the_reason(edges, kinds, field, message):
    with pytest.raises(BubbleError, match=message):
        Bubble.from_edges(edges, rank=2, field=field, kinds=kinds)


def test_empty_graph_is_refused():
    with pytest.raises(BubbleError, match="empty"):
        Bubble(nx.MultiGraph(), 3)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_relabelling_keeps_the_canonical_form_and_aut(data):
    field = data.draw(st.sampled_from(["real", "complex"]))
    order = data.draw(st.integers(1, 4))
    bubbles = list(enumerate_bubbles(3, order, field))
    b = bubbles[data.draw(st.integers(0, len(bubbles) - 1))]
    perm = data.draw(st.permutations(range(b.n_vertices)))
    relabelled = b.relabelled(perm)
    assert relabelled.canonical_form() == b.canonical_form()
    assert relabelled.automorphism_count() == b.automorphism_count()
    assert relabelled == b

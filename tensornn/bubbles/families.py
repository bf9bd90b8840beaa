"""Named bubbles: the melon, pillows, tetrahedron, necklaces, double trace, K33 wheel, and melonic insertion.

Conventions: colours are 1..d; a complex bubble has black vertices 0..n-1 and white ones
n..2n-1 (black i joined by colour c to white n + sigma_c(i)); real versions forget the types.
"""

from __future__ import annotations

from .._checks import check_choice, check_int
from ..errors import BubbleError, InvalidArgumentError
from .graph import FIELDS, Bubble

__all__ = ["melon", "pillow", "tetrahedron", "necklace", "double_trace", "k33_wheel", "melonic_insertion"]


def _finish(bubble: Bubble, field: str) -> Bubble:
    field = check_choice("field", field, FIELDS)
    return bubble if field == "complex" else bubble.to_real()


def melon(rank: int = 3, field: str = "complex") -> Bubble:
    """The 2-vertex bubble (the quadratic invariant T.T): two vertices joined by all d colours."""
    rank = check_int("rank", rank, minimum=1)
    return _finish(Bubble.from_permutations([(0,)] * rank), field)


def necklace(beads: int, colour: int = 1, rank: int = 3, field: str = "complex") -> Bubble:
    """A ring of ``beads`` (d-1)-dipoles joined by edges of one colour.

    In words: 2 * beads vertices on a circle; black 2k and white 2k+1 (a bead) are joined by the
    d-1 colours other than ``colour``; consecutive beads are joined by a single edge of
    ``colour``. One bead is the melon; two beads are the pillow of that colour. Melonic for every
    number of beads (remove the beads one by one).
    """
    beads = check_int("beads", beads, minimum=1)
    rank = check_int("rank", rank, minimum=1)
    colour = check_int("colour", colour, minimum=1, maximum=rank)
    shift = tuple((i + 1) % beads for i in range(beads))
    perms = [shift if c == colour else tuple(range(beads)) for c in range(1, rank + 1)]
    return _finish(Bubble.from_permutations(perms), field)


def pillow(colour: int = 1, rank: int = 3, field: str = "complex") -> Bubble:
    """The quartic pillow of a colour: two (d-1)-dipoles joined by two edges of ``colour``.

    In words: a square whose two opposite sides are thick (d-1 parallel edges, all colours but
    ``colour``) and whose two other sides are single edges of ``colour``. Melonic; Aut has order 2.
    """
    return necklace(2, colour, rank, field)


def double_trace(rank: int = 3, field: str = "complex") -> Bubble:
    """The disconnected quartic bubble (T.T)^2: two melons side by side."""
    rank = check_int("rank", rank, minimum=1)
    return _finish(Bubble.from_permutations([(0, 1)] * rank), field)


def tetrahedron() -> Bubble:
    """The real rank-3 tetrahedron: K4 with its three perfect matchings coloured 1, 2, 3.

    In words: four vertices, every pair joined by one edge; opposite edges share a colour.
    It is not bipartite, so it has no complex version. Gurau degree 1/2, |Aut| = 4.
    """
    return Bubble.from_matchings([[(0, 1), (2, 3)], [(0, 2), (1, 3)], [(0, 3), (1, 2)]])


def k33_wheel(field: str = "complex") -> Bubble:
    """The sextic wheel: K_{3,3} with its edges coloured so that each colour is a perfect matching.

    In words: a hexagon with alternating colours 1, 2 whose three long diagonals have colour 3;
    black i joined to white i (colour 1), i+1 (colour 2) and i+2 (colour 3). Non-melonic
    (no dipole), Gurau degree 1 in rank 3.
    """
    return _finish(Bubble.from_permutations([(0, 1, 2), (1, 2, 0), (2, 0, 1)]), field)


def melonic_insertion(bubble: Bubble, vertex: int, colour: int) -> Bubble:
    """Insert a (d-1)-dipole on the edge of ``colour`` at ``vertex``.

    In words: the edge v --c-- w is cut and replaced by v --c-- a, a and b joined by all colours
    other than c, b --c-- w (a is white if v is black). The inverse of dipole removal; applied to
    the melon it generates every melonic bubble.
    """
    if not isinstance(bubble, Bubble):
        raise InvalidArgumentError(f"bubble must be a Bubble, got {type(bubble).__name__}")
    d = bubble.rank
    vertex = check_int("vertex", vertex, minimum=0, maximum=bubble.n_vertices - 1)
    colour = check_int("colour", colour, minimum=1, maximum=d)
    kinds = list(bubble.kinds)
    w = bubble.neighbour(vertex, colour)
    a, b = len(kinds), len(kinds) + 1
    edges = [e for e in bubble.edges() if not (e[2] == colour and {e[0], e[1]} == {vertex, w})]
    edges += [(vertex, a, colour), (b, w, colour)] + [(a, b, c) for c in range(1, d + 1) if c != colour]
    if bubble.field == "complex":
        flip = {"black": "white", "white": "black"}
        kinds += [flip[kinds[vertex]], kinds[vertex]]
        return Bubble.from_edges(edges, rank=d, field="complex", kinds=dict(enumerate(kinds)))
    if d == 0:
        raise BubbleError("rank-0 bubbles have no edges to insert on")
    graph_edges = edges
    return Bubble.from_edges(graph_edges, rank=d, field="real", kinds=dict.fromkeys(range(len(kinds)), "real"))

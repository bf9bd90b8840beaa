"""Named bubbles: melons, pillows, double traces, the tetrahedron, necklaces, the K33 wheel, and
melonic insertions.

Conventions: colours are 1..d; for complex fields black vertices are phi, white ones phibar.
"""

from __future__ import annotations

from .._checks import check_choice, check_int
from ..errors import BubbleError
from ._tables import from_table, insert_dipole
from .graph import FIELDS, Bubble

__all__ = [
    "melon",
    "pillow",
    "double_trace",
    "tetrahedron",
    "necklace",
    "k33_wheel",
    "melonic_insertion",
]


def _field(field):
    return check_choice("field", field, FIELDS)


def melon(rank: int, field: str = "complex") -> Bubble:
    """The 2-vertex bubble: two fields joined by all d colours (the mass term |T|^2)."""
    rank = check_int("rank", rank, minimum=1)
    table = [[1] * rank, [0] * rank]
    return from_table(table, [0, 1] if _field(field) == "complex" else [0, 0], rank, field)


def pillow(rank: int, colour: int, field: str = "complex") -> Bubble:
    """Quartic pillow of colour c: two (d-1)-dipoles (joined by every colour but c) linked by colour c.

    Its value on T is Tr (A^c A^c^T)^2-like: the colour-c indices of the two dipoles are exchanged.
    """
    rank = check_int("rank", rank, minimum=2)
    colour = check_int("colour", colour, minimum=1, maximum=rank)
    perms = [(1, 0) if c == colour else (0, 1) for c in range(1, rank + 1)]
    bubble = Bubble.from_permutations(perms)
    return bubble if _field(field) == "complex" else bubble.to_real()


def double_trace(rank: int, field: str = "complex") -> Bubble:
    """Two disjoint melons: (T . T)^2, the disconnected quartic bubble."""
    rank = check_int("rank", rank, minimum=1)
    bubble = Bubble.from_permutations([(0, 1)] * rank)
    return bubble if _field(field) == "complex" else bubble.to_real()


def tetrahedron() -> Bubble:
    """The real rank-3 tetrahedron: K4 with its three perfect matchings as colours 1, 2, 3."""
    return Bubble.from_matchings([[(0, 1), (2, 3)], [(0, 2), (1, 3)], [(0, 3), (1, 2)]])


def necklace(rank: int, length: int, field: str = "complex") -> Bubble:
    """A cycle of ``length`` beads.

    Bead i is a black/white pair (b_i, w_i) joined by colours 3..d; colour 1 joins b_i to
    w_(i+1) and colour 2 joins b_i to w_(i-1) (indices mod length). Length 2 gives the pillow of
    colour 3 seen from its dipoles; length 3 in rank 3 is the sextic prism.
    """
    rank = check_int("rank", rank, minimum=3)
    length = check_int("length", length, minimum=2)
    perms = [tuple((i + 1) % length for i in range(length)), tuple((i - 1) % length for i in range(length))]
    perms += [tuple(range(length))] * (rank - 2)
    bubble = Bubble.from_permutations(perms)
    return bubble if _field(field) == "complex" else bubble.to_real()


def k33_wheel(field: str = "real") -> Bubble:
    """The rank-3 wheel K_{3,3}: black a_i joined to white b_(i + c) by colour c (mod 3)."""
    bubble = Bubble.from_permutations([tuple((i + c) % 3 for i in range(3)) for c in range(1, 4)])
    return bubble if _field(field) == "complex" else bubble.to_real()


def melonic_insertion(bubble: Bubble, vertex: int, colour: int) -> Bubble:
    """Insert a (d-1)-dipole of colour ``colour`` on the colour-``colour`` edge at ``vertex``.

    Starting from the melon, repeated insertions generate exactly the melonic bubbles.
    """
    vertex = check_int("vertex", vertex, minimum=0, maximum=bubble.n_vertices - 1)
    colour = check_int("colour", colour, minimum=1, maximum=bubble.rank)
    if bubble.rank < 1:
        raise BubbleError("melonic insertions need rank >= 1")
    kinds = [0 if k in ("black", "real") else 1 for k in bubble.kinds]
    adjacency, kinds = insert_dipole(bubble.adjacency, kinds, vertex, colour - 1)
    return from_table(adjacency, kinds, bubble.rank, bubble.field)

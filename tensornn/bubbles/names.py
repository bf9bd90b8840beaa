"""Names and index contractions of bubbles, for legends of printed flows and reports.

:func:`bubble_name` says which bubble it is in the words of the tensor-model literature:

- the melon (2 vertices joined by every colour: the mass term phibar.phi);
- quartic bubbles: the double trace (two melons); the pillow of colour c (two (d-1)-dipoles joined
  by colour c, melonic); the necklace of colours C (the two dipoles joined by the colours C with
  2 <= |C| <= d/2, e.g. the rank-4 quartic necklace); for real fields also the tetrahedron (rank 3:
  K4 with its three perfect matchings as colours) and its higher-rank versions;
- rank-3 sextic bubbles of their own name: the prism (necklace of three beads) and the K_{3,3} wheel;
- otherwise "melonic bubble with 2n fields, (d-1)-dipoles of colours C" or "connected non-melonic
  bubble with 2n fields"; a disconnected bubble is the product of its components, joined by x.

:func:`bubble_contraction` writes the term of the action a bubble stands for, one field per vertex
and one summed index per edge (indices of colour c are a1, a2, ... for c = 1, b1, b2, ... for c = 2):
the pillow of colour 1 in rank 3 is ``phi_{a1 b1 c1} phi_{a2 b2 c2} phibar_{a2 b1 c1} phibar_{a1 b2 c2}``,
summed over all indices: the two phibar exchange their colour-1 indices.
"""

from __future__ import annotations

from itertools import permutations

from .canonical import canonical_code, components
from .graph import Bubble
from .invariants import dipoles, is_melonic

__all__ = ["bubble_name", "bubble_contraction"]

_BASE = "abcdefgh"


def _colour_set(colours) -> str:
    return "{" + ",".join(str(c) for c in sorted(colours)) + "}"


def _index_base(colour: int) -> str:
    return _BASE[colour - 1] if colour <= len(_BASE) else f"i{colour}_"


def bubble_contraction(bubble: Bubble) -> str:
    """The invariant I(phi) of a bubble as an index contraction (summed over every index).

    Examples
    --------
    >>> from tensornn.bubbles import pillow
    >>> bubble_contraction(pillow(3, 1))
    'phi_{a1 b1 c1} phi_{a2 b2 c2} phibar_{a2 b1 c1} phibar_{a1 b2 c2}'
    """
    rank = bubble.rank
    adjacency = bubble.adjacency
    letters = {}
    counters = [0] * rank
    for v, row in enumerate(adjacency):
        for c, w in enumerate(row):
            if (v, c) not in letters:
                counters[c] += 1
                letters[(v, c)] = letters[(w, c)] = f"{_index_base(c + 1)}{counters[c]}"
    fields = []
    for v, kind in enumerate(bubble.kinds):
        symbol = "phibar" if kind == "white" else "phi"
        if rank == 0:
            fields.append(symbol)
        else:
            fields.append(f"{symbol}_{{{' '.join(letters[(v, c)] for c in range(rank))}}}")
    return " ".join(fields)


def _quartic_name(bubble: Bubble) -> str:
    """Name of a bubble with 4 vertices (2 black, 2 white for complex fields)."""
    d = bubble.rank
    adjacency = bubble.adjacency
    if bubble.field == "complex":
        black = bubble.kinds.index("black")
        classes: dict[int, list[int]] = {}
        for c in range(d):
            classes.setdefault(adjacency[black][c], []).append(c + 1)
    else:
        classes = {}
        for c in range(d):
            classes.setdefault(adjacency[0][c], []).append(c + 1)  # the matching of colour c, by 0's partner
    parts = sorted((sorted(cs) for cs in classes.values()), key=lambda cs: (len(cs), cs))
    if len(parts) == 1:
        return "double trace (two melons)"
    if len(parts) == 2:
        small = parts[0]
        if len(small) == 1:
            return f"pillow of colour {small[0]}"
        return f"necklace of colours {_colour_set(small)} | {_colour_set(parts[1])}"
    if d == 3:
        return "tetrahedron"
    return "tetrahedral quartic of colours " + " | ".join(_colour_set(p) for p in parts)


def _same_up_to_colours(bubble: Bubble, other: Bubble) -> bool:
    if bubble.n_vertices != other.n_vertices or bubble.field != other.field or bubble.rank != other.rank:
        return False
    kinds = tuple(0 if k in ("black", "real") else 1 for k in other.kinds)
    target = canonical_code(bubble.adjacency, tuple(0 if k in ("black", "real") else 1 for k in bubble.kinds))
    for perm in permutations(range(other.rank)):
        moved = tuple(tuple(row[p] for p in perm) for row in other.adjacency)
        if canonical_code(moved, kinds) == target:
            return True
    return False


def _connected_name(bubble: Bubble) -> str:
    if bubble.n_vertices == 2:
        return "melon"
    if bubble.n_vertices == 4 and bubble.rank >= 1:
        return _quartic_name(bubble)
    if bubble.rank == 3 and bubble.n_vertices == 6:
        from .families import k33_wheel, necklace

        if _same_up_to_colours(bubble, necklace(3, 3, bubble.field)):
            return "prism (necklace of three beads)"
        if _same_up_to_colours(bubble, k33_wheel(bubble.field)):
            return "K_{3,3} wheel"
    if bubble.rank >= 2 and is_melonic(bubble):
        colours = sorted({c for _, _, c in dipoles(bubble)})
        which = f"colour {colours[0]}" if len(colours) == 1 else f"colours {_colour_set(colours)}"
        return f"melonic bubble with {bubble.n_vertices} fields, (d-1)-dipoles of {which}"
    return f"connected non-melonic bubble with {bubble.n_vertices} fields"


def bubble_name(bubble: Bubble) -> str:
    """A name for the bubble (see the module docstring); components of a disconnected one are joined by ' x '.

    Examples
    --------
    >>> from tensornn.bubbles import double_trace, pillow, tetrahedron
    >>> bubble_name(pillow(3, 2)), bubble_name(tetrahedron()), bubble_name(double_trace(3))
    ('pillow of colour 2', 'tetrahedron', 'double trace (two melons)')
    """
    if bubble.rank == 0:
        return f"phi^{bubble.n_vertices}" if bubble.field == "real" else f"(phibar phi)^{bubble.n_vertices // 2}"
    parts = components(bubble.adjacency)
    if len(parts) == 1:
        return _connected_name(bubble)
    if bubble.n_vertices == 4:
        return _quartic_name(bubble)
    names = [_connected_name(bubble.subbubble(vertices)) for vertices in parts]
    return " x ".join(sorted(names))

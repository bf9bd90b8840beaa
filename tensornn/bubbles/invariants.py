"""Combinatorial invariants of bubbles: faces, jackets, Gurau degree, dipoles, melonicity.

- A face of colours (i, j) is a cycle alternating edges of colours i and j; F_B counts them all.
- A jacket of a rank-d bubble (d >= 3) is a cyclic order (c_1 ... c_d) of the colours up to
  reversal; there are (d-1)!/2. Its faces are the faces of the adjacent colour pairs
  (c_k, c_{k+1}); read as a ribbon graph it has V vertices, E = dV/2 edges and F_J faces, and
  genus g_J = (2 K - V + E - F_J) / 2 summed over its K components (half-integer for a
  non-orientable jacket of a real bubble).
- The Gurau degree is omega(B) = sum_J g_J; for d >= 3 it is 0 exactly when every connected
  component is melonic.
- A (d-1)-dipole is a pair of vertices joined by all colours but one, c. Removing it (deleting
  both vertices and joining their two outer colour-c half-edges) keeps the degree. A connected
  bubble is melonic when dipole removals reduce it to the 2-vertex melon.

References
----------
.. [1] R. Gurau, "The complete 1/N expansion of colored tensor models in arbitrary dimension",
   arXiv:1102.5759.
.. [2] V. Bonzom, R. Gurau, A. Riello, V. Rivasseau, arXiv:1105.3122.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, permutations

from ..errors import BubbleError, InvalidArgumentError
from .canonical import components
from .graph import Bubble

__all__ = [
    "faces",
    "face_count",
    "jackets",
    "jacket_genus",
    "gurau_degree",
    "dipole_colour",
    "dipoles",
    "remove_dipole",
    "is_melonic",
]


def _faces_of(adjacency, i, j) -> int:
    """Number of cycles alternating colours i and j (0-based)."""
    seen = [False] * len(adjacency)
    count = 0
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        count += 1
        v = start
        while True:
            w = adjacency[v][i]
            seen[v] = seen[w] = True
            v = adjacency[w][j]
            if v == start:
                break
    return count


def faces(bubble: Bubble) -> dict[tuple[int, int], int]:
    """Faces per colour pair: ``{(i, j): number of (i, j)-bicoloured cycles}`` for 1 <= i < j <= d.

    Examples
    --------
    >>> faces(Bubble.from_permutations([(1, 0), (1, 0), (0, 1)]))  # complex pillow of colour 3
    {(1, 2): 2, (1, 3): 1, (2, 3): 1}
    """
    return {(i + 1, j + 1): _faces_of(bubble.adjacency, i, j) for i, j in combinations(range(bubble.rank), 2)}


def face_count(bubble: Bubble) -> int:
    """F_B: the total number of faces over all colour pairs."""
    return sum(faces(bubble).values())


def jackets(rank: int) -> list[tuple[int, ...]]:
    """The (d-1)!/2 cyclic colour orders up to reversal, each starting with colour 1 (d >= 3)."""
    if rank < 3:
        raise InvalidArgumentError(f"jackets need rank >= 3, got rank={rank}")
    out = []
    for tail in permutations(range(2, rank + 1)):
        if tail[0] < tail[-1]:
            out.append((1,) + tail)
    return out


def jacket_genus(bubble: Bubble, jacket) -> Fraction:
    """Genus g_J = (2K - V + E - F_J)/2 of a jacket (an exact Fraction; K = number of components)."""
    d = bubble.rank
    per_pair = faces(bubble)
    f_j = sum(per_pair[tuple(sorted((jacket[k], jacket[(k + 1) % d])))] for k in range(d))
    v = bubble.n_vertices
    k = len(components(bubble.adjacency))
    return Fraction(2 * k - v + d * v // 2 - f_j, 2)


def gurau_degree(bubble: Bubble):
    """Gurau degree omega = sum over jackets of their genus (d >= 3); an int, or a Fraction if half-integer.

    omega = 0 exactly when every connected component is melonic.

    Raises
    ------
    InvalidArgumentError
        rank < 3 (the degree is defined through jackets of at least three colours).
    """
    if bubble.rank < 3:
        raise InvalidArgumentError(f"the Gurau degree needs rank >= 3, got a rank-{bubble.rank} bubble")
    total = sum((jacket_genus(bubble, j) for j in jackets(bubble.rank)), Fraction(0))
    return int(total) if total.denominator == 1 else total


def dipole_colour(bubble: Bubble, u: int, v: int) -> int | None:
    """The colour c when vertices u, v form a (d-1)-dipole (joined by every colour but c), else None.

    A 2-vertex component (joined by all d colours) is reported as a dipole of colour d.
    """
    return _dipole_colour(bubble.adjacency, u, v)


def _dipole_colour(adjacency, u, v):
    if u == v:
        return None
    missing = [c for c, w in enumerate(adjacency[u]) if w != v]
    if len(missing) == 1:
        return missing[0] + 1
    if not missing:
        return len(adjacency[u])
    return None


def dipoles(bubble: Bubble) -> list[tuple[int, int, int]]:
    """All (d-1)-dipoles as ``(u, v, c)`` with u < v and c the colour not joining them."""
    out = []
    for u, row in enumerate(bubble.adjacency):
        for v in set(row):
            if u < v:
                c = _dipole_colour(bubble.adjacency, u, v)
                if c is not None:
                    out.append((u, v, c))
    return sorted(out)


def _remove(adjacency, u, v, c):
    """Adjacency (dict of rows) after removing the dipole (u, v) of colour c (0-based)."""
    x, y = adjacency[u][c], adjacency[v][c]
    new = {w: list(row) for w, row in adjacency.items() if w not in (u, v)}
    if x != v:  # otherwise (u, v) was a whole 2-vertex component
        new[x][c] = y
        new[y][c] = x
    return new


def remove_dipole(bubble: Bubble, u: int, v: int) -> Bubble:
    """The bubble with the (d-1)-dipole (u, v) removed and its outer colour-c half-edges joined.

    Raises
    ------
    BubbleError
        (u, v) is not a (d-1)-dipole, or it is a whole 2-vertex component.
    """
    c = dipole_colour(bubble, u, v)
    if c is None:
        raise BubbleError(f"vertices {u} and {v} are not a (d-1)-dipole; see dipoles(bubble) for those there are")
    if bubble.adjacency[u][c - 1] == v:
        raise BubbleError(f"vertices {u} and {v} form a whole 2-vertex component; removing them leaves nothing")
    table = _remove({w: row for w, row in enumerate(bubble.adjacency)}, u, v, c - 1)
    kinds = bubble.kinds
    edges = [(w, row[k], k + 1) for w, row in table.items() for k in range(bubble.rank) if w < row[k]]
    kind_map = {w: kinds[w] for w in table} if bubble.field == "complex" else None
    return Bubble.from_edges(edges, rank=bubble.rank, field=bubble.field, kinds=kind_map)


def is_melonic(bubble: Bubble) -> bool:
    """True when the bubble is connected and (d-1)-dipole removals reduce it to the 2-vertex melon.

    Removing any dipole of a melonic bubble leaves a melonic bubble, so a greedy reduction decides.
    """
    if len(components(bubble.adjacency)) != 1:
        return False
    table = {w: list(row) for w, row in enumerate(bubble.adjacency)}
    while len(table) > 2:
        for u, row in table.items():
            found = None
            for v in set(row):
                c = _dipole_colour(table, u, v)
                if c is not None:
                    found = (v, c - 1)
                    break
            if found:
                table = _remove(table, u, found[0], found[1])
                break
        else:
            return False
    return True

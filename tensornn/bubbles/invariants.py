"""Combinatorial invariants of bubbles: faces, jackets, the Gurau degree, dipoles and melonicity.

- A face of colours (i, j) is a cycle alternating edges of colours i and j; F_B is the total
  number of faces over all pairs i < j.
- A jacket is a cyclic order tau of the d colours up to reversal ((d - 1)!/2 of them for d >= 3);
  its faces are those of the colour pairs adjacent in tau. Embedded with those faces, a connected
  bubble is a closed surface with Euler characteristic chi_J = V - E + F_J, E = V d / 2, and
  genus g_J = (2 - chi_J)/2 (half-integer for non-orientable jackets of real bubbles).
- The Gurau degree is omega = sum over jackets of g_J (summed over connected components); for
  d >= 3 it vanishes exactly for melonic bubbles.
- A (d-1)-dipole of colour c is a pair of distinct vertices joined by every colour except c.
  A connected bubble is melonic when removing dipoles (deleting the pair and joining their two
  outer colour-c neighbours by a colour-c edge) reduces it to the 2-vertex melon.

References: Bonzom, Gurau, Riello, Rivasseau, arXiv:1105.3122.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from ..errors import BubbleError
from .graph import Bubble

__all__ = ["faces", "face_count", "jackets", "jacket_genus", "gurau_degree", "dipoles", "is_melonic"]


def faces(bubble: Bubble) -> dict[tuple[int, int], int]:
    """Number of faces for every colour pair (i, j), i < j (colours 1-based)."""
    memo = bubble._cache()
    if "faces" not in memo:
        memo["faces"] = _faces(bubble.adjacency, bubble.rank)
    return dict(memo["faces"])


def _faces(adjacency, rank: int) -> dict[tuple[int, int], int]:
    size = len(adjacency)
    result = {}
    for i, j in itertools.combinations(range(rank), 2):
        seen = [False] * size
        count = 0
        for start in range(size):
            if seen[start]:
                continue
            count += 1
            v = start
            while not seen[v]:  # a face alternates colours i and j and returns to start after colour j
                seen[v] = True
                w = adjacency[v][i]
                seen[w] = True
                v = adjacency[w][j]
        result[(i + 1, j + 1)] = count
    return result


def face_count(bubble: Bubble) -> int:
    """F_B: the total number of faces."""
    return sum(faces(bubble).values())


def jackets(rank: int) -> list[tuple[int, ...]]:
    """Cyclic colour orders up to rotation and reversal, each starting with colour 1."""
    if rank < 3:
        raise BubbleError(f"jackets are defined for rank >= 3, got rank {rank}")
    result = []
    for rest in itertools.permutations(range(2, rank + 1)):
        if rest[0] < rest[-1]:
            result.append((1,) + rest)
    return result


def jacket_genus(bubble: Bubble, jacket) -> Fraction:
    """Genus of a connected bubble's jacket: (2 - V + E - F_J)/2."""
    if not bubble.is_connected():
        raise BubbleError("jacket_genus needs a connected bubble; use gurau_degree for the sum over components")
    per_pair = faces(bubble)
    cyclic = list(jacket) + [jacket[0]]
    f_j = sum(per_pair[tuple(sorted((a, b)))] for a, b in zip(cyclic, cyclic[1:]))
    vertices = bubble.n_vertices
    edges = vertices * bubble.rank // 2
    return Fraction(2 - vertices + edges - f_j, 2)


def gurau_degree(bubble: Bubble) -> Fraction:
    """omega = sum of the jacket genera, summed over connected components (rank >= 3).

    Summing (2 - V_k + E_k - F_J,k)/2 over the K components k gives (2K - V + E - F_J)/2 for each
    jacket J, so the faces of the whole bubble and its number of components suffice.
    """
    if bubble.rank < 3:
        raise BubbleError(f"the Gurau degree is defined for rank >= 3, got rank {bubble.rank}")
    per_pair = faces(bubble)
    n_components = len(bubble._components())
    vertices = bubble.n_vertices
    edges = vertices * bubble.rank // 2
    total = Fraction(0)
    for jacket in jackets(bubble.rank):
        cyclic = list(jacket) + [jacket[0]]
        f_j = sum(per_pair[(min(a, b), max(a, b))] for a, b in zip(cyclic, cyclic[1:]))
        total += Fraction(2 * n_components - vertices + edges - f_j, 2)
    return total


def dipoles(bubble: Bubble) -> list[tuple[int, int, int]]:
    """All (d-1)-dipoles as (u, v, c): u < v joined by every colour except c (1-based)."""
    d = bubble.rank
    found = []
    for u, row in enumerate(bubble.adjacency):
        for c in range(d):
            others = [row[k] for k in range(d) if k != c]
            v = others[0] if others else None
            if v is not None and v > u and all(w == v for w in others) and row[c] != v:
                found.append((u, v, c + 1))
    return found


def is_melonic(bubble: Bubble) -> bool:
    """True when the connected bubble reduces to the 2-vertex melon by (d-1)-dipole removals.

    Disconnected bubbles are not melonic by this definition. For d = 1 only the melon qualifies.
    """
    if not bubble.is_connected():
        return False
    d = bubble.rank
    if d >= 3 and bubble.n_vertices > 2 and all(len(set(row)) == d for row in bubble.adjacency):
        return False  # no vertex shares d - 1 colours with a neighbour: no dipole to remove
    adjacency = {v: list(row) for v, row in enumerate(bubble.adjacency)}
    while len(adjacency) > 2:
        for u, row in adjacency.items():
            hit = None
            if d >= 3 and len(set(row)) == d:
                continue  # d distinct neighbours: no colour is shared with another, so no dipole at u
            for c in range(d):
                others = {row[k] for k in range(d) if k != c}
                if len(others) == 1:
                    v = others.pop()
                    if v != u and row[c] != v:
                        hit = (u, v, c)
                        break
            if hit:
                break
        else:
            return False
        u, v, c = hit
        x, y = adjacency[u][c], adjacency[v][c]
        del adjacency[u], adjacency[v]
        adjacency[x][c], adjacency[y][c] = y, x
    return len(adjacency) == 2

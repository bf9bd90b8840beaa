"""Invariants of many bubbles at once, from stacked adjacency tables (the listing's columns; private).

For a stack of tables (m, V, d) every invariant the listing prints is computed with whole-array operations:

- faces of colours (i, j): the map v -> adj[adj[v][i]][j] is a permutation whose cycles come in pairs, one
  pair per face (a face of 2k vertices is two k-cycles of the map: the vertices where it enters by colour i,
  and the others), so F_ij = (number of cycles) / 2; cycles are counted by pointer doubling;
- connected components: every vertex takes the smallest label among its neighbours until nothing changes;
- the Gurau degree from the faces and components (:func:`tensornn.bubbles.gurau_degree`);
- melonicity: melonic bubbles are connected with degree 0 (d >= 3), so only those candidates are checked by
  :func:`tensornn.bubbles.is_melonic`;
- |Aut| from the enumerator where it knows it (complex classes), by the canonical search otherwise.

``tests/test_cli_bubbles.py`` checks every column against the Bubble methods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import Bubble
from .invariants import is_melonic, jackets

__all__ = ["Columns", "describe_tables", "melonic_mask", "pair_faces"]


@dataclass
class Columns:
    """The listing's columns for a stack of m bubbles (arrays of length m).

    ``twice_degree`` is 2 x the Gurau degree (an integer; half-integers occur for real bubbles), None below
    rank 3, where the degree is not defined.
    """

    aut: np.ndarray
    faces: np.ndarray
    twice_degree: np.ndarray | None
    melonic: np.ndarray
    connected: np.ndarray
    components: np.ndarray


def _gather(values: np.ndarray, index: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """values[r, index[r, ...]] for every row r of (m, V) ``values`` (``offsets`` = r * V, broadcastable)."""
    return values.ravel()[index + offsets]


def _cycle_counts(maps: np.ndarray) -> np.ndarray:
    """Number of cycles of each row of a stack of permutations (m, V), by pointer doubling."""
    m, size = maps.shape
    offsets = (np.arange(m) * size)[:, None]
    labels = np.broadcast_to(np.arange(size), (m, size)).copy()
    f = maps
    for _ in range(max(1, (size - 1).bit_length())):  # after k rounds: min over f^0 .. f^(2^k - 1)
        np.minimum(labels, _gather(labels, f, offsets), out=labels)
        f = _gather(f, f, offsets)
    return np.count_nonzero(labels == np.arange(size), axis=1)


def _component_counts(tables: np.ndarray) -> np.ndarray:
    """Connected components of each table (m, V, d): labels take their neighbours' minimum, then jump."""
    m, size, rank = tables.shape
    offsets = (np.arange(m) * size)[:, None]
    neighbours = [np.ascontiguousarray(tables[:, :, c]) + offsets for c in range(rank)]
    labels = np.broadcast_to(np.arange(size), (m, size)).copy()
    for _ in range(size):
        flat = labels.ravel()
        updated = labels.copy()
        for index in neighbours:
            np.minimum(updated, flat[index], out=updated)
        updated = _gather(updated, updated, offsets)  # a label is a vertex of the component: jump to its label
        if np.array_equal(updated, labels):
            break
        labels = updated
    return np.count_nonzero(labels == np.arange(size), axis=1)


def pair_faces(tables: np.ndarray, black_first: bool = False) -> dict[tuple[int, int], np.ndarray]:
    """Faces per colour pair (i, j), 1-based i < j, each an int array (m,).

    ``black_first``: the tables are bipartite with the first half of the vertices black (the complex
    enumeration's layout); the map then keeps the black vertices, one cycle per face, and half the work is done.
    """
    tables = np.asarray(tables, dtype=np.intp)
    m, size, rank = tables.shape
    offsets = (np.arange(m) * size)[:, None]
    out = {}
    for i in range(rank):
        for j in range(i + 1, rank):
            step = tables[:, : size // 2, i] if black_first else tables[:, :, i]
            maps = _gather(np.ascontiguousarray(tables[:, :, j]), step, offsets)
            if black_first:
                out[(i + 1, j + 1)] = _cycle_counts(maps)
            else:
                out[(i + 1, j + 1)] = _cycle_counts(maps) // 2
    return out


def melonic_mask(tables: np.ndarray) -> np.ndarray:
    """For connected tables (m, V, d), d >= 2: True where removing (d-1)-dipoles reduces the bubble to the melon.

    The removal of :func:`tensornn.bubbles.is_melonic`, for all tables at once and in the same order (the
    smallest remaining vertex with a dipole, its smallest colour): a dipole of colour c at u joins u to one
    v != u by every other colour, while the colour-c neighbour is not v; its removal joins the colour-c
    neighbours of u and v.
    """
    adjacency = np.array(tables, dtype=np.intp)
    m, size, rank = adjacency.shape
    alive = np.ones((m, size), dtype=bool)
    ok = np.ones(m, dtype=bool)
    rows = np.arange(m)
    colours = np.arange(rank)
    for _ in range(size // 2 - 1):
        others = [np.delete(colours, c) for c in range(rank)]
        first = adjacency[:, :, [o[0] for o in others]]  # (m, V, d): a neighbour by a colour other than c
        same = np.stack([np.all(adjacency[:, :, o] == adjacency[:, :, o[:1]], axis=2) for o in others], axis=2)
        dipole = same & (first != np.arange(size)[None, :, None]) & (adjacency != first) & alive[:, :, None]
        flat = dipole.reshape(m, size * rank)
        found = flat.any(axis=1)
        ok &= found
        pick = flat.argmax(axis=1)
        u, c = pick // rank, pick % rank
        u, c = u[found], c[found]
        r = rows[found]
        v = first[r, u, c]
        x, y = adjacency[r, u, c], adjacency[r, v, c]
        adjacency[r, x, c], adjacency[r, y, c] = y, x
        alive[r, u] = alive[r, v] = False
    return ok


def describe_tables(tables, kinds, rank: int, field: str, aut=None) -> Columns:
    """The listing's columns of a stack of valid tables (m, V, rank) with kind codes (m, V).

    ``aut`` (m,) when the caller knows the automorphism counts; otherwise each is found by the canonical
    search of :meth:`Bubble.automorphism_count`.
    """
    tables = np.asarray(tables, dtype=np.intp)
    m, size, _ = tables.shape
    kinds = np.asarray(kinds)
    black_first = field == "complex" and bool(np.all(kinds[:, : size // 2] == 0))
    per_pair = pair_faces(tables, black_first) if rank >= 2 else {}
    faces = sum(per_pair.values(), np.zeros(m, dtype=np.int64))
    components = _component_counts(tables)
    connected = components == 1
    twice_degree = None
    if rank >= 3:
        edges = size * rank // 2
        twice_degree = np.zeros(m, dtype=np.int64)
        for jacket in jackets(rank):
            cyclic = list(jacket) + [jacket[0]]
            f_j = sum(per_pair[(min(a, b), max(a, b))] for a, b in zip(cyclic, cyclic[1:]))
            twice_degree += 2 * components - size + edges - f_j
    candidates = connected.copy()
    if twice_degree is not None:
        candidates &= twice_degree == 0  # melonic bubbles have degree 0 (d >= 3)
    bubbles: dict[int, Bubble] = {}

    def bubble(r: int) -> Bubble:
        if r not in bubbles:
            bubbles[r] = Bubble._from_table(tuple(map(tuple, tables[r].tolist())), tuple(np.asarray(kinds[r]).tolist()),
                                            rank, field)
        return bubbles[r]

    melonic = np.zeros(m, dtype=bool)
    chosen = np.flatnonzero(candidates)
    if rank >= 2 and len(chosen):
        melonic[chosen] = melonic_mask(tables[chosen])
    elif len(chosen):  # rank 1: the melon is the only connected bubble
        melonic[chosen] = [is_melonic(bubble(int(r))) for r in chosen]
    if aut is None:
        aut = np.array([bubble(r).automorphism_count() for r in range(m)], dtype=np.int64)
    return Columns(np.asarray(aut, dtype=np.int64), faces, twice_degree, melonic, connected, components)

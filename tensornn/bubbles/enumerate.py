"""Enumeration of bubbles up to isomorphism, one representative per class.

Complex fields: a bubble of rank d with n black vertices is a d-tuple of permutations up to
(sigma_c) -> (g sigma_c h^-1). Every orbit meets sigma_1 = id, which leaves simultaneous
conjugation; conjugation takes sigma_2 to a cycle-type representative, which leaves its
centraliser. The enumerator therefore runs over p(n) choices of sigma_2 and all (n!)^(d-2)
choices of sigma_3..sigma_d, instead of all (n!)^d labelled tuples, and deduplicates the
candidates by canonical code on plain adjacency tables before any graph is built.

Real fields: the first perfect matching is fixed; the union with the second is a set of even
cycles, one representative per partition of n; the remaining d - 2 matchings run over all
(2n - 1)!! perfect matchings.

Melonic bubbles are generated directly: every connected melonic bubble of order n + 1 is a
melonic insertion (an edge of colour c replaced by a (d-1)-dipole) into one of order n.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator

from tqdm.auto import tqdm

from .._checks import check_choice, check_int
from .canonical import canonical_code, components
from .counting import partitions
from ._tables import from_table, insert_dipole
from .graph import FIELDS, Bubble

__all__ = ["enumerate_bubbles", "perfect_matchings"]

#: Candidate counts above which a progress bar is shown when ``progress=None``.
_PROGRESS_THRESHOLD = 50_000


def perfect_matchings(points) -> Iterator[list[tuple[int, int]]]:
    """All perfect matchings of an even-sized sequence of points, as lists of pairs."""
    points = list(points)
    if not points:
        yield []
        return
    first = points[0]
    for i in range(1, len(points)):
        rest = points[1:i] + points[i + 1 :]
        for matching in perfect_matchings(rest):
            yield [(first, points[i])] + matching


def _cycle_representative(partition) -> list[int]:
    perm, start = [], 0
    for part in partition:
        perm.extend(start + (i + 1) % part for i in range(part))
        start += part
    return perm


def _complex_tables(rank: int, order: int):
    n = order
    identity = list(range(n))
    rest = list(itertools.permutations(range(n)))
    seconds = [_cycle_representative(lam) for lam in partitions(n)] if rank >= 2 else [None]
    tails = itertools.product(rest, repeat=max(rank - 2, 0))
    total = len(seconds) * len(rest) ** max(rank - 2, 0)
    kinds = [0] * n + [1] * n

    def tables():
        for second, tail in itertools.product(seconds, list(tails)):
            perms = [identity] + ([second] if second is not None else []) + list(tail)
            adjacency = [[n + p[i] for p in perms] for i in range(n)]
            inverse = [[0] * rank for _ in range(n)]
            for c, p in enumerate(perms):
                for i in range(n):
                    inverse[p[i]][c] = i
            yield adjacency + inverse, kinds

    return total, tables()


def _union_representative(partition) -> list[tuple[int, int]]:
    pairs, start = [], 0
    for part in partition:
        size = 2 * part
        pairs.extend((start + (2 * i + 1), start + (2 * i + 2) % size) for i in range(part))
        start += size
    return pairs


def _real_tables(rank: int, order: int):
    size = 2 * order
    first = [(2 * i, 2 * i + 1) for i in range(order)]
    seconds = [_union_representative(lam) for lam in partitions(order)] if rank >= 2 else [None]
    rest = list(perfect_matchings(range(size))) if rank >= 3 else [[]]
    total = len(seconds) * len(rest) ** max(rank - 2, 0)
    kinds = [0] * size

    def tables():
        for second, tail in itertools.product(seconds, itertools.product(rest, repeat=max(rank - 2, 0))):
            matchings = [first] + ([second] if second is not None else []) + list(tail)
            adjacency = [[0] * rank for _ in range(size)]
            for c, matching in enumerate(matchings):
                for u, v in matching:
                    adjacency[u][c] = v
                    adjacency[v][c] = u
            yield adjacency, kinds

    return total, tables()


def _melon_table(rank: int, field: str):
    kinds = [0, 1] if field == "complex" else [0, 0]
    return [[1] * rank, [0] * rank], kinds


def _melonic_tables(rank: int, order: int, field: str):
    """Connected melonic bubbles of the given order, as deduplicated adjacency tables."""
    level = {canonical_code(*_melon_table(rank, field)): _melon_table(rank, field)}
    for _ in range(order - 1):
        following = {}
        for adjacency, kinds in level.values():
            for u, row in enumerate(adjacency):
                if kinds[u] != 0:
                    continue
                for c in range(rank):
                    if field == "real" and row[c] < u:
                        continue
                    new_adj, new_kinds = insert_dipole(adjacency, kinds, u, c)
                    code = canonical_code(new_adj, new_kinds)
                    if code not in following:
                        following[code] = (new_adj, new_kinds)
        level = following
    return level.values()


def enumerate_bubbles(
    rank: int,
    order: int,
    field: str = "complex",
    *,
    connected: bool = False,
    melonic: bool = False,
    progress: bool | None = None,
) -> Iterator[Bubble]:
    """Yield one bubble per isomorphism class.

    Parameters
    ----------
    rank : int
        Number of colours d >= 1.
    order : int
        n >= 1: black vertices (complex) or half the vertices (real).
    field : {"complex", "real"}
        U(N)^d or O(N)^d invariants.
    connected : bool
        Only connected bubbles.
    melonic : bool
        Only connected melonic bubbles (generated by melonic insertions; implies connected).
    progress : bool or None
        Show a progress bar on standard error; None shows it for large candidate sets.

    Examples
    --------
    >>> sum(1 for _ in enumerate_bubbles(3, 2, "real"))
    5
    >>> [b.is_connected() for b in enumerate_bubbles(2, 3, "complex")]
    [False, False, True]
    """
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    if not isinstance(connected, bool) or not isinstance(melonic, bool):
        raise TypeError("connected and melonic must be True or False")
    if melonic:
        for adjacency, kinds in _melonic_tables(rank, order, field):
            yield from_table(adjacency, kinds, rank, field)
        return
    total, tables = (_complex_tables if field == "complex" else _real_tables)(rank, order)
    show = total > _PROGRESS_THRESHOLD if progress is None else bool(progress)
    seen = set()
    bar = tqdm(tables, total=total, disable=not show, file=sys.stderr, unit="cand", desc=f"{field} d={rank} n={order}")
    for adjacency, kinds in bar:
        if connected and len(components(adjacency)) != 1:
            continue
        code = canonical_code(adjacency, kinds)
        if code in seen:
            continue
        seen.add(code)
        yield from_table(adjacency, kinds, rank, field)

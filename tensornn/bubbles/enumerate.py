"""Enumeration of bubbles up to isomorphism, one representative per class.

Complex fields: a bubble of rank d with n black vertices is a d-tuple of permutations up to
(sigma_c) -> (g sigma_c h^-1). Every orbit meets sigma_1 = id, which leaves simultaneous
conjugation; conjugation takes sigma_2 to a cycle-type representative, which leaves its
centraliser. Colours are then added one at a time: every
rank-k class restricted to its first k - 1 colours is isomorphic to a rank-(k-1)
representative, so the rank-k classes are found by appending a last colour to each rank-(k-1)
representative, taken one per orbit of the common centraliser of the earlier colours (the
conjugations that fix them). Candidates are deduplicated by canonical code on plain adjacency
tables before any graph is built. At rank 3 this computes about n! codes in all (sum over cycle
types lambda of n!/z_lambda orbits, plus fixed points) instead of p(n) n!; at rank d > 3 it
needs Z_U(d-1, n) n! at most instead of p(n) (n!)^(d-2).

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


def _complex_table(perms, n):
    """Adjacency table of the complex bubble given by a list of permutations."""
    adjacency = [[n + p[i] for p in perms] for i in range(n)]
    inverse = [[0] * len(perms) for _ in range(n)]
    for c, p in enumerate(perms):
        for i in range(n):
            inverse[p[i]][c] = i
    return adjacency + inverse


def _conjugation_orbit_representatives(perms, candidates):
    """One candidate last colour per orbit of the common centraliser of ``perms[1:]``.

    With sigma_1 = id fixed, (sigma_c) -> (g sigma_c h^-1) must have g = h, so it acts by
    conjugation; it fixes the earlier colours when h commutes with each of them, and it maps a
    last colour sigma to h sigma h^-1 without changing the isomorphism class. One sigma per orbit
    therefore suffices (the canonical code still deduplicates across orbits).
    """
    n = len(candidates[0])
    others = perms[1:]
    centraliser = [h for h in candidates if all(all(p[h[i]] == h[p[i]] for i in range(n)) for p in others)]
    if len(centraliser) == 1:
        return candidates
    inverses = []
    for h in centraliser:
        inv = [0] * n
        for i, j in enumerate(h):
            inv[j] = i
        inverses.append(inv)
    seen, out = set(), []
    for sigma in candidates:
        if sigma in seen:
            continue
        seen.update(tuple(h[sigma[hinv[i]]] for i in range(n)) for h, hinv in zip(centraliser, inverses))
        out.append(sigma)
    return out


def _complex_prefixes(rank: int, n: int):
    """Representatives (lists of permutations, sigma_1 = id) of all complex bubbles of rank >= 2.

    Rank 2: sigma_2 runs over cycle-type representatives. Rank k > 2: a rank-k bubble restricted
    to its first k - 1 colours is isomorphic to a rank-(k-1) representative, so every class is
    reached by appending a last colour to a representative, one per centraliser orbit.
    """
    identity = list(range(n))
    if rank == 2:
        return [[identity, _cycle_representative(lam)] for lam in partitions(n)]
    rest = list(itertools.permutations(range(n)))
    kinds = [0] * n + [1] * n
    seen, out = set(), []
    for perms in _complex_prefixes(rank - 1, n):
        for extra in _conjugation_orbit_representatives(perms, rest):
            candidate = perms + [list(extra)]
            code = canonical_code(_complex_table(candidate, n), kinds)
            if code not in seen:
                seen.add(code)
                out.append(candidate)
    return out


def _complex_tables(rank: int, order: int):
    n = order
    kinds = [0] * n + [1] * n
    if rank <= 2:
        identity = list(range(n))
        seconds = [_cycle_representative(lam) for lam in partitions(n)] if rank >= 2 else [None]
        work = [[identity] + ([second] if second is not None else []) for second in seconds]
        return len(work), ((_complex_table(perms, n), kinds) for perms in work)
    rest = list(itertools.permutations(range(n)))
    work = [
        (perms, extra)
        for perms in _complex_prefixes(rank - 1, n)
        for extra in _conjugation_orbit_representatives(perms, rest)
    ]
    return len(work), ((_complex_table(perms + [list(extra)], n), kinds) for perms, extra in work)


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
    [True, False, False]
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

"""Enumeration of bubbles up to isomorphism, one representative per class.

Complex fields: a bubble of rank d with n black vertices is a d-tuple of permutations up to
(sigma_c) -> (g sigma_c h^-1), g, h in S_n. The enumeration lists exactly one tuple per orbit,
with no deduplication afterwards:

1. Every orbit meets sigma_1 = id, and (g, h) keeps sigma_1 = id exactly when g = h, so the
   classes are the orbits of S_n acting by simultaneous conjugation on (sigma_2, ..., sigma_d).
2. Orbits of a group G on a product X x Y are listed exactly by one representative x per G-orbit
   on X and, for each, one y per orbit of the stabiliser G_x on Y: (x, y) and (x', y') with x, x'
   representatives lie in one orbit only if x = x' (the representatives are distinct orbits on
   X) and then only if y' = h y for some h in G_x.
3. Applied colour by colour: rank 2 takes one cycle-type representative rho_lambda per partition
   lambda of n (the conjugacy classes); rank k appends to each rank-(k-1) representative
   (sigma_2..sigma_{k-1}) one last colour per orbit of its common centraliser (the stabiliser
   under conjugation) on S_n. The count is therefore Z_U(d, n) by construction, which the tests
   check against the Burnside formula together with the distinctness of the canonical codes.

The orbit step is vectorised: all n! permutations as one integer array, conjugation by each
generator of the centraliser as a map between lexicographic ranks, orbits as connected components
(see :mod:`tensornn.bubbles._permutations`), the smallest permutation of each orbit as its
representative. Tables are then built in numpy, in chunks, and turned into Bubbles without any
check or graph (the networkx graph of a Bubble is built only when asked for).

Real fields: the first perfect matching is fixed; the union with the second is a set of even
cycles, one representative per partition of n; the remaining d - 2 matchings run over all
(2n - 1)!! perfect matchings, and the candidates are deduplicated by canonical code.

Melonic bubbles are generated directly: every connected melonic bubble of order n + 1 is a
melonic insertion (an edge of colour c replaced by a (d-1)-dipole) into one of order n.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from functools import lru_cache
from math import factorial

import numpy as np
from tqdm.auto import tqdm

from .._checks import check_choice, check_int
from ..errors import InvalidTypeError
from . import _permutations as _perm
from ._tables import from_table, insert_dipole
from .canonical import canonical_code, components
from .counting import count_bubbles, partitions, z_lambda
from .estimate import MAX_ENUMERATION_BYTES, MAX_LISTED_BUBBLES, check_enumeration
from .graph import FIELDS, Bubble

__all__ = ["enumerate_bubbles", "perfect_matchings", "table_chunks"]

#: Bubbles turned into tables at once (bounds the memory of the table arrays).
_CHUNK = 4096
#: Deduplicated (real) classes stacked at once by :func:`table_chunks`: they come slowly, so a listing shows them
#: in small batches.
_STREAM_CHUNK = 256
#: Centralisers up to this order use all their elements as generators (no generating-set search).
_SMALL_GROUP = 16


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
    perm: list[int] = []
    start = 0
    for part in partition:
        perm.extend(start + (i + 1) % part for i in range(part))
        start += part
    return perm


def _cycle_type(perm) -> tuple[int, ...]:
    seen, lengths = [False] * len(perm), []
    for start in range(len(perm)):
        length, i = 0, start
        while not seen[i]:
            seen[i], i, length = True, perm[i], length + 1
        if length:
            lengths.append(length)
    return tuple(sorted(lengths, reverse=True))


@lru_cache(maxsize=64)
def _cycle_centraliser_generators(lam: tuple[int, ...]) -> np.ndarray:
    """Generators of the centraliser of the cycle-type representative of ``lam``, shape (g, n)."""
    return np.array(_perm.centraliser_generators(lam), dtype=np.int8).reshape(-1, sum(lam))


@lru_cache(maxsize=64)
def _cycle_centraliser_elements(lam: tuple[int, ...]) -> np.ndarray:
    """All elements of that centraliser, in lexicographic order (the identity first)."""
    generators = _cycle_centraliser_generators(lam)
    ranks = _perm.group_elements(generators) if len(generators) else np.zeros(1, dtype=np.int64)
    return _perm.all_permutations(sum(lam))[ranks]


def _centraliser_generators(perms, n: int) -> tuple[np.ndarray, bool]:
    """Generators, shape (g, n), of the permutations commuting with every one of ``perms``.

    ``perms[0]`` is a cycle-type representative (the enumerator's second colour), whose
    centraliser has explicit generators; further permutations cut it down to a subgroup, listed
    element by element. A small subgroup is returned whole (all elements but the identity, with
    the flag True), a larger one by a generating set (flag False).
    """
    lam = _cycle_type(perms[0])
    if len(perms) == 1:
        return _cycle_centraliser_generators(lam), False
    elements = _cycle_centraliser_elements(lam)
    group = elements[_perm.commuting(elements, perms[1:])]
    if len(group) <= _SMALL_GROUP:
        return group[1:], True  # row 0 is the identity (the smallest permutation)
    return _perm.generating_set(group), False


def _complex_blocks(rank: int, n: int):
    """Yield (head, tails): the classes are head + (tail,) for every row of ``tails``, exactly once.

    ``head`` is a tuple of rank - 1 permutations (tuples) starting with the identity; ``tails``
    an int8 array (m, n) of last colours, one per orbit of the common centraliser of head[1:].
    """
    for head, tails, _ in _complex_orbit_blocks(rank, n):
        yield head, tails


def _complex_orbit_blocks(rank: int, n: int):
    """:func:`_complex_blocks` with the automorphism counts: yield (head, tails, aut), ``aut`` int64 (m,).

    With sigma_1 = id an automorphism is a g in S_n commuting with every colour, so |Aut| is the order of
    the common centraliser of the class; a class whose last colour has an orbit of size s under the
    centraliser H of its head has |Aut| = |H| / s (orbit-stabiliser), starting from |S_n| = n! for rank 1.
    """
    identity = tuple(range(n))
    if rank == 1:
        yield (), np.array([identity], dtype=np.int8), np.array([factorial(n)], dtype=np.int64)
        return
    if rank == 2:
        lams = list(partitions(n))
        yield ((identity,), np.array([_cycle_representative(lam) for lam in lams], dtype=np.int8),
               np.array([z_lambda(lam) for lam in lams], dtype=np.int64))
        return
    perms = _perm.all_permutations(n)
    for head, tails, auts in _complex_orbit_blocks(rank - 1, n):
        for tail, aut in zip(tails.tolist(), auts.tolist()):
            prefix = head + (tuple(tail),)
            generators, whole = _centraliser_generators(prefix[1:], n)
            minima, sizes = _perm.conjugation_orbit_minima(n, generators, whole_group=whole, sizes=True)
            yield prefix, perms[minima], aut // sizes


def _complex_table_chunks(rank: int, n: int):
    """Yield int arrays of shape (m, 2n, rank): adjacency tables of the classes, block by block, in chunks."""
    for table, _ in _complex_aut_chunks(rank, n):
        yield table


def _complex_aut_chunks(rank: int, n: int):
    """Yield (tables, aut): int16 adjacency tables (m, 2n, rank) of the classes in chunks, with |Aut| (m,)."""
    for head, tails, auts in _complex_orbit_blocks(rank, n):
        columns = [np.asarray(p, dtype=np.int16) for p in head]
        inverse_columns = [_perm.inverse(np.asarray(p, dtype=np.int16)) for p in head]
        for start in range(0, len(tails), _CHUNK):
            last = tails[start : start + _CHUNK].astype(np.int16)
            m = len(last)
            table = np.empty((m, 2 * n, rank), dtype=np.int16)
            for c, (p, q) in enumerate(zip(columns, inverse_columns)):
                table[:, :n, c] = n + p
                table[:, n:, c] = q
            table[:, :n, -1] = n + last
            table[:, n:, -1] = _perm.inverse(last)
            yield table, auts[start : start + _CHUNK]


def _complex_tables(rank: int, order: int):
    """(number of classes, iterator of (adjacency, kinds)): one table per complex class, no deduplication.

    The plain-table view of the enumeration, for the tests that check its exactness and for the
    benchmarks' baselines.
    """
    kinds = [0] * order + [1] * order

    def tables():
        for chunk in _complex_table_chunks(rank, order):
            for adjacency in chunk.tolist():
                yield adjacency, kinds

    return count_bubbles(rank, order, "complex"), tables()


def _connected_mask(tables: np.ndarray) -> np.ndarray:
    """For a stack of adjacency tables (m, V, d): True where the graph is connected.

    Every vertex takes the smallest label among itself and its neighbours until nothing changes
    (at most V rounds); a graph is connected when all labels end at 0.
    """
    m, size, _ = tables.shape
    labels = np.broadcast_to(np.arange(size), (m, size)).copy()
    rows = np.arange(m)[:, None, None]
    for _ in range(size):
        updated = np.minimum(labels, labels[rows, tables].min(axis=2))
        if np.array_equal(updated, labels):
            break
        labels = updated
    return np.all(labels == 0, axis=1)


def _union_representative(partition) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    start = 0
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
        for second in seconds:  # a nested product keeps the tails lazy (an outer product would store them all)
            for tail in itertools.product(rest, repeat=max(rank - 2, 0)):
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
    """Connected melonic bubbles of the given order, as deduplicated adjacency tables.

    Rank 1 has one connected bubble, the melon (a rank-1 bubble is a perfect matching): inserting a "dipole"
    there splits off a second melon, so no bubble of order > 1 is melonic (the definition of
    :func:`~tensornn.bubbles.is_melonic`).
    """
    level = {canonical_code(*_melon_table(rank, field)): _melon_table(rank, field)}
    if rank == 1 and order > 1:
        return []
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


def _real_classes(rank: int, order: int, connected: bool, progress: bool | None):
    """Yield (adjacency, kinds) of every real class (connected ones only with ``connected``), deduplicated."""
    total, tables = _real_tables(rank, order)
    show = bool(progress)
    seen = set()
    bar = tqdm(tables, total=total, disable=not show, file=sys.stderr, unit="cand", desc=f"real d={rank} n={order}")
    for adjacency, kinds in bar:
        if connected and len(components(adjacency)) != 1:
            continue
        code = canonical_code(adjacency, kinds)
        if code in seen:
            continue
        seen.add(code)
        yield adjacency, kinds


def _check_flags(connected, melonic, progress):
    for name, value in (("connected", connected), ("melonic", melonic)):
        if not isinstance(value, bool):
            raise InvalidTypeError(f"{name} must be True or False, got {value!r}")
    if progress is not None and not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be True, False or None, got {progress!r}")


def enumerate_bubbles(
    rank: int,
    order: int,
    field: str = "complex",
    *,
    connected: bool = False,
    melonic: bool = False,
    progress: bool | None = None,
    max_bubbles: int | None = MAX_LISTED_BUBBLES,
    max_memory: float | None = MAX_ENUMERATION_BYTES,
) -> Iterator[Bubble]:
    """One bubble per isomorphism class, as an iterator; the size is checked against the bounds first.

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
        Only connected melonic bubbles (generated by melonic insertions; implies connected). Rank 1 has
        one, the melon (order 1), as :func:`~tensornn.bubbles.is_melonic` says.
    progress : bool or None
        Show a progress bar on standard error (None or False: none; a library call stays quiet unless asked,
        ``tensornn bubbles`` asks on a terminal).
    max_bubbles : int or None
        Refuse, before anything is enumerated, a listing of more bubbles than this (counted by the formulas,
        :func:`~tensornn.bubbles.estimate.enumeration_estimate`); default
        :data:`~tensornn.bubbles.estimate.MAX_LISTED_BUBBLES` (200 000); None lifts the bound.
    max_memory : float or None
        Refuse a listing whose estimated working memory (:func:`~tensornn.bubbles.memory.enumeration_memory`)
        exceeds this many bytes; default 2 GiB; None lifts the bound.

    Raises
    ------
    EnumerationTooLargeError
        When the call is made (not at the first bubble), if a bound is exceeded.

    Notes
    -----
    Complex fields list one class per orbit with no deduplication (about a microsecond per bubble
    beyond the orbit step, which holds all n! permutations); real and melonic listings deduplicate
    by canonical code. :func:`~tensornn.bubbles.memory.enumeration_memory` estimates the peak
    memory beforehand (complex rank 3: about 93 MiB at order 9, 9 GiB at order 11).

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
    _check_flags(connected, melonic, progress)
    check_enumeration(rank, order, field, connected=connected, melonic=melonic, max_bubbles=max_bubbles,
                      max_memory=max_memory)
    return _enumerate(rank, order, field, connected, melonic, progress)


def _enumerate(rank, order, field, connected, melonic, progress) -> Iterator[Bubble]:
    if melonic:
        for adjacency, kinds in _melonic_tables(rank, order, field):
            yield from_table(adjacency, kinds, rank, field)
        return
    if field == "complex":
        yield from _enumerate_complex(rank, order, connected, progress)
        return
    for adjacency, kinds in _real_classes(rank, order, connected, progress):
        yield from_table(adjacency, kinds, rank, field)


def _complex_chunks(rank, order, connected, progress):
    """Yield (tables, aut) of the complex classes in chunks (connected ones only with ``connected``), with a bar."""
    total = count_bubbles(rank, order, "complex")
    show = bool(progress)
    with tqdm(total=total, disable=not show, file=sys.stderr, unit="bubble", desc=f"complex d={rank} n={order}") as bar:
        for chunk, aut in _complex_aut_chunks(rank, order):
            bar.update(len(chunk))
            if connected:
                keep = _connected_mask(chunk)
                chunk, aut = chunk[keep], aut[keep]
            yield chunk, aut


def _enumerate_complex(rank, order, connected, progress):
    kinds = (0,) * order + (1,) * order
    make = Bubble._from_table
    step = 2 * order * rank * 2  # bytes of one int16 table
    for chunk, _ in _complex_chunks(rank, order, connected, progress):
        packed = chunk.tobytes()  # each Bubble keeps its own slice and unpacks it when first asked
        for start in range(0, len(packed), step):
            yield make(packed[start : start + step], kinds, rank, "complex")


def table_chunks(rank: int, order: int, field: str = "complex", *, connected: bool = False, melonic: bool = False,
                 progress: bool | None = None):
    """The listing of :func:`enumerate_bubbles` as stacked tables, for describing many bubbles at once (unchecked).

    Yields (tables, kinds, aut): int16 adjacency tables (m, V, rank), kind codes int8 (m, V) (0 black or
    real, 1 white) and |Aut| as int64 (m,) where the enumeration knows it (complex fields, from the orbit
    sizes) or None; in the order of :func:`enumerate_bubbles`. Call :func:`enumerate_bubbles` first (or
    :func:`~tensornn.bubbles.estimate.check_enumeration`) for the bounds.
    """
    if field == "complex" and not melonic:
        kinds = np.array([0] * order + [1] * order, dtype=np.int8)
        for chunk, aut in _complex_chunks(rank, order, connected, progress):
            yield chunk, np.broadcast_to(kinds, (len(chunk), 2 * order)), aut
        return
    source = (_melonic_tables(rank, order, field) if melonic else _real_classes(rank, order, connected, progress))
    batch: list = []
    for item in source:
        batch.append(item)
        if len(batch) == _STREAM_CHUNK:
            yield _stacked(batch)
            batch = []
    if batch:
        yield _stacked(batch)


def _stacked(batch):
    tables = np.array([adjacency for adjacency, _ in batch], dtype=np.int16)
    kinds = np.array([kinds for _, kinds in batch], dtype=np.int8)
    return tables, kinds, None

"""Enumeration of bubbles: one representative per isomorphism class, for any rank and order.

Method (colour by colour). A bubble of rank d restricted to its colours 1..d-1 is a bubble of
rank d-1; relabelling its vertices turns that restriction into the chosen representative of its
class. Hence every rank-d class is reached by taking each rank-(d-1) representative and adding
every possible last colour: a permutation of S_n (complex: black i -> white n + sigma_d(i)) or
a perfect matching of the 2n points (real). The candidates are deduplicated by
:func:`canonical.canonical_code` on raw adjacency tables; a networkx graph is built only for the
representatives that are yielded.

Colour 1 is fixed (sigma_1 = id, or the matching {0,1},{2,3},...), which uses the
(sigma_c) -> (g sigma_c h) freedom; colour 2 is then taken up to conjugacy (one
representative per cycle type, complex) or per cycle type of the union of the two matchings
(real, even cycles of lengths 2 lambda_i). For complex fields the last colour is further taken one per orbit of
the common centraliser of the earlier colours (conjugation sigma -> h^-1 sigma h keeps
sigma_1 = id and the earlier colours fixed), which cuts the canonical codes computed from
Z(d-1, n) * n! to roughly n! * Z(d-1, n) / |centraliser| summed over representatives. Real
fields test Z(d-1, n) * (2n-1)!! candidates, against ((2n-1)!!)^d labelled tuples.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import permutations

from .._checks import check_choice, check_int
from ..errors import InvalidTypeError
from .canonical import canonical_code, components
from .counting import partitions
from .graph import FIELDS, Bubble

__all__ = ["enumerate_bubbles", "perfect_matchings", "cycle_type_representative"]

#: Runs with more candidates than this show a progress bar when ``progress=None``.
_PROGRESS_THRESHOLD = 200_000


def perfect_matchings(points):
    """Yield every perfect matching of the sequence ``points`` as a tuple of pairs."""
    points = tuple(points)
    if not points:
        yield ()
        return
    first = points[0]
    for i in range(1, len(points)):
        rest = points[1:i] + points[i + 1:]
        for tail in perfect_matchings(rest):
            yield ((first, points[i]),) + tail


def cycle_type_representative(partition) -> tuple[int, ...]:
    """A permutation of ``range(sum(partition))`` with the given cycle type (consecutive cycles)."""
    perm, start = [], 0
    for part in partition:
        perm.extend(start + (i + 1) % part for i in range(part))
        start += part
    return tuple(perm)


def _complex_table(perms, n):
    """Adjacency table and kinds of the complex bubble given by ``perms``."""
    adjacency = [[n + p[i] for p in perms] for i in range(n)]
    inverses = []
    for p in perms:
        inv = [0] * n
        for i, j in enumerate(p):
            inv[j] = i
        inverses.append(inv)
    adjacency.extend([inv[j] for inv in inverses] for j in range(n))
    return adjacency


def _real_table(matchings, n):
    adjacency = [[0] * len(matchings) for _ in range(2 * n)]
    for c, m in enumerate(matchings):
        for u, v in m:
            adjacency[u][c] = v
            adjacency[v][c] = u
    return adjacency


def _level_two(n, field):
    """Representatives of rank 2: colour 1 fixed, colour 2 one per cycle type."""
    reps = []
    for lam in partitions(n):
        if field == "complex":
            reps.append((tuple(range(n)), cycle_type_representative(lam)))
        else:
            first = tuple((2 * i, 2 * i + 1) for i in range(n))
            second, start = [], 0
            for part in lam:  # an alternating cycle through the pairs start..start+part-1
                for i in range(part):
                    second.append((2 * (start + i) + 1, 2 * (start + (i + 1) % part)))
                start += part
            second = [tuple(sorted(e)) for e in second]  # a part of 1 is a double edge
            reps.append((first, tuple(second)))
    return reps


def _representatives(rank, n, field, progress):
    """All representatives (as tuples of permutations or matchings) of rank ``rank``."""
    kinds = [0] * n + [1] * n if field == "complex" else [0] * (2 * n)
    if rank == 1:
        one = (tuple(range(n)),) if field == "complex" else (tuple((2 * i, 2 * i + 1) for i in range(n)),)
        return [one]
    if rank == 2:
        return _level_two(n, field)
    previous = _representatives(rank - 1, n, field, progress)
    choices = list(permutations(range(n))) if field == "complex" else list(perfect_matchings(range(2 * n)))
    table = _complex_table if field == "complex" else _real_table
    seen, reps = set(), []
    iterator = previous
    if _show(progress, len(previous) * len(choices)):
        from tqdm.auto import tqdm

        iterator = tqdm(previous, desc=f"rank {rank}, order {n}", unit="class")
    for rep in iterator:
        for extra in _orbit_representatives(rep, choices, field):
            candidate = rep + (extra,)
            code = canonical_code(table(candidate, n), kinds)
            if code not in seen:
                seen.add(code)
                reps.append(candidate)
    return reps


def _orbit_representatives(rep, choices, field):
    """The last-colour choices, one per orbit of the stabiliser of ``rep`` (complex), else all.

    With sigma_1 = id fixed, (g, h) must satisfy g = h^-1, and it fixes the earlier colours when
    h commutes with each of them; such h act on the last colour by conjugation and produce
    isomorphic bubbles, so one choice per orbit suffices (the canonical code still deduplicates
    the rest). Real fields: all matchings (the stabiliser in S_2n is not enumerated).
    """
    if field != "complex":
        yield from choices
        return
    others = rep[1:]
    centraliser = [h for h in choices if all(all(p[h[i]] == h[p[i]] for i in range(len(h))) for p in others)]
    if len(centraliser) == 1:
        yield from choices
        return
    inverses = []
    for h in centraliser:
        inv = [0] * len(h)
        for i, j in enumerate(h):
            inv[j] = i
        inverses.append(inv)
    seen = set()
    n = len(choices[0])
    for sigma in choices:
        if sigma in seen:
            continue
        seen.update(tuple(hinv[sigma[h[i]]] for i in range(n)) for h, hinv in zip(centraliser, inverses))
        yield sigma


def _show(progress, work):
    if progress is None:
        return work > _PROGRESS_THRESHOLD
    return bool(progress)


def enumerate_bubbles(
    rank: int,
    order: int,
    field: str = "complex",
    *,
    connected: bool = False,
    melonic: bool = False,
    progress: bool | None = None,
) -> Iterator[Bubble]:
    """Yield one :class:`Bubble` per isomorphism class of rank d and order n.

    Parameters
    ----------
    rank : int
        Number of colours d >= 1.
    order : int
        n >= 1: the number of black vertices (complex) or half the number of vertices (real).
    field : {"complex", "real"}
        U(N)^d bubbles (bipartite, d-tuples of permutations) or O(N)^d bubbles (d-tuples of
        perfect matchings of 2n points).
    connected : bool
        Only connected bubbles.
    melonic : bool
        Only melonic bubbles (connected by definition, see :func:`invariants.is_melonic`).
    progress : bool or None
        Show a tqdm progress bar; ``None`` shows it when more than 200 000 candidates are tested.

    Yields
    ------
    Bubble
        Pairwise non-isomorphic; their number equals :func:`counting.count_bubbles`.

    Raises
    ------
    InvalidArgumentError
        rank < 1, order < 1 or an unknown field.

    Examples
    --------
    >>> sum(1 for _ in enumerate_bubbles(3, 2, "real"))
    5
    """
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    for name, value in (("connected", connected), ("melonic", melonic)):
        if not isinstance(value, bool):
            raise InvalidTypeError(f"{name} must be True or False, got {value!r}")
    if progress is not None and not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be None, True or False, got {progress!r}")
    return _generate(rank, order, field, connected or melonic, melonic, progress)


def _generate(rank, order, field, connected, melonic, progress):
    from .invariants import is_melonic

    for rep in _representatives(rank, order, field, progress):
        if field == "complex":
            if connected and len(components(_complex_table(rep, order))) != 1:
                continue
            bubble = Bubble.from_permutations(rep)
        else:
            if connected and len(components(_real_table(rep, order))) != 1:
                continue
            bubble = Bubble.from_matchings(rep)
        if melonic and not is_melonic(bubble):
            continue
        yield bubble


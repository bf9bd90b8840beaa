"""How much memory an enumeration of bubbles needs, estimated before it starts.

:func:`enumeration_memory` adds up the largest objects :func:`~tensornn.bubbles.enumerate_bubbles`
keeps alive at once, from the sizes of the arrays it allocates and ``sys.getsizeof`` of the
Python objects it stores, plus the freed tuples CPython keeps for reuse; the interpreter and the
imported libraries (about 100 MB) are not included. Bubbles are yielded one at a time, so the
number listed does not enter. The command line refuses a listing whose estimate exceeds its
memory bound, and ``benchmarks/bench_bubbles.py`` prints the measured peak next to the estimate.

- Complex fields, rank >= 3: the orbit step holds all n! permutations and, for one centraliser
  at a time, a graph with one edge per permutation and generator
  (:func:`~tensornn.bubbles._permutations.orbit_step_bytes`); each earlier colour keeps its
  current block of representatives (at most n! rows of n bytes); tables are built in chunks.
- Real fields: the (2n - 1)!! perfect matchings of the later colours as lists of pairs, and one
  canonical code per class for the deduplication.
- Melonic bubbles: two consecutive orders of the insertion tree, each at most Fuss-Catalan many
  tables with their codes (the rooted count bounds the number of classes).
"""

from __future__ import annotations

import sys
from math import factorial, log2

from .._checks import check_choice, check_int
from . import _permutations as _perm
from .counting import count_bubbles, fuss_catalan, partitions, z_lambda
from .enumerate import _CHUNK
from .graph import FIELDS

__all__ = ["enumeration_memory"]

#: Bytes per entry of a large Python set: 16-byte slots, kept at most 60% full and grown by a
#: factor 2 to 4, so at most 16 / 0.6 * 2 < 64 bytes per stored element.
_SET_ENTRY = 64


def _free_lists() -> int:
    """Freed tuples CPython keeps for reuse (up to 2000 of each length 1..20), still counted as allocated."""
    return sum(2000 * sys.getsizeof((0,) * k) for k in range(1, 21))


def _table_bytes(vertices: int, rank: int) -> int:
    """A table as the enumerator keeps it: a list of ``vertices`` lists of ``rank`` small ints."""
    row = sys.getsizeof([0] * rank)
    return sys.getsizeof([None] * vertices) + vertices * row


def _code_bytes(vertices: int, rank: int) -> int:
    """A canonical code: a tuple holding one tuple per component (one component is the largest case)."""
    return sys.getsizeof((None,)) + sys.getsizeof((0,) * (vertices * (rank + 1)))


#: Beyond this order the n! permutations alone exceed any memory: the estimate is their table, not the sum.
_LARGEST_COUNTED = 20


def _complex_bytes(rank: int, n: int) -> int:
    if n > _LARGEST_COUNTED:
        return factorial(min(n, 60)) * (2 * n + 64)
    size = factorial(n)
    generators = max(len(_perm.centraliser_generators(lam)) for lam in partitions(n))
    total = _perm.orbit_step_bytes(n, generators)
    total += (rank - 2) * size * n  # the current block of representatives of each earlier colour
    if rank >= 4:  # centralisers listed element by element (cached per cycle type), their generating sets
        extra_generators = max(15, int(log2(size)) + 1)
        cached = sum(z_lambda(lam) for lam in partitions(n)) * n
        total = max(total, _perm.orbit_step_bytes(n, extra_generators)) + size * (1 + extra_generators * (n + 16))
        total += cached
    total += _CHUNK * (2 * n * rank * 2 + _table_bytes(2 * n, rank))
    return total


def _real_bytes(rank: int, n: int) -> int:
    vertices = 2 * n
    if n > _LARGEST_COUNTED:  # the (2n - 1)!! matchings alone exceed any memory
        return factorial(2 * min(n, 60)) // (2 ** min(n, 60) * factorial(min(n, 60))) * vertices * 8
    matchings = 0
    if rank >= 3:
        one = sys.getsizeof([None] * n) + n * sys.getsizeof((0, 1))
        count = factorial(vertices) // (2**n * factorial(n))
        matchings = count * (one + 8 * (rank - 1))  # the list, and the pools of the product of the tails
    classes = count_bubbles(rank, n, "real")
    working = _table_bytes(vertices, rank) + (vertices + 1) * _code_bytes(vertices, rank)  # one candidate's codes
    return matchings + classes * (_code_bytes(vertices, rank) + _SET_ENTRY) + working


def _melonic_bytes(rank: int, n: int) -> int:
    n = min(n, 200)  # the levels grow with the order: beyond it the estimate is already astronomically large

    def level(order):
        vertices = 2 * order
        entry = _table_bytes(vertices, rank) + _code_bytes(vertices, rank) + sys.getsizeof([0] * vertices)
        return fuss_catalan(rank, order) * (entry + _SET_ENTRY)

    return level(n) + (level(n - 1) if n > 1 else 0)


def enumeration_memory(rank: int, order: int, field: str = "complex", *, melonic: bool = False) -> int:
    """Estimated peak memory, in bytes, of ``enumerate_bubbles(rank, order, field, melonic=melonic)``.

    An upper estimate of the working objects (not of the interpreter): see the module notes for
    what is counted. ``connected=True`` filters the same candidates and needs the same memory.

    Examples
    --------
    >>> enumeration_memory(3, 8) < enumeration_memory(3, 9) < 2**30
    True
    """
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    if not isinstance(melonic, bool):
        raise TypeError(f"melonic must be True or False, got {melonic!r}")
    if melonic:
        working = _melonic_bytes(rank, order)
    elif field == "real":
        working = _real_bytes(rank, order)
    elif rank <= 2:
        working = sum(1 for _ in partitions(order)) * (_table_bytes(2 * order, rank) + order)
    else:
        working = _complex_bytes(rank, order)
    return working + _free_lists()

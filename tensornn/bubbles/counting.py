"""Exact numbers of bubbles: Burnside sums, the inverse Euler transform and Fuss-Catalan numbers.

These are the ground truth for the enumerator (docs/theory/bubbles.md, counting bubbles).

Complex fields, U(N)^d, bubbles with n black vertices: d-tuples of permutations of S_n up to
(sigma_c) -> (g sigma_c h^-1). Burnside gives

    Z_U(d, n) = sum over partitions lambda of n of z_lambda^(d - 2),
    z_lambda = prod_k k^(m_k) m_k!.

Real fields, O(N)^d, bubbles with 2n vertices: d-tuples of perfect matchings of 2n points up to
S_2n. A permutation of cycle type lambda fixes prod_k f_k(m_k) perfect matchings, where odd
cycles must be matched in pairs (f_k(m) = (m - 1)!! k^(m/2) for even m, else 0) and even cycles
either pair with each other or match their own opposite points
(f_k(m) = sum_j C(m, 2j) (2j - 1)!! k^j); so

    Z_O(d, n) = sum over partitions lambda of 2n of fix(lambda)^d / z_lambda.

Connected counts c_n follow from the totals a_n by the inverse Euler transform
1 + sum a_n x^n = prod_n (1 - x^n)^(-c_n). Orbit counting also gives the automorphism mass
sum_B 1/|Aut(B)| = (number of labelled tuples) / (group order).

References: Ben Geloun, Ramgoolam, arXiv:1307.6490; Avohou, Ben Geloun, Dub, arXiv:1907.04668.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from functools import lru_cache
from math import comb, factorial, prod

from .._checks import check_choice, check_int
from ..errors import InvalidArgumentError
from .graph import FIELDS

__all__ = [
    "partitions",
    "z_lambda",
    "count_bubbles",
    "count_connected_bubbles",
    "inverse_euler_transform",
    "labelled_count",
    "group_order",
    "automorphism_mass",
    "fuss_catalan",
]


def partitions(n: int):
    """Partitions of ``n`` as non-increasing tuples (``n = 0`` gives the empty partition)."""

    def rec(remaining, largest):
        if remaining == 0:
            yield ()
            return
        for part in range(min(remaining, largest), 0, -1):
            for rest in rec(remaining - part, part):
                yield (part,) + rest

    yield from rec(n, n)


def z_lambda(partition) -> int:
    """Size of the centraliser of a permutation of cycle type ``partition``: prod k^m_k m_k!."""
    return prod(k**m * factorial(m) for k, m in Counter(partition).items())


def _double_factorial_odd(m: int) -> int:
    """(m - 1)!! for even m >= 0: the number of perfect matchings of m points."""
    return prod(range(m - 1, 0, -2)) if m > 0 else 1


def _fixed_matchings(partition) -> int:
    total = 1
    for k, m in Counter(partition).items():
        if k % 2:
            if m % 2:
                return 0
            total *= _double_factorial_odd(m) * k ** (m // 2)
        else:
            total *= sum(comb(m, 2 * j) * _double_factorial_odd(2 * j) * k**j for j in range(m // 2 + 1))
    return total


#: Largest size of the partitions summed over (p(50) = 204226 terms, a few seconds).
MAX_PARTITIONED = 50


def _check(rank, order, field):
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    size = order if field == "complex" else 2 * order
    if size > MAX_PARTITIONED:
        limit = MAX_PARTITIONED if field == "complex" else MAX_PARTITIONED // 2
        raise InvalidArgumentError(
            f"order must be <= {limit} for {field} fields: the Burnside sum runs over the partitions of {size}, "
            "too many to sum in reasonable time"
        )
    return rank, order, field


@lru_cache(maxsize=None)
def _count(rank: int, order: int, field: str) -> int:
    if field == "complex":
        total = sum(Fraction(z_lambda(lam)) ** (rank - 2) for lam in partitions(order))
    else:
        total = sum(Fraction(_fixed_matchings(lam) ** rank, z_lambda(lam)) for lam in partitions(2 * order))
    if total.denominator != 1:  # pragma: no cover - Burnside sums are integers
        raise ArithmeticError(f"Burnside sum is not an integer: {total}")
    return int(total)


def count_bubbles(rank: int, order: int, field: str = "complex") -> int:
    """Number of bubbles (connected or not) of rank d with n black vertices (complex) or 2n vertices (real).

    Examples
    --------
    >>> [count_bubbles(3, n, "complex") for n in range(1, 8)]
    [1, 4, 11, 43, 161, 901, 5579]
    >>> [count_bubbles(3, n, "real") for n in range(1, 7)]
    [1, 5, 16, 86, 448, 3580]
    """
    rank, order, field = _check(rank, order, field)
    return _count(rank, order, field)


def inverse_euler_transform(totals) -> list[int]:
    """Connected counts c_1..c_N from totals a_1..a_N, with 1 + sum a_n x^n = prod (1 - x^n)^-c_n."""
    a = [1] + [int(v) for v in totals]
    size = len(a) - 1
    b = [0] * (size + 1)
    for n in range(1, size + 1):
        b[n] = n * a[n] - sum(b[k] * a[n - k] for k in range(1, n))
    connected = []
    for n in range(1, size + 1):
        value = sum(_mobius(n // d) * b[d] for d in range(1, n + 1) if n % d == 0)
        if value % n:  # pragma: no cover - only for sequences that are not Euler transforms
            raise ArithmeticError(f"sequence {totals!r} is not an Euler transform (c_{n} = {value}/{n})")
        connected.append(value // n)
    return connected


def _mobius(n: int) -> int:
    result, p = 1, 2
    while p * p <= n:
        if n % p == 0:
            n //= p
            if n % p == 0:
                return 0
            result = -result
        p += 1
    return -result if n > 1 else result


def count_connected_bubbles(rank: int, order: int, field: str = "complex") -> int:
    """Number of connected bubbles, by the inverse Euler transform of the totals.

    Examples
    --------
    >>> [count_connected_bubbles(3, n, "complex") for n in range(1, 8)]
    [1, 3, 7, 26, 97, 624, 4163]
    >>> [count_connected_bubbles(3, n, "real") for n in range(1, 7)]
    [1, 4, 11, 60, 318, 2806]
    """
    rank, order, field = _check(rank, order, field)
    return inverse_euler_transform([_count(rank, n, field) for n in range(1, order + 1)])[-1]


def labelled_count(rank: int, order: int, field: str = "complex") -> int:
    """Number of labelled tuples: (n!)^d permutation tuples or ((2n - 1)!!)^d matching tuples."""
    rank, order, field = _check(rank, order, field)
    return factorial(order) ** rank if field == "complex" else _double_factorial_odd(2 * order) ** rank


def group_order(order: int, field: str = "complex") -> int:
    """Order of the relabelling group: |S_n x S_n| (complex) or |S_2n| (real)."""
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    return factorial(order) ** 2 if field == "complex" else factorial(2 * order)


def automorphism_mass(rank: int, order: int, field: str = "complex") -> Fraction:
    """sum over bubbles of 1/|Aut(B)| = labelled tuples / group order (orbit-stabiliser)."""
    return Fraction(labelled_count(rank, order, field), group_order(order, field))


def fuss_catalan(rank: int, order: int) -> int:
    """C(d n, n) / ((d - 1) n + 1): rooted melonic bubbles of rank d >= 3 with n black vertices."""
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    return comb(rank * order, order) // ((rank - 1) * order + 1)

"""Exact counts of bubbles: closed formulas that any enumerator must reproduce.

Complex fields (U(N)^d). A bubble with n black vertices is a d-tuple of permutations of S_n up
to (sigma_c) -> (g sigma_c h). Burnside's lemma over S_n x S_n gives

    Z_U(d, n) = sum_{lambda |- n} z_lambda^(d - 2),   z_lambda = prod_k k^{m_k} m_k!,

with m_k the number of parts of lambda equal to k.

Real fields (O(N)^d). A bubble with 2n vertices is a d-tuple of perfect matchings of 2n points
up to relabelling by S_{2n}. Burnside's lemma gives

    Z_O(d, n) = sum_{mu |- 2n} fix(mu)^d / z_mu,

where fix(mu) is the number of perfect matchings invariant under a permutation of cycle type mu:
cycles of equal length k are either paired (k ways per pair) or, for even k, matched internally
(x <-> sigma^(k/2) x, one way), so fix(mu) = prod_k sum_j C(m_k, 2j) (2j-1)!! k^j [k even or
m_k = 2j].

Connected counts c_n follow from the totals a_n by the inverse Euler transform
1 + sum_n a_n x^n = prod_n (1 - x^n)^(-c_n) (a bubble is a multiset of connected ones).

Melonic bubbles rooted at a black vertex are counted by the Fuss-Catalan numbers
C(dn, n) / ((d - 1) n + 1) (d-ary trees with n internal nodes).

References
----------
.. [1] J. Ben Geloun, S. Ramgoolam, "Counting tensor model observables and branched covers of
   the 2-sphere", arXiv:1307.6490.
.. [2] R. Gurau, "Random Tensors", Oxford University Press (2016); V. Bonzom, R. Gurau,
   A. Riello, V. Rivasseau, "Critical behavior of colored tensor models in the large N limit",
   arXiv:1105.3122.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from functools import lru_cache
from math import comb, factorial

from .._checks import check_choice, check_int
from .graph import FIELDS

__all__ = [
    "partitions",
    "z_lambda",
    "fixed_matchings",
    "count_complex",
    "count_real",
    "count_bubbles",
    "count_connected",
    "count_melonic_rooted",
    "burnside_orbit_count",
    "labelled_mass",
    "inverse_euler_transform",
]


def partitions(n: int):
    """Yield the partitions of ``n`` as non-increasing tuples (``()`` for n = 0)."""
    n = check_int("n", n, minimum=0)

    def rec(rest, largest):
        if rest == 0:
            yield ()
            return
        for part in range(min(rest, largest), 0, -1):
            for tail in rec(rest - part, part):
                yield (part,) + tail

    yield from rec(n, n)


def z_lambda(partition) -> int:
    """Centraliser order z_lambda = prod_k k^{m_k} m_k! of a permutation of cycle type ``partition``."""
    total = 1
    for k, m in Counter(partition).items():
        total *= k**m * factorial(m)
    return total


def _double_factorial_odd(j: int) -> int:
    """(2j - 1)!! = number of perfect matchings of 2j points."""
    out = 1
    for i in range(1, 2 * j, 2):
        out *= i
    return out


def fixed_matchings(cycle_type) -> int:
    """Number of perfect matchings invariant under a permutation of the given cycle type."""
    total = 1
    for k, m in Counter(cycle_type).items():
        term = 0
        for j in range(m // 2 + 1):
            if k % 2 == 1 and m != 2 * j:
                continue
            term += comb(m, 2 * j) * _double_factorial_odd(j) * k**j
        total *= term
    return total


def _check(rank, order, field):
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    return rank, order, field


@lru_cache(maxsize=None)
def _burnside(rank: int, order: int, field: str) -> Fraction:
    if field == "complex":
        return sum((Fraction(1, z_lambda(lam) ** 2) * z_lambda(lam) ** rank for lam in partitions(order)), Fraction(0))
    return sum((Fraction(fixed_matchings(mu) ** rank, z_lambda(mu)) for mu in partitions(2 * order)), Fraction(0))


def burnside_orbit_count(rank: int, order: int, field: str = "complex") -> Fraction:
    """Burnside sum divided by the group order: (1/|G|) sum_g |Fix(g)|, the number of bubbles.

    G = S_n x S_n acting on d-tuples of permutations (complex) or G = S_{2n} acting on d-tuples
    of perfect matchings (real). Returned as an exact Fraction; it is an integer.
    """
    return _burnside(*_check(rank, order, field))


def labelled_mass(rank: int, order: int, field: str = "complex") -> Fraction:
    """Sum over all bubbles of 1/|Aut(B)|, exactly: |X| / |G| (orbit-stabiliser).

    |X| is the number of labelled objects, (n!)^d for complex and ((2n-1)!!)^d for real fields;
    |G| is (n!)^2 or (2n)!. The stabiliser of a labelled object is the automorphism group of its
    bubble, so sum_{orbits} 1/|Aut| = sum_{orbits} |orbit|/|G| = |X|/|G|.
    """
    rank, order, field = _check(rank, order, field)
    if field == "complex":
        return Fraction(factorial(order) ** rank, factorial(order) ** 2)
    return Fraction(_double_factorial_odd(order) ** rank, factorial(2 * order))


def count_complex(rank: int, order: int) -> int:
    """Z_U(d, n): number of U(N)^d bubbles with n black vertices (connected or not)."""
    return int(burnside_orbit_count(rank, order, "complex"))


def count_real(rank: int, order: int) -> int:
    """Z_O(d, n): number of O(N)^d bubbles with 2n vertices (connected or not)."""
    return int(burnside_orbit_count(rank, order, "real"))


def inverse_euler_transform(totals) -> list[int]:
    """Connected counts c_1..c_N from totals a_1..a_N with 1 + sum a_n x^n = prod (1 - x^n)^(-c_n).

    Uses b_n = sum_{d | n} d c_d and n a_n = sum_{k=1}^{n} b_k a_{n-k} (a_0 = 1), then Moebius.
    """
    a = [1] + [int(x) for x in totals]
    size = len(a) - 1
    b = [0] * (size + 1)
    for n in range(1, size + 1):
        b[n] = n * a[n] - sum(b[k] * a[n - k] for k in range(1, n))
    c = [0] * (size + 1)
    for n in range(1, size + 1):
        rest = b[n] - sum(d * c[d] for d in range(1, n) if n % d == 0)
        if rest % n:
            raise ArithmeticError(f"inverse Euler transform is not integral at n = {n}")
        c[n] = rest // n
    return c[1:]


def count_bubbles(rank: int, order: int, field: str = "complex", *, connected: bool = False) -> int:
    """Number of bubbles of a given rank d >= 1, order n >= 1 and field (optionally connected only).

    Examples
    --------
    >>> [count_bubbles(3, n, "complex") for n in range(1, 5)]
    [1, 4, 11, 43]
    >>> [count_bubbles(3, n, "real", connected=True) for n in range(1, 5)]
    [1, 4, 11, 60]
    """
    rank, order, field = _check(rank, order, field)
    if not connected:
        return int(_burnside(rank, order, field))
    return count_connected(rank, order, field)


def count_connected(rank: int, order: int, field: str = "complex") -> int:
    """Number of connected bubbles, by the inverse Euler transform of the totals."""
    rank, order, field = _check(rank, order, field)
    totals = [int(_burnside(rank, n, field)) for n in range(1, order + 1)]
    return inverse_euler_transform(totals)[-1]


def count_melonic_rooted(rank: int, order: int) -> int:
    """Fuss-Catalan number C(dn, n) / ((d - 1) n + 1): melonic bubbles rooted at a black vertex.

    Equivalently sum over connected complex melonic bubbles B of n / |Aut(B)| (the number of
    Aut(B)-orbits of black vertices, since Aut acts freely on a connected bubble).
    """
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    return comb(rank * order, order) // ((rank - 1) * order + 1)

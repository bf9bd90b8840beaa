"""Pairings and Wick sums: the Gaussian (free-theory) values of n-point functions.

For a Gaussian field with 2-point function K, E[f(x_1) ... f(x_n)] is the sum over the (n-1)!!
perfect matchings of the n positions of the product of K over the matched pairs (Wick's theorem).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from .._checks import check_array
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["pairings", "wick_sum", "check_kernel_matrix"]


@lru_cache(maxsize=None)
def pairings(n: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """All perfect matchings of positions 0..n-1 ((n-1)!! of them; n even, else none).

    >>> len(pairings(4)), len(pairings(6))
    (3, 15)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InvalidArgumentError(f"n must be a non-negative integer (the number of positions), got {n!r}")
    if n == 0:
        return ((),)
    if n % 2:
        return ()
    out = []
    for k in range(1, n):
        rest = [i for i in range(1, n) if i != k]
        for sub in pairings(n - 2):
            out.append(((0, k),) + tuple((rest[a], rest[b]) for a, b in sub))
    return tuple(out)


@lru_cache(maxsize=None)
def _splits_4_2(n: int = 6):
    """The 15 ways to split 6 positions into a 4-set and a 2-set: (four, two)."""
    return tuple(
        (tuple(i for i in range(n) if i not in pair), pair) for pair in itertools.combinations(range(n), 2)
    )


def check_kernel_matrix(kernel_matrix, n_inputs: int) -> None:
    """Refuse a kernel matrix that does not describe ``n_inputs`` inputs (the inputs of the moments it is compared with).

    A kernel of other inputs (more of them, or a different set) would be read at the wrong entries and report
    deviations that are not there.
    """
    shape = np.shape(kernel_matrix)
    if len(shape) < 2 or shape[-2:] != (n_inputs, n_inputs):
        raise InvalidArgumentError(
            f"kernel_matrix must have shape (P, P) = ({n_inputs}, {n_inputs}) for the {n_inputs} inputs of the "
            f"moments, got shape {shape}; pass network.kernel_matrix(moments.inputs)")


def wick_sum(kernel_matrix, indices) -> np.ndarray:
    """Gaussian (Wick) value of E[f(x_{a_1}) ... f(x_{a_n})]: sum over pairings of products of K.

        G_n^GP(a_1..a_n) = sum_{pairings P} prod_{(i, j) in P} K[a_i, a_j]

    (1 term for n = 2, 3 for n = 4, 15 for n = 6; 0 for odd n).

    Parameters
    ----------
    kernel_matrix : array_like, shape (..., P, P)
        Kernel (2-point) matrix; leading axes are batch axes.
    indices : sequence of int
        Input indices a_1..a_n (repeats allowed).

    Returns
    -------
    ndarray, shape (...)
        Not finite where the kernel holds infinite (overflowed) entries.

    Examples
    --------
    >>> K = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> float(wick_sum(K, (0, 0, 1, 1)))  # K00 K11 + 2 K01^2
    8.0
    """
    k = check_array("kernel_matrix", kernel_matrix, finite=False)
    if np.any(np.isnan(k)):
        raise InvalidArgumentError("kernel_matrix must not contain NaN (infinite entries, from an overflowed kernel, "
                                   "give an infinite GP value)")
    if k.ndim < 2 or k.shape[-1] != k.shape[-2]:
        raise InvalidArgumentError(f"kernel_matrix must have shape (..., P, P), got {k.shape}")
    if isinstance(indices, (str, bytes)) or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                                                    for a in indices):
        raise InvalidTypeError(f"indices must be a sequence of integers (input indices), got {indices!r}")
    idx = tuple(int(a) for a in indices)
    if any(a < 0 or a >= k.shape[-1] for a in idx):
        raise InvalidArgumentError(f"indices {idx} out of range for a kernel matrix of {k.shape[-1]} inputs")
    total = np.zeros(k.shape[:-2])
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowed kernel gives a non-finite GP value
        for pairing in pairings(len(idx)):
            term = np.ones(k.shape[:-2])
            for i, j in pairing:
                term = term * k[..., idx[i], idx[j]]
            total = total + term
    return total



"""Exact cumulants of the linear CP-structured network (docs/theory/structured_inputs.md; any CP rank R and dense).

With act = identity and no biases, f(x) = <T, x> with T = (1/sqrt N) sum_j v_j W^j. The hidden units
are iid, so kappa_4(f) = kappa_4(v <W, x>) / N, and for one unit with W of CP rank R

    E[v^4] E[<W,x1>..<W,x4>] = 3 s^4 [ (1/R) sum_{pi in P4^d} I_pi + (1 - 1/R) sum_{p in P4} I_(p,..,p) ],

s^2 = sigma_v^2 sigma_w^2 / n (the four factors of one rank-1 term give sum_pi I_pi; two distinct
rank-1 terms give the Gaussian pairings of the vector model). Subtracting the three Wick pairings,

    G2(x, y)     = s^2 <x, y>,
    G4c(x1..x4)  = (s^4 / N) sum_{pi in P4^d} w_R(pi) I_pi(x1..x4),
    w_R(pi)      = 2 if all pi_c agree, else 3/R        (R = 1: 2 or 3, docs/theory/structured_inputs.md),

and dense weights (R -> infinity) keep only the all-equal tuples: G4c = (2 s^4/N) sum_p I_(p,..,p),
the O(n) vector-model result for the flattened input.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import opt_einsum

from .._checks import check_int
from .._limits import MAX_PAIRING_TUPLES
from ..correlators.wick import pairings
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "PAIRINGS",
    "pairing_tuples",
    "tuple_weight",
    "contraction",
    "linear_two_point",
    "linear_four_point",
]

#: The three pairings of the four legs 0..3 of a quartic bubble.
PAIRINGS = pairings(4)  # ((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def pairing_tuples(order: int) -> tuple[tuple[int, ...], ...]:
    """All d-tuples pi = (pi_1..pi_d) in P4^d, each pi_c an index into :data:`PAIRINGS` (3^d tuples).

    Raises
    ------
    InvalidArgumentError
        For ``order > 10``: the 3^d tuples (and the bubbles the callers build from them) are held in
        memory, and 3^10 = 59049 is the bound (``tensornn._limits.MAX_PAIRING_TUPLES``).
    """
    order = check_int("order", order, minimum=1)
    if 3**order > MAX_PAIRING_TUPLES:
        limit = round(math.log(MAX_PAIRING_TUPLES, 3))
        raise InvalidArgumentError(
            f"order {order} has 3^{order} = {3**order} pairing tuples, more than the {MAX_PAIRING_TUPLES} "
            f"(3^{limit}, order <= {limit}) an enumeration holds in memory with their bubbles; use order <= {limit}"
        )
    return tuple(itertools.product(range(3), repeat=order))


def _check_pi(pi) -> tuple[int, ...]:
    """pi as a tuple of indices into PAIRINGS (0, 1, 2), at least one colour."""
    try:
        pi = tuple(pi)
    except TypeError:
        raise InvalidTypeError(f"pi must be a tuple of pairing indices 0, 1, 2 (one per colour), got {pi!r}") from None
    if not pi or not all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) and 0 <= p <= 2 for p in pi):
        raise InvalidArgumentError(f"pi must be a non-empty tuple of pairing indices 0, 1, 2 (one per colour), got {pi!r}")
    return tuple(int(p) for p in pi)


def tuple_weight(pi, cp_rank: int | None = 1) -> float:
    """w_R(pi): 2 if all pi_c agree, else 3/R (0 for dense weights, ``cp_rank=None``)."""
    pi = _check_pi(pi)
    if cp_rank is not None:
        cp_rank = check_int("cp_rank", cp_rank, minimum=1)
    if len(set(pi)) == 1:
        return 2.0
    return 0.0 if cp_rank is None else 3.0 / cp_rank


@functools.lru_cache(maxsize=256)
def _contraction_expression(pi: tuple[int, ...], index_sizes: tuple[int, ...], batch: int):
    """Compiled I_pi over a batch: legs are four (batch, n_1..n_d) arrays, output (batch,)."""
    legs = [["Z"] for _ in range(4)]
    letters = iter(_LETTERS)
    for p in pi:
        for u, v in PAIRINGS[p]:
            letter = next(letters)
            legs[u].append(letter)
            legs[v].append(letter)
    subscripts = ",".join("".join(leg) for leg in legs) + "->Z"
    shape = (batch, *index_sizes)
    return opt_einsum.contract_expression(subscripts, shape, shape, shape, shape)


def contraction(pi, x1, x2, x3, x4) -> np.ndarray:
    """I_pi(x1, x2, x3, x4): colour-c indices of the four tensors identified along pi_c.

    Parameters
    ----------
    pi : sequence of int
        One pairing index (into :data:`PAIRINGS`) per colour.
    x1, x2, x3, x4 : ndarray, shape (Q, n_1, ..., n_d)
        The four legs for Q quadruples (one batch axis first).

    Returns
    -------
    ndarray, shape (Q,)
    """
    pi = tuple(int(p) for p in pi)
    arrays = [np.asarray(x, dtype=float) for x in (x1, x2, x3, x4)]
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays) or len(shape) != len(pi) + 1:
        raise InvalidArgumentError(
            f"the four legs must share one shape (Q, n_1..n_d) with d = len(pi) = {len(pi)}, "
            f"got {[a.shape for a in arrays]}"
        )
    if any(p not in (0, 1, 2) for p in pi):
        raise InvalidArgumentError(f"pi entries must be pairing indices 0, 1 or 2, got {pi}")
    return _contraction_expression(pi, shape[1:], shape[0])(*arrays)


def _legs(inputs, quadruples):
    x = np.asarray(inputs, dtype=float)
    q = np.asarray(quadruples, dtype=int)
    if q.ndim != 2 or q.shape[1] != 4:
        raise InvalidArgumentError(f"quadruples must have shape (Q, 4), got {q.shape}")
    if q.size and (q.min() < 0 or q.max() >= x.shape[0]):
        raise InvalidArgumentError(f"quadruples index input points 0..{x.shape[0] - 1}, got range {q.min()}..{q.max()}")
    return [x[q[:, i]] for i in range(4)]


def linear_two_point(network, inputs) -> np.ndarray:
    """Exact G2(x_p, x_q) = s^2 <x_p, x_q> (+ sigma_b^2 with biases is not covered), shape (P, P).

    Parameters
    ----------
    network : StructuredNetwork
        Must be linear without biases.
    inputs : array, shape (P, n_1..n_d)
    """
    _require_linear(network)
    x = network.check_inputs(inputs).reshape(-1, network.n_components)
    s2 = network.sigma_v**2 * network.sigma_w**2 / network.n_components
    return s2 * x @ x.T


def linear_four_point(network, inputs, quadruples) -> np.ndarray:
    """Exact connected G4c at the given quadruples of input points, shape (Q,).

    G4c = (s^4/N) sum_{pi in P4^d} w_R(pi) I_pi, s^2 = sigma_v^2 sigma_w^2 / n, w_R as in the module
    docstring (R = ``network.cp_rank``; dense keeps only the all-equal tuples with w = 2).

    Parameters
    ----------
    network : StructuredNetwork
        Must be linear without biases.
    inputs : array, shape (P, n_1..n_d)
    quadruples : int array, shape (Q, 4)
        Indices into ``inputs``.
    """
    _require_linear(network)
    legs = _legs(network.check_inputs(inputs), quadruples)
    s4 = (network.sigma_v**2 * network.sigma_w**2 / network.n_components) ** 2
    total = np.zeros(legs[0].shape[0])
    for pi in pairing_tuples(network.order):
        w = tuple_weight(pi, network.cp_rank)
        if w:
            total += w * contraction(pi, *legs)
    return s4 / network.width * total


def _require_linear(network):
    if network.activation != "linear" or network.bias:
        raise InvalidArgumentError(
            "exact cumulants hold for activation='linear' without biases, got "
            f"activation={network.activation!r}, bias={network.bias}; measure the others by sampling"
        )


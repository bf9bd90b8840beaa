"""Value of a bubble on a tensor: one copy of T per vertex, one summed index per edge.

    B(T) = sum_{indices} prod_{v black or real} T_{a^v} prod_{v white} conj(T)_{a^v},

where a^v_c is the index of the colour-c edge at v. The contraction is compiled once per
(labelled bubble structure, shape, dtype) with ``opt_einsum.contract_expression`` and cached.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..errors import InvalidArgumentError, InvalidTypeError
from .graph import Bubble

__all__ = ["evaluate_bubble", "einsum_subscripts", "clear_cache"]


def einsum_subscripts(bubble: Bubble) -> str:
    """The einsum string of a bubble: one operand per vertex (axes in colour order), one letter per edge."""
    return _subscripts(bubble.adjacency)


def _subscripts(adjacency) -> str:
    import opt_einsum

    letters = {}
    terms = []
    for v, row in enumerate(adjacency):
        term = []
        for c, w in enumerate(row):
            key = (min(v, w), max(v, w), c)
            if key not in letters:
                letters[key] = opt_einsum.get_symbol(len(letters))
            term.append(letters[key])
        terms.append("".join(term))
    return ",".join(terms) + "->"


@lru_cache(maxsize=512)
def _expression(adjacency, shape, dtype):
    import opt_einsum

    return opt_einsum.contract_expression(_subscripts(adjacency), *([shape] * len(adjacency)), optimize="auto")


def clear_cache() -> None:
    """Forget the compiled contractions."""
    _expression.cache_clear()


def evaluate_bubble(bubble: Bubble, tensor) -> complex | float:
    """B(T): the bubble's invariant evaluated on ``tensor`` (white vertices receive conj(T)).

    Parameters
    ----------
    bubble : Bubble
        Rank d >= 1.
    tensor : array_like, shape (N_1, ..., N_d)
        Axis c - 1 carries colour c. Real or complex; for a complex bubble white vertices use
        its complex conjugate, for a real bubble every vertex uses ``tensor`` itself.

    Returns
    -------
    numpy scalar
        Real for a real tensor; for a complex bubble of a complex tensor, complex in general.

    Raises
    ------
    InvalidArgumentError
        The tensor does not have one axis per colour.

    Examples
    --------
    >>> from tensornn.bubbles.families import melon
    >>> t = np.arange(8.0).reshape(2, 2, 2)
    >>> float(evaluate_bubble(melon(3), t)) == float((t ** 2).sum())
    True
    """
    if not isinstance(bubble, Bubble):
        raise InvalidTypeError(f"bubble must be a Bubble, got {type(bubble).__name__}")
    t = np.asarray(tensor)
    if t.ndim != bubble.rank:
        raise InvalidArgumentError(
            f"tensor must have one axis per colour: rank {bubble.rank}, got shape {t.shape}; reshape it to d axes"
        )
    if bubble.rank == 0:
        raise InvalidArgumentError("rank-0 bubbles have no indices to contract; evaluate them as a power of the field")
    expr = _expression(bubble.adjacency, t.shape, t.dtype.str)
    if bubble.field == "complex" and np.iscomplexobj(t):
        conj = np.conj(t)
        operands = [t if k == "black" else conj for k in bubble.kinds]
    else:
        operands = [t] * bubble.n_vertices
    return expr(*operands)

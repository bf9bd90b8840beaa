"""The value of a bubble on a tensor: one copy of T per vertex, one summed index per edge.

For a bubble B of rank d and a tensor T of shape (n_1, ..., n_d),

    B(T) = sum over edge indices of prod_v T_v[a_v(1), ..., a_v(d)],

where a_v(c) is the index carried by the colour-c edge at v, and T_v = T for black or real
vertices and conj(T) for white ones. The contraction is compiled with
``opt_einsum.contract_expression`` once per (bubble structure, shape, dtype) and cached, so
repeated evaluations on tensors of one shape spend their time in the contraction only.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import opt_einsum

from ..errors import InvalidArgumentError, InvalidTypeError
from .graph import Bubble

__all__ = ["bubble_equation", "evaluate_bubble", "bubble_expression"]


def _equation(adjacency, rank: int) -> str:
    letters: dict = {}
    for v, row in enumerate(adjacency):
        for c, w in enumerate(row):
            if v < w:
                letters[(v, c)] = letters[(w, c)] = opt_einsum.get_symbol(len(letters) // 2)
    return ",".join("".join(letters[(v, c)] for c in range(rank)) for v in range(len(adjacency))) + "->"


def bubble_equation(bubble: Bubble) -> str:
    """The einsum equation of a bubble: one term per vertex, one shared letter per edge."""
    return _equation(bubble.adjacency, bubble.rank)


@lru_cache(maxsize=512)
def _compiled(adjacency, rank, shape, dtype):
    equation = _equation(adjacency, rank)
    return opt_einsum.contract_expression(equation, *([shape] * len(adjacency)), optimize="auto")


def bubble_expression(bubble: Bubble, shape, dtype=np.float64):
    """The compiled (cached) opt_einsum expression of ``bubble`` for tensors of ``shape``."""
    return _compiled(bubble.adjacency, bubble.rank, tuple(shape), np.dtype(dtype).str)


def evaluate_bubble(bubble: Bubble, tensor) -> complex | float:
    """Evaluate ``bubble`` on ``tensor`` (real or complex, shape (n_1, ..., n_d)).

    Examples
    --------
    >>> import numpy as np
    >>> from tensornn.bubbles.families import melon
    >>> t = np.arange(8.0).reshape(2, 2, 2)
    >>> float(evaluate_bubble(melon(3, "real"), t)) == float((t * t).sum())
    True
    """
    if not isinstance(bubble, Bubble):
        raise InvalidTypeError(f"bubble must be a Bubble, got {type(bubble).__name__}")
    array = np.asarray(tensor)
    if not np.issubdtype(array.dtype, np.number):
        raise InvalidTypeError(f"tensor must be numeric, got dtype {array.dtype}")
    if array.ndim != bubble.rank:
        raise InvalidArgumentError(
            f"tensor has {array.ndim} indices but the bubble has rank {bubble.rank}; pass a tensor of shape (n_1..n_{bubble.rank})"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidArgumentError("tensor must contain only finite numbers")
    expression = bubble_expression(bubble, array.shape, array.dtype)
    conjugate = np.conj(array) if np.iscomplexobj(array) else array
    operands = [conjugate if kind == "white" else array for kind in bubble.kinds]
    value = expression(*operands)
    return value.item() if hasattr(value, "item") else value

"""The bounds tensornn enforces before it starts work, each with its reason.

A run that cannot finish, or whose numbers cannot be represented, is refused at the boundary
with a message that names the argument, the bound and the reason, instead of ending in a
MemoryError, an OverflowError or a number that is silently wrong. docs/reliability.md lists them.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import InvalidArgumentError

__all__ = [
    "MAX_COUNT",
    "MAX_SCALE",
    "MAX_TASK_BYTES",
    "MAX_PAIRING_TUPLES",
    "MAX_FLOW_POINTS",
    "MAX_FIXED_POINT_STARTS",
    "MAX_GRID_POINTS",
    "format_bytes",
    "n_sorted_tuples",
    "sampling_task_bytes",
    "check_sampling_memory",
]

#: Largest ensemble size or width: 2**53, the largest count every float64 holds exactly
#: (means divide sums by counts, and the 1/N of the exact formulas is a float).
MAX_COUNT = 2**53

#: Largest weight, bias or read-out scale: the 6-point function grows as sigma_v^6, and
#: (1e50)^6 = 1e300 is still below the largest float64 (1.8e308).
MAX_SCALE = 1e50

#: Largest estimated memory of one sampling task (a block of networks and its output products), 2 GiB.
MAX_TASK_BYTES = 2 * 2**30

#: Largest number of pairing tuples (3^d for d input indices) an enumeration of P4^d holds in memory
#: with their bubbles: 3^10 = 59049, i.e. d <= 10 (about a minute of canonical forms).
MAX_PAIRING_TUPLES = 3**10

#: Largest number of recorded points of a flow trajectory (held in memory as n_points x couplings floats).
MAX_FLOW_POINTS = 10**6

#: Largest number of random starts of a fixed-point search: the starts are held in memory and each is one
#: root solve (10**5 solves take minutes already).
MAX_FIXED_POINT_STARTS = 10**5

#: Largest number of sigma_w grid points of the active/passive experiment: each point samples a whole ensemble.
MAX_GRID_POINTS = 1000


def format_bytes(n: float) -> str:
    """``n`` bytes in the largest binary unit that keeps the number >= 1 (e.g. ``'2.0 GiB'``)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def sampling_task_bytes(block_size: int, width: int, n_inputs: int, input_size: int, n_products: int,
                        blocks_per_task: int = 1, n_statistics: int = 0, *, per_network: float | None = None) -> float:
    """Estimated peak memory of one sampling task: a block's weights, activations and products, and the task's sums.

    ``8 * (block_size * (per_network + n_products) + blocks_per_task * n_statistics)`` bytes: the floats one
    network holds while it is evaluated (for one hidden layer ``per_network = width * (input_size + 2 * n_inputs)``:
    the first-layer weights, width x input_size, and the pre-activations and activations, width x P each; a model
    with other layers says its own through ``floats_per_network``), the largest table of output products (one
    column per statistic of one order), and the per-block sums of every statistic that the task returns.
    """
    if per_network is None:
        per_network = width * (input_size + 2.0 * n_inputs)
    return 8.0 * (block_size * (per_network + n_products) + blocks_per_task * n_statistics)


def n_sorted_tuples(n_inputs: int, order: int) -> int:
    """C(P + k - 1, k): the number of sorted k-tuples of P inputs (the statistics of order k)."""
    return math.comb(n_inputs + order - 1, order)


def check_sampling_memory(network, x, block_size: int, blocks_per_task: int, tuples) -> None:
    """Refuse, before anything is allocated, a sampling task whose estimated memory exceeds MAX_TASK_BYTES.

    ``tuples`` as in :func:`tensornn.networks.sampling.sample_ensemble` (None, a maximum order, or explicit tuples).
    """
    if tuples is None or (isinstance(tuples, numbers.Integral) and not isinstance(tuples, bool)):
        order = 4 if tuples is None else int(tuples)
        orders = [k for k in (1, 2, 4, 6) if k <= order] if order in (2, 4, 6) else []
        n_products = n_sorted_tuples(len(x), order) if orders else 0
        what = f"{n_products} products of order {order}"
    else:  # explicit tuples: at least the 1- and 2-point tables
        orders, n_products = [1, 2], n_sorted_tuples(len(x), 2)
        what = f"{n_products} 2-point products"
    n_statistics = sum(n_sorted_tuples(len(x), k) for k in orders)
    width = getattr(network, "width", 1)
    own = getattr(network, "floats_per_network", None)  # a model with other layers than one says its own
    needed = sampling_task_bytes(block_size, width, len(x), int(np.prod(x.shape[1:])), n_products,
                                 blocks_per_task, n_statistics, per_network=None if own is None else own(len(x)))
    if needed > MAX_TASK_BYTES:
        raise InvalidArgumentError(
            f"a sampling task of {blocks_per_task} block(s) of {block_size} networks (width {width}, {len(x)} inputs, "
            f"{what}) needs about {format_bytes(needed)}, more than the {format_bytes(MAX_TASK_BYTES)} a task may "
            "use; lower block_size or chunk_size, use fewer inputs, or pass explicit tuples"
        )

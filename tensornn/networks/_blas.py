"""One BLAS thread while blocks of networks are sampled.

OpenBLAS splits a matrix product among its threads differently for different thread counts, and for
some shapes that changes the last bits of the result; on a busy machine its threads also wait for each
other far longer than the small products of a block take. The sampler therefore runs its blocks with
one BLAS thread (its parallelism comes from the executor) through ``threadpoolctl``: the results are then
the same bits whatever thread count the process was started with. Without ``threadpoolctl`` the limit
is skipped.

The limit is process-wide, so it is reference counted: with a thread pool the first task to start sets
it and the last to finish restores the previous setting.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

__all__ = ["one_blas_thread"]

_lock = threading.Lock()
_state = {"depth": 0, "limiter": None, "controller": None}


def _controller():
    if _state["controller"] is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _state["controller"] = False
        else:
            _state["controller"] = ThreadpoolController()
    return _state["controller"]


@contextmanager
def one_blas_thread():
    """Run the body with BLAS limited to one thread (reference counted across threads)."""
    with _lock:
        if _state["depth"] == 0:
            controller = _controller()
            _state["limiter"] = controller.limit(limits=1, user_api="blas") if controller else None
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["limiter"] is not None:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None

"""Timing helper shared by the benchmark scripts."""

import time


def best_time(fn, repeat):
    """Smallest wall time of ``repeat`` calls of ``fn`` and the result of the last call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out

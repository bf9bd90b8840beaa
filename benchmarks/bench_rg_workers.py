"""Do both workers stay busy in the active/passive RG experiment? (run: python benchmarks/bench_rg_workers.py)

Runs ``active_passive_experiment`` with the settings of the active/passive stage of ``tensornn compare``
(d_in 3, widths 10, 100 and 1000, 5 grid points, 20 000 networks per ensemble; see --help) on a pool of 2
worker processes whose tasks are timed inside the workers, and prints:

- the fraction of the wall time during which both workers were running a task;
- the CPU time of the tasks, of this process and of the workers (resource.getrusage) over 2 x wall time.

On a shared machine the CPU figures also count the time other processes take from the workers' cores; the
first figure depends only on how the work is handed out.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornn.rg.experiment import active_passive_experiment  # noqa: E402


def _timed(fn, *args):
    start, cpu = time.time(), time.process_time()
    out = fn(*args)
    return out, time.process_time() - cpu, (os.getpid(), start, time.time())


class TimedPool:
    """A ProcessPoolExecutor that records when each task was submitted and finished, and its CPU time."""

    def __init__(self, workers):
        self.pool = ProcessPoolExecutor(workers)
        self._max_workers = workers
        self.intervals, self.cpu = [], 0.0
        self._lock = threading.Lock()

    def submit(self, fn, *args, **kwargs):
        return _Unwrap(self.pool.submit(_timed, fn, *args), self)

    def _done(self, cpu, interval):
        with self._lock:
            self.intervals.append(interval)
            self.cpu += cpu

    def shutdown(self, wait=True):
        self.pool.shutdown(wait=wait)


class _Unwrap:
    """The future of a timed task, returning the task's own result."""

    def __init__(self, future, pool):
        self.future, self.pool, self.recorded = future, pool, False
        future.add_done_callback(self._record)

    def _record(self, future):
        if not future.cancelled() and future.exception() is None:
            self.pool._done(*future.result()[1:])

    def result(self, timeout=None):
        return self.future.result(timeout)[0]

    def cancel(self):
        return self.future.cancel()


def both_busy_fraction(intervals, start, stop, workers=2) -> float:
    """Fraction of [start, stop] during which ``workers`` distinct processes were running a task."""
    events = sorted([(t0, +1, pid) for pid, t0, _ in intervals] + [(t1, -1, pid) for pid, _, t1 in intervals])
    running, busy, t_prev = {}, 0.0, start
    for t, step, pid in events:
        if sum(1 for v in running.values() if v > 0) >= workers:
            busy += max(0.0, min(t, stop) - max(t_prev, start))
        running[pid] = running.get(pid, 0) + step
        t_prev = t
    return busy / (stop - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-networks", type=int, default=20_000)
    parser.add_argument("--d-in", type=int, nargs="+", default=[3])
    parser.add_argument("--widths", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args(argv)
    pool = TimedPool(2)
    for f in [pool.submit(time.sleep, 0.2) for _ in range(2)]:  # start both workers before the clock
        f.result()
    pool.intervals.clear()
    usage0 = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    start = time.time()
    active_passive_experiment(d_ins=args.d_in, widths=args.widths, n_networks=args.n_networks, seed=0, executor=pool)
    stop = time.time()
    pool.shutdown()
    usage1 = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    wall = stop - start
    cpu_self = sum(getattr(usage1[0], f) - getattr(usage0[0], f) for f in ("ru_utime", "ru_stime"))
    cpu_children = sum(getattr(usage1[1], f) - getattr(usage0[1], f) for f in ("ru_utime", "ru_stime"))
    tasks = len(pool.intervals)
    print(f"active/passive experiment, d_in {args.d_in}, widths {args.widths}, {args.n_networks} networks per "
          f"ensemble, 2 worker processes: {tasks} tasks, wall {wall:.1f} s")
    print(f"both workers running a task   : {both_busy_fraction(pool.intervals, start, stop):6.1%} of the wall time")
    print(f"task CPU time / (2 x wall)    : {pool.cpu / (2 * wall):6.1%}")
    print(f"CPU this process              : {cpu_self / wall:6.1%} of one core")
    print(f"CPU workers / (2 x wall)      : {cpu_children / (2 * wall):6.1%} (counted when the pool shuts down)")


if __name__ == "__main__":
    main()

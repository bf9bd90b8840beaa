"""Flow batches spread over workers: wall time of a batch of draws serially, on a process pool and on a dask cluster.

The batch: ``--draws`` flows of the tensor reading of the default comparison on the data spectra of the synthetic
data (the draws of ``bench_batched_flows.py``), integrated by the batched RK45 (:func:`run_from_ir_batch`). Each line
gives the wall time and the speed-up over the serial run of the same chunks (``--chunk`` members per task), measured
in the same run, and checks that the numbers are bitwise those of the serial run:

- serial: the chunks one after another in this process;
- a ``concurrent.futures.ProcessPoolExecutor`` with ``--workers`` processes;
- a ``dask.distributed`` ``LocalCluster`` with ``--workers`` single-threaded worker processes, through
  ``Client.get_executor()`` (the set-up of a real cluster: pass ``Client("tcp://scheduler:8786").get_executor()``).

Start-up of the pool and of the cluster is excluded (it is paid once per session). On a machine with fewer free
cores than workers the speed-up is bounded by the cores.

Run: python benchmarks/bench_distributed_flows.py [--draws 400] [--chunk 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from bench_batched_flows import COUPLINGS, SETTINGS, theories  # noqa: E402 - benchmarks/ is on sys.path as a script
from tensornn.flow import derive_flow
from tensornn.flow.trajectory import run_from_ir_batch


def wall(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def same(a, b):
    return all(np.array_equal(x.values, y.values) and np.array_equal(x.t, y.t) for x, y in zip(a, b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    flow = derive_flow(theories()["tensor"])
    rng = np.random.default_rng(1)
    irs = [{2: 1.0, **{k: v + e * rng.standard_normal() for k, (v, e) in COUPLINGS["tensor"].items()}}
           for _ in range(args.draws)]

    def run(executor=None):
        return run_from_ir_batch(flow, irs, executor=executor, chunk_size=args.chunk, **SETTINGS)

    run()  # warm up (the flow's code and tables)
    serial, reference = wall(run)
    rows = [("serial (one process)", serial, True)]
    with ProcessPoolExecutor(args.workers) as pool:
        run(pool)  # start the workers
        seconds, out = wall(lambda: run(pool))
        rows.append((f"process pool, {args.workers} workers", seconds, same(reference, out)))
    try:
        import distributed
    except ImportError:
        distributed = None
    if distributed is not None:
        with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            executor = client.get_executor()
            run(executor)
            seconds, out = wall(lambda: run(executor))
            rows.append((f"dask LocalCluster, {args.workers} workers", seconds, same(reference, out)))
    print(f"{args.draws} flows of the tensor reading (batched RK45), {args.chunk} members per task: wall time, "
          "speed-up over serial, bitwise equal to serial\n")
    for label, seconds, equal in rows:
        print(f"{label:<32} {seconds:8.2f} s {serial / seconds:6.2f}x  {equal}")


if __name__ == "__main__":
    main()

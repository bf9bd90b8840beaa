"""Time of a default-size readings fit: the CP rank-1 layer and its dense twin on the embedded data.

Run: python benchmarks/bench_readings.py [--repeat K]
Prints, for each network, the wall time of sampling the ensemble (2^17 networks, 128 groups, G4c on 40
quadruples of 10 points) and of the fits (all readings and the reference model), each as a ratio to a
baseline measured in the same run: drawing 2^22 standard normals (about 1/16 of the random numbers of the
dense twin's first layers). With threadpoolctl installed it also times the same fits with the BLAS limited to one
thread (small matrix products on a busy machine can be much slower multi-threaded).
"""

import argparse
import contextlib

import numpy as np

from _timing import best_time

from tensornn.data import synthetic_kronecker
from tensornn.readings import read_network
from tensornn.networks import StructuredNetwork


def baseline():
    return np.random.default_rng(0).standard_normal(1 << 22)


def _single_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=1, user_api="blas")


def run(repeat):
    data = synthetic_kronecker(seed=0)
    base, _ = best_time(baseline, repeat)
    print(f"baseline (draw 2^22 standard normals): {base:.3f} s")
    modes = [("default BLAS threads", contextlib.nullcontext)]
    if _single_thread() is not None:
        modes.append(("BLAS limited to 1 thread", _single_thread))
    for label, context in modes:
        print(label)
        for rank in (1, None):
            net = StructuredNetwork(data.index_sizes, cp_rank=rank, width=8)
            runs = []
            with context():
                for _ in range(repeat):
                    runs.append(best_time(lambda: read_network(net, data, method="monte-carlo", seed=0), 1))
            total, result = min(runs, key=lambda run: run[0])  # the fastest run, with its own stage timings
            kind = "CP R=1" if rank else "dense "
            print(f"  {kind}: total {total:.2f} s = {total / base:.1f} x baseline (sampling "
                  f"{result.timings['measure'] / base:.1f}, fits {result.timings['fit'] / base:.2f}); "
                  f"selected {result.selected}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    run(parser.parse_args().repeat)

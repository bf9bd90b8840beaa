"""Throughput, floating-point efficiency and memory of sample_ensemble (run: python benchmarks/bench_ensemble.py).

Prints, measured in the same run:
- networks x inputs per second of sample_ensemble and of a per-network Python loop (the baseline), and their ratio;
- the fraction of the machine's float64 matmul rate reached (peak estimated by timing a large numpy matmul);
- peak traced memory (tracemalloc) for n_networks = 1e4, 1e5, 1e6: it must not grow;
- the time for one million width-100 Gauss-nets on six inputs (serial and with 2 worker processes).

Options: --quick (smaller sizes, for a smoke run), --skip-million.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornn.networks.sampling import default_tuples, sample_ensemble  # noqa: E402
from tensornn.networks.scalar import ScalarNetwork  # noqa: E402

INPUTS = np.array([0.01, -0.01, 0.02, -0.02, 0.03, -0.03])[:, None]
WIDTH = 100


def _loop_baseline(net, x, n, seed):
    """One network at a time: draw its parameters, evaluate, accumulate the same products."""
    rng = np.random.default_rng(seed)
    tuples = [np.array(t) for t in default_tuples(len(x), 4)]
    sums = np.zeros(len(tuples))
    for _ in range(n):
        w0 = rng.standard_normal((net.width, 1)) * net.sigma_w
        b0 = rng.standard_normal((net.width, 1)) * net.sigma_b
        z = w0 @ x.T + b0
        h = np.exp(z - net.sigma_b**2 - net.sigma_w**2 * (x[:, 0] ** 2))
        f = (rng.standard_normal(net.width) * net.sigma_w / np.sqrt(net.width)) @ h
        f = f + net.sigma_b * rng.standard_normal()
        for i, t in enumerate(tuples):
            sums[i] += np.prod(f[t])
    return sums


def _matmul_rate(n=2000, repeats=3):
    a = np.random.default_rng(0).standard_normal((n, n))
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2 * n**3 / best


def _timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _flops_per_network(width, n_inputs, n_stats):
    # z = W0 x (+ b0): 2 W P; activation ~1 W P (exp counted as one op); read-out 2 W P; products ~ 4 n_stats.
    return 5 * width * n_inputs + 4 * n_stats


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-million", action="store_true")
    opts = parser.parse_args()

    net = ScalarNetwork("gauss", d_in=1, width=WIDTH, sigma_w=1.0, sigma_b=0.0)
    p = len(INPUTS)
    n_stats = len(default_tuples(p, 4))

    n_loop = 2_000 if opts.quick else 10_000
    t_loop = _timed(lambda: _loop_baseline(net, INPUTS, n_loop, 0))
    n_vec = 20_000 if opts.quick else 200_000
    t_vec = _timed(lambda: sample_ensemble(net, INPUTS, n_vec, seed=0))
    rate_loop, rate_vec = n_loop * p / t_loop, n_vec * p / t_vec
    print(f"statistics accumulated per network: {n_stats} (all 1-, 2- and sorted 4-point products of {p} inputs)")
    print(f"per-network loop : {rate_loop:12.4g} networks x inputs / s  ({n_loop} networks in {t_loop:.2f} s)")
    print(f"sample_ensemble  : {rate_vec:12.4g} networks x inputs / s  ({n_vec} networks in {t_vec:.2f} s)")
    print(f"speed-up         : {rate_vec / rate_loop:.1f}x")

    peak = _matmul_rate()
    achieved = n_vec / t_vec * _flops_per_network(WIDTH, p, n_stats)
    print(f"matmul rate (2000x2000 float64, numpy BLAS): {peak / 1e9:.2f} GFLOP/s")
    print(f"sample_ensemble arithmetic rate: {achieved / 1e9:.3f} GFLOP/s = {100 * achieved / peak:.2f}% of that peak")

    # Where the time goes, per block of 1024 networks: the normal draws and the exponentials are not BLAS work.
    rng = np.random.default_rng(0)
    reps = 20
    t_draw = min(_timed(lambda: rng.standard_normal((1024, 3 * WIDTH))) for _ in range(reps))
    z = rng.standard_normal((1024, WIDTH, p))
    t_exp = min(_timed(lambda: np.exp(z)) for _ in range(reps))
    t_block = t_vec / (n_vec / 1024)
    # (best-of-20 timings of the parts against the average block time of the run above; the machine is shared)
    print(
        f"per 1024-network block: {1e3 * t_block:.1f} ms total, {1e3 * t_draw:.1f} ms normal draws "
        f"({100 * t_draw / t_block:.0f}%), {1e3 * t_exp:.1f} ms exponentials ({100 * t_exp / t_block:.0f}%)"
    )

    sizes = [10_000, 100_000] if opts.quick else [10_000, 100_000, 1_000_000]
    small = ScalarNetwork("gauss", d_in=1, width=10, sigma_w=1.0)
    for n in sizes:
        tracemalloc.start()
        t = _timed(lambda: sample_ensemble(small, INPUTS, n, seed=1))
        _, peak_bytes = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak traced memory, width 10, n_networks={n:>9}: {peak_bytes / 2**20:7.2f} MiB ({t:.1f} s)")

    if not opts.skip_million and not opts.quick:
        n = 1_000_000
        t1 = _timed(lambda: sample_ensemble(net, INPUTS, n, seed=2))
        print(f"1e6 width-100 Gauss-nets on 6 inputs, serial          : {t1:.1f} s")
        with ProcessPoolExecutor(2) as ex:
            t2 = _timed(lambda: sample_ensemble(net, INPUTS, n, seed=2, executor=ex))
        print(f"1e6 width-100 Gauss-nets on 6 inputs, 2 processes     : {t2:.1f} s")


if __name__ == "__main__":
    main()

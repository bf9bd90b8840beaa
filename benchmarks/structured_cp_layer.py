"""Preactivations <W^j, x> of a CP layer: compiled factor contraction vs materialising W^j.

Prints the time of each path and the ratio materialised / compiled, both measured in this run.
Run: python benchmarks/structured_cp_layer.py
"""

import math
import time

import numpy as np

from tensornn.structured import StructuredNetwork


def materialised(net, x, rng, m):
    """Reference path: build every W^j as a dense tensor, then contract with the inputs."""
    n, rank = net.n_components, net.cp_rank
    factors = [rng.standard_normal((m, net.width, rank, size)) for size in net.index_sizes]
    w = factors[0]
    for f in factors[1:]:
        w = np.einsum("mjrA,mjrb->mjrAb", w, f).reshape(m, net.width, rank, -1)
    w = w.sum(axis=2) * (net.sigma_w / math.sqrt(n * rank))
    return np.einsum("mjk,pk->mjp", w, x.reshape(len(x), n))


def timed(fn, repeats=3):
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


if __name__ == "__main__":
    for sizes, rank in [((4, 4, 4), 2), ((8, 8, 8), 4), ((6, 6, 6, 6), 2)]:
        net = StructuredNetwork(sizes, cp_rank=rank, width=16)
        x = np.random.default_rng(0).standard_normal((8, *sizes))
        m = 256
        t_fast, fast = timed(lambda: net._preactivations(x, m, np.random.default_rng(1)))
        t_ref, ref = timed(lambda: materialised(net, x, np.random.default_rng(1), m))
        agree = np.allclose(fast, ref, rtol=1e-10, atol=1e-10)
        print(f"sizes={sizes} R={rank} N=16 networks={m}: compiled {t_fast * 1e3:.1f} ms, "
              f"materialised {t_ref * 1e3:.1f} ms, ratio {t_ref / t_fast:.1f}, same values: {agree}")

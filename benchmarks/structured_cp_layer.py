"""Preactivations <W^j, x> of a CP layer: the sampler's path against the compiled factor contraction.

The sampler forms the weight tensors W^j from their factors in component-major layout and contracts them
with the inputs by one matrix product (``tensornn.networks.cp.cp_weight_matrix``); the alternative contracts
the factors with the inputs directly by an opt_einsum expression compiled for the shapes. Prints the time of
each path (CPU time, one BLAS thread, as in the sampler), the ratio contraction / sampler, and whether both give
the same values, measured in this run.
Run: python benchmarks/structured_cp_layer.py
"""

import math
import time

import numpy as np
import opt_einsum

from tensornn.networks._blas import one_blas_thread
from tensornn.networks.cp import cp_weight_matrix
from tensornn.networks import StructuredNetwork

LETTERS = "abcdefghijkl"


def contraction(net, x, factors):
    """z[m, j, p] = (sigma_w / sqrt(n R)) sum_{r, a} x[p, a_1..a_d] prod_c u_c[m, j, r, a_c] (opt_einsum)."""
    d = net.order
    letters = LETTERS[:d]
    expr = opt_einsum.contract_expression(",".join(["P" + letters] + [f"MJR{a}" for a in letters]) + "->MJP",
                                          x.shape, *(f.shape for f in factors))
    return expr(x, *factors) * (net.sigma_w / math.sqrt(net.n_components * net.cp_rank))


def sampler_path(net, x, factors, work):
    """The same preactivations from the sampler's weight matrix and one product, shape (m, N, P); ``work``
    keeps the buffers from call to call and the calls take sub-chunks of networks, as in the sampler."""
    w = cp_weight_matrix(factors, work)
    m, width = factors[0].shape[:2]
    z = (x.reshape(len(x), -1) * (net.sigma_w / math.sqrt(net.n_components * net.cp_rank))) @ w
    return z.reshape(len(x), m, width).transpose(1, 2, 0)


def timed(fn, repeats=5):
    best = math.inf
    for _ in range(repeats):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return best, result


def main():
    for sizes, rank in [((3, 3, 3), 1), ((4, 4, 4), 2), ((8, 8, 8), 4), ((6, 6, 6, 6), 2)]:
        net = StructuredNetwork(sizes, cp_rank=rank, width=16)
        x = np.random.default_rng(0).standard_normal((8, *sizes))
        m = 256
        factors = [np.random.default_rng(1 + c).standard_normal((m, net.width, rank, n)) for c, n in enumerate(sizes)]
        work = {}
        # as in the sampler: sub-chunks of networks whose weight matrix has about 2^17 entries
        sub = max(1, (1 << 17) // (net.width * max(len(x), net.n_components)))

        def sampled():
            return np.concatenate([sampler_path(net, x, [f[s:s + sub] for f in factors], work)
                                   for s in range(0, m, sub)])

        t_fast, fast = timed(sampled)
        t_ref, ref = timed(lambda: contraction(net, x, factors))
        agree = np.allclose(fast, ref, rtol=1e-10, atol=1e-10)
        print(f"sizes={sizes} R={rank} N=16 networks={m}: sampler {t_fast * 1e3:.1f} ms, "
              f"contraction {t_ref * 1e3:.1f} ms, ratio {t_ref / t_fast:.1f}, same values: {agree}")


if __name__ == "__main__":
    with one_blas_thread():
        main()

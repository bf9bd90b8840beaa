"""The ensemble sampler against its floor (run: python benchmarks/bench_sampling_floor.py [--quick]).

The floor of n networks of width N on P inputs is what any sampler of them must pay:

- drawing the standard normals the networks need (first layer, read-out, and the biases when sigma_b > 0)
  from one generator into preallocated buffers; the first layer takes k_draw normals per hidden unit:
  d_in for the scalar and block networks, n = n_1 ... n_d for a dense structured layer, R (n_1 + ... + n_d)
  for a CP layer;
- the affine map: one matrix product of the first-layer weights with the inputs, (P, k) x (k, n N), where
  k is the number of components of a weight vector (d_in, or n for both structured layers); the inner
  dimension is padded to 2 when k = 1 (numpy's product with inner dimension 1 is several times slower);
- the activation in place (exp for the Gauss activation, nothing for "linear");
- the read-out product (n, P, N) x (n, N, 1);

in chunks of networks whose buffers (about 2^16 elements) stay in cache and are reused. The floor leaves
out everything else a sampler does: seeding a generator per block, the biases and the Gauss
normalisation in z, forming CP weight tensors from their factors, and the sums of output products.

For every case the benchmark prints the time of ``sample_ensemble`` (serial, blocks of 1024 networks, the
tuples named below) divided by the floor of the same networks. Times are CPU times of this process
(``time.process_time``) with BLAS on one thread, the smallest of ``--repeat`` runs of each, alternated:
on a shared machine wall times mostly measure the other processes.

Cases: ScalarNetwork Gauss-nets with d_in = 1 and 3 on 6 inputs (all 1-, 2- and 4-point tuples: 153
statistics); the BlockGaussNetwork of ``tensornn compare`` (blocks (1, 1, 1), its input quadruple, the one
4-tuple it measures: 15 statistics); StructuredNetwork with index sizes (3, 3, 3), CP rank 1 and dense,
"linear" and "gauss", on 6 inputs (153 statistics). Widths 10, 100, 1000.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornn.compare import CompareConfig  # noqa: E402
from tensornn.compare.readings import block_network, quadruple_inputs  # noqa: E402
from tensornn.networks import BlockGaussNetwork, ScalarNetwork, StructuredNetwork  # noqa: E402
from tensornn.networks._blas import one_blas_thread  # noqa: E402
from tensornn.networks.sampling import sample_ensemble  # noqa: E402

WIDTHS = (10, 100, 1000)
P = 6
SIZES = (3, 3, 3)
CHUNK_ELEMENTS = 1 << 16


def _first_layer_normals(net) -> int:
    """k_draw: first-layer normals per hidden unit."""
    if isinstance(net, (ScalarNetwork, BlockGaussNetwork)):
        return net.d_in
    if net.dense:
        return net.n_components
    return net.cp_rank * sum(net.index_sizes)


def _weight_components(net) -> int:
    """k: components of one first-layer weight vector."""
    return net.d_in if isinstance(net, (ScalarNetwork, BlockGaussNetwork)) else net.n_components


def _exp_activation(net) -> bool:
    return getattr(net, "activation", "gauss") != "linear"


def floor_seconds(net, n_inputs, n_networks, *, dtype=np.float64, bit_generator=np.random.PCG64) -> float:
    """Wall time of the floor (module docstring) for ``n_networks`` networks like ``net`` on ``n_inputs`` inputs."""
    width, k_draw, k = net.width, _first_layer_normals(net), _weight_components(net)
    k_pad = max(k, 2)
    rng = np.random.Generator(bit_generator(0))
    xs = (0.1 * rng.standard_normal((n_inputs, k_pad))).astype(dtype)
    m = int(min(max(1, CHUNK_ELEMENTS // (width * max(n_inputs, k_draw, k))), n_networks))
    first = np.zeros((k_pad, m * width), dtype)
    draws = first[:k] if k_draw == k else np.empty((k_draw, m * width), dtype)
    readout = np.empty((m, width, 1), dtype)
    biases = np.empty((m * (width + 1),), dtype) if net.sigma_b > 0 else None
    z = np.empty((n_inputs, m * width), dtype)
    out = np.empty((m, n_inputs, 1), dtype)
    exp = _exp_activation(net)
    start = time.process_time()
    for s in range(0, n_networks, m):
        mm = min(m, n_networks - s)
        if mm < m:  # the last chunk: views of the same buffers
            first, readout, z, out = first[:, : mm * width], readout[:mm], z[:, : mm * width], out[:mm]
            first = np.ascontiguousarray(first)
            draws = first[:k] if k_draw == k else np.ascontiguousarray(draws[:, : mm * width])
        rng.standard_normal(out=draws, dtype=dtype)
        rng.standard_normal(out=readout, dtype=dtype)
        if biases is not None:
            rng.standard_normal(out=biases, dtype=dtype)
        np.matmul(xs, first, out=z)
        if exp:
            np.exp(z, out=z)
        np.matmul(z.reshape(n_inputs, mm, width).transpose(1, 0, 2), readout, out=out)
    return time.process_time() - start


def cases(widths):
    cfg = CompareConfig()
    x1 = np.array([0.01, -0.01, 0.02, -0.02, 0.03, -0.03])[:, None]
    x3 = np.random.default_rng(3).uniform(-0.2, 0.2, (P, 3))
    xs = np.random.default_rng(4).uniform(-0.3, 0.3, (P, *SIZES))
    for w in widths:
        yield "scalar gauss d_in=1", ScalarNetwork("gauss", 1, w, 1.0), x1, 4
        yield "scalar gauss d_in=3", ScalarNetwork("gauss", 3, w, 1.0), x3, 4
        yield "block gauss (compare)", block_network(cfg, w), quadruple_inputs(cfg), [(0, 1, 2, 3)]
        for rank in (1, None):
            for act in ("linear", "gauss"):
                name = f"{'CP R=1' if rank else 'dense'} {act} {SIZES}"
                yield name, StructuredNetwork(SIZES, cp_rank=rank, activation=act, width=w), xs, 4


def network_count(net, target_normals) -> int:
    """A whole number of 1024-blocks with about ``target_normals`` normals in total."""
    per_network = net.width * (max(_first_layer_normals(net), _weight_components(net)) + 1)
    return int(max(2, round(target_normals / per_network / 1024)) * 1024)


def measure(name, net, x, tuples, repeat, target_normals, **options):
    n = network_count(net, target_normals)
    n_inputs = len(x)
    t_floor, t_sampler = np.inf, np.inf
    for _ in range(repeat):
        t_floor = min(t_floor, floor_seconds(net, n_inputs, n))
        start = time.process_time()
        sample_ensemble(net, x, n, seed=0, tuples=tuples, **options)
        t_sampler = min(t_sampler, time.process_time() - start)
    return n, t_floor, t_sampler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer networks (noisier ratios)")
    parser.add_argument("--repeat", type=int, default=7, help="best of this many runs of each (default 7)")
    parser.add_argument("--widths", type=int, nargs="+", default=list(WIDTHS))
    args = parser.parse_args(argv)
    target = 1e6 if args.quick else 4e6
    print(f"{'case':<26}{'width':>6}{'networks':>10}{'floor s':>10}{'sampler s':>11}{'ratio':>8}")
    rows = []
    with one_blas_thread():  # the sampler runs its blocks on one BLAS thread; so does the floor
        for name, net, x, tuples in cases(args.widths):
            n, t_floor, t_sampler = measure(name, net, x, tuples, args.repeat, target)
            rows.append((name, net.width, t_sampler / t_floor))
            print(f"{name:<26}{net.width:>6}{n:>10}{t_floor:>10.3f}{t_sampler:>11.3f}{t_sampler / t_floor:>8.2f}",
                  flush=True)
    return rows


if __name__ == "__main__":
    main()

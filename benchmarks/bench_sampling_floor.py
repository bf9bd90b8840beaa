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

Options (``--options``): the time of ``precision="float32"`` and ``bit_generator="sfc64"`` against the default
(float64, PCG64) on the scalar Gauss-net with d_in = 1, and their accuracy on its connected 4-point functions
(all 126 sorted 4-tuples of 6 inputs of size 0.3-0.7, width 10, fixed seed): the largest deviation from the exact
finite-width G4c in units of the option's jackknife standard error, and from the default's estimate in units of
the combined standard error sqrt(se_option^2 + se_default^2). The options draw other numbers, so the second
figure is the sampling noise of two ensembles, of order 1 (the 126 values are strongly correlated, so the
maximum is about one such draw). The rounding of the float32 evaluation alone is measured on the same draws
(the float64 normals rounded to float32), in units of the default's standard error: there the difference from
the default is the rounding error only.

Cases: ScalarNetwork Gauss-nets with d_in = 1 and 3 on 6 inputs (all 1-, 2- and 4-point tuples: 153
statistics); a BlockGaussNetwork with blocks (1, 1, 1) on one input quadruple (the one 4-tuple and its 1- and
2-point tuples: 15 statistics); StructuredNetwork with index sizes (3, 3, 3), CP rank 1 and dense,
"linear" and "gauss", on 6 inputs (153 statistics). Widths 10, 100, 1000.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornn.networks import BlockGaussNetwork, ScalarNetwork, StructuredNetwork  # noqa: E402
from tensornn.networks._blas import one_blas_thread  # noqa: E402
from tensornn.correlators import four_point  # noqa: E402
from tensornn.correlators.exact import g4_connected_oracle  # noqa: E402
from tensornn.networks.sampling import default_tuples, sample_ensemble  # noqa: E402

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
    xq = np.array([[0.01, -0.02, 0.015], [0.02, 0.01, -0.01], [-0.015, 0.005, 0.02], [0.0, -0.01, -0.02]])
    x1 = np.array([0.01, -0.01, 0.02, -0.02, 0.03, -0.03])[:, None]
    x3 = np.random.default_rng(3).uniform(-0.2, 0.2, (P, 3))
    xs = np.random.default_rng(4).uniform(-0.3, 0.3, (P, *SIZES))
    for w in widths:
        yield "scalar gauss d_in=1", ScalarNetwork("gauss", 1, w, 1.0), x1, 4
        yield "scalar gauss d_in=3", ScalarNetwork("gauss", 3, w, 1.0), x3, 4
        yield "block gauss (1, 1, 1)", BlockGaussNetwork((1, 1, 1), width=w), xq, [(0, 1, 2, 3)]
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


class _RoundedDraws:
    """A generator whose float32 normals are its float64 normals rounded (the same draws in both precisions)."""

    def __init__(self, rng):
        self.rng = rng

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        draws = self.rng.standard_normal(size if out is None else out.shape)
        if out is None:
            return draws.astype(dtype)
        out[...] = draws
        return out


class _Float32OnFloat64Draws:
    """``net`` evaluated in float32 on the float64 draws of the default stream, rounded."""

    def __init__(self, net):
        self.net = net

    def check_inputs(self, inputs):
        return self.net.check_inputs(inputs)

    def sample_outputs(self, inputs, n_networks, rng):
        return self.net.block_sampler(inputs, dtype=np.float32)(n_networks, _RoundedDraws(rng))


#: Inputs of the accuracy check: the connected 4-point functions of width-10 Gauss-nets are several standard
#: errors from zero there (at inputs of order 0.01 they vanish to within the noise).
ACCURACY_INPUTS = np.array([0.3, -0.3, 0.5, -0.5, 0.7, -0.7])[:, None]

OPTIONS = (("float64", "pcg64"), ("float32", "pcg64"), ("float64", "sfc64"), ("float32", "sfc64"))


def option_speed(widths, repeat, target):
    """Time of each option / time of the default (and / the default floor), scalar Gauss-net, d_in = 1."""
    x = np.array([0.01, -0.01, 0.02, -0.02, 0.03, -0.03])[:, None]
    rows = []
    for w in widths:
        net = ScalarNetwork("gauss", 1, w, 1.0)
        n = network_count(net, target)
        best = {o: np.inf for o in OPTIONS}
        t_floor = np.inf
        for _ in range(repeat):
            t_floor = min(t_floor, floor_seconds(net, len(x), n))
            for precision, bit_generator in OPTIONS:
                start = time.process_time()
                sample_ensemble(net, x, n, seed=0, precision=precision, bit_generator=bit_generator)
                best[precision, bit_generator] = min(best[precision, bit_generator], time.process_time() - start)
        base = best[OPTIONS[0]]
        rows.append((w, {o: (t / base, t / t_floor) for o, t in best.items()}))
    return rows


def option_accuracy(n_networks, seed=1, width=10):
    """Per option: max over the 126 G4c of |G4c - exact| / stderr and of |G4c - G4c(default)| / combined stderr."""
    x = ACCURACY_INPUTS
    net = ScalarNetwork("gauss", 1, width, 1.0)
    quads = [t for t in default_tuples(len(x), 4) if len(t) == 4]
    exact = np.array([g4_connected_oracle(net, *(x[i] for i in q)) for q in quads])

    def g4c(moments):
        est = [four_point(moments, q, warn=False) for q in quads]
        return np.array([e.value for e in est]), np.array([e.stderr for e in est])

    ref, se = g4c(sample_ensemble(net, x, n_networks, seed=seed))
    out = {"float64, pcg64": (float(np.max(np.abs(ref - exact) / se)), 0.0)}
    for precision, bit_generator in OPTIONS[1:]:
        value, se_option = g4c(sample_ensemble(net, x, n_networks, seed=seed, precision=precision,
                                               bit_generator=bit_generator))
        out[f"{precision}, {bit_generator}"] = (float(np.max(np.abs(value - exact) / se_option)),
                                                float(np.max(np.abs(value - ref) / np.hypot(se, se_option))))
    value, _ = g4c(sample_ensemble(_Float32OnFloat64Draws(net), x, n_networks, seed=seed))
    out["float32 rounding alone (same draws)"] = (float(np.max(np.abs(value - exact) / se)),
                                                  float(np.max(np.abs(value - ref) / se)))
    return out, float(np.median(np.abs(exact) / se))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer networks (noisier ratios)")
    parser.add_argument("--repeat", type=int, default=7, help="best of this many runs of each (default 7)")
    parser.add_argument("--widths", type=int, nargs="+", default=list(WIDTHS))
    parser.add_argument("--options", action="store_true", help="also time and check float32 and SFC64")
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
        if args.options:
            print("\noptions, scalar gauss d_in=1: time / time of (float64, pcg64)  [time / floor]")
            for w, ratios in option_speed(args.widths, args.repeat, target):
                cells = [f"{p}/{b} {r:.2f} [{f:.2f}]" for (p, b), (r, f) in ratios.items()]
                print(f"  width {w:>5}: " + ", ".join(cells), flush=True)
    if args.options:
        n_acc = 1 << (17 if args.quick else 19)
        acc, signal = option_accuracy(n_acc)
        print(f"\naccuracy, scalar gauss d_in=1, width 10, inputs {ACCURACY_INPUTS[:, 0].tolist()}, {n_acc} networks, "
              f"seed 1, all 126 connected 4-point functions (median |exact| / stderr = {signal:.1f}):")
        print(f"  {'option':<38}{'max |G4c - exact| / se':>24}{'max |G4c - G4c(float64, pcg64)| / se':>38}")
        for name, (to_exact, to_default) in acc.items():
            print(f"  {name:<38}{to_exact:>24.3g}{to_default:>38.3g}")
    return rows


if __name__ == "__main__":
    main()

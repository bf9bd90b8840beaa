"""Sampling stream version 2: float32 and SFC64 options, the Gram-matrix sums, the draws each family makes.

Monte-Carlo tolerances: 4 combined jackknife standard errors, sqrt(se_a^2 + se_b^2), for two ensembles with
other draws (fixed seeds; the chance of a larger deviation per statistic is 6e-5 for Gaussian errors).
"""

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tensornn.correlators import four_point, two_point
from tensornn.errors import ConfigError, InvalidArgumentError
from tensornn.networks import BlockGaussNetwork, ScalarNetwork, StructuredNetwork
from tensornn.networks.moments import ProductPlan
from tensornn.networks.sampling import _closed_tuples, default_tuples, sample_ensemble
from tensornn.networks.streams import STREAM_VERSION, block_generator, sampling_dtype

X = np.array([0.1, -0.2, 0.3, 0.25])[:, None]
NET = ScalarNetwork("gauss", d_in=1, width=10, sigma_w=1.0, sigma_b=0.2)


class _RoundedDraws:
    """A generator whose float32 normals are its float64 normals rounded: the same draws in both precisions."""

    def __init__(self, rng):
        self.rng = rng

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        draws = self.rng.standard_normal(size if out is None else out.shape)
        if out is None:
            return draws.astype(dtype)
        out[...] = draws
        return out


# ---------------------------------------------------------------------------------------------- options
@pytest.mark.parametrize("kwargs, message", [
    (dict(precision="float16"), r"precision must be one of 'float64', 'float32', got 'float16'"),
    (dict(precision=3), r"precision must be one of"),
    (dict(bit_generator="mt19937"), r"bit_generator must be one of 'pcg64', 'sfc64', got 'mt19937'"),
    (dict(bit_generator=None), r"bit_generator must be one of"),
])
def test_bad_options_are_refused_naming_the_valid_ones(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        sample_ensemble(NET, X, 100, seed=0, **kwargs)


def test_float32_needs_a_network_that_takes_a_dtype():
    class Plain:
        def check_inputs(self, inputs):
            return np.asarray(inputs, dtype=float)

        def sample_outputs(self, inputs, n_networks, rng):
            return rng.standard_normal((n_networks, len(inputs)))

    sample_ensemble(Plain(), X, 100, seed=0, bit_generator="sfc64")  # float64 works with any network
    with pytest.raises(InvalidArgumentError, match=r"precision='float32' needs a network whose sample_outputs"):
        sample_ensemble(Plain(), X, 100, seed=0, precision="float32")
    with pytest.raises(InvalidArgumentError, match=r"dtype must be one of 'float64', 'float32'"):
        NET.sample_outputs(X, 3, np.random.default_rng(0), dtype=np.float16)
    assert sampling_dtype("FLOAT32") == np.float32 and sampling_dtype(np.float64) == np.float64


def test_options_are_recorded_and_change_the_numbers():
    base = sample_ensemble(NET, X, 3000, seed=4, block_size=500)
    assert base.config["precision"] == "float64" and base.config["bit_generator"] == "pcg64"
    assert base.config["stream_version"] == STREAM_VERSION == 2
    for precision, bit_generator in [("float32", "pcg64"), ("float64", "sfc64"), ("float32", "sfc64")]:
        m = sample_ensemble(NET, X, 3000, seed=4, block_size=500, precision=precision, bit_generator=bit_generator)
        assert (m.config["precision"], m.config["bit_generator"]) == (precision, bit_generator)
        assert m.group_sums.dtype == np.float64  # sums are float64 whatever the precision
        assert not np.array_equal(m.group_sums, base.group_sums)


@pytest.mark.parametrize("net, x", [
    (NET, X),
    (BlockGaussNetwork((1, 2), sigma_blocks=(1.0, 0.7), width=6, sigma_b=0.1), np.full((3, 3), 0.2)),
    (StructuredNetwork((2, 3), cp_rank=2, activation="gauss", width=5), 0.3 * np.ones((4, 2, 3))),
])
def test_float32_and_sfc64_are_bitwise_reproducible_across_chunks_and_executors(net, x):
    kw = dict(seed=8, block_size=256, n_groups=4, precision="float32", bit_generator="sfc64")
    reference = sample_ensemble(net, x, 256 * 7 + 30, **kw)
    for chunk_size in (256, 700, 10**6):
        assert np.array_equal(sample_ensemble(net, x, 256 * 7 + 30, chunk_size=chunk_size, **kw).group_sums,
                              reference.group_sums)
    with ThreadPoolExecutor(2) as ex:
        assert np.array_equal(sample_ensemble(net, x, 256 * 7 + 30, executor=ex, **kw).group_sums,
                              reference.group_sums)


@pytest.mark.parametrize("net, x", [
    (ScalarNetwork("gauss", 3, 300, 1.3, sigma_b=0.4), np.random.default_rng(0).uniform(-0.5, 0.5, (5, 3))),
    (ScalarNetwork("erf", 1, 50, 2.0), X),
    (BlockGaussNetwork((1, 1, 1), width=1000), np.full((4, 3), 0.3)),
    (StructuredNetwork((3, 3, 3), cp_rank=2, activation="gauss", width=40, sigma_b=0.3),
     np.random.default_rng(1).uniform(-0.3, 0.3, (6, 3, 3, 3))),
    (StructuredNetwork((4, 4), cp_rank=None, activation="linear", width=40), np.ones((3, 4, 4))),
])
def test_float32_evaluation_rounds_like_float32(net, x):
    # The same draws (float64 normals rounded to float32) evaluated in both precisions: the outputs differ by
    # rounding only. Bound: float32 epsilon 1.2e-7 times the sqrt(N k) growth of sums of N k terms (N <= 1000
    # units, k <= 27 weights), 1e-4 relative to the largest output.
    f64 = net.sample_outputs(x, 200, np.random.default_rng(5))
    f32 = net.block_sampler(x, dtype=np.float32)(200, _RoundedDraws(np.random.default_rng(5)))
    assert f32.dtype == np.float32
    assert np.max(np.abs(f32 - f64)) <= 1e-4 * np.max(np.abs(f64))


def test_float32_and_sfc64_agree_with_float64_within_four_standard_errors():
    # Fixed seed, 2^16 Gauss-nets of width 10 on 4 inputs: every G2 and connected G4 of each option against
    # float64/PCG64 (other draws), within 4 combined jackknife standard errors (module docstring).
    tuples = default_tuples(len(X), 4)
    n = 1 << 16
    ref = sample_ensemble(NET, X, n, seed=12)
    for precision, bit_generator in [("float32", "pcg64"), ("float64", "sfc64"), ("float32", "sfc64")]:
        m = sample_ensemble(NET, X, n, seed=12, precision=precision, bit_generator=bit_generator)
        for t in tuples:
            if len(t) == 2:
                a, b = two_point(m, t, warn=False), two_point(ref, t, warn=False)
            elif len(t) == 4:
                a, b = four_point(m, t, warn=False), four_point(ref, t, warn=False)
            else:
                continue
            assert abs(a.value - b.value) <= 4 * np.hypot(a.stderr, b.stderr), (precision, bit_generator, t)
    # and G2 against the exact kernel
    K = NET.kernel_matrix(X)
    m = sample_ensemble(NET, X, n, seed=12, precision="float32", bit_generator="sfc64")
    for a in range(len(X)):
        est = two_point(m, (a, a), warn=False)
        assert abs(est.value - K[a, a]) <= 4 * est.stderr


# ---------------------------------------------------------------------------------------------- checkpoints
def test_checkpoints_of_another_precision_or_stream_version_are_refused(tmp_path):
    path = tmp_path / "run.npz"
    kw = dict(seed=3, block_size=100, n_groups=2)
    sample_ensemble(NET, X, 400, checkpoint=path, **kw)
    with pytest.raises(ConfigError, match=r"precision: checkpoint has 'float64', this run has 'float32'"):
        sample_ensemble(NET, X, 400, checkpoint=path, precision="float32", **kw)
    with pytest.raises(ConfigError, match=r"bit_generator: checkpoint has 'pcg64', this run has 'sfc64'"):
        sample_ensemble(NET, X, 400, checkpoint=path, bit_generator="sfc64", **kw)
    # a checkpoint written before stream versions were recorded (version 1) is refused
    with np.load(path) as data:
        arrays = dict(data)
    fingerprint = json.loads(str(arrays["fingerprint"]))
    for key in ("stream_version", "precision", "bit_generator"):
        fingerprint.pop(key)
    arrays["fingerprint"] = np.array(json.dumps(fingerprint))
    arrays.pop("checksum")  # checkpoints of stream version 1 were written without a checksum
    old = tmp_path / "old.npz"
    np.savez(old, **arrays)
    with pytest.raises(ConfigError, match=r"old.npz has no checksum \(written by an earlier tensornn\)"):
        sample_ensemble(NET, X, 400, checkpoint=old, **kw)


# ---------------------------------------------------------------------------------------------- the sums
@pytest.mark.parametrize("tuples", [
    default_tuples(5, 4),
    default_tuples(4, 6),
    _closed_tuples(12, [(0, 3, 5, 9), (1, 1, 2, 7), (0, 1, 2, 3, 4, 11)]),
    [(2,), (0, 0, 0, 1, 1, 5)],
    [(0, 1, 2, 3), (3, 3, 3, 3)],
])
def test_gram_sums_equal_direct_products(tuples):
    p = max(max(t) for t in tuples) + 1
    plan = ProductPlan(tuples)
    rng = np.random.default_rng(0)
    workspace = plan.workspace()
    for n in (300, 77, 300):  # a shorter block in between: the buffers are reused and resized
        f = rng.standard_normal((n, p)).astype(np.float32 if n == 77 else np.float64)
        direct = np.array([np.prod(f[:, list(t)].astype(np.float64), axis=1).sum() for t in tuples])
        np.testing.assert_allclose(plan.sums(f, workspace), direct, rtol=1e-12, atol=1e-12 * n)


def test_many_scattered_tuples_use_dot_products():
    tuples = [(a, a + 1, a + 2, a + 3) for a in range(0, 60, 4)]  # no two share a half: a Gram matrix would waste
    plan = ProductPlan(tuples)
    assert not any(block[4] for block in plan.blocks)
    f = np.random.default_rng(1).standard_normal((50, 63))
    np.testing.assert_allclose(plan.sums(f), [np.prod(f[:, list(t)], axis=1).sum() for t in tuples], rtol=1e-12)


def test_sums_do_not_depend_on_the_callers_blas_threads():
    # OpenBLAS rounds some Gram matrices differently with 1 and 2 threads (231 product rows here); the sampler
    # runs its blocks on one BLAS thread, so the caller's setting does not matter.
    threadpoolctl = pytest.importorskip("threadpoolctl")
    net, x = ScalarNetwork("erf", 1, 3, 1.0), np.linspace(-1, 1, 20)[:, None]
    runs = []
    for threads in (1, 2):
        with threadpoolctl.threadpool_limits(threads):
            runs.append(sample_ensemble(net, x, 2048, seed=1, block_size=1024, n_groups=2).group_sums)
    assert np.array_equal(*runs)


# ---------------------------------------------------------------------------------------------- the draws
def test_scalar_draws_are_component_major_weights_then_biases_and_readout():
    # Stream version 2, written out: W0 (d_in, n, N), b0 (n, N), W1 (n, N), b1 (n); f by direct sums.
    net, x = ScalarNetwork("gauss", 3, 7, 1.3, sigma_b=0.4), np.random.default_rng(0).uniform(-0.5, 0.5, (4, 3))
    rng = np.random.default_rng(1)
    w0, b0, w1, b1 = (rng.standard_normal((3, 50, 7)), rng.standard_normal((50, 7)), rng.standard_normal((50, 7)),
                      rng.standard_normal(50))
    z = np.einsum("inj,pi->njp", w0, x) * 1.3 / np.sqrt(3) + 0.4 * b0[:, :, None]
    h = np.exp(z - 0.4**2 - 1.3**2 * np.sum(x**2, axis=1) / 3)
    expected = 1.3 / np.sqrt(7) * np.einsum("nj,njp->np", w1, h) + 0.4 * b1[:, None]
    np.testing.assert_allclose(net.sample_outputs(x, 50, np.random.default_rng(1)), expected, rtol=1e-12)


def test_cp_draws_are_component_major_factors_then_readout_and_biases():
    # Stream version 2, written out for one chunk: u_c (R, n_c, m, N) for each colour, v (m, N), b0, b1.
    net = StructuredNetwork((2, 3), cp_rank=2, activation="gauss", width=4, sigma_w=1.1, sigma_v=0.8, sigma_b=0.3)
    x = np.random.default_rng(0).uniform(-0.5, 0.5, (5, 2, 3))
    rng = np.random.default_rng(2)
    u1, u2 = rng.standard_normal((2, 2, 20, 4)), rng.standard_normal((2, 3, 20, 4))
    v, b0, b1 = rng.standard_normal((20, 4)), rng.standard_normal((20, 4)), rng.standard_normal(20)
    w = np.einsum("ramj,rbmj->mjab", u1, u2).reshape(20, 4, 6) * 1.1 / np.sqrt(6 * 2)
    z = np.einsum("mjk,pk->mjp", w, x.reshape(5, 6)) + 0.3 * b0[:, :, None]
    h = np.exp(z - 0.3**2 - 1.1**2 * np.sum(x.reshape(5, 6) ** 2, axis=1) / 6)
    expected = 0.8 / 2.0 * np.einsum("mj,mjp->mp", v, h) + 0.3 * b1[:, None]
    np.testing.assert_allclose(net.sample_outputs(x, 20, np.random.default_rng(2)), expected, rtol=1e-12)


def test_block_gauss_network_of_one_block_draws_like_the_scalar_gauss_net():
    # Stream version 2: W0, b0, W1, b1 for the whole block at once in both families (at width 1000 version 1
    # drew the block network in chunks).
    x = np.random.default_rng(2).uniform(-0.4, 0.4, (4, 3))
    block = BlockGaussNetwork((3,), width=1000, sigma_w=1.2, sigma_b=0.3)
    scalar = ScalarNetwork("gauss", 3, 1000, 1.2, sigma_b=0.3)
    np.testing.assert_allclose(block.sample_outputs(x, 1024, np.random.default_rng(6)),
                               scalar.sample_outputs(x, 1024, np.random.default_rng(6)), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("make", [
    lambda: ScalarNetwork("relu", 1, 7, 1.0, sigma_b=0.5, sigma_v=0.0),
    lambda: BlockGaussNetwork((1, 1), width=7, sigma_b=0.5, sigma_v=0.0),
    lambda: StructuredNetwork((2, 2), cp_rank=1, width=7, sigma_b=0.5, sigma_v=0.0),
])
def test_a_zero_readout_scale_is_refused(make):
    # a read-out scale of 0 makes the output a constant plus the bias: no field, and a zero mass scale (Z ~ 1/sigma_v^2)
    with pytest.raises(InvalidArgumentError, match="sigma_v"):
        make()


def test_a_zero_first_layer_scale_is_refused():
    # sigma_w = 0 leaves no dependence on the input (and a zero mass scale): refused like sigma_v = 0
    with pytest.raises(InvalidArgumentError, match="sigma_w"):
        StructuredNetwork((2, 3), cp_rank=2, activation="gauss", width=4, sigma_w=0.0, sigma_v=1.5, sigma_b=0.4)

def test_structured_draws_do_not_depend_on_the_number_of_inputs():
    # Stream version 2: the draw chunks depend on the width and the weight shapes, not on P.
    # Here 2^21 // (N n) = 436 networks per chunk; version 1 divided by P = 40 as well.
    net = StructuredNetwork((2, 2), cp_rank=1, activation="gauss", width=1200)
    x = np.random.default_rng(4).uniform(-0.3, 0.3, (40, 2, 2))
    few = net.sample_outputs(x[:2], 1000, block_generator(5, 0))
    many = net.sample_outputs(x, 1000, block_generator(5, 0))
    np.testing.assert_allclose(many[:, :2], few, rtol=0, atol=1e-12 * np.max(np.abs(few)))  # round-off only

"""sample_ensemble: reproducibility across chunkings and executors, agreement with the kernel, bounds."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from tensornn import InvalidArgumentError, InvalidTypeError
from tensornn.correlators import measure
from tensornn.networks.sampling import EnsembleMoments, default_tuples, sample_ensemble
from tensornn.networks.scalar import ScalarNetwork
from tensornn.networks.activations import activation_names

SCALAR_ACTIVATIONS = activation_names(closed_kernel=True)

NET = ScalarNetwork("gauss", d_in=1, width=20, sigma_w=1.0, sigma_b=0.3)
X = np.array([0.01, -0.01, 0.02, 0.5])
N = 10 * 512 + 77  # not a multiple of the block size: the last block is partial
KW = dict(seed=7, block_size=512, n_groups=4)


@pytest.fixture(scope="module")
def reference():
    return sample_ensemble(NET, X, N, **KW)


def _same(a: EnsembleMoments, b: EnsembleMoments):
    assert a.tuples == b.tuples
    np.testing.assert_array_equal(a.group_counts, b.group_counts)
    assert np.array_equal(a.group_sums, b.group_sums)  # bitwise


def test_counts_and_statistics(reference):
    assert reference.n_networks == N and reference.group_counts.sum() == N
    assert reference.tuples == default_tuples(4, 4)
    assert len(reference.tuples) == 4 + 10 + 35  # C(P,1) + C(P+1,2) + C(P+3,4)
    assert "EnsembleMoments(n_networks=5197" in repr(reference)


@pytest.mark.parametrize("chunk_size", [1, 512, 1500, 4096, 10**9])
def test_chunk_size_does_not_change_results(reference, chunk_size):
    _same(reference, sample_ensemble(NET, X, N, chunk_size=chunk_size, **KW))


def test_thread_and_process_pools_give_identical_results(reference):
    with ThreadPoolExecutor(2) as ex:
        _same(reference, sample_ensemble(NET, X, N, executor=ex, chunk_size=1024, **KW))
    with ProcessPoolExecutor(2) as ex:
        _same(reference, sample_ensemble(NET, X, N, executor=ex, chunk_size=512, max_pending=2, **KW))


def test_dask_local_cluster_gives_identical_results(reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        with distributed.Client(cl) as client:
            _same(reference, sample_ensemble(NET, X, N, executor=client.get_executor(), chunk_size=1024, **KW))


def test_block_sums_equal_direct_products():
    # One block: the sums must be those of the outputs drawn from SeedSequence(seed, spawn_key=(0,)).
    m = sample_ensemble(NET, X, 300, seed=11, block_size=512)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(11, spawn_key=(0,))))
    f = NET.sample_outputs(X, 300, rng)
    for t in [(1,), (0, 3), (0, 1, 2, 3), (2, 2, 2, 3)]:
        assert m.sums[m.column(t)] == pytest.approx(np.prod(f[:, list(t)], axis=1).sum(), rel=1e-12)


def test_seed_forms_and_recorded_entropy():
    a = sample_ensemble(NET, X, 600, seed=None, block_size=256)
    b = sample_ensemble(NET, X, 600, seed=a.entropy, block_size=256)
    _same(a, b)
    c = sample_ensemble(NET, X, 600, seed=np.random.default_rng(1), block_size=256)
    d = sample_ensemble(NET, X, 600, seed=np.random.default_rng(1), block_size=256)
    _same(c, d)
    e = sample_ensemble(NET, X, 600, seed=np.random.SeedSequence(5), block_size=256)
    _same(e, sample_ensemble(NET, X, 600, seed=5, block_size=256))
    assert not np.array_equal(a.group_sums, c.group_sums)


def test_memory_table_does_not_grow_with_n_networks():
    small = sample_ensemble(NET, X, 2_000, seed=1, block_size=64, n_groups=8)
    large = sample_ensemble(NET, X, 20_000, seed=1, block_size=64, n_groups=8)
    assert small.group_sums.shape == large.group_sums.shape == (8, len(default_tuples(4)))


@pytest.mark.parametrize("activation", SCALAR_ACTIVATIONS)
def test_two_point_function_matches_kernel_within_three_standard_errors(activation):
    # Exact at every width for one hidden layer (docs/theory/nn_qft.md); one fixed seed per activation, 3 se per entry.
    net = ScalarNetwork(activation, d_in=2, width=8, sigma_w=1.1, sigma_b=0.5)
    x = np.array([[0.2, -0.1], [0.4, 0.3], [-0.3, 0.1]])
    m = sample_ensemble(net, x, 60_000, seed=2024, tuples=2, block_size=1024, n_groups=30)
    K = net.kernel_matrix(x)
    for a in range(3):
        for b in range(a, 3):
            e = measure(m, (a, b), kernel_matrix=K)
            assert abs(e.value - e.gp) < 3 * e.stderr, e


def test_tuples_argument():
    m = sample_ensemble(NET, X, 100, seed=0, tuples=[(3, 2, 1, 0, 0, 0)])
    assert (0, 0, 0, 1, 2, 3) in m.tuples and (0, 0, 2, 3) in m.tuples and (0, 3) in m.tuples
    assert len(sample_ensemble(NET, X, 100, seed=0, tuples=6).tuples) == 4 + 10 + 35 + 84
    with pytest.raises(InvalidArgumentError, match="length 1, 2, 4 or 6"):
        sample_ensemble(NET, X, 100, tuples=[(0, 1, 2)])
    with pytest.raises(InvalidArgumentError, match="outside 0..3"):
        sample_ensemble(NET, X, 100, tuples=[(0, 9)])
    with pytest.raises(InvalidArgumentError, match="max_order must be 2, 4 or 6"):
        sample_ensemble(NET, X, 100, tuples=3)
    with pytest.raises(InvalidArgumentError, match="was not accumulated"):
        sample_ensemble(NET, X, 100, seed=0, tuples=2).column((0, 1, 2, 3))


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="n_networks must be >= 1"):
        sample_ensemble(NET, X, 0)
    with pytest.raises(InvalidArgumentError, match="chunk_size must be >= 1"):
        sample_ensemble(NET, X, 10, chunk_size=-5)
    with pytest.raises(InvalidTypeError, match="NetworkSpec"):
        sample_ensemble(object(), X, 10)
    with pytest.raises(InvalidArgumentError, match="shape"):
        sample_ensemble(NET, np.zeros((3, 2)), 10)
    with pytest.raises(InvalidArgumentError, match="finite"):
        sample_ensemble(NET, [0.1, np.nan], 10)
    with pytest.raises(InvalidArgumentError, match="seed must be a non-negative"):
        sample_ensemble(NET, X, 10, seed=-1)
    with pytest.raises(InvalidTypeError, match="progress"):
        sample_ensemble(NET, X, 10, progress="yes")


def test_progress_callback_counts_all_networks():
    seen = []
    sample_ensemble(NET, X, 1000, seed=0, block_size=128, chunk_size=256, progress=seen.append)
    assert sum(seen) == 1000 and len(seen) == 4


def test_overflow_is_a_status_not_a_crash():
    net = ScalarNetwork("exp", d_in=1, width=4, sigma_w=30.0)
    m = sample_ensemble(net, [0.0, 40.0], 200, seed=0)
    assert not m.success and "overflowed" in m.message and "success=False" in repr(m)
    assert sample_ensemble(NET, X, 200, seed=0).success


def test_seeds_reduce_to_one_root_entropy():
    from tensornn._random import root_entropy

    assert root_entropy(7) == 7 == root_entropy(np.random.SeedSequence(7))
    assert root_entropy(np.random.default_rng(3)) == root_entropy(np.random.default_rng(3))
    with pytest.raises(ValueError, match="spawn_key"):
        root_entropy(np.random.SeedSequence(7).spawn(1)[0])  # a child would collapse onto its parent
    with pytest.raises(TypeError, match="seed"):
        root_entropy("7")

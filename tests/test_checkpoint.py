"""Checkpoint and resume of sample_ensemble: an interrupted run resumes to the same bits."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tensornn.networks.sampling import sample_ensemble
from tensornn.errors import ConfigError, InvalidArgumentError
from tensornn.networks.scalar import ScalarNetwork

NET = ScalarNetwork("erf", d_in=1, width=4, sigma_w=1.3, sigma_b=0.2)
X = [[0.1], [-0.4], [0.7]]
KW = dict(seed=11, block_size=64, n_groups=4, chunk_size=128)
N = 64 * 10 + 17  # 11 blocks, the last one short


class _Interrupt:
    """A progress callback that raises KeyboardInterrupt after ``after`` completed chunks."""

    def __init__(self, after):
        self.after, self.calls = after, 0

    def __call__(self, n_done):
        self.calls += 1
        if self.calls == self.after:
            raise KeyboardInterrupt


def _same(a, b):
    assert a.tuples == b.tuples
    np.testing.assert_array_equal(a.group_sums, b.group_sums)  # bitwise: exact equality
    np.testing.assert_array_equal(a.group_counts, b.group_counts)
    assert a.group_sums.tobytes() == b.group_sums.tobytes()


@pytest.mark.parametrize("k", [1, 3, 5])
def test_interrupted_run_resumes_bitwise(tmp_path, k):
    reference = sample_ensemble(NET, X, N, **KW)
    path = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        sample_ensemble(NET, X, N, checkpoint=path, progress=_Interrupt(k), **KW)
    with np.load(path) as data:  # k chunks of 2 blocks were completed and saved
        assert int(data["n_done_blocks"]) == 2 * k
        assert int(data["group_counts"].sum()) == 2 * k * 64
    done = []
    resumed = sample_ensemble(NET, X, N, checkpoint=path, progress=done.append, **KW)
    _same(reference, resumed)
    assert done[0] == 2 * k * 64 and sum(done) == N  # progress starts at the resumed count
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_resume_with_other_chunk_size_and_executor(tmp_path):
    reference = sample_ensemble(NET, X, N, **KW)
    path = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        sample_ensemble(NET, X, N, checkpoint=path, progress=_Interrupt(2), **KW)
    kw = dict(KW, chunk_size=64 * 3)
    with ThreadPoolExecutor(2) as pool:
        resumed = sample_ensemble(NET, X, N, checkpoint=path, executor=pool, **kw)
    _same(reference, resumed)


def test_interrupt_with_a_process_pool_then_resume_serially(tmp_path):
    """Interrupted while tasks are in flight on a pool: pending tasks are cancelled, the prefix is kept."""
    from concurrent.futures import ProcessPoolExecutor

    path = tmp_path / "run.npz"
    with ProcessPoolExecutor(2) as pool:
        with pytest.raises(KeyboardInterrupt):
            sample_ensemble(NET, X, N, checkpoint=path, executor=pool, max_pending=3,
                            progress=_Interrupt(2), **KW)
    with np.load(path) as data:
        assert int(data["n_done_blocks"]) == 4
    _same(sample_ensemble(NET, X, N, **KW), sample_ensemble(NET, X, N, checkpoint=path, **KW))


def test_completed_checkpoint_returns_result_without_sampling(tmp_path, monkeypatch):
    path = tmp_path / "run.npz"
    first = sample_ensemble(NET, X, N, checkpoint=path, **KW)

    def explode(self, inputs, n_networks, rng):
        raise AssertionError("a completed checkpoint must not sample again")

    monkeypatch.setattr(ScalarNetwork, "sample_outputs", explode)
    again = sample_ensemble(NET, X, N, checkpoint=path, **KW)
    _same(first, again)


def test_interrupt_while_writing_keeps_previous_checkpoint(tmp_path, monkeypatch):
    """Ctrl-C in the middle of a checkpoint write leaves the previous checkpoint whole and no temp file."""
    path = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        sample_ensemble(NET, X, N, checkpoint=path, progress=_Interrupt(2), **KW)
    real_savez = np.savez

    def torn_savez(handle, **arrays):
        handle.write(b"PK\x03\x04 half a zip")  # some bytes reach the file, then the interrupt
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", torn_savez)
    with pytest.raises(KeyboardInterrupt):
        sample_ensemble(NET, X, N, checkpoint=path, **KW)
    monkeypatch.setattr(np, "savez", real_savez)
    assert not list(tmp_path.glob(".*.tmp"))
    with np.load(path) as data:
        assert int(data["n_done_blocks"]) == 4
    _same(sample_ensemble(NET, X, N, **KW), sample_ensemble(NET, X, N, checkpoint=path, **KW))


def test_interrupt_inside_network_keeps_last_complete_chunk(tmp_path):
    """A KeyboardInterrupt raised while a block is sampled: the checkpoint holds whole chunks only."""
    calls = {"n": 0}

    class Flaky(ScalarNetwork):
        def sample_outputs(self, inputs, n_networks, rng):
            calls["n"] += 1
            if calls["n"] == 6:  # third chunk, second block
                raise KeyboardInterrupt
            return super().sample_outputs(inputs, n_networks, rng)

    flaky = Flaky("erf", 1, 4, 1.3, 0.2)
    path = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        sample_ensemble(flaky, X, N, checkpoint=path, **KW)
    with np.load(path) as data:
        assert int(data["n_done_blocks"]) == 4
    resumed = sample_ensemble(flaky, X, N, checkpoint=path, **KW)
    _same(sample_ensemble(NET, X, N, **KW), resumed)


@pytest.mark.parametrize(
    "change, word",
    [
        (dict(seed=12), "entropy"),
        (dict(block_size=32), "block_size"),
        (dict(n_groups=3), "n_groups"),
        (dict(tuples=2), "tuples"),
        (dict(n_networks=N + 1), "n_networks"),
        (dict(inputs=[[0.1], [-0.4], [0.8]]), "inputs"),
        (dict(network=ScalarNetwork("erf", 1, 5, 1.3, 0.2)), "network"),
    ],
)
def test_mismatching_checkpoint_says_what_differs(tmp_path, change, word):
    path = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        sample_ensemble(NET, X, N, checkpoint=path, progress=_Interrupt(1), **KW)
    kw = dict(KW)
    kw.update({k: v for k, v in change.items() if k in kw or k == "tuples"})
    net = change.get("network", NET)
    x = change.get("inputs", X)
    n = change.get("n_networks", N)
    with pytest.raises(ConfigError, match=word):
        sample_ensemble(net, x, n, checkpoint=path, **kw)


def test_checkpoint_needs_seed_and_a_real_file(tmp_path):
    with pytest.raises(InvalidArgumentError, match="seed"):
        sample_ensemble(NET, X, N, checkpoint=tmp_path / "a.npz", seed=None)
    junk = tmp_path / "junk.npz"
    junk.write_text("not a checkpoint")
    with pytest.raises(ConfigError, match="not a tensornn ensemble checkpoint"):
        sample_ensemble(NET, X, N, checkpoint=junk, **KW)

"""Streamed, reproducible sampling of network ensembles into sums of output products.

:func:`sample_ensemble` draws ``n_networks`` networks and accumulates, for a fixed list of
index tuples (a_1, ..., a_k) of the inputs, the sums of f(x_a1) ... f(x_ak) over networks. It
never keeps the outputs: memory is one block of networks per worker plus a fixed table of
``n_groups x n_statistics`` sums, whatever ``n_networks`` is.

Reproducibility contract
------------------------
- The unit of randomness is a *block* of ``block_size`` consecutive networks (the last block may
  be shorter). Block b draws from ``Generator(BG(SeedSequence(entropy, spawn_key=(b,))))``, where
  ``entropy`` comes from ``seed`` and BG is the bit generator (PCG64 by default, SFC64 on request,
  :mod:`tensornn.networks.streams`); any block can therefore be computed anywhere.
- Each block is reduced to its own sums (one Gram matrix of output products per order,
  :mod:`tensornn.networks.moments`); block sums are added, in block order, into group b mod
  ``n_groups``. Results are bitwise identical for any ``chunk_size`` (the number of networks handed
  to one task, a whole number of blocks) and any executor (serial, threads, processes, dask): blocks
  run with one BLAS thread (:mod:`tensornn.networks._blas`), since the BLAS may round differently
  with other thread counts. Changing ``block_size``, ``n_groups``, ``precision`` or ``bit_generator``
  changes the numbers.
- Groups are independent sub-ensembles; standard errors come from the jackknife over groups
  (:mod:`tensornn.correlators`).

Stream versions
---------------
The version (:data:`tensornn.networks.streams.STREAM_VERSION`) is recorded in
``EnsembleMoments.config`` and in checkpoints; a checkpoint of another version is refused.

- Version 1: the first sampler.
- Version 2 (current):

  * every family evaluates its hidden layer by one matrix product per cache-sized sub-chunk
    (:mod:`tensornn.networks.layers`) and the sums of a block come from one Gram matrix per order
    (:mod:`tensornn.networks.moments`): all sums change in their last bits (round-off), for every
    network;
  * first-layer weights are drawn component-major, straight into the matrix the product reads:
    ScalarNetwork and BlockGaussNetwork draw W0 as (d_in, n, N) instead of (n, N, d_in) (the same
    numbers when d_in = 1), a dense StructuredNetwork its weights as (n, m, N), a CP layer each factor as
    (R, n_c, m, N) instead of (m, N, R, n_c). So every network with more than one input component
    gets other draws; the ScalarNetwork with d_in = 1 keeps its draws;
  * BlockGaussNetwork draws each parameter for the whole block at once (W0, b0, W1, b1), like
    ScalarNetwork; version 1 drew them in chunks of 2^21 // (N max(P, d_in)) networks;
  * StructuredNetwork chunks its draws by 2^21 // (N max(R max_c n_c, n)) networks, independent of the
    number of inputs P (version 1 also divided by P);
  * a zero scale skips the draws it multiplies: with sigma_v = 0 only the read-out bias is drawn, and a
    StructuredNetwork with sigma_w = 0 draws no first layer (version 1 drew them and multiplied by 0);
  * ``precision="float32"`` and ``bit_generator="sfc64"`` are new options (other numbers again).

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601 (ensemble measurements of NN correlators).
"""

from __future__ import annotations

import inspect
import itertools
import numbers
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._checks import check_count, check_int
from .._limits import check_sampling_memory
from .._random import root_entropy
from ..errors import InvalidArgumentError, InvalidTypeError
from ._blas import one_blas_thread
from .checkpoint import fingerprint as _fingerprint
from .checkpoint import read_checkpoint as _read_checkpoint
from .checkpoint import write_checkpoint as _write_checkpoint
from .moments import ProductPlan
from .spec import NetworkSpec
from .streams import STREAM_VERSION, block_generator, check_bit_generator, check_precision

__all__ = ["EnsembleMoments", "sample_ensemble", "default_tuples", "DEFAULT_BLOCK_SIZE", "DEFAULT_N_GROUPS"]

DEFAULT_BLOCK_SIZE = 1024
DEFAULT_N_GROUPS = 32
_DEFAULT_BLOCKS_PER_CHUNK = 16


def default_tuples(n_inputs: int, max_order: int = 4) -> tuple[tuple[int, ...], ...]:
    """All sorted index tuples a_1 <= ... <= a_k of ``n_inputs`` inputs, for k = 1, 2, 4 (and 6).

    Parameters
    ----------
    n_inputs : int
        Number of inputs P.
    max_order : {2, 4, 6}
        Highest order; 6 adds all sorted 6-tuples (C(P+5, 6) of them).

    Returns
    -------
    tuple of tuples of int
    """
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    if max_order not in (2, 4, 6):
        raise InvalidArgumentError(f"max_order must be 2, 4 or 6, got {max_order!r}")
    orders = [k for k in (1, 2, 4, 6) if k <= max_order]
    return tuple(
        t for k in orders for t in itertools.combinations_with_replacement(range(n_inputs), k)
    )


def _closed_tuples(n_inputs, tuples):
    """Sorted, deduplicated tuples plus everything the connected functions need: all 1- and 2-point
    tuples and every sorted 4-sub-tuple of each requested 6-tuple."""
    if tuples is None:
        tuples = 4
    if isinstance(tuples, numbers.Integral) and not isinstance(tuples, bool):
        return default_tuples(n_inputs, int(tuples))
    if isinstance(tuples, str):
        raise InvalidTypeError(
            f"tuples must be None, a maximum order 2, 4 or 6, or an iterable of index tuples, got {tuples!r}"
        )
    wanted = set(default_tuples(n_inputs, 2))
    try:
        items = [tuple(int(a) for a in t) for t in tuples]
    except TypeError:
        raise InvalidTypeError(
            "tuples must be None, a maximum order 2, 4 or 6, or an iterable of index tuples such as [(0, 1, 2, 3)]"
        ) from None
    for t in items:
        if len(t) not in (1, 2, 4, 6):
            raise InvalidArgumentError(f"index tuples must have length 1, 2, 4 or 6, got {t}")
        if min(t) < 0 or max(t) >= n_inputs:
            raise InvalidArgumentError(f"index tuple {t} refers to inputs outside 0..{n_inputs - 1}")
        t = tuple(sorted(t))
        wanted.add(t)
        if len(t) == 6:
            wanted.update(itertools.combinations(t, 4))
    return tuple(sorted(wanted, key=lambda t: (len(t), t)))


@dataclass(frozen=True, repr=False)
class EnsembleMoments:
    """Sums of output products of a sampled ensemble, per independent group of networks.

    Attributes
    ----------
    inputs : ndarray, shape (P, ...)
        The validated inputs.
    tuples : tuple of tuple of int
        The statistics: sorted index tuples, column order of ``group_sums``.
    group_sums : ndarray, shape (n_groups, n_statistics)
        sum over the networks of group g of prod_{a in tuple} f(x_a).
    group_counts : ndarray of int, shape (n_groups,)
        Networks per group.
    n_networks : int
    entropy : int
        Root entropy of the seed sequence; rerun with ``seed=entropy`` for the same numbers.
    block_size : int
    config : dict
        Network specification and sampling settings, for the record.
    """

    inputs: np.ndarray
    tuples: tuple
    group_sums: np.ndarray
    group_counts: np.ndarray
    n_networks: int
    entropy: int
    block_size: int
    config: dict = field(default_factory=dict)
    _index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tuples)})

    @property
    def success(self) -> bool:
        """False when some sums are not finite (outputs overflowed, e.g. an Exp-net at large sigma_w |x|)."""
        return bool(np.all(np.isfinite(self.group_sums)))

    @property
    def message(self) -> str:
        if self.success:
            return "all sums finite"
        bad = [self.tuples[i] for i in np.flatnonzero(~np.all(np.isfinite(self.group_sums), axis=0))]
        return f"non-finite sums for {len(bad)} statistics (first {bad[0]}): the network outputs overflowed float64"

    @property
    def n_groups(self) -> int:
        return int(self.group_sums.shape[0])

    @property
    def sums(self) -> np.ndarray:
        """Sums over all networks, shape (n_statistics,) (groups added in order)."""
        total = np.zeros(self.group_sums.shape[1])
        for row in self.group_sums:
            total += row
        return total

    def column(self, indices) -> int:
        """Column of the statistic for ``indices`` (any order; sorted internally)."""
        key = tuple(sorted(int(a) for a in indices))
        try:
            return self._index[key]
        except KeyError:
            raise InvalidArgumentError(
                f"the product over inputs {key} was not accumulated; pass it (or its order) in "
                "sample_ensemble(..., tuples=...)"
            ) from None

    def mean(self, indices) -> float:
        """Ensemble mean E[prod_a f(x_a)] over all networks."""
        return float(self.sums[self.column(indices)] / self.n_networks)

    def leave_one_group_out_means(self) -> np.ndarray:
        """Means with group g removed, shape (n_groups, n_statistics) (the jackknife replicas)."""
        total, counts = self.sums, self.group_counts
        return (total[None, :] - self.group_sums) / (self.n_networks - counts)[:, None]

    def group_means(self) -> np.ndarray:
        """Means within each group, shape (n_groups, n_statistics)."""
        return self.group_sums / self.group_counts[:, None]

    def __repr__(self):
        orders = sorted({len(t) for t in self.tuples})
        return (
            f"EnsembleMoments(n_networks={self.n_networks}, n_inputs={len(self.inputs)}, "
            f"statistics={len(self.tuples)} (orders {orders}), n_groups={self.n_groups}, "
            f"block_size={self.block_size}, entropy={self.entropy}"
            + ("" if self.success else f", success=False: {self.message}")
            + ")"
        )


def _block_sampler(network, inputs, precision):
    """``sample(n, rng) -> f (n, P)`` for one task: the network's ``block_sampler`` (validated inputs and
    buffers reused across the task's blocks) when it has one, else its ``sample_outputs``."""
    dtype = np.dtype(precision)
    if getattr(network.sample_outputs, "via_block_sampler", False) and hasattr(network, "block_sampler"):
        return network.block_sampler(inputs, dtype=dtype)
    if precision == "float64":
        return lambda n, rng: network.sample_outputs(inputs, n, rng)
    return lambda n, rng: network.sample_outputs(inputs, n, rng, dtype=dtype)


def _run_blocks(network, inputs, entropy, block_size, n_networks, blocks, plan, stream):
    """One task: the sums of the requested products over each of consecutive blocks, shape (len(blocks), S).

    Block b draws from its own generator (:func:`tensornn.networks.streams.block_generator`); the
    outputs are converted to float64 before any product (:class:`tensornn.networks.moments.ProductPlan`).
    """
    bit_generator, precision = stream
    with one_blas_thread():
        sample = _block_sampler(network, inputs, precision)
        workspace = plan.workspace()
        sums = np.empty((len(blocks), len(plan.tuples)))
        for i, block in enumerate(blocks):
            count = min(block_size, n_networks - block * block_size)
            f = np.asarray(sample(count, block_generator(entropy, block, bit_generator)))
            if f.shape != (count, len(inputs)):
                raise InvalidArgumentError(
                    f"{type(network).__name__}.sample_outputs returned shape {f.shape}, expected {(count, len(inputs))}"
                )
            sums[i] = plan.sums(f, workspace)
    return sums


def _accepts_dtype(network) -> bool:
    try:
        parameters = inspect.signature(network.sample_outputs).parameters
    except (TypeError, ValueError):
        return False
    return "dtype" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _blocks_per_chunk(chunk_size, block_size, n_blocks, executor):
    """Blocks per task: from chunk_size, else 16, lowered with an executor so that every worker gets
    about four tasks (so no worker idles while another finishes a long last task)."""
    if chunk_size is not None:
        return -(-check_int("chunk_size", chunk_size, minimum=1) // block_size)
    workers = getattr(executor, "_max_workers", None) if executor is not None else None
    if not workers:
        return _DEFAULT_BLOCKS_PER_CHUNK
    return max(1, min(_DEFAULT_BLOCKS_PER_CHUNK, -(-n_blocks // (4 * workers))))


def _progress_callback(progress, total):
    if progress is None or progress is False:
        return None, None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="net", unit_scale=True)
        return bar.update, bar.close
    if callable(progress):
        return progress, None
    raise InvalidTypeError(f"progress must be None, True/False or a callable(n_done), got {type(progress).__name__}")


def sample_ensemble(
    network: NetworkSpec,
    inputs,
    n_networks,
    *,
    seed=None,
    chunk_size=None,
    executor=None,
    progress=None,
    tuples=None,
    block_size=DEFAULT_BLOCK_SIZE,
    n_groups=DEFAULT_N_GROUPS,
    max_pending=None,
    checkpoint=None,
    precision="float64",
    bit_generator="pcg64",
) -> EnsembleMoments:
    """Sample an ensemble in streamed blocks and accumulate sums of output products.

    For every requested index tuple (a_1..a_k) the result holds, per group of networks,
    sum_networks prod_i f(x_{a_i}); means and jackknife errors follow in :mod:`tensornn.correlators`.

    Parameters
    ----------
    network : NetworkSpec
        Any object with ``check_inputs`` and ``sample_outputs`` (e.g. :class:`~tensornn.networks.ScalarNetwork`);
        it must be picklable to run on a process pool or a dask cluster.
    inputs : array_like, shape (P, d_in)
        The inputs x_0..x_{P-1}.
    n_networks : int
        Number of independent networks, >= 1 (>= 2 * n_groups blocks recommended for errors).
    seed : None, int, SeedSequence or Generator
        Root of the block seed sequences; the entropy used is stored in the result.
    chunk_size : int, optional
        Networks per task, rounded up to whole blocks (default 16 blocks; with an executor fewer, so that
        every worker gets about four tasks). Does not change results.
    executor : concurrent.futures.Executor, optional
        Where tasks run (ThreadPoolExecutor, ProcessPoolExecutor, ``distributed.Client.get_executor()``);
        None runs serially. Does not change results.
    progress : None, bool or callable
        True shows a tqdm bar; a callable receives the number of networks finished by each task.
    tuples : None, int or iterable of index tuples
        None or 4: all sorted 1-, 2- and 4-tuples; 2: up to 2-point; 6: all sorted tuples up to 6-point.
        An iterable of tuples (lengths 1, 2, 4, 6) adds those, plus all 1- and 2-tuples and the
        4-sub-tuples of 6-tuples that connected functions need.
    block_size : int
        Networks per block, the unit of randomness (default 1024).
    n_groups : int
        Independent groups for error estimates (default 32; at most the number of blocks).
    max_pending : int, optional
        Tasks in flight at once with an executor (default 4 x its workers, or 8); bounds memory.
    checkpoint : path, optional
        A ``.npz`` file. After every completed chunk the group sums, group counts and the number
        of completed blocks are written to it atomically (temporary file, then rename), with a
        fingerprint of the configuration (network repr, inputs, entropy, n_networks, block_size,
        n_groups, tuples, stream version, precision, bit generator). If the file exists and its
        fingerprint matches, the completed blocks are skipped and the run resumes: the result is
        bitwise identical to an uninterrupted run.
        A checkpoint of another configuration raises :class:`~tensornn.errors.ConfigError`
        naming the settings that differ. Needs an explicit ``seed`` (not None). The file is kept
        after completion; a rerun then returns the stored result at once.
    precision : {"float64", "float32"}
        Precision of the draws and of the network evaluation (default "float64"). "float32" draws
        other numbers (numpy's float32 Gaussian sampler) and evaluates the network in float32; the
        products and sums are float64 either way. Needs a network whose ``sample_outputs`` accepts
        ``dtype`` (ScalarNetwork, BlockGaussNetwork, StructuredNetwork). Its measured effect on speed
        and accuracy is in docs/ensembles.md.
    bit_generator : {"pcg64", "sfc64"}
        The bit generator of the blocks (default "pcg64"); "sfc64" is faster and gives other numbers.

    Returns
    -------
    EnsembleMoments

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Bad sizes, seeds, tuples, precision or bit generator, or a network that is not a NetworkSpec.
    ConfigError
        ``checkpoint`` holds a run of a different configuration, or is not a checkpoint file.

    Examples
    --------
    >>> from tensornn.networks.scalar import ScalarNetwork
    >>> net = ScalarNetwork("erf", d_in=1, width=10, sigma_w=1.0)
    >>> m = sample_ensemble(net, [[0.1], [0.2]], 4096, seed=0, block_size=256, n_groups=8)
    >>> m.n_networks, m.n_groups
    (4096, 8)
    """
    if not isinstance(network, NetworkSpec):
        raise InvalidTypeError(
            f"network must implement check_inputs and sample_outputs (NetworkSpec), got {type(network).__name__}"
        )
    x = network.check_inputs(inputs)
    n_networks = check_count("n_networks", n_networks)
    block_size = check_int("block_size", block_size, minimum=1)
    n_blocks = -(-n_networks // block_size)
    n_groups = min(check_int("n_groups", n_groups, minimum=1), n_blocks)
    blocks_per_chunk = _blocks_per_chunk(chunk_size, block_size, n_blocks, executor)
    precision = check_precision(precision)
    bit_generator = check_bit_generator(bit_generator)
    if precision != "float64" and not _accepts_dtype(network):
        raise InvalidArgumentError(
            f"precision={precision!r} needs a network whose sample_outputs accepts a dtype keyword; "
            f"{type(network).__name__}.sample_outputs does not: use precision='float64'"
        )
    if checkpoint is not None and seed is None:
        raise InvalidArgumentError("checkpoint needs an explicit seed (an int); seed=None draws a new one each run")
    entropy = root_entropy(seed)
    check_sampling_memory(network, x, min(block_size, n_networks), min(blocks_per_chunk, n_blocks), tuples)
    stat_tuples = _closed_tuples(len(x), tuples)
    columns = [
        np.array([t for t in stat_tuples if len(t) == k], dtype=np.intp)
        for k in sorted({len(t) for t in stat_tuples})
    ]
    ordered = tuple(tuple(int(a) for a in row) for cols in columns for row in cols)
    plan = ProductPlan(ordered)
    stream = (bit_generator, precision)

    group_sums = np.zeros((n_groups, len(ordered)))
    group_counts = np.zeros(n_groups, dtype=np.int64)
    first_block = 0
    if checkpoint is not None:
        checkpoint = Path(checkpoint)
        fingerprint = _fingerprint(network, x, entropy, n_networks, block_size, n_groups, ordered,
                                   precision=precision, bit_generator=bit_generator)
        state = _read_checkpoint(checkpoint, fingerprint)
        if state is not None:
            group_sums, group_counts, first_block = state
    # Blocks before first_block are done; chunks start there so block order (and every bit) is kept.
    chunks = (  # a generator: 2**53 networks must not mean a list of 10**11 ranges
        range(s, min(s + blocks_per_chunk, n_blocks)) for s in range(first_block, n_blocks, blocks_per_chunk)
    )
    update, close = _progress_callback(progress, n_networks)
    args = (network, x, entropy, block_size, n_networks)
    if update is not None and first_block:
        update(int(group_counts.sum()))

    def absorb(chunk, sums):
        for b, row in zip(chunk, sums):
            g = b % n_groups
            group_sums[g] += row
            group_counts[g] += min(block_size, n_networks - b * block_size)
        if checkpoint is not None:
            _write_checkpoint(checkpoint, fingerprint, group_sums, group_counts, chunk[-1] + 1)
        if update is not None:
            update(int(sum(min(block_size, n_networks - b * block_size) for b in chunk)))

    pending: deque = deque()
    try:
        if executor is None:
            for chunk in chunks:
                absorb(chunk, _run_blocks(*args, chunk, plan, stream))
        else:
            if max_pending is None:
                workers = getattr(executor, "_max_workers", None)
                max_pending = 4 * workers if workers else 8
            max_pending = check_int("max_pending", max_pending, minimum=1)
            for chunk in chunks:
                pending.append((chunk, executor.submit(_run_blocks, *args, chunk, plan, stream)))
                if len(pending) >= max_pending:
                    done_chunk, future = pending.popleft()
                    absorb(done_chunk, future.result())
            while pending:
                done_chunk, future = pending.popleft()
                absorb(done_chunk, future.result())
    except BaseException:
        if executor is not None:
            for _, future in pending:
                future.cancel()
        raise
    finally:
        if close is not None:
            close()

    config = {
        "network": repr(network),
        "n_networks": n_networks,
        "block_size": block_size,
        "n_groups": n_groups,
        "entropy": entropy,
        "precision": precision,
        "bit_generator": bit_generator,
        "stream_version": STREAM_VERSION,
    }
    return EnsembleMoments(
        inputs=x,
        tuples=ordered,
        group_sums=group_sums,
        group_counts=group_counts,
        n_networks=n_networks,
        entropy=entropy,
        block_size=block_size,
        config=config,
    )


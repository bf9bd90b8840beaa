"""Monte-Carlo estimates of the 2- and connected 4-point functions of a network on given input points.

One estimator of G4c on quadruples (:func:`four_point_from_group_sums`): from per-group sums of a fourth
moment and of the six pair products it forms G4c = E4 - (E12 E34 + E13 E24 + E14 E23) and its delete-one-group
jackknife (errors and covariance across quadruples), in a :class:`FourPointMeasurement`. The sums come from
one of two samplers of the same networks:

- ``"outputs"`` (:func:`four_point_from_moments`): the outputs f themselves, streamed by
  :func:`tensornn.networks.sampling.sample_ensemble`;
- ``"conditional"`` (:func:`conditional_four_point`, Rao-Blackwell): for a network whose output is Gaussian given
  its hidden layer (a Gaussian read-out), the conditional covariance K_W (the network's
  ``block_sampler(..., conditional=True)``) replaces the outputs: E[f_a f_b | W] = K_W(a, b) and
  E[f_a f_b f_c f_d | W] = K_W(a,b) K_W(c,d) + K_W(a,c) K_W(b,d) + K_W(a,d) K_W(b,c). The read-out weights are
  integrated analytically, so the estimate has the same expectation and a smaller variance (the read-out's
  share of the fluctuation is gone).

A third, small direct estimator for tests and examples:

- :func:`four_point_from_moments` reads G4c on a list of quadruples, with jackknife errors and the
  jackknife covariance across quadruples, from the streamed ensemble of
  :func:`tensornn.networks.sampling.sample_ensemble` (the general machinery: seeded blocks, executors).
- :func:`estimate_correlators` is a small direct sampler for tests and examples: networks are drawn in
  ``n_blocks`` independent blocks (block b seeded by ``child_seed(seed, b)``), G2 is the mean of the block
  estimates with its standard error (std / sqrt(n_blocks)), and G4c is the one estimator above with the blocks as
  its groups.

Both give the covariance of the G4c estimates across quadruples, which the bubble fit needs: all
quadruples are measured on the same networks, so their errors are strongly correlated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_int
from .._deprecate import renamed
from .._random import child_seed, root_entropy
from ..correlators.estimators import connected_four_point, jackknife_covariance, jackknife_error
from ..networks.sampling import EnsembleMoments
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["BlockCorrelators", "FourPointMeasurement", "estimate_correlators", "four_point_from_moments",
           "four_point_from_group_sums", "conditional_four_point", "supports_conditional"]


@dataclass(frozen=True)
class BlockCorrelators:
    """Block estimates of G2 on all pairs and of G4c on the requested quadruples.

    Attributes
    ----------
    g2, g2_error : ndarray, shape (P, P)
        Connected 2-point function (covariance of outputs) and its standard error.
    g4c, g4c_error : ndarray, shape (Q,)
        Connected 4-point function (joint fourth cumulant) at the quadruples and its jackknife standard error
        (:func:`four_point_from_group_sums`, the blocks as groups).
    g4c_covariance : ndarray, shape (Q, Q)
        Jackknife covariance of the G4c estimates across quadruples; they are strongly correlated because all
        quadruples use the same networks.
    n_networks : int
    n_blocks : int
    """

    g2: np.ndarray
    g2_error: np.ndarray
    g4c: np.ndarray
    g4c_error: np.ndarray
    g4c_covariance: np.ndarray
    n_networks: int
    n_blocks: int

    def __repr__(self):
        return (f"BlockCorrelators(P={self.g2.shape[0]}, Q={self.g4c.shape[0]}, "
                f"n_networks={self.n_networks}, n_blocks={self.n_blocks})")


def _block_sums(f: np.ndarray, quadruples: np.ndarray, centred: bool):
    """G2 of one block and the sums over its networks of the seven columns (:data:`_LEGS`) of every quadruple."""
    if centred:
        f = f - f.mean(axis=0)
    g2 = f.T @ f / f.shape[0]
    legs = [f[:, quadruples[:, i]] for i in range(4)]
    sums = np.empty((7, len(quadruples)))
    sums[0] = np.sum(legs[0] * legs[1] * legs[2] * legs[3], axis=0)
    for c, (a, b) in enumerate(_LEGS[1:], start=1):
        sums[c] = np.sum(legs[a] * legs[b], axis=0)
    return g2, sums


def _child_generators(seed, n: int) -> list[np.random.Generator]:
    """n independent generators, block b seeded by ``child_seed(seed, b)`` (:mod:`tensornn._random`)."""
    entropy = root_entropy(seed)
    return [np.random.default_rng(child_seed(entropy, b)) for b in range(n)]


def estimate_correlators(network, inputs, quadruples, n_networks: int, *, seed=None, n_blocks: int = 50,
                         centred: bool = True) -> BlockCorrelators:
    """Estimate G2 and G4c of ``network`` (any NetworkSpec) by direct sampling.

    G4c(x_i, x_j, x_k, x_l) = E[f_i f_j f_k f_l] - (G2_ij G2_kl + G2_ik G2_jl + G2_il G2_jk) with f
    centred by its sample mean (``centred=True``) or taken as zero-mean (``centred=False``, exact for
    networks without biases and lower in variance).

    Parameters
    ----------
    network : NetworkSpec
        Provides ``check_inputs`` and ``sample_outputs(inputs, n, rng)``.
    inputs : array, shape (P, ...)
    quadruples : int array, shape (Q, 4)
        Indices into the input points.
    n_networks : int
        Total number of networks, split into ``n_blocks`` equal blocks (the remainder is dropped).
    seed : None, int, SeedSequence or Generator
    n_blocks : int
        >= 2; G2 errors are the spread of the block estimates / sqrt(n_blocks), G4c errors the jackknife over blocks.

    Returns
    -------
    BlockCorrelators
    """
    x = network.check_inputs(inputs)
    q = np.asarray(quadruples, dtype=int)
    if q.ndim != 2 or q.shape[1] != 4 or (q.size and (q.min() < 0 or q.max() >= x.shape[0])):
        raise InvalidArgumentError(
            f"quadruples must be an int array of shape (Q, 4) with entries in 0..{x.shape[0] - 1}, got shape {q.shape}"
        )
    n_blocks = check_int("n_blocks", n_blocks, minimum=2)
    n_networks = check_int("n_networks", n_networks, minimum=n_blocks)
    block = n_networks // n_blocks
    children = _child_generators(seed, n_blocks)
    g2s, group_sums = [], np.empty((n_blocks, 7, len(q)))
    for b, child in enumerate(children):
        g2, group_sums[b] = _block_sums(network.sample_outputs(x, block, child), q, centred)
        g2s.append(g2)
    g2a = np.array(g2s)
    four = four_point_from_group_sums(q, group_sums, np.full(n_blocks, block, dtype=np.int64))
    return BlockCorrelators(g2=g2a.mean(0), g2_error=g2a.std(0, ddof=1) / np.sqrt(n_blocks), g4c=four.values,
                            g4c_error=four.error, g4c_covariance=four.covariance, n_networks=block * n_blocks,
                            n_blocks=n_blocks)


@dataclass(frozen=True)
class FourPointMeasurement:
    """G4c on a list of quadruples with jackknife errors and covariance.

    Attributes
    ----------
    quadruples : ndarray, shape (Q, 4)
    values, error : ndarray, shape (Q,)
        Plug-in G4c = E f_i f_j f_k f_l - (E f_i f_j E f_k f_l + 2 perms) (zero-mean networks) and
        the delete-one-group jackknife standard errors.
    covariance : ndarray, shape (Q, Q)
        Jackknife covariance (g - 1)/g sum_g (r_g - rbar)(r_g - rbar)^T over the group replicas.
    n_networks, n_groups : int
    group_sums : ndarray, shape (n_groups, 7, Q), optional
        Per group, the sums over its networks of f_i f_j f_k f_l and of the six pair products
        f_i f_j, f_k f_l, f_i f_k, f_j f_l, f_i f_l, f_j f_k of every quadruple (i, j, k, l): enough to
        re-estimate G4c on any subset of groups (:meth:`estimates`).
    group_counts : ndarray of int, shape (n_groups,), optional
    estimator : str
        "outputs" (the sampled outputs) or "conditional" (the read-out integrated given the hidden layer);
        the group sums then hold the conditional moments.
    """

    quadruples: np.ndarray
    values: np.ndarray
    error: np.ndarray
    covariance: np.ndarray
    n_networks: int
    n_groups: int
    group_sums: np.ndarray | None = None
    group_counts: np.ndarray | None = None
    estimator: str = "outputs"

    errors = renamed("errors", "error")

    def estimates(self, groups=None) -> tuple[np.ndarray, np.ndarray]:
        """G4c from the networks of ``groups`` (default all) and its delete-one-group replicas.

        Returns
        -------
        values : ndarray, shape (Q,)
        replicas : ndarray, shape (len(groups), Q)
            The estimate with each group of ``groups`` left out in turn.
        """
        group_sums, group_counts = self.group_sums, self.group_counts
        if group_sums is None or group_counts is None:
            raise InvalidArgumentError("this measurement keeps no group sums; build it with four_point_from_moments")
        groups = np.arange(self.n_groups) if groups is None else np.asarray(groups, dtype=int)
        if groups.ndim != 1 or groups.size < 2 or groups.min() < 0 or groups.max() >= self.n_groups:
            raise InvalidArgumentError(f"groups must list at least 2 group numbers in 0..{self.n_groups - 1}")
        sums, counts = group_sums[groups], group_counts[groups]
        total, n = sums.sum(axis=0), counts.sum()
        values = _g4c_of_means(total / n)
        replicas = _g4c_of_means((total[None] - sums) / (n - counts)[:, None, None])
        return values, replicas

    def __repr__(self):
        return (f"FourPointMeasurement(Q={len(self.values)}, n_networks={self.n_networks}, n_groups={self.n_groups}, "
                f"estimator={self.estimator!r})")


def _g4c_of_means(means: np.ndarray) -> np.ndarray:
    """G4c from means of shape (..., 7, Q) (the columns of :data:`_LEGS`), by the one formula."""
    return connected_four_point(*(means[..., c, :] for c in range(7)))


#: The legs of the seven columns of the group sums: the fourth moment and the six pair products.
_LEGS = ((0, 1, 2, 3), (0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2))


def _check_quadruples(quadruples) -> np.ndarray:
    q = np.asarray(quadruples)
    if q.ndim != 2 or q.shape[1] != 4 or not np.issubdtype(q.dtype, np.integer):
        raise InvalidArgumentError(f"quadruples must be an int array of shape (Q, 4), got {q.dtype} {q.shape}")
    return q.astype(np.intp)


def four_point_from_group_sums(quadruples, group_sums, group_counts, *, estimator: str = "outputs"
                               ) -> FourPointMeasurement:
    """The G4c estimator: plug-in value and delete-one-group jackknife from per-group sums.

    Parameters
    ----------
    quadruples : int array, shape (Q, 4)
    group_sums : array, shape (G, 7, Q)
        Per group, the sums over its networks of the fourth moment and of the six pair products of every
        quadruple (the columns of :data:`_LEGS`).
    group_counts : int array, shape (G,)
        Networks per group (G >= 2).
    estimator : str
        Recorded in the result ("outputs" or "conditional").

    Returns
    -------
    FourPointMeasurement
        values = G4c of the pooled means; covariance = (G - 1)/G sum_g (r_g - rbar)(r_g - rbar)^T over the
        leave-one-group-out replicas r_g; errors its diagonal's square root.
    """
    q = _check_quadruples(quadruples)
    sums = np.asarray(group_sums, dtype=float)
    counts = np.asarray(group_counts)
    g = counts.shape[0] if counts.ndim == 1 else 0
    if sums.shape != (g, 7, len(q)):
        raise InvalidArgumentError(f"group_sums must have shape (G, 7, Q) = ({g}, 7, {len(q)}), got {sums.shape}")
    if g < 2:
        raise InvalidArgumentError("errors need at least 2 groups of networks; pass n_groups >= 2")
    total, n = sums.sum(axis=0), int(counts.sum())
    values = _g4c_of_means(total / n)
    replicas = _g4c_of_means((total[None] - sums) / (n - counts)[:, None, None])
    return FourPointMeasurement(q, values, jackknife_error(replicas), jackknife_covariance(replicas), n, g, sums,
                                counts.astype(np.int64), estimator)


def four_point_from_moments(moments, quadruples) -> FourPointMeasurement:
    """Connected 4-point functions of a zero-mean ensemble at the quadruples, from EnsembleMoments.

    Parameters
    ----------
    moments : EnsembleMoments
        From ``sample_ensemble(network, inputs, n, tuples=...)``; the sorted 4-tuples of every
        quadruple must have been accumulated (the default ``tuples=None`` takes all of them).
    quadruples : int array, shape (Q, 4)

    Returns
    -------
    FourPointMeasurement
        :func:`four_point_from_group_sums` of the ensemble's group sums (estimator "outputs").
    """
    if not isinstance(moments, EnsembleMoments):
        raise InvalidTypeError(f"moments must be an EnsembleMoments from sample_ensemble, got {type(moments).__name__}")
    q = _check_quadruples(quadruples)
    columns = np.array([[moments.column(row[list(leg)]) for row in q] for leg in _LEGS])  # (7, Q)
    if moments.n_groups < 2:
        raise InvalidArgumentError("errors need at least 2 groups of networks; pass n_groups >= 2 to sample_ensemble")
    return four_point_from_group_sums(q, moments.group_sums[:, columns], np.asarray(moments.group_counts))


def _conditional_block_sums(network, inputs, quadruples, entropy, block_size, n_networks, blocks):
    """Per block: the seven columns summed over its networks from the conditional covariances, (len(blocks), 7, Q)."""
    from ..networks._blas import one_blas_thread
    from ..networks.streams import block_generator

    q = quadruples
    out = np.empty((len(blocks), 7, len(q)))
    with one_blas_thread():
        sample = network.block_sampler(inputs, conditional=True)
        for i, block in enumerate(blocks):
            count = min(block_size, n_networks - block * block_size)
            k = np.asarray(sample(count, block_generator(entropy, block)), dtype=float)
            if k.shape != (count, len(inputs), len(inputs)):
                raise InvalidArgumentError(f"{type(network).__name__}.block_sampler(conditional=True) returned shape "
                                           f"{k.shape}, expected {(count, len(inputs), len(inputs))}")
            pairs = [k[:, q[:, a], q[:, b]] for a, b in _LEGS[1:]]  # six (count, Q)
            out[i, 0] = np.sum(pairs[0] * pairs[1] + pairs[2] * pairs[3] + pairs[4] * pairs[5], axis=0)
            for c, p in enumerate(pairs, start=1):
                out[i, c] = p.sum(axis=0)
    return out


def supports_conditional(network) -> bool:
    """Whether ``network`` can give the covariance of its outputs given its hidden layer (a Gaussian read-out):
    its ``block_sampler`` takes ``conditional``."""
    import inspect

    sampler = getattr(network, "block_sampler", None)
    if sampler is None:
        return False
    try:
        return "conditional" in inspect.signature(sampler).parameters
    except (TypeError, ValueError):
        return False


def conditional_four_point(network, inputs, quadruples, n_networks: int, *, seed=0, n_groups: int = 32,
                           block_size: int = 1024, executor=None) -> FourPointMeasurement:
    """G4c with the read-out integrated analytically given the hidden layer (the Rao-Blackwell estimator).

    The networks are those :func:`tensornn.networks.sampling.sample_ensemble` draws with the same seed and
    block size (block b from its own generator, block b in group b mod n_groups), so the two estimators are
    paired. Their expectations are equal; the variance of this one is smaller.

    Parameters
    ----------
    network : a network whose ``block_sampler`` takes ``conditional`` (:func:`supports_conditional`)
    inputs : array, shape (P, ...)
    quadruples : int array, shape (Q, 4)
    n_networks, seed, n_groups, block_size
        As :func:`tensornn.networks.sampling.sample_ensemble`.
    executor : concurrent.futures.Executor, optional
        Where the chunks of blocks run; the numbers do not depend on it.

    Returns
    -------
    FourPointMeasurement
        With estimator "conditional".
    """
    if not supports_conditional(network):
        raise InvalidArgumentError(f"{type(network).__name__} has no conditional sampler (block_sampler with "
                                   "conditional=True): its read-out cannot be integrated; use the outputs estimator")
    x = network.check_inputs(inputs)
    q = _check_quadruples(quadruples)
    if q.size and (q.min() < 0 or q.max() >= len(x)):
        raise InvalidArgumentError(f"quadruples index the {len(x)} inputs, got entries {q.min()}..{q.max()}")
    n_networks = check_int("n_networks", n_networks, minimum=2)
    block_size = check_int("block_size", block_size, minimum=1)
    n_blocks = -(-n_networks // block_size)
    n_groups = min(check_int("n_groups", n_groups, minimum=2), n_blocks)
    entropy = root_entropy(seed)
    per_task = 16 if executor is None else max(1, -(-n_blocks // (4 * (getattr(executor, "_max_workers", 2) or 2))))
    chunks = [range(s, min(s + per_task, n_blocks)) for s in range(0, n_blocks, per_task)]
    args = (network, x, q, entropy, block_size, n_networks)
    if executor is None:
        results = [_conditional_block_sums(*args, c) for c in chunks]
    else:
        results = [f.result() for f in [executor.submit(_conditional_block_sums, *args, c) for c in chunks]]
    group_sums = np.zeros((n_groups, 7, len(q)))
    group_counts = np.zeros(n_groups, dtype=np.int64)
    for chunk, sums in zip(chunks, results):
        for b, row in zip(chunk, sums):
            group_sums[b % n_groups] += row
            group_counts[b % n_groups] += min(block_size, n_networks - b * block_size)
    return four_point_from_group_sums(q, group_sums, group_counts, estimator="conditional")

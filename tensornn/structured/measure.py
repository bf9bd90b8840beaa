"""Monte-Carlo estimates of the 2- and connected 4-point functions of a network on given input points.

Two paths that must agree:

- :func:`four_point_from_moments` reads G4c on a list of quadruples, with jackknife errors and the
  jackknife covariance across quadruples, from the streamed ensemble of
  :func:`tensornn.networks.sampling.sample_ensemble` (the general machinery: seeded blocks, executors).
- :func:`estimate_correlators` is a small direct estimator: networks are drawn in ``n_blocks``
  independent blocks (block b seeded by ``child_seed(seed, b)``), the plug-in joint cumulant is computed per block
  and the blocks give the mean and its standard error (std / sqrt(n_blocks)).

Both give the covariance of the G4c estimates across quadruples, which the bubble fit needs: all
quadruples are measured on the same networks, so their errors are strongly correlated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_int
from .._random import child_seed, root_entropy
from ..networks.sampling import EnsembleMoments
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["BlockCorrelators", "FourPointMeasurement", "estimate_correlators", "four_point_from_moments"]


@dataclass(frozen=True)
class BlockCorrelators:
    """Block estimates of G2 on all pairs and of G4c on the requested quadruples.

    Attributes
    ----------
    g2, g2_error : ndarray, shape (P, P)
        Connected 2-point function (covariance of outputs) and its standard error.
    g4c, g4c_error : ndarray, shape (Q,)
        Connected 4-point function (joint fourth cumulant) at the quadruples and its standard error.
    g4c_covariance : ndarray, shape (Q, Q)
        Covariance of the G4c estimates across quadruples (block covariance / n_blocks); they are
        strongly correlated because all quadruples use the same networks.
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


def _block_cumulants(f: np.ndarray, quadruples: np.ndarray, centred: bool):
    if centred:
        f = f - f.mean(axis=0)
    g2 = f.T @ f / f.shape[0]
    a, b, c, d = (f[:, quadruples[:, i]] for i in range(4))
    m4 = np.mean(a * b * c * d, axis=0)
    i, j, k, l = quadruples.T
    g4c = m4 - g2[i, j] * g2[k, l] - g2[i, k] * g2[j, l] - g2[i, l] * g2[j, k]
    return g2, g4c


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
        >= 2; the standard errors are the spread of the block estimates / sqrt(n_blocks).

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
    g2s, g4s = [], []
    for child in children:
        f = network.sample_outputs(x, block, child)
        g2, g4c = _block_cumulants(f, q, centred)
        g2s.append(g2)
        g4s.append(g4c)
    g2a, g4a = np.array(g2s), np.array(g4s)
    root = np.sqrt(n_blocks)
    return BlockCorrelators(g2=g2a.mean(0), g2_error=g2a.std(0, ddof=1) / root, g4c=g4a.mean(0),
                              g4c_error=g4a.std(0, ddof=1) / root,
                              g4c_covariance=np.cov(g4a, rowvar=False, ddof=1).reshape(len(q), len(q)) / n_blocks,
                              n_networks=block * n_blocks, n_blocks=n_blocks)


@dataclass(frozen=True)
class FourPointMeasurement:
    """G4c on a list of quadruples with jackknife errors and covariance.

    Attributes
    ----------
    quadruples : ndarray, shape (Q, 4)
    values, errors : ndarray, shape (Q,)
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
    """

    quadruples: np.ndarray
    values: np.ndarray
    errors: np.ndarray
    covariance: np.ndarray
    n_networks: int
    n_groups: int
    group_sums: np.ndarray | None = None
    group_counts: np.ndarray | None = None

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
        return f"FourPointMeasurement(Q={len(self.values)}, n_networks={self.n_networks}, n_groups={self.n_groups})"


def _g4c_of_means(means: np.ndarray) -> np.ndarray:
    """G4c from means of shape (..., 7, Q): the fourth moment minus the three products of pair means."""
    return means[..., 0, :] - (means[..., 1, :] * means[..., 2, :] + means[..., 3, :] * means[..., 4, :]
                               + means[..., 5, :] * means[..., 6, :])


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
    """
    if not isinstance(moments, EnsembleMoments):
        raise InvalidTypeError(f"moments must be an EnsembleMoments from sample_ensemble, got {type(moments).__name__}")
    q = np.asarray(quadruples, dtype=int)
    if q.ndim != 2 or q.shape[1] != 4:
        raise InvalidArgumentError(f"quadruples must have shape (Q, 4), got {q.shape}")
    legs = [(0, 1, 2, 3), (0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2)]
    columns = np.array([[moments.column(row[list(leg)]) for row in q] for leg in legs])  # (7, Q)
    g = moments.n_groups
    if g < 2:
        raise InvalidArgumentError("errors need at least 2 groups of networks; pass n_groups >= 2 to sample_ensemble")
    group_sums = moments.group_sums[:, columns]  # (g, 7, Q)
    values = _g4c_of_means(moments.sums[columns] / moments.n_networks)
    replicas = _g4c_of_means(moments.leave_one_group_out_means()[:, columns])
    centred = replicas - replicas.mean(axis=0)
    covariance = (g - 1) / g * centred.T @ centred
    return FourPointMeasurement(q, values, np.sqrt(np.diag(covariance)), covariance, moments.n_networks, g,
                                group_sums, np.asarray(moments.group_counts))

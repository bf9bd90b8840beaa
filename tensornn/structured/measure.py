"""Monte-Carlo estimates of the 2- and connected 4-point functions of a network on given input points.

Two paths that must agree:

- :func:`four_point_from_moments` reads G4c on a list of quadruples, with jackknife errors and the
  jackknife covariance across quadruples, from the streamed ensemble of
  :func:`tensornn.ensemble.sample_ensemble` (the general machinery: seeded blocks, executors).
- :func:`estimate_correlators` is a small direct estimator: networks are drawn in ``n_blocks``
  independent blocks (each with its own child seed), the plug-in joint cumulant is computed per block
  and the blocks give the mean and its standard error (std / sqrt(n_blocks)).

Both give the covariance of the G4c estimates across quadruples, which the bubble fit needs: all
quadruples are measured on the same networks, so their errors are strongly correlated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_int
from .._random import as_generator
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
    """n independent generators derived from ``seed`` (validated as in :func:`as_generator`)."""
    if isinstance(seed, np.random.Generator):
        return seed.spawn(n)
    as_generator(seed)
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return [np.random.default_rng(child) for child in sequence.spawn(n)]


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
    g2s, g4s = np.array(g2s), np.array(g4s)
    root = np.sqrt(n_blocks)
    return BlockCorrelators(g2=g2s.mean(0), g2_error=g2s.std(0, ddof=1) / root, g4c=g4s.mean(0),
                              g4c_error=g4s.std(0, ddof=1) / root,
                              g4c_covariance=np.cov(g4s, rowvar=False, ddof=1).reshape(len(q), len(q)) / n_blocks,
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
    """

    quadruples: np.ndarray
    values: np.ndarray
    errors: np.ndarray
    covariance: np.ndarray
    n_networks: int
    n_groups: int

    def __repr__(self):
        return f"FourPointMeasurement(Q={len(self.values)}, n_networks={self.n_networks}, n_groups={self.n_groups})"


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
    c4 = np.array([moments.column(row) for row in q])
    pairs = [(0, 1, 2, 3), (0, 2, 1, 3), (0, 3, 1, 2)]
    c2 = [(np.array([moments.column((r[a], r[b])) for r in q]), np.array([moments.column((r[c], r[d])) for r in q]))
          for a, b, c, d in pairs]

    def g4c(means):
        return means[..., c4] - sum(means[..., i] * means[..., j] for i, j in c2)

    values = g4c(moments.sums / moments.n_networks)
    g = moments.n_groups
    if g < 2:
        raise InvalidArgumentError("errors need at least 2 groups of networks; pass n_groups >= 2 to sample_ensemble")
    replicas = g4c(moments.leave_one_group_out_means())
    centred = replicas - replicas.mean(axis=0)
    covariance = (g - 1) / g * centred.T @ centred
    return FourPointMeasurement(q, values, np.sqrt(np.diag(covariance)), covariance, moments.n_networks, g)
